"""MXNet's multi-tensor LAMB ops (plugins/cpu/multi_lamb.cc).  Per tensor,
two launches: the moments (mean and var updated in place, one program per
block), then one program that walks the tensor twice -- the norms of the
weight and of the direction d (recomputed from the stored moments, in
float64, in a fixed order), then the trust-ratio step -- so the result does
not depend on scheduling (as multi_array.py's reductions)."""
import numpy as np
import triton
import triton.language as tl

from ..jit_helpers import compute_type, div_rn, scalar_from_bits, sqrt_rn
from ..launch import launch
from ..registry import KernelError, register
from ..scalars import as_bits
from ..strides import write_request
from .optimizer import BLOCK, DTYPES, _clip, _elements


@triton.jit
def lamb_moments_kernel(g_ptr, mean_ptr, var_ptr, n, beta1, beta2, rescale_grad, clip_gradient, BLOCK: tl.constexpr):
    i, mask = _elements(n, BLOCK)
    C: tl.constexpr = compute_type(mean_ptr.dtype.element_ty)  # the weight's, float32 in mixed precision
    g = _clip(tl.cast(rescale_grad, C) * tl.load(g_ptr + i, mask=mask).to(C), tl.cast(clip_gradient, C))
    beta1, beta2 = tl.cast(beta1, C), tl.cast(beta2, C)
    m = beta1 * tl.load(mean_ptr + i, mask=mask).to(C) + (1 - beta1) * g
    v = beta2 * tl.load(var_ptr + i, mask=mask).to(C) + (1 - beta2) * g * g
    tl.store(mean_ptr + i, m.to(mean_ptr.dtype.element_ty), mask=mask)
    tl.store(var_ptr + i, v.to(var_ptr.dtype.element_ty), mask=mask)


@triton.jit
def _direction(mean_ptr, var_ptr, w, i, mask, bias1, bias2, epsilon, wd, C: tl.constexpr):
    """LAMB's phase-1 direction from the stored moments."""
    m = tl.load(mean_ptr + i, mask=mask, other=0).to(C)
    v = tl.load(var_ptr + i, mask=mask, other=0).to(C)
    return div_rn(div_rn(m, bias1), sqrt_rn(div_rn(v, bias2)) + tl.cast(epsilon, C)) + tl.cast(wd, C) * w


@triton.jit(do_not_specialize=["bias1_bits", "bias2_bits"])
def lamb_step_kernel(w_ptr, mean_ptr, var_ptr, w32_ptr, out_ptr, n, lr, wd, epsilon, bias1_bits, bias2_bits,
                     lower_bound, upper_bound, MIXED: tl.constexpr, BLOCK: tl.constexpr):
    """out = master - lr * r * d with r = clamp(||weight||) / ||d|| (1 when
    either is 0); bias1 and bias2 are 1 - beta^step as float64 bits."""
    C: tl.constexpr = tl.float32 if MIXED else compute_type(w_ptr.dtype.element_ty)
    bias1 = scalar_from_bits(bias1_bits, tl.float64, C)
    bias2 = scalar_from_bits(bias2_bits, tl.float64, C)
    weight_sq = tl.zeros([BLOCK], tl.float64)
    direction_sq = tl.zeros([BLOCK], tl.float64)
    for start in range(0, n, BLOCK):
        i = start + tl.arange(0, BLOCK).to(tl.int64)
        mask = i < n
        weight = tl.load(w_ptr + i, mask=mask, other=0).to(tl.float64)  # the norm of the weight as given
        if MIXED:
            w = tl.load(w32_ptr + i, mask=mask, other=0)
        else:
            w = weight.to(C)
        d = tl.where(mask, _direction(mean_ptr, var_ptr, w, i, mask, bias1, bias2, epsilon, wd, C), 0)
        weight_sq += weight * weight
        direction_sq += d.to(tl.float64) * d.to(tl.float64)
    r1 = sqrt_rn(tl.sum(weight_sq, axis=0)).to(C)
    r2 = sqrt_rn(tl.sum(direction_sq, axis=0)).to(C)
    r1 = tl.where(lower_bound >= 0, tl.maximum(r1, tl.cast(lower_bound, C)), r1)
    r1 = tl.where(upper_bound >= 0, tl.minimum(r1, tl.cast(upper_bound, C)), r1)
    keep_lr = (r1 == 0) | (r2 == 0)
    lr = tl.cast(lr, C)
    step = tl.where(keep_lr, lr, lr * div_rn(r1, tl.where(keep_lr, 1, r2)))  # both branches are computed
    for start in range(0, n, BLOCK):
        i = start + tl.arange(0, BLOCK).to(tl.int64)
        mask = i < n
        if MIXED:
            w = tl.load(w32_ptr + i, mask=mask)
        else:
            w = tl.load(w_ptr + i, mask=mask).to(C)
        new = w - step * _direction(mean_ptr, var_ptr, w, i, mask, bias1, bias2, epsilon, wd, C)
        if MIXED:
            tl.store(w32_ptr + i, new, mask=mask)
        tl.store(out_ptr + i, new.to(out_ptr.dtype.element_ty), mask=mask)


def _multi_lamb(mixed):
    stride = 5 if mixed else 4

    def launcher(call):
        if not all(t.is_contiguous() for t in list(call.inputs) + list(call.outputs)):
            raise KernelError(f"{call.op} needs contiguous arrays")
        a = call.attrs
        beta1, beta2 = np.float32(a["beta1"]), np.float32(a["beta2"])
        for k in range(a["num_tensors"]):
            w, g, mean, var = call.inputs[k * stride:k * stride + 4]
            if not write_request(call, k) or not w.numel:
                continue
            w32 = call.inputs[k * stride + 4] if mixed else w
            launch(lamb_moments_kernel, (triton.cdiv(w.numel, BLOCK),), g, mean, var, w.numel, float(beta1),
                   float(beta2), float(a["rescale_grad"]), float(a["clip_gradient"]), BLOCK=BLOCK)
            # 1 - beta^step of the float32 betas, as the CPU kernel; 1: no bias correction
            t = a["step_count"][k]
            bias1, bias2 = (1 - float(beta1) ** t, 1 - float(beta2) ** t) if a["bias_correction"] else (1.0, 1.0)
            launch(lamb_step_kernel, (1,), w, mean, var, w32, call.outputs[k], w.numel, float(a["learning_rates"][k]),
                   float(a["wds"][k]), float(a["epsilon"]), as_bits(bias1, "float64"), as_bits(bias2, "float64"),
                   float(a["lower_bound"]), float(a["upper_bound"]), MIXED=mixed, BLOCK=BLOCK)
    return launcher


register("_multi_lamb_update", dtypes=DTYPES)(_multi_lamb(False))
register("_multi_mp_lamb_update", dtypes=DTYPES)(_multi_lamb(True))
