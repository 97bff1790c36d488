"""sum, mean, prod, nansum, nanprod, max, min and norm over a set of axes
(axis None or (): all; exclude: the axes not listed).

Each program folds a tile of outputs: every lane accumulates its share of
the reduced extent, then the lanes combine as a tree, so a float32 sum's
error grows like log(n), as the CPU kernels' pairwise sums.  float16 and
bfloat16 accumulate in float32; integer sums and products wrap in int64
(as the CPU's modular uint64), integer mean divides the int64 sum; integer
norms run in float64.  max and min propagate NaN.
"""
import triton
import triton.language as tl

from ..jit_helpers import cast_to, compute_type, offset_of, sqrt_rn
from ..launch import launch
from ..reduction import plan_reduction
from ..registry import NUMERIC, register
from ..scalars import INT_RANGE
from ..strides import normalize_axis, write_request

KINDS = {"sum": 0, "mean": 1, "prod": 2, "nansum": 3, "nanprod": 4, "max": 5, "min": 6, "norm1": 7, "norm2": 8}
ALIASES = {"sum": ("sum_axis",), "max": ("max_axis",), "min": ("min_axis",)}


@triton.jit
def _max_nan(a, b):
    return tl.where((a > b) | (a != a), a, b)


@triton.jit
def _min_nan(a, b):
    return tl.where((a < b) | (a != a), a, b)


@triton.jit
def _multiply(a, b):
    return a * b


@triton.jit
def reduce_kernel(x_ptr, out_ptr, num_out, count, kept_shape, kept_strides, red_shape, red_strides,
                  KIND: tl.constexpr, INIT: tl.constexpr, ACCUMULATE: tl.constexpr, BLOCK_OUT: tl.constexpr,
                  BLOCK_RED: tl.constexpr, IDX: tl.constexpr):
    T: tl.constexpr = x_ptr.dtype.element_ty
    if KIND >= 7 and T.is_int():
        A: tl.constexpr = tl.float64
    elif T.is_int() and KIND != 5 and KIND != 6:
        A: tl.constexpr = tl.int64
    else:
        A: tl.constexpr = compute_type(T)
    outs = tl.program_id(0).to(IDX) * BLOCK_OUT + tl.arange(0, BLOCK_OUT).to(IDX)
    out_mask = outs < num_out
    base = offset_of(outs, kept_shape, kept_strides)
    acc = tl.full((BLOCK_OUT, BLOCK_RED), INIT, A)
    for start in range(0, count, BLOCK_RED):
        ks = start + tl.arange(0, BLOCK_RED).to(IDX)
        mask = out_mask[:, None] & (ks < count)[None, :]
        offs = base[:, None] + offset_of(ks, red_shape, red_strides)[None, :]
        x = tl.where(mask, tl.load(x_ptr + offs, mask=mask).to(A), INIT)  # INIT: the identity
        if KIND == 0 or KIND == 1:
            acc += x
        elif KIND == 2:
            acc *= x
        elif KIND == 3:
            acc += tl.where(x == x, x, 0)
        elif KIND == 4:
            acc *= tl.where(x == x, x, 1)
        elif KIND == 5:
            acc = _max_nan(x, acc)
        elif KIND == 6:
            acc = _min_nan(x, acc)
        elif KIND == 7:
            acc += tl.abs(x)
        else:
            acc += x * x
    if KIND == 2 or KIND == 4:
        result = tl.reduce(acc, 1, _multiply)
    elif KIND == 5:
        result = tl.reduce(acc, 1, _max_nan)
    elif KIND == 6:
        result = tl.reduce(acc, 1, _min_nan)
    else:
        result = tl.sum(acc, 1)
    if KIND == 1:
        if A.is_int():
            result = tl.where(count > 0, result // tl.maximum(count, 1), 0)
        else:
            result = result / count
    elif KIND == 8:
        result = sqrt_rn(result)
    if ACCUMULATE:  # req=add (sums only): the result added to the output's values
        result += tl.load(out_ptr + outs, mask=out_mask).to(A)
    tl.store(out_ptr + outs, cast_to(result, out_ptr.dtype.element_ty), mask=out_mask)


def identity(kind, dtype):
    """The value a reduction starts from (and pads a partial tile with)."""
    if kind in ("prod", "nanprod"):
        return 1
    if kind in ("max", "min"):
        if dtype in INT_RANGE:
            return INT_RANGE[dtype][0 if kind == "max" else 1]
        return float("-inf") if kind == "max" else float("inf")
    return 0


def reduced_axes(attrs, ndim):
    axis = attrs.get("axis")
    if axis is None or axis == ():
        return set(range(ndim))
    axes = {normalize_axis(a, ndim) for a in ((axis,) if isinstance(axis, int) else axis)}
    return set(range(ndim)) - axes if attrs.get("exclude") else axes


def reduce_into(x, out, axes, kind, accumulate=False):
    """out (contiguous, the kept axes in order) = x reduced over `axes` (a
    set of axis numbers); accumulate adds to out (req=add)."""
    if out.numel == 0:
        return
    p = plan_reduction(x, out, axes)
    launch(reduce_kernel, p.grid, x, out, p.num_out, p.count, *p.kept, *p.reduced, KIND=KINDS[kind],
           INIT=identity(kind, x.dtype), ACCUMULATE=accumulate, BLOCK_OUT=p.block_out, BLOCK_RED=p.block_red,
           IDX=p.index, num_warps=4)


def run_reduction(call, kind):
    x = call.inputs[0]
    if write_request(call):
        reduce_into(x, call.outputs[0], reduced_axes(call.attrs, x.ndim), kind)


def _register(name):
    @register(name, *ALIASES.get(name, ()), dtypes=NUMERIC)
    def reduction(call):
        run_reduction(call, name)


for _name in ("sum", "mean", "prod", "nansum", "nanprod", "max", "min"):
    _register(_name)


@register("norm", dtypes=NUMERIC)
def norm(call):
    run_reduction(call, "norm1" if call.attrs["ord"] == 1 else "norm2")
