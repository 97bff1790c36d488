"""Box geometry for the bounding-box kernels (plugins/cpu/box_geometry.h):
boxes read in either encoding as corners, areas and IoU as MXNet 1.9
computes them.  Helpers only: no op is registered here."""
import numpy as np
import triton
import triton.language as tl

from ..jit_helpers import div_rn


def float32(value):
    """A float parameter as MXNet keeps it (the interpreter would pass a
    Python float at double precision)."""
    return float(np.float32(value))


@triton.jit
def load_corners(ptr, mask, CORNER: tl.constexpr, C: tl.constexpr):
    """The 4 values at ptr ([xmin, ymin, xmax, ymax], or [x, y, w, h]
    without CORNER) as corners in C."""
    a = tl.load(ptr, mask=mask, other=0).to(C)
    b = tl.load(ptr + 1, mask=mask, other=0).to(C)
    c = tl.load(ptr + 2, mask=mask, other=0).to(C)
    d = tl.load(ptr + 3, mask=mask, other=0).to(C)
    if not CORNER:
        a, b, c, d = a - c / 2, b - d / 2, a + c / 2, b + d / 2
    return a, b, c, d


@triton.jit
def box_area(x1, y1, x2, y2):
    """0 for a negative width or height."""
    w = x2 - x1
    h = y2 - y1
    return tl.where((w < 0) | (h < 0), 0.0, w * h)


@triton.jit
def _overlap(l1, r1, l2, r2):
    w = tl.minimum(r1, r2) - tl.maximum(l1, l2)
    return tl.where(w > 0, w, 0.0)


@triton.jit
def intersection(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2):
    return _overlap(ax1, ax2, bx1, bx2) * _overlap(ay1, ay2, by1, by2)


@triton.jit
def box_iou(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2):
    """Intersection over union as box_iou gives it: 0 for boxes that do not
    intersect.  (box_nms divides regardless: 0 / 0 for two empty boxes.)"""
    inter = intersection(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2)
    union = box_area(ax1, ay1, ax2, ay2) + box_area(bx1, by1, bx2, by2) - inter
    return tl.where(inter > 0, div_rn(inter, tl.where(inter > 0, union, 1.0)), 0.0)
