"""_contrib_ROIAlign and _backward_ROIAlign (plugins/cpu/roi_align.cc).

One program per (roi, bin) and block of output channels: the roi's
geometry and its sample grid are scalars, so the samples are a pair of
loops with scalar bounds and the channels are the vector lanes.  The
gradient adds each sample's share atomically (rois overlap).  Geometry
runs in the compute type with spatial_scale as a float32, as the CPU's.  A
batch index past the batch, and an empty roi under `aligned`, which the CPU
reports as errors, give zeros here: a kernel cannot raise without stopping
the stream.
"""
import numpy as np
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..jit_helpers import compute_type, div_rn
from ..launch import launch
from ..registry import register
from ..strides import write_request
from .fill import fill

DTYPES = ("float32", "float64", "float16")
CHANNELS = 64  # output channels per program


@triton.jit
def _roi(rois_ptr, r, scale, PH, PW, N, ratio, ALIGNED: tl.constexpr, C: tl.constexpr):
    """(batch, whether it names an image, y1, x1, bin_h, bin_w, grid_h, grid_w) of roi r."""
    roi = rois_ptr + r * 5
    v = tl.load(roi).to(C)
    batch = tl.where(v == v, v, -1.0)
    valid = (batch > -1.0) & (batch < N)
    s = tl.cast(scale, C)
    shift = 0.5 if ALIGNED else 0.0
    x1 = tl.load(roi + 1).to(C) * s - shift
    y1 = tl.load(roi + 2).to(C) * s - shift
    width = tl.load(roi + 3).to(C) * s - shift - x1
    height = tl.load(roi + 4).to(C) * s - shift - y1
    if not ALIGNED:  # malformed rois count as 1 x 1
        width = tl.maximum(width, 1.0)
        height = tl.maximum(height, 1.0)
    bin_h = div_rn(height, tl.cast(PH, C))
    bin_w = div_rn(width, tl.cast(PW, C))
    grid_h = tl.where(ratio > 0, ratio, libdevice.ceil(bin_h).to(tl.int32))
    grid_w = tl.where(ratio > 0, ratio, libdevice.ceil(bin_w).to(tl.int32))
    return batch.to(tl.int64), valid, y1, x1, bin_h, bin_w, grid_h, grid_w


@triton.jit
def _taps(y, x, H, W):
    """The four offsets and weights of point (y, x) (Detectron's rule), and
    whether it is near enough to the image to count."""
    inside = (y >= -1.0) & (y <= H) & (x >= -1.0) & (x <= W)
    y = tl.maximum(y, 0.0)
    x = tl.maximum(x, 0.0)
    y0 = y.to(tl.int32)
    x0 = x.to(tl.int32)
    edge_y = y0 >= H - 1
    edge_x = x0 >= W - 1
    y0 = tl.where(edge_y, H - 1, y0)
    x0 = tl.where(edge_x, W - 1, x0)
    y1 = tl.where(edge_y, y0, y0 + 1)
    x1 = tl.where(edge_x, x0, x0 + 1)
    ly = tl.where(edge_y, 0.0, y - y0.to(y.dtype))
    lx = tl.where(edge_x, 0.0, x - x0.to(x.dtype))
    return inside, y0 * W + x0, y0 * W + x1, y1 * W + x0, y1 * W + x1, (1 - ly) * (1 - lx), (1 - ly) * lx, \
        ly * (1 - lx), ly * lx


