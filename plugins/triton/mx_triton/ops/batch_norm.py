"""BatchNorm and _backward_BatchNorm (plugins/cpu/batch_norm.cc), a program
per channel.  The data is (outer, channels, inner) around the channel axis;
statistics accumulate in float64 (two passes for the variance).  In
training the moving statistics (inputs 3 and 4) are updated in place;
otherwise they are the statistics.  gamma, beta and the statistics are
float32 for float16 data."""
import triton
import triton.language as tl

from ..jit_helpers import compute_type, scalar_from_bits
from ..launch import launch
from ..registry import KernelError, register
from ..scalars import as_bits
from ..strides import normalize_axis

DTYPES = ("float32", "float64", "float16")
BLOCK = 1024


@triton.jit
def _channel_offsets(start, c, channels, inner, n, BLOCK: tl.constexpr):
    """Offsets of elements start .. start + BLOCK of channel c, and their mask."""
    k = start + tl.arange(0, BLOCK).to(tl.int64)
    return ((k // inner) * channels + c) * inner + k % inner, k < n


@triton.jit
def _inv_std(var, eps):
    return tl.where((var == 0) & (eps == 0), 0.0, 1 / tl.sqrt(var + eps))


@triton.jit(do_not_specialize=["eps_bits", "momentum_bits"])
def batch_norm_kernel(x_ptr, gamma_ptr, beta_ptr, moving_mean_ptr, moving_var_ptr, y_ptr, mean_ptr, invstd_ptr,
                      channels, inner, n, eps_bits, momentum_bits, TRAINING: tl.constexpr, FIX_GAMMA: tl.constexpr,
                      WRITE_MEAN: tl.constexpr, WRITE_INVSTD: tl.constexpr, BLOCK: tl.constexpr):
    c = tl.program_id(0).to(tl.int64)
    eps = scalar_from_bits(eps_bits, tl.float64, tl.float64)
    if TRAINING:
        total = tl.zeros((BLOCK,), tl.float64)
        for start in range(0, n, BLOCK):
            offs, mask = _channel_offsets(start, c, channels, inner, n, BLOCK)
            total += tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64)
        mean = tl.sum(total, 0) / n
        squares = tl.zeros((BLOCK,), tl.float64)
        for start in range(0, n, BLOCK):
            offs, mask = _channel_offsets(start, c, channels, inner, n, BLOCK)
            d = tl.where(mask, tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64) - mean, 0.0)
            squares += d * d
        var = tl.sum(squares, 0) / n
        invstd = _inv_std(var, eps)
        momentum = scalar_from_bits(momentum_bits, tl.float64, tl.float64)
        P: tl.constexpr = moving_mean_ptr.dtype.element_ty
        moving_mean = tl.load(moving_mean_ptr + c).to(tl.float64)
        moving_var = tl.load(moving_var_ptr + c).to(tl.float64)
        tl.store(moving_mean_ptr + c, (moving_mean * momentum + mean * (1 - momentum)).to(P))
        tl.store(moving_var_ptr + c, (moving_var * momentum + var * (1 - momentum)).to(P))
    else:
        mean = tl.load(moving_mean_ptr + c).to(tl.float64)
        invstd = _inv_std(tl.load(moving_var_ptr + c).to(tl.float64), eps)
    if FIX_GAMMA:
        w = 1.0
    else:
        w = tl.load(gamma_ptr + c).to(tl.float64)
    C: tl.constexpr = compute_type(y_ptr.dtype.element_ty)
    scale = (invstd * w).to(C)
    shift = (tl.load(beta_ptr + c).to(tl.float64) - mean * invstd * w).to(C)
    for start in range(0, n, BLOCK):
        offs, mask = _channel_offsets(start, c, channels, inner, n, BLOCK)
        x = tl.load(x_ptr + offs, mask=mask, other=0).to(C)
        tl.store(y_ptr + offs, (x * scale + shift).to(y_ptr.dtype.element_ty), mask=mask)
    if WRITE_MEAN:
        tl.store(mean_ptr + c, mean.to(mean_ptr.dtype.element_ty))
    if WRITE_INVSTD:
        tl.store(invstd_ptr + c, invstd.to(invstd_ptr.dtype.element_ty))


