"""MXNet's AdamW ops (plugins/cpu/adamw_update.cc): one elementwise pass per
weight that updates mean and var in place and writes the new weight (the
mp_ forms in float32 on the master copy weight32).  rescale_grad's first
value is read on the device, so a loss scaler's array never syncs to the
host; 0, inf or NaN skips the update: the output gets the weight and no
state changes."""
import triton
import triton.language as tl

from ..jit_helpers import compute_type, div_rn, sqrt_rn
from ..launch import launch
from ..registry import KernelError, register
from ..strides import write_request
from .optimizer import BLOCK, DTYPES, _clip, _elements


@triton.jit
def adamw_kernel(w_ptr, g_ptr, mean_ptr, var_ptr, w32_ptr, scale_ptr, out_ptr, n, lr, eta, wd, beta1, beta2,
                 epsilon, clip_gradient, MIXED: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = _elements(n, BLOCK)
    C: tl.constexpr = tl.float32 if MIXED else compute_type(w_ptr.dtype.element_ty)
    scale = tl.load(scale_ptr).to(tl.float32)  # MXNet reads it as float
    apply = (scale != 0) & (tl.abs(scale) < float("inf"))  # NaN compares false
    weight = tl.load(w_ptr + i, mask=mask)
    if MIXED:
        w = tl.load(w32_ptr + i, mask=mask)
    else:
        w = weight.to(C)
    g = _clip(scale.to(C) * tl.load(g_ptr + i, mask=mask).to(C), tl.cast(clip_gradient, C))
    beta1, beta2 = tl.cast(beta1, C), tl.cast(beta2, C)
    mean = tl.load(mean_ptr + i, mask=mask)
    var = tl.load(var_ptr + i, mask=mask)
    m = beta1 * mean.to(C) + (1 - beta1) * g
    v = beta2 * var.to(C) + (1 - beta2) * g * g
    # a skipped update writes back what it read
    tl.store(mean_ptr + i, tl.where(apply, m.to(mean_ptr.dtype.element_ty), mean), mask=mask)
    tl.store(var_ptr + i, tl.where(apply, v.to(var_ptr.dtype.element_ty), var), mask=mask)
    new = w - tl.cast(eta, C) * (div_rn(tl.cast(lr, C) * m, sqrt_rn(v) + tl.cast(epsilon, C)) + tl.cast(wd, C) * w)
    if MIXED:
        tl.store(w32_ptr + i, tl.where(apply, new, w), mask=mask)
    tl.store(out_ptr + i, tl.where(apply, new.to(out_ptr.dtype.element_ty), weight), mask=mask)


def _adamw(mixed, multi):
    """_adamw_update and its mp_ / _multi_ forms: one adamw_kernel launch per
    weight, whose group starts at input i * stride; rescale_grad is the last
    input."""
    stride = 5 if mixed else 4

    def launcher(call):
        if not all(t.is_contiguous() for t in list(call.inputs) + list(call.outputs)):
            raise KernelError(f"{call.op} needs contiguous arrays")
        scale = call.inputs[-1]
        if not scale.numel:
            raise KernelError(f"{call.op}: rescale_grad holds no value")
        params = [float(call.attrs[name]) for name in ("beta1", "beta2", "epsilon", "clip_gradient")]
        for k in range(call.attrs["num_weights"] if multi else 1):
            w, g, mean, var = call.inputs[k * stride:k * stride + 4]
            if not write_request(call, k) or not w.numel:
                continue
            if multi:
                lr, eta, wd = (float(call.attrs[name][k]) for name in ("lrs", "etas", "wds"))
            else:
                lr, eta, wd = (float(call.attrs[name]) for name in ("lr", "eta", "wd"))
            w32 = call.inputs[k * stride + 4] if mixed else w
            launch(adamw_kernel, (triton.cdiv(w.numel, BLOCK),), w, g, mean, var, w32, scale, call.outputs[k],
                   w.numel, lr, eta, wd, *params, MIXED=mixed, BLOCK=BLOCK)
    return launcher


for _multi in (False, True):
    for _mixed in (False, True):
        register("_%s%sadamw_update" % ("multi_" if _multi else "", "mp_" if _mixed else ""),
                 dtypes=DTYPES)(_adamw(_mixed, _multi))
