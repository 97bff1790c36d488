"""sort, argsort and topk along one axis (the flattened input when axis is
None), by rank: an element's position in the order is the number of
elements that come before it -- smaller (larger, descending), or equal with
a smaller index -- so the order is stable, NaN orders above +inf (it ends an
ascending order and starts a descending one), and every dtype sorts the same
way.  Each program ranks BLOCK elements of one slice against the whole
slice: O(L^2) comparisons per slice of length L, in tiles.
"""
import triton
import triton.language as tl

from ..jit_helpers import cast_to, compute_type
from ..launch import launch
from ..registry import NUMERIC, KernelError, register
from ..strides import normalize_axis, write_request

BLOCK = 64
RET_TYPES = {"value": 0, "indices": 1, "both": 2, "mask": 3}
SORT, ARGSORT = 4, 5  # the other outputs the kernel writes


@triton.jit
def _before(xj, j, xi, i, ASCEND: tl.constexpr):
    """Does element j come before element i?"""
    nan_i = xi != xi
    nan_j = xj != xj
    if ASCEND:
        earlier = ~nan_j & (nan_i | (xj < xi))
    else:
        earlier = (nan_j & ~nan_i) | (~nan_j & ~nan_i & (xj > xi))
    same = (xj == xi) | (nan_i & nan_j)
    return earlier | (same & (j < i))


@triton.jit
def rank_kernel(x_ptr, out_ptr, out2_ptr, L, k, n_inner, x_outer, x_inner, x_axis, o_outer, o_inner, o_axis,
                WHAT: tl.constexpr, ASCEND: tl.constexpr, BLOCK: tl.constexpr):
    slice_ = tl.program_id(1).to(tl.int64)
    outer = slice_ // n_inner
    inner = slice_ % n_inner
    x_base = x_ptr + outer * x_outer + inner * x_inner
    C: tl.constexpr = compute_type(x_ptr.dtype.element_ty)
    i = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    i_mask = i < L
    xi = tl.load(x_base + i.to(tl.int64) * x_axis, mask=i_mask).to(C)
    rank = tl.zeros((BLOCK,), tl.int64)
    for start in range(0, L, BLOCK):
        j = start + tl.arange(0, BLOCK)
        xj = tl.load(x_base + j.to(tl.int64) * x_axis, mask=j < L).to(C)
        earlier = _before(xj[None, :], j[None, :], xi[:, None], i[:, None], ASCEND) & (j < L)[None, :]
        rank += tl.sum(earlier.to(tl.int64), 1)
    o_base = outer * o_outer + inner * o_inner
    if WHAT == 3:  # mask: 1 at the selected positions, in the input's dtype
        T: tl.constexpr = out_ptr.dtype.element_ty
        tl.store(out_ptr + o_base + i.to(tl.int64) * o_axis, cast_to(rank < k, T), mask=i_mask)
    else:
        selected = i_mask & (rank < k)
        dst = o_base + rank * o_axis
        if WHAT == 0 or WHAT == 2 or WHAT == 4:
            tl.store(out_ptr + dst, tl.load(x_base + i.to(tl.int64) * x_axis, mask=i_mask), mask=selected)
        if WHAT == 1 or WHAT == 5:
            tl.store(out_ptr + dst, cast_to(i.to(tl.float64), out_ptr.dtype.element_ty), mask=selected)
        if WHAT == 2:
            tl.store(out2_ptr + dst, cast_to(i.to(tl.float64), out2_ptr.dtype.element_ty), mask=selected)


def _order(call, what, ascend, k=None):
    x = call.inputs[0]
    outs = call.outputs
    if not all(write_request(call, j) for j in range(len(outs))) or x.numel == 0:
        return
    axis = call.attrs.get("axis")
    if axis is None:
        if not x.is_contiguous():
            raise KernelError("ordering the flattened input needs a contiguous input")
        L, n_outer, n_inner = x.numel, 1, 1
        x_s = (0, 0, 1)
        o_s = (0, 0, 1)
    else:
        axis = normalize_axis(axis, x.ndim)
        L = x.shape[axis]
        n_outer = n_inner = 1
        for d in x.shape[:axis]:
            n_outer *= d
        for d in x.shape[axis + 1:]:
            n_inner *= d
        out = outs[0]
        for t in [x] + list(outs):
            if not t.is_contiguous():
                raise KernelError("ordering needs contiguous arrays")
        x_s = (L * n_inner, 1, n_inner)
        out_len = out.shape[axis]
        o_s = (out_len * n_inner, 1, n_inner)
    k = L if k is None else k
    slices = n_outer * n_inner
    if slices == 0 or L == 0:
        return
    launch(rank_kernel, (triton.cdiv(L, BLOCK), slices), x, outs[0], outs[-1], L, k, n_inner, *x_s, *o_s,
           WHAT=what, ASCEND=ascend, BLOCK=BLOCK, num_warps=4)


@register("sort", dtypes=NUMERIC)
def sort(call):
    _order(call, SORT, call.attrs.get("is_ascend", True))


@register("argsort", dtypes=NUMERIC)
def argsort(call):
    _order(call, ARGSORT, call.attrs.get("is_ascend", True))


@register("topk", "_npx_topk", dtypes=NUMERIC)
def topk(call):
    x = call.inputs[0]
    axis = call.attrs.get("axis", -1)
    length = x.numel if axis is None else x.shape[normalize_axis(axis, x.ndim)]
    k = call.attrs.get("k", 1)
    _order(call, RET_TYPES[call.attrs.get("ret_typ", "indices")], call.attrs.get("is_ascend", False),
           length if k < 1 else k)
