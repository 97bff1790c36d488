"""ROIPooling and _backward_ROIPooling (plugins/cpu/roi_pooling.cc).

One program per (roi, bin) and block of channels: the roi's corners are
scalars, so the bin's window is a pair of loops with scalar bounds and the
channels are the vector lanes.  The gradient adds each bin's out_grad into
its maximum atomically (rois overlap).  Roi arithmetic runs in the compute
type with spatial_scale as a float32, as the CPU's.  A batch index past the
batch, which the CPU reports as an error, pools to zeros here: a kernel
cannot raise without stopping the stream.
"""
import numpy as np
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, compute_type, div_rn
from ..launch import launch
from ..registry import register
from ..strides import INT32_LIMIT, write_request
from .fill import fill

DTYPES = ("float32", "float64", "float16")
FLT_MAX = tl.constexpr(3.4028234663852886e38)
CHANNELS = 64  # channels per program


@triton.jit
def _corner(v, scale, C: tl.constexpr):
    """A scaled coordinate rounded half away from zero, as an integer
    (clamped far outside any image)."""
    return tl.minimum(tl.maximum(libdevice.round(v.to(C) * tl.cast(scale, C)), -1e9), 1e9).to(tl.int32)


@triton.jit
def _batch(roi_ptr, mask, N, C: tl.constexpr):
    """The roi's batch index (truncated), and whether it names an image."""
    v = tl.load(roi_ptr, mask=mask, other=-1).to(C)
    return tl.where(v == v, v, -1.0).to(tl.int64), (v > -1.0) & (v < N)


@triton.jit
def _bin(p, bins, start, end, size, C: tl.constexpr):
    """[begin, end) of bin p of `bins` over the roi's span [start, end],
    clipped to [0, size)."""
    length = tl.maximum(end - start + 1, 1).to(C)
    step = div_rn(length, tl.cast(bins, C))
    lo = libdevice.floor(p.to(C) * step).to(tl.int32) + start
    hi = libdevice.ceil((p + 1).to(C) * step).to(tl.int32) + start
    return tl.minimum(tl.maximum(lo, 0), size), tl.minimum(tl.maximum(hi, 0), size)


@triton.jit
def roi_pool_kernel(data_ptr, rois_ptr, out_ptr, idx_ptr, N, CH, H, W, PH, PW, scale, BLOCK_C: tl.constexpr):
    pid = tl.program_id(0)
    r = pid // (PH * PW)
    ph = (pid // PW) % PH
    pw = pid % PW
    c = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    cmask = c < CH
    T: tl.constexpr = out_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    roi = rois_ptr + r * 5
    b, valid = _batch(roi, pid >= 0, N, C)
    x1 = _corner(tl.load(roi + 1), scale, C)
    y1 = _corner(tl.load(roi + 2), scale, C)
    x2 = _corner(tl.load(roi + 3), scale, C)
    y2 = _corner(tl.load(roi + 4), scale, C)
    h0, h1 = _bin(ph, PH, y1, y2, H, C)
    w0, w1 = _bin(pw, PW, x1, x2, W, C)
    h1 = tl.where(valid, h1, h0)
    plane = data_ptr + (tl.where(valid, b, 0) * CH + c.to(tl.int64)) * H * W
    best = tl.full((BLOCK_C,), -FLT_MAX, C)  # MXNet's start, float64 included
    at = tl.full((BLOCK_C,), -1, tl.int32)
    for h in range(h0, h1):
        for w in range(w0, w1):
            v = tl.load(plane + h * W + w, mask=cmask, other=0).to(C)
            better = v > best
            best = tl.where(better, v, best)
            at = tl.where(better, h * W + w, at)
    empty = (h1 <= h0) | (w1 <= w0)
    o = (r.to(tl.int64) * CH + c) * (PH * PW) + ph * PW + pw
    tl.store(out_ptr + o, tl.where(empty, 0.0, best).to(T), mask=cmask)
    tl.store(idx_ptr + o, tl.where(empty, -1, at), mask=cmask)


@triton.jit
def roi_unpool_kernel(g_ptr, idx_ptr, rois_ptr, dx_ptr, n, N, CH, HW, BINS, IDX: tl.constexpr,
                      BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    c = (idx // BINS) % CH
    r = idx // (BINS * CH)
    T: tl.constexpr = dx_ptr.dtype.element_ty
    b, valid = _batch(rois_ptr + r * 5, mask, N, compute_type(T))
    at = tl.load(idx_ptr + idx, mask=mask, other=-1)
    hit = mask & valid & (at >= 0) & (at < HW)  # only the forward's maxima are meaningful
    g = tl.load(g_ptr + idx, mask=hit, other=0)
    tl.atomic_add(dx_ptr + (tl.where(hit, b, 0) * CH + c) * HW + at, g, mask=hit, sem="relaxed")


def _scale(call):
    """spatial_scale as the float32 MXNet keeps it."""
    return float(np.float32(call.attrs["spatial_scale"]))


@register("ROIPooling", dtypes=DTYPES)
def roi_pooling(call):
    data, rois = call.inputs
    out, maxidx = call.outputs
    if not (write_request(call, 0) or write_request(call, 1)) or out.numel == 0:
        return
    N, CH, H, W = data.shape
    PH, PW = out.shape[2], out.shape[3]
    launch(roi_pool_kernel, (rois.shape[0] * PH * PW, triton.cdiv(CH, CHANNELS)), data, rois, out, maxidx, N, CH,
           H, W, PH, PW, _scale(call), BLOCK_C=CHANNELS, num_warps=2)


@register("_backward_ROIPooling", dtypes=DTYPES)
def roi_pooling_backward(call):
    grad, data, rois, maxidx = call.inputs
    dx = call.outputs[0]
    if not write_request(call) or dx.numel == 0:
        return
    fill(dx, 0)
    if grad.numel:
        N, CH, H, W = data.shape
        index = tl.int64 if max(grad.numel, dx.numel) >= INT32_LIMIT else tl.int32
        launch(roi_unpool_kernel, (triton.cdiv(grad.numel, BLOCK),), grad, maxidx, rois, dx, grad.numel, N, CH,
               H * W, grad.shape[2] * grad.shape[3], IDX=index, BLOCK=BLOCK, num_warps=NUM_WARPS)
