"""BatchNorm and _backward_BatchNorm (plugins/cpu/batch_norm.cc).  The data
is (outer, channels, inner) around the channel axis.  Each channel's
elements are cut into splits (a few programs per channel, so few channels
still fill the GPU; the cut depends on the shape only): in training a first
launch has each split compute its count, mean and sum of squared
deviations (two passes over its piece, in float64) into the workspace, and
the second combines them per channel (the parallel-variance formula) and
normalizes its piece; split 0 updates the moving statistics (inputs 3 and
4, in place) and writes the saved mean and invstd.  Otherwise the moving
statistics are the statistics.  The gradient works alike: per-split sums
of dy and (x - mean) dy, then dx.  gamma, beta and the statistics are
float32 for float16 data."""
import triton
import triton.language as tl

from ..jit_helpers import compute_type, scalar_from_bits
from ..launch import launch
from ..reduction import MIN_TILES, TARGET_PROGRAMS
from ..registry import KernelError, register
from ..scalars import as_bits
from ..strides import normalize_axis
from ..workspace import carve, size

DTYPES = ("float32", "float64", "float16")
BLOCK = 1024
MAX_SPLITS = 64  # the combine reads a channel's partials as one vector


@triton.jit
def _channel_offsets(start, c, channels, inner, n, BLOCK: tl.constexpr):
    """Offsets of elements start .. start + BLOCK of channel c, and their mask."""
    k = start + tl.arange(0, BLOCK).to(tl.int64)
    return ((k // inner) * channels + c) * inner + k % inner, k < n


@triton.jit
def _inv_std(var, eps):
    return tl.where((var == 0) & (eps == 0), 0.0, 1 / tl.sqrt(var + eps))


@triton.jit
def _piece(n, chunk):
    """This program's channel, and its piece [lo, hi) of the channel's n elements."""
    lo = tl.program_id(1).to(tl.int64) * chunk
    return tl.program_id(0).to(tl.int64), lo, tl.minimum(lo + chunk, n)


@triton.jit
def batch_norm_stats_kernel(x_ptr, partial_ptr, channels, inner, n, chunk, BLOCK: tl.constexpr):
    """partial[c, s] = (count, mean, sum of squared deviations) of split s."""
    c, lo, hi = _piece(n, chunk)
    total = tl.zeros((BLOCK,), tl.float64)
    for start in range(lo, hi, BLOCK):
        offs, mask = _channel_offsets(start, c, channels, inner, hi, BLOCK)
        total += tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64)
    count = (hi - lo).to(tl.float64)
    mean = tl.sum(total, 0) / count
    squares = tl.zeros((BLOCK,), tl.float64)
    for start in range(lo, hi, BLOCK):
        offs, mask = _channel_offsets(start, c, channels, inner, hi, BLOCK)
        d = tl.where(mask, tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64) - mean, 0.0)
        squares += d * d
    out = partial_ptr + (c * tl.num_programs(1) + tl.program_id(1)) * 3
    tl.store(out, count)
    tl.store(out + 1, mean)
    tl.store(out + 2, tl.sum(squares, 0))


@triton.jit(do_not_specialize=["eps_bits", "momentum_bits"])
def batch_norm_kernel(x_ptr, gamma_ptr, beta_ptr, moving_mean_ptr, moving_var_ptr, y_ptr, mean_ptr, invstd_ptr,
                      partial_ptr, channels, inner, n, chunk, eps_bits, momentum_bits, TRAINING: tl.constexpr,
                      FIX_GAMMA: tl.constexpr, WRITE_MEAN: tl.constexpr, WRITE_INVSTD: tl.constexpr,
                      SPLITS: tl.constexpr, BLOCK: tl.constexpr):
    c, lo, hi = _piece(n, chunk)
    eps = scalar_from_bits(eps_bits, tl.float64, tl.float64)
    if TRAINING:
        ks = tl.arange(0, SPLITS)
        valid = ks < tl.num_programs(1)
        row = partial_ptr + (c * tl.num_programs(1) + ks) * 3
        counts = tl.load(row, mask=valid, other=0)
        means = tl.load(row + 1, mask=valid, other=0)
        mean = tl.sum(counts * means, 0) / n
        spread = means - mean
        var = tl.sum(tl.load(row + 2, mask=valid, other=0) + counts * spread * spread, 0) / n
        invstd = _inv_std(var, eps)
        if tl.program_id(1) == 0:
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
    for start in range(lo, hi, BLOCK):
        offs, mask = _channel_offsets(start, c, channels, inner, hi, BLOCK)
        x = tl.load(x_ptr + offs, mask=mask, other=0).to(C)
        tl.store(y_ptr + offs, (x * scale + shift).to(y_ptr.dtype.element_ty), mask=mask)
    if tl.program_id(1) == 0:
        if WRITE_MEAN:
            tl.store(mean_ptr + c, mean.to(mean_ptr.dtype.element_ty))
        if WRITE_INVSTD:
            tl.store(invstd_ptr + c, invstd.to(invstd_ptr.dtype.element_ty))


@triton.jit
def batch_norm_backward_sums_kernel(dy_ptr, x_ptr, mean_ptr, partial_ptr, channels, inner, n, chunk,
                                    BLOCK: tl.constexpr):
    """partial[c, s] = (sum of dy, sum of (x - mean) dy) over split s."""
    c, lo, hi = _piece(n, chunk)
    mean = tl.load(mean_ptr + c).to(tl.float64)
    sum_dy = tl.zeros((BLOCK,), tl.float64)
    dot = tl.zeros((BLOCK,), tl.float64)
    for start in range(lo, hi, BLOCK):
        offs, mask = _channel_offsets(start, c, channels, inner, hi, BLOCK)
        g = tl.load(dy_ptr + offs, mask=mask, other=0).to(tl.float64)
        sum_dy += g
        dot += (tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64) - mean) * g
    out = partial_ptr + (c * tl.num_programs(1) + tl.program_id(1)) * 2
    tl.store(out, tl.sum(sum_dy, 0))
    tl.store(out + 1, tl.sum(dot, 0))


