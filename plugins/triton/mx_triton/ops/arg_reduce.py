"""argmax, argmin and argmax_channel: the index of the first extreme along
one axis (the flattened input when axis is None or the input is 1-D).  A NaN
counts as the extreme and its first occurrence wins (numpy); the index is
written in the input's dtype, as MXNet does.  Few outputs over a long
extent are cut into splits as the reductions are (ops/reduce.py): each
split's best value and index go to the workspace, and a second launch
picks among them in order, so ties still go to the lowest index."""
import triton
import triton.language as tl

from ..jit_helpers import cast_to, compute_type, offset_of
from ..launch import launch
from ..reduction import plan_reduction
from ..registry import NUMERIC, register
from ..scalars import INT_RANGE
from ..strides import normalize_axis, write_request
from ..workspace import carve, size


NO_INDEX = tl.constexpr(2 ** 62)


@triton.jit
def _better(v, i, best, best_i, MAX: tl.constexpr):
    """Does (v, i) replace (best, best_i): more extreme, a first NaN, or
    equal (NaN beside NaN) with a lower index."""
    if MAX:
        more = v > best
    else:
        more = v < best
    same = (v == best) | ((v != v) & (best != best))
    return more | ((v != v) & (best == best)) | (same & (i < best_i))


@triton.jit
def arg_reduce_kernel(x_ptr, index_ptr, out_ptr, best_ptr, num_out, count, chunk, kept_shape, kept_strides,
                      red_shape, red_strides, MAX: tl.constexpr, INIT: tl.constexpr, PARTIAL: tl.constexpr,
                      FROM_PARTIALS: tl.constexpr, BLOCK_OUT: tl.constexpr, BLOCK_RED: tl.constexpr,
                      IDX: tl.constexpr):
    """Program (i, s) searches the reduced indices [s * chunk, (s + 1) *
    chunk) of BLOCK_OUT outputs.  PARTIAL: the best value and its index go
    to best_ptr and out_ptr at [o * num_splits + s]; FROM_PARTIALS: x holds
    such values and index_ptr their indices (same layout).  Otherwise out
    gets the index, in its dtype."""
    A: tl.constexpr = compute_type(x_ptr.dtype.element_ty)
    outs = tl.program_id(0).to(IDX) * BLOCK_OUT + tl.arange(0, BLOCK_OUT).to(IDX)
    out_mask = outs < num_out
    base = offset_of(outs, kept_shape, kept_strides)
    lo = tl.program_id(1).to(IDX) * chunk
    hi = tl.minimum(lo + chunk, count)
    best = tl.full((BLOCK_OUT, BLOCK_RED), INIT, A)
    best_i = tl.full((BLOCK_OUT, BLOCK_RED), NO_INDEX, tl.int64)  # a lane that took nothing never wins
    for start in range(lo, hi, BLOCK_RED):
        ks = start + tl.arange(0, BLOCK_RED).to(IDX)
        mask = out_mask[:, None] & (ks < hi)[None, :]
        offs = base[:, None] + offset_of(ks, red_shape, red_strides)[None, :]
        x = tl.load(x_ptr + offs, mask=mask).to(A)
        if FROM_PARTIALS:
            i = tl.load(index_ptr + offs, mask=mask)
        else:
            i = tl.broadcast_to(ks[None, :].to(tl.int64), (BLOCK_OUT, BLOCK_RED))
        take = mask & (_better(x, i, best, best_i, MAX) | (start == lo))
        best = tl.where(take, x, best)
        best_i = tl.where(take, i, best_i)
    # Across lanes: the lowest index among the lanes holding a NaN, else
    # among those holding the extreme.  (Plain reductions rather than one
    # over (value, index) pairs with _better: Triton's interpreter calls such
    # a combine function once per pair of elements.)
    if MAX:
        extreme = tl.max(best, 1)
    else:
        extreme = tl.min(best, 1)
    nan = best != best
    has_nan = tl.max(nan.to(tl.int32), 1) > 0
    pick = tl.where(has_nan[:, None], nan, best == extreme[:, None])
    index = tl.min(tl.where(pick, best_i, NO_INDEX), 1)
    dst = outs * tl.num_programs(1) + tl.program_id(1)
    if PARTIAL:
        chosen = pick & (best_i == index[:, None])  # one lane: lanes hold distinct indices
        value = tl.sum(tl.where(chosen, best, 0), 1)
        tl.store(best_ptr + dst, value, mask=out_mask)
        tl.store(out_ptr + dst, index, mask=out_mask)
    else:
        tl.store(out_ptr + dst, cast_to(index, out_ptr.dtype.element_ty), mask=out_mask)


def _axes(call, axis):
    x = call.inputs[0]
    return set(range(x.ndim)) if axis is None or x.ndim <= 1 else {normalize_axis(axis, x.ndim)}


def _cut(p, dtype):
    """How plan p's search is cut: (splits, reduced indices per split, the
    (shape, dtype) pieces of the partial values and indices in the
    workspace -- None if uncut)."""
    num_splits, chunk = p.splits()
    if num_splits == 1:
        return num_splits, chunk, None
    value = "float32" if dtype in ("float16", "bfloat16") else dtype
    return num_splits, chunk, [((p.num_out, num_splits), value), ((p.num_out, num_splits), "int64")]


def search_workspace(call, axis):
    x, out = call.inputs[0], call.outputs[0]
    if out.numel == 0:
        return 0
    _, _, pieces = _cut(plan_reduction(x, out, _axes(call, axis)), x.dtype)
    return 0 if pieces is None else size(pieces)


def run_search(call, is_max, axis):
    x, out = call.inputs[0], call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    p = plan_reduction(x, out, _axes(call, axis))
    if x.dtype in INT_RANGE:
        init = INT_RANGE[x.dtype][0 if is_max else 1]
    else:
        init = float("-inf") if is_max else float("inf")
    num_splits, chunk, pieces = _cut(p, x.dtype)
    meta = dict(MAX=is_max, INIT=init, num_warps=4)
    if pieces is None:
        launch(arg_reduce_kernel, p.grid, x, x, out, out, p.num_out, p.count, p.count, *p.kept, *p.reduced,
               PARTIAL=False, FROM_PARTIALS=False, BLOCK_OUT=p.block_out, BLOCK_RED=p.block_red, IDX=p.index,
               **meta)
        return
    values, indices = carve(call, pieces)
    launch(arg_reduce_kernel, (p.grid[0], num_splits), x, x, indices, values, p.num_out, p.count, chunk, *p.kept,
           *p.reduced, PARTIAL=True, FROM_PARTIALS=False, BLOCK_OUT=p.block_out, BLOCK_RED=p.block_red,
           IDX=p.index, **meta)
    q = plan_reduction(values, out, {1})
    launch(arg_reduce_kernel, q.grid, values, indices, out, out, q.num_out, q.count, q.count, *q.kept, *q.reduced,
           PARTIAL=False, FROM_PARTIALS=True, BLOCK_OUT=q.block_out, BLOCK_RED=q.block_red, IDX=q.index, **meta)


@register("argmax", dtypes=NUMERIC, workspace=lambda call: search_workspace(call, call.attrs.get("axis")))
def argmax(call):
    run_search(call, True, call.attrs.get("axis"))


@register("argmin", dtypes=NUMERIC, workspace=lambda call: search_workspace(call, call.attrs.get("axis")))
def argmin(call):
    run_search(call, False, call.attrs.get("axis"))


@register("argmax_channel", dtypes=NUMERIC, workspace=lambda call: search_workspace(call, 1))
def argmax_channel(call):
    run_search(call, True, 1)
