"""_contrib_box_nms and _backward_contrib_box_nms (plugins/cpu/box_nms.cc).

One program per batch item, its boxes one per lane (a block of the next
power of two of the box count): each valid box's place in the stable
descending order is counted over the others, then the greedy pass visits
the places in order, the visited box (while alive) suppressing the later
ones it overlaps and taking the next output row.  Work is quadratic in the
box count per batch item, and the whole item must fit one block."""
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, compute_type, div_rn
from ..launch import launch
from ..registry import register
from ..strides import INT32_LIMIT, write_request
from .box_geometry import box_area, float32, intersection, load_corners
from .fill import fill

DTYPES = ("float32", "float64", "float16")


@triton.jit
def _valid(row_ptr, mask, valid_thresh, id_index, background_id, HAS_ID: tl.constexpr, score_index,
           C: tl.constexpr):
    """Each row's score, and whether it passes valid_thresh and is not
    background (mask None: one row; masked-out lanes are left to the caller)."""
    score = tl.load(row_ptr + score_index, mask=mask).to(C)
    ok = score > valid_thresh
    if HAS_ID:
        ok = ok & (tl.load(row_ptr + id_index, mask=mask).to(C) != background_id)
    return score, ok


@triton.jit
def _pick(selected, values):
    """The value of the one selected lane."""
    return tl.sum(tl.where(selected, values, 0), axis=0)


@triton.jit
def box_nms_kernel(x_ptr, out_ptr, rec_ptr, K, W, overlap_thresh, valid_thresh, topk, coord_start, score_index,
                   id_index, background_id, COPY: tl.constexpr, HAS_ID: tl.constexpr, ANY_CLASS: tl.constexpr,
                   IN_CORNER: tl.constexpr, OUT_CORNER: tl.constexpr, BLOCK: tl.constexpr):
    b = tl.program_id(0).to(tl.int64)
    lane = tl.arange(0, BLOCK)
    inb = lane < K
    T: tl.constexpr = x_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    base = x_ptr + b * K * W
    rows = base + lane.to(tl.int64) * W
    if COPY:  # topk = 0: MXNet's shortcut, the input unchanged
        alive = inb
        pos = lane
        count = K
    else:
        score, valid = _valid(rows, inb, valid_thresh, id_index, background_id, HAS_ID, score_index, C)
        rank = tl.zeros([BLOCK], tl.int32)
        valid = valid & inb
        for j in range(0, K):
            s, ok = _valid(base + j * W, None, valid_thresh, id_index, background_id, HAS_ID, score_index, C)
            ahead = (s > score) | ((s == score) & (lane > j))
            rank += tl.where(ahead, ok.to(tl.int32), 0)
        kept = tl.sum(valid.to(tl.int32), axis=0)
        kept = tl.where(topk > 0, tl.minimum(kept, topk), kept)
        alive = valid & (rank < kept)
        cls = libdevice.trunc(tl.load(rows + id_index, mask=inb, other=0).to(C))  # classes compare as integers
        x1, y1, x2, y2 = load_corners(rows + coord_start, inb, IN_CORNER, C)
        area = box_area(x1, y1, x2, y2)
        pos = tl.full([BLOCK], -1, tl.int32)
        count = tl.program_id(0) * 0
        for r in range(0, kept):
            at = valid & (rank == r)
            visited = tl.sum((at & alive).to(tl.int32), axis=0)  # 1 while the box at place r is alive
            live = (tl.zeros([BLOCK], tl.int32) + visited) > 0  # as lanes: scalar masks trip the interpreter
            inter = intersection(_pick(at, x1), _pick(at, y1), _pick(at, x2), _pick(at, y2), x1, y1, x2, y2)
            iou = div_rn(inter, _pick(at, area) + area - inter)  # 0 / 0 for two empty boxes, as MXNet
            if ANY_CLASS:
                same = inb
            else:
                same = cls == _pick(at, cls)
            alive = alive & ~(live & (rank > r) & same & (iou > overlap_thresh))
            pos = tl.where(at & live, count, pos)
            count += visited
    out = out_ptr + b * K * W
    dest = out + pos.to(tl.int64) * W
    rest = inb & (lane >= count)
    for c in range(0, W):
        tl.store(dest + c, tl.load(rows + c, mask=alive, other=0), mask=alive)
        tl.store(out + lane.to(tl.int64) * W + c, tl.full([BLOCK], -1, T), mask=rest)
    if not COPY and (IN_CORNER != OUT_CORNER):
        if OUT_CORNER:
            v0, v1, v2, v3 = x1, y1, x2, y2
        else:
            v2 = x2 - x1
            v3 = y2 - y1
            v0 = x1 + v2 / 2
            v1 = y1 + v3 / 2
        tl.store(dest + coord_start, v0.to(T), mask=alive)
        tl.store(dest + coord_start + 1, v1.to(T), mask=alive)
        tl.store(dest + coord_start + 2, v2.to(T), mask=alive)
        tl.store(dest + coord_start + 3, v3.to(T), mask=alive)
    tl.store(rec_ptr + b * K + pos, lane, mask=alive)
    tl.store(rec_ptr + b * K + lane, tl.full([BLOCK], -1, tl.int32), mask=rest)


@triton.jit
def box_nms_backward_kernel(g_ptr, rec_ptr, dx_ptr, n, K, W, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    row = idx // W
    source = tl.load(rec_ptr + row, mask=mask, other=-1)
    hit = mask & (source >= 0) & (source < K)  # only the forward's records are meaningful
    target = (row // K * K + tl.where(hit, source, 0)) * W + idx % W
    tl.store(dx_ptr + target, tl.load(g_ptr + idx, mask=hit, other=0), mask=hit)


@register("_contrib_box_nms", dtypes=DTYPES)
def box_nms_op(call):
    data = call.inputs[0]
    out, record = call.outputs
    if not (write_request(call, 0) or write_request(call, 1)) or out.numel == 0:
        return
    a = call.attrs
    K, W = data.shape[-2], data.shape[-1]
    has_id = a["id_index"] >= 0
    launch(box_nms_kernel, (data.numel // (K * W),), data, out, record, K, W, float32(a["overlap_thresh"]),
           float32(a["valid_thresh"]), a["topk"], a["coord_start"], a["score_index"], max(a["id_index"], 0),
           float(a["background_id"]), COPY=a["topk"] == 0, HAS_ID=has_id,
           ANY_CLASS=a["force_suppress"] or not has_id, IN_CORNER=a["in_format"] == "corner",
           OUT_CORNER=a["out_format"] == "corner", BLOCK=triton.next_power_of_2(K), num_warps=4)


@register("_backward_contrib_box_nms", dtypes=DTYPES)
def box_nms_backward(call):
    grad, record = call.inputs
    dx = call.outputs[0]
    if not write_request(call) or dx.numel == 0:
        return
    fill(dx, 0)
    index = tl.int64 if dx.numel >= INT32_LIMIT else tl.int32
    launch(box_nms_backward_kernel, (triton.cdiv(dx.numel, BLOCK),), grad, record, dx, dx.numel, grad.shape[-2],
           grad.shape[-1], IDX=index, BLOCK=BLOCK, num_warps=NUM_WARPS)
