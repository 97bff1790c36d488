"""_contrib_MultiBoxPrior (plugins/cpu/multibox_prior.cc): one launch per
anchor shape (a handful), one lane per pixel; each shape's half width and
height are worked out here in float32, in MXNet's order of operations."""
import numpy as np
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..launch import launch
from ..registry import register
from ..strides import write_request


@triton.jit
def _store(ptr, v, CLIP: tl.constexpr, mask):
    if CLIP:
        v = tl.minimum(tl.maximum(v, 0.0), 1.0)
    tl.store(ptr, v, mask=mask)


@triton.jit
def multibox_prior_kernel(out_ptr, pixels, W, anchors, a, step_y, step_x, offset_y, offset_x, half_w, half_h,
                          CLIP: tl.constexpr, BLOCK: tl.constexpr):
    p = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = p < pixels
    cy = ((p // W).to(tl.float32) + offset_y) * step_y
    cx = ((p % W).to(tl.float32) + offset_x) * step_x
    o = out_ptr + (p.to(tl.int64) * anchors + a) * 4
    _store(o, cx - half_w, CLIP, mask)
    _store(o + 1, cy - half_h, CLIP, mask)
    _store(o + 2, cx + half_w, CLIP, mask)
    _store(o + 3, cy + half_h, CLIP, mask)


def _anchor_halves(sizes, ratios, height, width):
    """(half width, half height) of each anchor shape, float32 as MXNet."""
    f = np.float32
    shapes = [(f(s), np.sqrt(f(ratios[0]))) for s in sizes] + [(f(sizes[0]), np.sqrt(f(q))) for q in ratios[1:]]
    return [(float(s * f(height) / f(width) * q / f(2)), float(s / q / f(2))) for s, q in shapes]


@register("_contrib_MultiBoxPrior", dtypes=("float32",))
def multibox_prior(call):
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    a = call.attrs
    height, width = call.inputs[0].shape[2], call.inputs[0].shape[3]
    step_y, step_x = (np.float32(v) for v in a["steps"])
    if step_y <= 0 or step_x <= 0:
        step_y, step_x = np.float32(1) / np.float32(height), np.float32(1) / np.float32(width)
    halves = _anchor_halves(a["sizes"], a["ratios"], height, width)
    pixels = height * width
    for k, (half_w, half_h) in enumerate(halves):
        launch(multibox_prior_kernel, (triton.cdiv(pixels, BLOCK),), out, pixels, width, len(halves), k,
               float(step_y), float(step_x), float(a["offsets"][0]), float(a["offsets"][1]), half_w, half_h,
               CLIP=bool(a["clip"]), BLOCK=BLOCK, num_warps=NUM_WARPS)
