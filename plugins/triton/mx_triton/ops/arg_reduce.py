"""argmax, argmin and argmax_channel: the index of the first extreme along
one axis (the flattened input when axis is None or the input is 1-D).  A NaN
counts as the extreme and its first occurrence wins (numpy); the index is
written in the input's dtype, as MXNet does."""
import triton
import triton.language as tl

from ..jit_helpers import cast_to, compute_type, offset_of
from ..launch import launch
from ..reduction import plan_reduction
from ..registry import NUMERIC, register
from ..scalars import INT_RANGE
from ..strides import normalize_axis, write_request


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
def _pick_max(v1, i1, v2, i2):
    take = _better(v2, i2, v1, i1, True)
    return tl.where(take, v2, v1), tl.where(take, i2, i1)


@triton.jit
def _pick_min(v1, i1, v2, i2):
    take = _better(v2, i2, v1, i1, False)
    return tl.where(take, v2, v1), tl.where(take, i2, i1)


@triton.jit
def arg_reduce_kernel(x_ptr, out_ptr, num_out, count, kept_shape, kept_strides, red_shape, red_strides,
                      MAX: tl.constexpr, INIT: tl.constexpr, BLOCK_OUT: tl.constexpr, BLOCK_RED: tl.constexpr,
                      IDX: tl.constexpr):
    A: tl.constexpr = compute_type(x_ptr.dtype.element_ty)
    outs = tl.program_id(0).to(IDX) * BLOCK_OUT + tl.arange(0, BLOCK_OUT).to(IDX)
    out_mask = outs < num_out
    base = offset_of(outs, kept_shape, kept_strides)
    best = tl.full((BLOCK_OUT, BLOCK_RED), INIT, A)
    best_i = tl.full((BLOCK_OUT, BLOCK_RED), 0, tl.int64)
    for start in range(0, count, BLOCK_RED):
        ks = start + tl.arange(0, BLOCK_RED).to(IDX)
        mask = out_mask[:, None] & (ks < count)[None, :]
        x = tl.load(x_ptr + base[:, None] + offset_of(ks, red_shape, red_strides)[None, :], mask=mask).to(A)
        i = tl.broadcast_to(ks[None, :].to(tl.int64), (BLOCK_OUT, BLOCK_RED))
        take = mask & (_better(x, i, best, best_i, MAX) | (start == 0))
        best = tl.where(take, x, best)
        best_i = tl.where(take, i, best_i)
    if MAX:
        _, index = tl.reduce((best, best_i), 1, _pick_max)
    else:
        _, index = tl.reduce((best, best_i), 1, _pick_min)
    tl.store(out_ptr + outs, cast_to(index, out_ptr.dtype.element_ty), mask=out_mask)


def run_search(call, is_max, axis):
    x, out = call.inputs[0], call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    axes = set(range(x.ndim)) if axis is None or x.ndim <= 1 else {normalize_axis(axis, x.ndim)}
    p = plan_reduction(x, out, axes)
    if x.dtype in INT_RANGE:
        init = INT_RANGE[x.dtype][0 if is_max else 1]
    else:
        init = float("-inf") if is_max else float("inf")
    launch(arg_reduce_kernel, p.grid, x, out, p.num_out, p.count, *p.kept, *p.reduced, MAX=is_max, INIT=init,
           BLOCK_OUT=p.block_out, BLOCK_RED=p.block_red, IDX=p.index, num_warps=4)


@register("argmax", dtypes=NUMERIC)
def argmax(call):
    run_search(call, True, call.attrs.get("axis"))


@register("argmin", dtypes=NUMERIC)
def argmin(call):
    run_search(call, False, call.attrs.get("axis"))


@register("argmax_channel", dtypes=NUMERIC)
def argmax_channel(call):
    run_search(call, True, 1)
