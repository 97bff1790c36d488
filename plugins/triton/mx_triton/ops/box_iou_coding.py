"""_contrib_box_iou, _contrib_box_encode and _contrib_box_decode
(plugins/cpu/box_iou_coding.cc): one lane per output pair or box.  A
positive sample matched outside refs, which the CPU reports as an error,
encodes as zeros with mask 0 here: a kernel cannot raise without stopping
the stream."""
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, compute_type, div_rn
from ..launch import launch
from ..registry import register
from ..strides import INT32_LIMIT, write_request
from .box_geometry import box_iou, float32, load_corners

DTYPES = ("float32", "float64", "float16")


@triton.jit
def box_iou_kernel(l_ptr, r_ptr, out_ptr, n, NR, CORNER: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = out_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    ax1, ay1, ax2, ay2 = load_corners(l_ptr + (idx // NR) * 4, mask, CORNER, C)
    bx1, by1, bx2, by2 = load_corners(r_ptr + (idx % NR) * 4, mask, CORNER, C)
    tl.store(out_ptr + idx, box_iou(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2).to(T), mask=mask)


@triton.jit
def _center(ptr, mask, CORNER: tl.constexpr, C: tl.constexpr):
    """The box at ptr as center x, y, width and height (in C)."""
    a = tl.load(ptr, mask=mask, other=0).to(C)
    b = tl.load(ptr + 1, mask=mask, other=0).to(C)
    c = tl.load(ptr + 2, mask=mask, other=1).to(C)
    d = tl.load(ptr + 3, mask=mask, other=1).to(C)
    if CORNER:
        c = c - a
        d = d - b
        a = a + c * 0.5
        b = b + d * 0.5
    return a, b, c, d


@triton.jit
def _store_target(num, den, LOG: tl.constexpr, k: tl.constexpr, mean_ptr, std_ptr, t_ptr, k_ptr, idx, positive,
                  mask):
    """Target k, ((log of) num / den - means[k]) / stds[k], and its mask."""
    T: tl.constexpr = t_ptr.dtype.element_ty
    e = div_rn(num, den)
    if LOG:
        e = libdevice.log(e)
    t = div_rn(e - tl.load(mean_ptr + k).to(e.dtype), tl.load(std_ptr + k).to(e.dtype))
    tl.store(t_ptr + idx * 4 + k, tl.where(positive, t, 0.0).to(T), mask=mask)
    tl.store(k_ptr + idx * 4 + k, tl.where(positive, 1.0, 0.0).to(T), mask=mask)


@triton.jit
def box_encode_kernel(s_ptr, m_ptr, a_ptr, r_ptr, mean_ptr, std_ptr, t_ptr, k_ptr, n, N, M, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, tl.int64)
    T: tl.constexpr = t_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    match = tl.load(m_ptr + idx, mask=mask, other=-1).to(C)
    positive = mask & (tl.load(s_ptr + idx, mask=mask, other=0).to(C) > 0.5) & (match >= 0) & (match < M)
    ref = (idx // N) * M + tl.where(positive, match, 0).to(tl.int64)
    rx, ry, rw, rh = _center(r_ptr + ref * 4, positive, True, C)
    ax, ay, aw, ah = _center(a_ptr + idx * 4, positive, True, C)
    _store_target(rx - ax, aw, False, 0, mean_ptr, std_ptr, t_ptr, k_ptr, idx, positive, mask)
    _store_target(ry - ay, ah, False, 1, mean_ptr, std_ptr, t_ptr, k_ptr, idx, positive, mask)
    _store_target(rw, aw, True, 2, mean_ptr, std_ptr, t_ptr, k_ptr, idx, positive, mask)
    _store_target(rh, ah, True, 3, mean_ptr, std_ptr, t_ptr, k_ptr, idx, positive, mask)


@triton.jit
def box_decode_kernel(d_ptr, a_ptr, out_ptr, n, N, std0, std1, std2, std3, clip, CORNER: tl.constexpr,
                      BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, tl.int64)
    T: tl.constexpr = out_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    ax, ay, aw, ah = _center(a_ptr + (idx % N) * 4, mask, CORNER, C)
    d = d_ptr + idx * 4
    x = tl.load(d, mask=mask, other=0).to(C) * std0 * aw + ax
    y = tl.load(d + 1, mask=mask, other=0).to(C) * std1 * ah + ay
    dw = tl.load(d + 2, mask=mask, other=0).to(C) * std2
    dh = tl.load(d + 3, mask=mask, other=0).to(C) * std3
    dw = tl.where((clip > 0) & ~(dw < clip), clip, dw)
    dh = tl.where((clip > 0) & ~(dh < clip), clip, dh)
    half_w = libdevice.exp(dw) * aw * 0.5
    half_h = libdevice.exp(dh) * ah * 0.5
    o = out_ptr + idx * 4
    tl.store(o, (x - half_w).to(T), mask=mask)
    tl.store(o + 1, (y - half_h).to(T), mask=mask)
    tl.store(o + 2, (x + half_w).to(T), mask=mask)
    tl.store(o + 3, (y + half_h).to(T), mask=mask)


@register("_contrib_box_iou", dtypes=DTYPES)
def box_iou_op(call):
    lhs, rhs = call.inputs
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    index = tl.int64 if out.numel >= INT32_LIMIT else tl.int32
    launch(box_iou_kernel, (triton.cdiv(out.numel, BLOCK),), lhs, rhs, out, out.numel, rhs.numel // 4,
           CORNER=call.attrs["format"] == "corner", IDX=index, BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("_contrib_box_encode", dtypes=DTYPES)
def box_encode_op(call):
    samples, matches, anchors, refs, means, stds = call.inputs
    targets, masks = call.outputs
    if not (write_request(call, 0) or write_request(call, 1)) or samples.numel == 0:
        return
    launch(box_encode_kernel, (triton.cdiv(samples.numel, BLOCK),), samples, matches, anchors, refs, means, stds,
           targets, masks, samples.numel, anchors.shape[1], refs.shape[1], BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("_contrib_box_decode", dtypes=DTYPES)
def box_decode_op(call):
    data, anchors = call.inputs
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    a = call.attrs
    stds = [float32(a[f"std{k}"]) for k in range(4)]
    launch(box_decode_kernel, (triton.cdiv(out.numel // 4, BLOCK),), data, anchors, out, out.numel // 4,
           data.shape[1], *stds, float32(a["clip"]), CORNER=a["format"] == "corner", BLOCK=BLOCK,
           num_warps=NUM_WARPS)
