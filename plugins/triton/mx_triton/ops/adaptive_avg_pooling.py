"""_contrib_AdaptiveAvgPooling2D and its gradient
(plugins/cpu/adaptive_avg_pooling.cc).

One lane per output bin; the bins' sizes differ by at most one, so every
lane loops over the largest bin's rows and columns with a mask.  The
gradient spreads each bin's out_grad over its inputs atomically (bins
overlap), so float sums may round in another order than the CPU's.
"""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, compute_type, div_rn
from ..launch import launch
from ..registry import register
from ..strides import INT32_LIMIT, write_request
from .fill import fill

DTYPES = ("float32", "float64", "float16")


@triton.jit
def _bin(k, size, out):
    """[start, end) of bin k of `out` over an axis of `size`."""
    return k * size // out, ((k + 1) * size + out - 1) // out


@triton.jit
def pool_kernel(x_ptr, y_ptr, n, H, W, OH, OW, MAX_H, MAX_W, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = y_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    j = idx % OW
    i = (idx // OW) % OH
    plane = x_ptr + (idx // (OW * OH)).to(tl.int64) * H * W
    h0, h1 = _bin(i, H, OH)
    w0, w1 = _bin(j, W, OW)
    total = tl.zeros((BLOCK,), C)
    for dh in range(0, MAX_H):
        for dw in range(0, MAX_W):
            inside = mask & (h0 + dh < h1) & (w0 + dw < w1)
            total += tl.load(plane + (h0 + dh) * W + w0 + dw, mask=inside, other=0).to(C)
    tl.store(y_ptr + idx, div_rn(total, ((h1 - h0) * (w1 - w0)).to(C)).to(T), mask=mask)


@triton.jit
def pool_backward_kernel(dy_ptr, dx_ptr, n, H, W, OH, OW, MAX_H, MAX_W, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = dx_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    j = idx % OW
    i = (idx // OW) % OH
    plane = dx_ptr + (idx // (OW * OH)).to(tl.int64) * H * W
    h0, h1 = _bin(i, H, OH)
    w0, w1 = _bin(j, W, OW)
    share = div_rn(tl.load(dy_ptr + idx, mask=mask, other=0).to(C), ((h1 - h0) * (w1 - w0)).to(C)).to(T)
    for dh in range(0, MAX_H):
        for dw in range(0, MAX_W):
            inside = mask & (h0 + dh < h1) & (w0 + dw < w1)
            tl.atomic_add(plane + (h0 + dh) * W + w0 + dw, share, mask=inside, sem="relaxed")


def _largest_bin(size, out):
    return max(((k + 1) * size + out - 1) // out - k * size // out for k in range(out)) if out else 0


def _launch(kernel, pooled, src, dst, data):
    n = pooled.numel
    H, W = data.shape[2], data.shape[3]
    OH, OW = pooled.shape[2], pooled.shape[3]
    index = tl.int64 if max(n, data.numel) >= INT32_LIMIT else tl.int32
    launch(kernel, (triton.cdiv(n, BLOCK),), src, dst, n, H, W, OH, OW, _largest_bin(H, OH), _largest_bin(W, OW),
           IDX=index, BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("_contrib_AdaptiveAvgPooling2D", dtypes=DTYPES)
def adaptive_avg_pooling(call):
    data, out = call.inputs[0], call.outputs[0]
    if write_request(call) and out.numel:
        _launch(pool_kernel, out, data, out, data)


@register("_backward_contrib_AdaptiveAvgPooling2D", dtypes=DTYPES)
def adaptive_avg_pooling_backward(call):
    grad, data = call.inputs
    dx = call.outputs[0]
    if not write_request(call) or dx.numel == 0:
        return
    fill(dx, 0)
    if grad.numel:
        _launch(pool_backward_kernel, grad, grad, dx, data)
