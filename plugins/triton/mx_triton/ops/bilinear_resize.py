"""_contrib_BilinearResize2D and its gradient
(plugins/cpu/bilinear_resize.cc).

One lane per output pixel.  Source coordinates are computed in float64, as
the CPU's, so both pick the same neighbours; the interpolation runs in the
compute type.  The gradient adds each output gradient into its four
neighbours atomically (neighbourhoods overlap), so float sums may round in
another order than the CPU's.
"""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, compute_type
from ..launch import launch
from ..registry import register
from ..strides import INT32_LIMIT, write_request
from .fill import fill

DTYPES = ("float32", "float64", "float16")


@triton.jit
def _tap(dst, size, out, ALIGN: tl.constexpr):
    """(first source index, step to the second: 0 or 1, weight of the second)
    of output index dst on an axis resized from size to out."""
    d = dst.to(tl.float64)
    n = tl.cast(size, tl.float64)
    m = tl.cast(out, tl.float64)
    if ALIGN:
        scale = (n - 1.0) / tl.maximum(m - 1.0, 1.0)
        src = d * tl.where(m > 1.0, scale, 0.0)
    else:
        src = tl.maximum((d + 0.5) * tl.where(m > 1.0, n / m, 0.0) - 0.5, 0.0)
    first = src.to(tl.int64)
    return first, tl.where(first < size - 1, 1, 0), src - first.to(tl.float64)


@triton.jit
def resize_kernel(x_ptr, y_ptr, n, H, W, OH, OW, ALIGN: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = y_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    j = idx % OW
    i = (idx // OW) % OH
    plane = x_ptr + (idx // (OW * OH)).to(tl.int64) * H * W
    h, hs, wr = _tap(i, H, OH, ALIGN)
    w, ws, wc = _tap(j, W, OW, ALIGN)
    wr = wr.to(C)
    wc = wc.to(C)
    top = plane + h * W
    bottom = top + hs * W
    upper = (1.0 - wc) * tl.load(top + w, mask=mask).to(C) + wc * tl.load(top + w + ws, mask=mask).to(C)
    lower = (1.0 - wc) * tl.load(bottom + w, mask=mask).to(C) + wc * tl.load(bottom + w + ws, mask=mask).to(C)
    tl.store(y_ptr + idx, ((1.0 - wr) * upper + wr * lower).to(T), mask=mask)


@triton.jit
def resize_backward_kernel(dy_ptr, dx_ptr, n, H, W, OH, OW, ALIGN: tl.constexpr, IDX: tl.constexpr,
                           BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = dx_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    j = idx % OW
    i = (idx // OW) % OH
    plane = dx_ptr + (idx // (OW * OH)).to(tl.int64) * H * W
    h, hs, wr = _tap(i, H, OH, ALIGN)
    w, ws, wc = _tap(j, W, OW, ALIGN)
    wr = wr.to(C)
    wc = wc.to(C)
    g = tl.load(dy_ptr + idx, mask=mask).to(C)
    top = plane + h * W
    bottom = top + hs * W
    tl.atomic_add(top + w, ((1.0 - wr) * (1.0 - wc) * g).to(T), mask=mask, sem="relaxed")
    tl.atomic_add(top + w + ws, ((1.0 - wr) * wc * g).to(T), mask=mask, sem="relaxed")
    tl.atomic_add(bottom + w, (wr * (1.0 - wc) * g).to(T), mask=mask, sem="relaxed")
    tl.atomic_add(bottom + w + ws, (wr * wc * g).to(T), mask=mask, sem="relaxed")


def _launch(kernel, resized, src, dst, data, call):
    n = resized.numel
    H, W = data.shape[2], data.shape[3]
    OH, OW = resized.shape[2], resized.shape[3]
    index = tl.int64 if max(n, data.numel) >= INT32_LIMIT else tl.int32
    launch(kernel, (triton.cdiv(n, BLOCK),), src, dst, n, H, W, OH, OW, ALIGN=bool(call.attrs["align_corners"]),
           IDX=index, BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("_contrib_BilinearResize2D", dtypes=DTYPES)
def bilinear_resize(call):
    data, out = call.inputs[0], call.outputs[0]
    if write_request(call) and out.numel and data.numel:
        _launch(resize_kernel, out, data, out, data, call)


@register("_backward_contrib_BilinearResize2D", dtypes=DTYPES)
def bilinear_resize_backward(call):
    grad, data = call.inputs
    dx = call.outputs[0]
    if not write_request(call) or dx.numel == 0:
        return
    fill(dx, 0)
    if grad.numel:
        _launch(resize_backward_kernel, grad, grad, dx, data, call)