@triton.jit
def roi_align_kernel(data_ptr, rois_ptr, out_ptr, N, CH, OC, H, W, PH, PW, scale, ratio, ALIGNED: tl.constexpr,
                     SENSITIVE: tl.constexpr, BLOCK_C: tl.constexpr):
    pid = tl.program_id(0)
    r = pid // (PH * PW)
    ph = (pid // PW) % PH
    pw = pid % PW
    c = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    cmask = c < OC
    T: tl.constexpr = out_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    b, valid, y1, x1, bin_h, bin_w, grid_h, grid_w = _roi(rois_ptr, r, scale, PH, PW, N, ratio, ALIGNED, C)
    source = (c * PH + ph) * PW + pw if SENSITIVE else c
    plane = data_ptr + (tl.where(valid, b, 0) * CH + source.to(tl.int64)) * H * W
    share = 1.0 / tl.maximum(grid_h * grid_w, 1).to(C)
    total = tl.zeros((BLOCK_C,), C)
    rows = tl.where(valid, grid_h, 0)
    for iy in range(0, rows):
        y = y1 + ph * bin_h + div_rn((iy + 0.5) * bin_h, grid_h.to(C))
        for ix in range(0, grid_w):
            x = x1 + pw * bin_w + div_rn((ix + 0.5) * bin_w, grid_w.to(C))
            inside, o1, o2, o3, o4, w1, w2, w3, w4 = _taps(y, x, H, W)
            m = tl.where(inside, cmask, False)
            total += (w1 * tl.load(plane + o1, mask=m, other=0).to(C) + w2 * tl.load(plane + o2, mask=m, other=0).to(C)
                      + w3 * tl.load(plane + o3, mask=m, other=0).to(C)
                      + w4 * tl.load(plane + o4, mask=m, other=0).to(C)) * share
    o = (r.to(tl.int64) * OC + c) * (PH * PW) + ph * PW + pw
    tl.store(out_ptr + o, total.to(T), mask=cmask)


@triton.jit
def roi_align_backward_kernel(grad_ptr, rois_ptr, dx_ptr, N, CH, OC, H, W, PH, PW, scale, ratio,
                              ALIGNED: tl.constexpr, SENSITIVE: tl.constexpr, BLOCK_C: tl.constexpr):
    pid = tl.program_id(0)
    r = pid // (PH * PW)
    ph = (pid // PW) % PH
    pw = pid % PW
    c = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    cmask = c < OC
    T: tl.constexpr = dx_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    b, valid, y1, x1, bin_h, bin_w, grid_h, grid_w = _roi(rois_ptr, r, scale, PH, PW, N, ratio, ALIGNED, C)
    source = (c * PH + ph) * PW + pw if SENSITIVE else c
    plane = dx_ptr + (tl.where(valid, b, 0) * CH + source.to(tl.int64)) * H * W
    o = (r.to(tl.int64) * OC + c) * (PH * PW) + ph * PW + pw
    g = tl.load(grad_ptr + o, mask=cmask, other=0).to(C) / tl.maximum(grid_h * grid_w, 1).to(C)
    rows = tl.where(valid, grid_h, 0)
    for iy in range(0, rows):
        y = y1 + ph * bin_h + div_rn((iy + 0.5) * bin_h, grid_h.to(C))
        for ix in range(0, grid_w):
            x = x1 + pw * bin_w + div_rn((ix + 0.5) * bin_w, grid_w.to(C))
            inside, o1, o2, o3, o4, w1, w2, w3, w4 = _taps(y, x, H, W)
            m = tl.where(inside, cmask, False)
            tl.atomic_add(plane + o1, (w1 * g).to(T), mask=m, sem="relaxed")
            tl.atomic_add(plane + o2, (w2 * g).to(T), mask=m, sem="relaxed")
            tl.atomic_add(plane + o3, (w3 * g).to(T), mask=m, sem="relaxed")
            tl.atomic_add(plane + o4, (w4 * g).to(T), mask=m, sem="relaxed")


def _launch(kernel, call, src, rois, dst, data, pooled):
    N, CH, H, W = data.shape
    OC, PH, PW = pooled.shape[1], pooled.shape[2], pooled.shape[3]
    if rois.shape[0] * OC * PH * PW == 0 or H * W == 0:
        return
    launch(kernel, (rois.shape[0] * PH * PW, triton.cdiv(OC, CHANNELS)), src, rois, dst, N, CH, OC, H, W, PH, PW,
           float(np.float32(call.attrs["spatial_scale"])), int(call.attrs["sample_ratio"]),
           ALIGNED=bool(call.attrs["aligned"]), SENSITIVE=bool(call.attrs["position_sensitive"]), BLOCK_C=CHANNELS,
           num_warps=2)


@register("_contrib_ROIAlign", dtypes=DTYPES)
def roi_align(call):
    data, rois = call.inputs
    out = call.outputs[0]
    if write_request(call) and out.numel:
        _launch(roi_align_kernel, call, data, rois, out, data, out)


@register("_backward_ROIAlign", dtypes=DTYPES)
def roi_align_backward(call):
    grad, data, rois = call.inputs
    dx = call.outputs[0]
    if not write_request(call) or dx.numel == 0:
        return
    fill(dx, 0)
    _launch(roi_align_backward_kernel, call, grad, rois, dx, data, grad)