@triton.jit
def batch_norm_backward_kernel(dy_ptr, x_ptr, gamma_ptr, mean_ptr, invstd_ptr, dx_ptr, dgamma_ptr, dbeta_ptr,
                               channels, inner, n, TRAINING: tl.constexpr, FIX_GAMMA: tl.constexpr,
                               WRITE_DX: tl.constexpr, WRITE_GAMMA: tl.constexpr, WRITE_BETA: tl.constexpr,
                               BLOCK: tl.constexpr):
    """Training: dx = (dy - mean(dy) - (x - mean) dot((x - mean), dy) invstd^2 / n) invstd gamma;
    otherwise the statistics are constants: dx = dy invstd gamma."""
    c = tl.program_id(0).to(tl.int64)
    mean = tl.load(mean_ptr + c).to(tl.float64)
    invstd = tl.load(invstd_ptr + c).to(tl.float64)
    sum_dy = tl.zeros((BLOCK,), tl.float64)
    dot = tl.zeros((BLOCK,), tl.float64)
    for start in range(0, n, BLOCK):
        offs, mask = _channel_offsets(start, c, channels, inner, n, BLOCK)
        g = tl.load(dy_ptr + offs, mask=mask, other=0).to(tl.float64)
        sum_dy += g
        dot += (tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64) - mean) * g
    sum_dy = tl.sum(sum_dy, 0)
    dot = tl.sum(dot, 0)
    if FIX_GAMMA:
        w = 1.0
    else:
        w = tl.load(gamma_ptr + c).to(tl.float64)
    if WRITE_DX:
        if TRAINING:
            k = dot * invstd * invstd / n
            mean_dy = sum_dy / n
        else:
            k = 0.0
            mean_dy = 0.0
        iw = invstd * w
        for start in range(0, n, BLOCK):
            offs, mask = _channel_offsets(start, c, channels, inner, n, BLOCK)
            g = tl.load(dy_ptr + offs, mask=mask, other=0).to(tl.float64)
            x = tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64)
            tl.store(dx_ptr + offs, ((g - mean_dy - (x - mean) * k) * iw).to(dx_ptr.dtype.element_ty), mask=mask)
    if WRITE_GAMMA:
        if FIX_GAMMA:
            tl.store(dgamma_ptr + c, tl.zeros((), dgamma_ptr.dtype.element_ty))
        else:
            tl.store(dgamma_ptr + c, (dot * invstd).to(dgamma_ptr.dtype.element_ty))
    if WRITE_BETA:
        tl.store(dbeta_ptr + c, sum_dy.to(dbeta_ptr.dtype.element_ty))


def _layout(call, data):
    """(channels, inner, elements per channel) around the channel axis."""
    for t in list(call.inputs) + list(call.outputs):
        if not t.is_contiguous():
            raise KernelError("BatchNorm needs contiguous arrays")
    if any(r == "add" for r in call.req):
        raise KernelError("req=add is not supported")
    axis = normalize_axis(call.attrs.get("axis", 1), data.ndim)
    inner = 1
    for d in data.shape[axis + 1:]:
        inner *= d
    channels = data.shape[axis]
    return channels, inner, data.numel // channels if channels else 0


def _training(call):
    return call.is_train and not call.attrs.get("use_global_stats", False)


@register("BatchNorm", dtypes=DTYPES)
def batch_norm(call):
    data = call.inputs[0]
    y, mean, invstd = call.outputs
    channels, inner, n = _layout(call, data)
    if channels == 0:
        return
    launch(batch_norm_kernel, (channels,), *call.inputs, y, mean, invstd, channels, inner, n,
           as_bits(call.attrs.get("eps", 1e-3), "float64"), as_bits(call.attrs.get("momentum", 0.9), "float64"),
           TRAINING=_training(call), FIX_GAMMA=bool(call.attrs.get("fix_gamma", True)),
           WRITE_MEAN=call.req[1] != "null", WRITE_INVSTD=call.req[2] != "null", BLOCK=BLOCK, num_warps=4)


@register("_backward_BatchNorm", dtypes=DTYPES)
def batch_norm_backward(call):
    dy, data = call.inputs[:2]
    channels, inner, n = _layout(call, data)
    if channels == 0:
        return
    launch(batch_norm_backward_kernel, (channels,), *call.inputs, *call.outputs, channels, inner, n,
           TRAINING=_training(call), FIX_GAMMA=bool(call.attrs.get("fix_gamma", True)),
           WRITE_DX=call.req[0] != "null", WRITE_GAMMA=call.req[1] != "null", WRITE_BETA=call.req[2] != "null",
           BLOCK=BLOCK, num_warps=4)