@triton.jit
def batch_norm_backward_kernel(dy_ptr, x_ptr, gamma_ptr, mean_ptr, invstd_ptr, dx_ptr, dgamma_ptr, dbeta_ptr,
                               partial_ptr, channels, inner, n, chunk, TRAINING: tl.constexpr,
                               FIX_GAMMA: tl.constexpr, WRITE_DX: tl.constexpr, WRITE_GAMMA: tl.constexpr,
                               WRITE_BETA: tl.constexpr, SPLITS: tl.constexpr, BLOCK: tl.constexpr):
    """Training: dx = (dy - mean(dy) - (x - mean) dot((x - mean), dy) invstd^2 / n) invstd gamma;
    otherwise the statistics are constants: dx = dy invstd gamma."""
    c, lo, hi = _piece(n, chunk)
    mean = tl.load(mean_ptr + c).to(tl.float64)
    invstd = tl.load(invstd_ptr + c).to(tl.float64)
    ks = tl.arange(0, SPLITS)
    valid = ks < tl.num_programs(1)
    row = partial_ptr + (c * tl.num_programs(1) + ks) * 2
    sum_dy = tl.sum(tl.load(row, mask=valid, other=0), 0)
    dot = tl.sum(tl.load(row + 1, mask=valid, other=0), 0)
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
        for start in range(lo, hi, BLOCK):
            offs, mask = _channel_offsets(start, c, channels, inner, hi, BLOCK)
            g = tl.load(dy_ptr + offs, mask=mask, other=0).to(tl.float64)
            x = tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64)
            tl.store(dx_ptr + offs, ((g - mean_dy - (x - mean) * k) * iw).to(dx_ptr.dtype.element_ty), mask=mask)
    if tl.program_id(1) == 0:
        if WRITE_GAMMA:
            if FIX_GAMMA:
                tl.store(dgamma_ptr + c, tl.zeros((), dgamma_ptr.dtype.element_ty))
            else:
                tl.store(dgamma_ptr + c, (dot * invstd).to(dgamma_ptr.dtype.element_ty))
        if WRITE_BETA:
            tl.store(dbeta_ptr + c, sum_dy.to(dbeta_ptr.dtype.element_ty))


def _splits(channels, n):
    """(splits per channel, elements per split) for a channel of n elements."""
    wanted = min(triton.cdiv(TARGET_PROGRAMS, max(channels, 1)), n // (BLOCK * MIN_TILES), MAX_SPLITS)
    if wanted <= 1:
        return 1, max(n, 1)
    chunk = triton.cdiv(triton.cdiv(n, wanted), BLOCK) * BLOCK
    return triton.cdiv(n, chunk), chunk


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


def _partials(channels, splits, fields):
    """The workspace piece of `fields` float64 values per (channel, split)."""
    return (channels * splits * fields,), "float64"


def _workspace(call, data, fields):
    channels, _, n = _layout(call, data)
    return size([_partials(channels, _splits(channels, n)[0], fields)]) if channels else 0


def _forward_workspace(call):
    return _workspace(call, call.inputs[0], 3) if _training(call) else 0


def _backward_workspace(call):
    return _workspace(call, call.inputs[1], 2)


@register("BatchNorm", dtypes=DTYPES, workspace=_forward_workspace)
def batch_norm(call):
    data = call.inputs[0]
    y, mean, invstd = call.outputs
    channels, inner, n = _layout(call, data)
    if channels == 0:
        return
    splits, chunk = _splits(channels, n)
    training = _training(call)
    partial = y  # unused outside training
    if training:
        partial, = carve(call, [_partials(channels, splits, 3)])
        launch(batch_norm_stats_kernel, (channels, splits), data, partial, channels, inner, n, chunk, BLOCK=BLOCK,
               num_warps=4)
    launch(batch_norm_kernel, (channels, splits), *call.inputs, y, mean, invstd, partial, channels, inner, n, chunk,
           as_bits(call.attrs.get("eps", 1e-3), "float64"), as_bits(call.attrs.get("momentum", 0.9), "float64"),
           TRAINING=training, FIX_GAMMA=bool(call.attrs.get("fix_gamma", True)),
           WRITE_MEAN=call.req[1] != "null", WRITE_INVSTD=call.req[2] != "null",
           SPLITS=triton.next_power_of_2(splits), BLOCK=BLOCK, num_warps=4)


@register("_backward_BatchNorm", dtypes=DTYPES, workspace=_backward_workspace)
def batch_norm_backward(call):
    dy, data, _, mean = call.inputs[:4]
    channels, inner, n = _layout(call, data)
    if channels == 0:
        return
    splits, chunk = _splits(channels, n)
    partial, = carve(call, [_partials(channels, splits, 2)])
    launch(batch_norm_backward_sums_kernel, (channels, splits), dy, data, mean, partial, channels, inner, n, chunk,
           BLOCK=BLOCK, num_warps=4)
    launch(batch_norm_backward_kernel, (channels, splits), *call.inputs, *call.outputs, partial, channels, inner, n,
           chunk, TRAINING=_training(call), FIX_GAMMA=bool(call.attrs.get("fix_gamma", True)),
           WRITE_DX=call.req[0] != "null", WRITE_GAMMA=call.req[1] != "null", WRITE_BETA=call.req[2] != "null",
           SPLITS=triton.next_power_of_2(splits), BLOCK=BLOCK, num_warps=4)
