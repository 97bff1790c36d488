"""MXNet's optimizer update ops (plugins/cpu/optimizer_update.cc): one
elementwise pass that updates the states in place (inputs 2 onwards) and
writes the new weight (multi_* ops: one pass per weight).  Arithmetic runs in the weight's compute type, the
mp_* ops in float32 on the master copy weight32.  Float parameters travel
as float32, which is how MXNet stores them."""
import numpy as np
import triton
import triton.language as tl

from ..jit_helpers import compute_type, div_rn, scalar_from_bits, sqrt_rn
from ..launch import launch
from ..registry import KernelError, register
from ..scalars import as_bits
from ..strides import write_request

DTYPES = ("float32", "float64", "float16")
BLOCK = 1024


@triton.jit
def _clip(x, bound):
    """x clipped to [-bound, bound]; bound < 0: unchanged."""
    return tl.where(bound >= 0, tl.minimum(tl.maximum(x, -bound), bound), x)


@triton.jit
def _sign(x):
    return (x > 0).to(x.dtype) - (x < 0).to(x.dtype)


@triton.jit
def _elements(n, BLOCK: tl.constexpr):
    i = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    return i, i < n


@triton.jit
def sgd_kernel(w_ptr, g_ptr, mom_ptr, w32_ptr, out_ptr, n, lr, wd, rescale_grad, clip_gradient, momentum, lrs_ptr,
               wds_ptr, index, MOMENTUM: tl.constexpr, NESTEROV: tl.constexpr, MIXED: tl.constexpr,
               PRELOADED: tl.constexpr, BLOCK: tl.constexpr):
    """PRELOADED: lr and wd are entry `index` of the float32 arrays lrs_ptr
    and wds_ptr (preloaded_multi_*), else the scalars lr and wd."""
    i, mask = _elements(n, BLOCK)
    C: tl.constexpr = tl.float32 if MIXED else compute_type(w_ptr.dtype.element_ty)
    if MIXED:
        w = tl.load(w32_ptr + i, mask=mask)
    else:
        w = tl.load(w_ptr + i, mask=mask).to(C)
    if PRELOADED:
        lr, wd = tl.load(lrs_ptr + index).to(C), tl.load(wds_ptr + index).to(C)
    else:
        lr, wd = tl.cast(lr, C), tl.cast(wd, C)
    g = _clip(tl.cast(rescale_grad, C) * tl.load(g_ptr + i, mask=mask).to(C), tl.cast(clip_gradient, C))
    if NESTEROV:
        m = tl.cast(momentum, C) * tl.load(mom_ptr + i, mask=mask).to(C)
        new = w - m + (tl.cast(momentum, C) + 1) * (m - lr * (g + wd * w))
        # MXNet's kernel reads the new weight for mom's weight decay
        tl.store(mom_ptr + i, (m - lr * (g + wd * new)).to(mom_ptr.dtype.element_ty), mask=mask)
    elif MOMENTUM:
        m = tl.cast(momentum, C) * tl.load(mom_ptr + i, mask=mask).to(C) - lr * wd * w - lr * g
        tl.store(mom_ptr + i, m.to(mom_ptr.dtype.element_ty), mask=mask)
        new = w + m
    else:
        new = (1 - lr * wd) * w - lr * g
    if MIXED:
        tl.store(w32_ptr + i, new, mask=mask)
    tl.store(out_ptr + i, new.to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit
def sign_kernel(w_ptr, g_ptr, mom_ptr, out_ptr, n, lr, wd, rescale_grad, clip_gradient, momentum, wd_lh,
                MOMENTUM: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = _elements(n, BLOCK)
    C: tl.constexpr = compute_type(w_ptr.dtype.element_ty)
    w = tl.load(w_ptr + i, mask=mask).to(C)
    g = tl.load(g_ptr + i, mask=mask).to(C)
    if MOMENTUM:  # signum: mom holds the negated momentum
        mu = tl.cast(momentum, C)
        m = mu * tl.load(mom_ptr + i, mask=mask).to(C) - (1 - mu) * (
            tl.cast(wd, C) * w + _clip(tl.cast(rescale_grad, C) * g, tl.cast(clip_gradient, C)))
        m = m.to(mom_ptr.dtype.element_ty)
        tl.store(mom_ptr + i, m, mask=mask)
        new = (1 - tl.cast(lr, C) * tl.cast(wd_lh, C)) * w + tl.cast(lr, C) * _sign(m.to(C))
    else:  # signsgd: rescaling and clipping keep the sign
        new = (1 - tl.cast(lr, C) * tl.cast(wd, C)) * w - tl.cast(lr, C) * _sign(g)
    tl.store(out_ptr + i, new.to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit
def adam_kernel(w_ptr, g_ptr, mean_ptr, var_ptr, out_ptr, n, lr, beta1, beta2, epsilon, wd, rescale_grad,
                clip_gradient, BLOCK: tl.constexpr):
    i, mask = _elements(n, BLOCK)
    C: tl.constexpr = compute_type(w_ptr.dtype.element_ty)
    w = tl.load(w_ptr + i, mask=mask).to(C)
    g = _clip(tl.cast(rescale_grad, C) * tl.load(g_ptr + i, mask=mask).to(C) + tl.cast(wd, C) * w, tl.cast(clip_gradient, C))
    m = tl.cast(beta1, C) * tl.load(mean_ptr + i, mask=mask).to(C) + (1 - tl.cast(beta1, C)) * g
    v = tl.cast(beta2, C) * tl.load(var_ptr + i, mask=mask).to(C) + (1 - tl.cast(beta2, C)) * g * g
    tl.store(mean_ptr + i, m.to(mean_ptr.dtype.element_ty), mask=mask)
    tl.store(var_ptr + i, v.to(var_ptr.dtype.element_ty), mask=mask)
    new = w - div_rn(tl.cast(lr, C) * m, sqrt_rn(v) + tl.cast(epsilon, C))
    tl.store(out_ptr + i, new.to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit
def rmsprop_kernel(w_ptr, g_ptr, n_ptr, gavg_ptr, delta_ptr, out_ptr, n, lr, gamma1, gamma2, epsilon, wd,
                   rescale_grad, clip_gradient, clip_weights, ALEX: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = _elements(n, BLOCK)
    C: tl.constexpr = compute_type(w_ptr.dtype.element_ty)
    w = tl.load(w_ptr + i, mask=mask).to(C)
    g = _clip(tl.cast(rescale_grad, C) * tl.load(g_ptr + i, mask=mask).to(C) + tl.cast(wd, C) * w, tl.cast(clip_gradient, C))
    gamma1 = tl.cast(gamma1, C)
    sq = (1 - gamma1) * g * g + gamma1 * tl.load(n_ptr + i, mask=mask).to(C)
    tl.store(n_ptr + i, sq.to(n_ptr.dtype.element_ty), mask=mask)
    if ALEX:  # Graves 2013
        avg = (1 - gamma1) * g + gamma1 * tl.load(gavg_ptr + i, mask=mask).to(C)
        delta = tl.cast(gamma2, C) * tl.load(delta_ptr + i, mask=mask).to(C) - div_rn(
            tl.cast(lr, C) * g, sqrt_rn(sq - avg * avg + tl.cast(epsilon, C)))
        tl.store(gavg_ptr + i, avg.to(gavg_ptr.dtype.element_ty), mask=mask)
        tl.store(delta_ptr + i, delta.to(delta_ptr.dtype.element_ty), mask=mask)
        new = w + delta
    else:  # Tieleman & Hinton 2012
        new = w - div_rn(tl.cast(lr, C) * g, sqrt_rn(sq + tl.cast(epsilon, C)))
    new = _clip(new, tl.cast(clip_weights, C))
    tl.store(out_ptr + i, new.to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit
def ftrl_kernel(w_ptr, g_ptr, z_ptr, sq_ptr, out_ptr, n, lr, lamda1, beta, wd, rescale_grad, clip_gradient,
                BLOCK: tl.constexpr):
    i, mask = _elements(n, BLOCK)
    C: tl.constexpr = compute_type(w_ptr.dtype.element_ty)
    w = tl.load(w_ptr + i, mask=mask).to(C)
    g = _clip(tl.cast(rescale_grad, C) * tl.load(g_ptr + i, mask=mask).to(C), tl.cast(clip_gradient, C))
    sq = tl.load(sq_ptr + i, mask=mask).to(C)
    z = tl.load(z_ptr + i, mask=mask).to(C) + g - div_rn((sqrt_rn(sq + g * g) - sqrt_rn(sq)) * w, tl.cast(lr, C))
    sq = sq + g * g
    tl.store(z_ptr + i, z.to(z_ptr.dtype.element_ty), mask=mask)
    tl.store(sq_ptr + i, sq.to(sq_ptr.dtype.element_ty), mask=mask)
    lamda1 = tl.cast(lamda1, C)
    new = div_rn(_sign(z) * lamda1 - z, div_rn(tl.cast(beta, C) + sqrt_rn(sq), tl.cast(lr, C)) + tl.cast(wd, C))
    new = tl.where(tl.abs(z) > lamda1, new, 0)
    tl.store(out_ptr + i, new.to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit
def ftml_kernel(w_ptr, g_ptr, d_ptr, v_ptr, z_ptr, out_ptr, n, lr, beta1, beta2, epsilon, bias1, bias2, wd,
                rescale_grad, clip_grad, BLOCK: tl.constexpr):
    i, mask = _elements(n, BLOCK)
    C: tl.constexpr = compute_type(w_ptr.dtype.element_ty)
    w = tl.load(w_ptr + i, mask=mask).to(C)
    g = _clip(tl.cast(rescale_grad, C) * tl.load(g_ptr + i, mask=mask).to(C) + tl.cast(wd, C) * w, tl.cast(clip_grad, C))
    beta1 = tl.cast(beta1, C)
    v = tl.cast(beta2, C) * tl.load(v_ptr + i, mask=mask).to(C) + (1 - tl.cast(beta2, C)) * g * g
    d = div_rn(tl.cast(bias1, C), tl.cast(lr, C)) * (sqrt_rn(div_rn(v, tl.cast(bias2, C))) + tl.cast(epsilon, C))
    z = beta1 * tl.load(z_ptr + i, mask=mask).to(C) + (1 - beta1) * g - (
        d - beta1 * tl.load(d_ptr + i, mask=mask).to(C)) * w
    tl.store(v_ptr + i, v.to(v_ptr.dtype.element_ty), mask=mask)
    tl.store(d_ptr + i, d.to(d_ptr.dtype.element_ty), mask=mask)
    tl.store(z_ptr + i, z.to(z_ptr.dtype.element_ty), mask=mask)
    tl.store(out_ptr + i, div_rn(-z, d).to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit(do_not_specialize=["bias1_bits", "bias2_bits"])
def lamb_phase1_kernel(w_ptr, g_ptr, mean_ptr, var_ptr, w32_ptr, out_ptr, n, beta1, beta2, epsilon, bias1_bits,
                       bias2_bits, wd, rescale_grad, clip_gradient, MIXED: tl.constexpr, BLOCK: tl.constexpr):
    """LAMB's direction g; bias1 and bias2 are 1 - beta^t (1 without bias
    correction), passed as float64 bits so float64 weights get them exact."""
    i, mask = _elements(n, BLOCK)
    C: tl.constexpr = tl.float32 if MIXED else compute_type(w_ptr.dtype.element_ty)
    bias1 = scalar_from_bits(bias1_bits, tl.float64, C)
    bias2 = scalar_from_bits(bias2_bits, tl.float64, C)
    g = _clip(tl.cast(rescale_grad, C) * tl.load(g_ptr + i, mask=mask).to(C), tl.cast(clip_gradient, C))
    beta1, beta2 = tl.cast(beta1, C), tl.cast(beta2, C)
    m = beta1 * tl.load(mean_ptr + i, mask=mask).to(C) + (1 - beta1) * g
    v = beta2 * tl.load(var_ptr + i, mask=mask).to(C) + (1 - beta2) * g * g
    tl.store(mean_ptr + i, m.to(mean_ptr.dtype.element_ty), mask=mask)
    tl.store(var_ptr + i, v.to(var_ptr.dtype.element_ty), mask=mask)
    if MIXED:
        w = tl.load(w32_ptr + i, mask=mask)
    else:
        w = tl.load(w_ptr + i, mask=mask).to(C)
    direction = div_rn(div_rn(m, bias1), sqrt_rn(div_rn(v, bias2)) + tl.cast(epsilon, C))
    tl.store(out_ptr + i, (direction + tl.cast(wd, C) * w).to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit
def lamb_phase2_kernel(w_ptr, g_ptr, r1_ptr, r2_ptr, w32_ptr, out_ptr, n, lr, lower_bound, upper_bound,
                       MIXED: tl.constexpr, BLOCK: tl.constexpr):
    """weight - lr * r * g with the trust ratio r = clamp(r1) / r2 (1 when either is 0)."""
    i, mask = _elements(n, BLOCK)
    C: tl.constexpr = tl.float32 if MIXED else compute_type(w_ptr.dtype.element_ty)
    r1 = tl.load(r1_ptr).to(C)
    r2 = tl.load(r2_ptr).to(C)
    r1 = tl.where(lower_bound >= 0, tl.maximum(r1, tl.cast(lower_bound, C)), r1)
    r1 = tl.where(upper_bound >= 0, tl.minimum(r1, tl.cast(upper_bound, C)), r1)
    lr = tl.cast(lr, C)
    keep_lr = (r1 == 0) | (r2 == 0)
    step = tl.where(keep_lr, lr, div_rn(lr * r1, tl.where(keep_lr, 1, r2)))  # both branches are computed
    if MIXED:
        w = tl.load(w32_ptr + i, mask=mask)
    else:
        w = tl.load(w_ptr + i, mask=mask).to(C)
    new = w - step * tl.load(g_ptr + i, mask=mask).to(C)
    tl.store(out_ptr + i, new.to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit
def lars_kernel(lrs_ptr, wss_ptr, gss_ptr, wds_ptr, out_ptr, n, eta, eps, rescale_grad, BLOCK: tl.constexpr):
    i, mask = _elements(n, BLOCK)
    lr = tl.load(lrs_ptr + i, mask=mask)
    w_norm = sqrt_rn(tl.load(wss_ptr + i, mask=mask))
    gss = tl.load(gss_ptr + i, mask=mask)
    lars = div_rn(lr * eta * w_norm, sqrt_rn(gss) * rescale_grad + tl.load(wds_ptr + i, mask=mask) * w_norm + eps)
    tl.store(out_ptr + i, tl.where((w_norm > 0) & (gss > 0), lars, lr), mask=mask)


def _start(call):
    """The element count, or None when there is nothing to do."""
    tensors = list(call.inputs) + list(call.outputs)
    if not all(t.is_contiguous() for t in tensors):
        raise KernelError(f"{call.op} needs contiguous arrays")
    if not write_request(call):  # req=add is refused, as on the CPU
        return None
    return call.inputs[0].numel or None


def _floats(call, *names):
    return [float(call.attrs[name]) for name in names]


def _grid(n):
    return (triton.cdiv(n, BLOCK),)


def _sgd(momentum, nesterov, mixed):
    def launcher(call):
        n = _start(call)
        if n is None:
            return
        w, g = call.inputs[:2]
        mom = call.inputs[2] if momentum else w
        w32 = call.inputs[-1] if mixed else w
        mu = float(call.attrs["momentum"]) if momentum else 0.0
        launch(sgd_kernel, _grid(n), w, g, mom, w32, call.outputs[0], n,
               *_floats(call, "lr", "wd", "rescale_grad", "clip_gradient"), mu, w, w, 0, MOMENTUM=momentum,
               NESTEROV=nesterov, MIXED=mixed, PRELOADED=False, BLOCK=BLOCK)
    return launcher


def _multi_sgd(momentum, mixed, preloaded):
    """multi_*sgd*_update: one sgd_kernel launch per weight, whose inputs
    start at i * stride; lrs and wds are parameters or (preloaded) the two
    float32 arrays after the weights' inputs."""
    stride = 2 + momentum + mixed

    def launcher(call):
        if not all(t.is_contiguous() for t in list(call.inputs) + list(call.outputs)):
            raise KernelError(f"{call.op} needs contiguous arrays")
        num_weights = call.attrs["num_weights"]
        lrs_wds = call.inputs[num_weights * stride:] if preloaded else None
        mu = float(call.attrs["momentum"]) if momentum else 0.0
        for k in range(num_weights):
            w, g = call.inputs[k * stride:k * stride + 2]
            n = w.numel
            if not write_request(call, k) or not n:
                continue
            mom = call.inputs[k * stride + 2] if momentum else w
            w32 = call.inputs[k * stride + stride - 1] if mixed else w
            lr, wd = (0.0, 0.0) if preloaded else (float(call.attrs["lrs"][k]), float(call.attrs["wds"][k]))
            lrs, wds = lrs_wds if preloaded else (w, w)
            launch(sgd_kernel, _grid(n), w, g, mom, w32, call.outputs[k], n, lr, wd,
                   *_floats(call, "rescale_grad", "clip_gradient"), mu, lrs, wds, k, MOMENTUM=momentum,
                   NESTEROV=False, MIXED=mixed, PRELOADED=preloaded, BLOCK=BLOCK)
    return launcher


for _op, _args in {"sgd_update": (False, False, False), "mp_sgd_update": (False, False, True),
                   "sgd_mom_update": (True, False, False), "mp_sgd_mom_update": (True, False, True),
                   "nag_mom_update": (True, True, False), "mp_nag_mom_update": (True, True, True)}.items():
    register(_op, dtypes=DTYPES)(_sgd(*_args))
for _preloaded in (False, True):
    for _momentum in (False, True):
        for _mixed in (False, True):
            _name = "%smulti_%ssgd_%supdate" % ("preloaded_" if _preloaded else "", "mp_" if _mixed else "",
                                                "mom_" if _momentum else "")
            register(_name, dtypes=DTYPES)(_multi_sgd(_momentum, _mixed, _preloaded))


@register("signsgd_update", dtypes=DTYPES)
def signsgd_update(call):
    n = _start(call)
    if n is not None:
        w, g = call.inputs
        launch(sign_kernel, _grid(n), w, g, w, call.outputs[0], n,
               *_floats(call, "lr", "wd", "rescale_grad", "clip_gradient"), 0.0, 0.0, MOMENTUM=False, BLOCK=BLOCK)


@register("signum_update", dtypes=DTYPES)
def signum_update(call):
    n = _start(call)
    if n is not None:
        launch(sign_kernel, _grid(n), *call.inputs, call.outputs[0], n,
               *_floats(call, "lr", "wd", "rescale_grad", "clip_gradient", "momentum", "wd_lh"), MOMENTUM=True,
               BLOCK=BLOCK)


@register("adam_update", dtypes=DTYPES)
def adam_update(call):
    n = _start(call)
    if n is not None:
        launch(adam_kernel, _grid(n), *call.inputs, call.outputs[0], n,
               *_floats(call, "lr", "beta1", "beta2", "epsilon", "wd", "rescale_grad", "clip_gradient"), BLOCK=BLOCK)


def _rmsprop(alex):
    def launcher(call):
        n = _start(call)
        if n is None:
            return
        w, g, sq = call.inputs[:3]
        gavg, delta = call.inputs[3:] if alex else (w, w)
        gamma2 = float(call.attrs["gamma2"]) if alex else 0.0
        launch(rmsprop_kernel, _grid(n), w, g, sq, gavg, delta, call.outputs[0], n, float(call.attrs["lr"]),
               float(call.attrs["gamma1"]), gamma2,
               *_floats(call, "epsilon", "wd", "rescale_grad", "clip_gradient", "clip_weights"), ALEX=alex,
               BLOCK=BLOCK)
    return launcher


register("rmsprop_update", dtypes=DTYPES)(_rmsprop(False))
register("rmspropalex_update", dtypes=DTYPES)(_rmsprop(True))


@register("ftrl_update", dtypes=DTYPES)
def ftrl_update(call):
    n = _start(call)
    if n is not None:
        launch(ftrl_kernel, _grid(n), *call.inputs, call.outputs[0], n,
               *_floats(call, "lr", "lamda1", "beta", "wd", "rescale_grad", "clip_gradient"), BLOCK=BLOCK)


@register("ftml_update", dtypes=DTYPES)
def ftml_update(call):
    n = _start(call)
    if n is not None:
        beta1, beta2, t = float(call.attrs["beta1"]), float(call.attrs["beta2"]), call.attrs["t"]
        # the bias terms as MXNet's float32 kernel computes them
        bias1, bias2 = 1 - np.float32(beta1) ** t, 1 - np.float32(beta2) ** t
        launch(ftml_kernel, _grid(n), *call.inputs, call.outputs[0], n, float(call.attrs["lr"]), beta1, beta2,
               float(call.attrs["epsilon"]), float(bias1), float(bias2),
               *_floats(call, "wd", "rescale_grad", "clip_grad"), BLOCK=BLOCK)


def _lamb_phase1(mixed):
    def launcher(call):
        n = _start(call)
        if n is None:
            return
        w, g, mean, var = call.inputs[:4]
        beta1, beta2, t = np.float32(call.attrs["beta1"]), np.float32(call.attrs["beta2"]), call.attrs["t"]
        # 1 - beta^t of the float32 betas, as the CPU kernel; 1: no bias correction
        bias1, bias2 = (1 - float(beta1) ** t, 1 - float(beta2) ** t) if call.attrs["bias_correction"] else (1.0, 1.0)
        launch(lamb_phase1_kernel, _grid(n), w, g, mean, var, call.inputs[4] if mixed else w, call.outputs[0], n,
               float(beta1), float(beta2), float(call.attrs["epsilon"]), as_bits(bias1, "float64"),
               as_bits(bias2, "float64"),
               *_floats(call, "wd", "rescale_grad", "clip_gradient"), MIXED=mixed, BLOCK=BLOCK)
    return launcher


def _lamb_phase2(mixed):
    def launcher(call):
        n = _start(call)
        if n is None:
            return
        w, g, r1, r2 = call.inputs[:4]
        launch(lamb_phase2_kernel, _grid(n), w, g, r1, r2, call.inputs[4] if mixed else w, call.outputs[0], n,
               *_floats(call, "lr", "lower_bound", "upper_bound"), MIXED=mixed, BLOCK=BLOCK)
    return launcher


for _mixed in (False, True):
    register(("mp_" if _mixed else "") + "lamb_update_phase1", dtypes=DTYPES)(_lamb_phase1(_mixed))
    register(("mp_" if _mixed else "") + "lamb_update_phase2", dtypes=DTYPES)(_lamb_phase2(_mixed))


@register("multi_lars", dtypes=("float32",))
def multi_lars(call):
    n = _start(call)
    if n is not None:
        launch(lars_kernel, _grid(n), *call.inputs, call.outputs[0], n, *_floats(call, "eta", "eps", "rescale_grad"),
               BLOCK=BLOCK)
