"""sum, mean, prod, nansum, nanprod, max, min and norm over a set of axes
(axis None or (): all; exclude: the axes not listed).

Each program folds a tile of outputs: every lane accumulates its share of
the reduced extent, then the lanes combine as a tree, so a float32 sum's
error grows like log(n), as the CPU kernels' pairwise sums.  float16 and
bfloat16 accumulate in float32; integer sums and products wrap in int64
(as the CPU's modular uint64), integer mean divides the int64 sum; integer
norms run in float64.  max and min propagate NaN.

Few outputs over a long extent (a full sum, a loss's mean) would leave the
GPU to a handful of programs: the extent is then cut into splits, each
folded by its own program into a partial in the workspace (in the
accumulator's type), and a second launch combines each output's partials
in order and finishes (mean, norm's root, req=add).  The cut depends on
the shape only, so results do not vary from run to run.
"""
import triton
import triton.language as tl

from ..jit_helpers import cast_to, compute_type, offset_of, sqrt_rn
from ..launch import launch
from ..reduction import plan_reduction
from ..registry import NUMERIC, register
from ..scalars import INT_RANGE
from ..strides import normalize_axis, write_request
from ..workspace import carve, size

# How the input folds into an accumulator, and what ends a reduction
# (constexpr: the kernel compares against them).
ADD, MUL, NAN_ADD, NAN_MUL, MAX, MIN, ABS_ADD, SQUARE_ADD = (tl.constexpr(k) for k in range(8))
NO_FINISH, MEAN, ROOT = (tl.constexpr(k) for k in range(3))
KINDS = {"sum": (ADD, NO_FINISH), "mean": (ADD, MEAN), "prod": (MUL, NO_FINISH), "nansum": (NAN_ADD, NO_FINISH),
         "nanprod": (NAN_MUL, NO_FINISH), "max": (MAX, NO_FINISH), "min": (MIN, NO_FINISH),
         "norm1": (ABS_ADD, NO_FINISH), "norm2": (SQUARE_ADD, ROOT)}
# How partials of each fold combine.
COMBINE = {ADD: ADD, NAN_ADD: ADD, ABS_ADD: ADD, SQUARE_ADD: ADD, MUL: MUL, NAN_MUL: MUL, MAX: MAX, MIN: MIN}
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
def reduce_kernel(x_ptr, out_ptr, num_out, count, chunk, divisor, kept_shape, kept_strides, red_shape,
                  red_strides, FOLD: tl.constexpr, FINISH: tl.constexpr, INIT: tl.constexpr,
                  ACCUMULATE: tl.constexpr, BLOCK_OUT: tl.constexpr, BLOCK_RED: tl.constexpr, IDX: tl.constexpr):
    """Program (i, s) folds the reduced indices [s * chunk, (s + 1) * chunk)
    of BLOCK_OUT outputs into out[o * num_splits + s]; one split (chunk >=
    count) is the whole reduction, finished (FINISH, divisor: the count a
    mean divides by) and, with ACCUMULATE, added to out."""
    T: tl.constexpr = x_ptr.dtype.element_ty
    if (FOLD == ABS_ADD or FOLD == SQUARE_ADD) and T.is_int():
        A: tl.constexpr = tl.float64
    elif T.is_int() and FOLD != MAX and FOLD != MIN:
        A: tl.constexpr = tl.int64
    else:
        A: tl.constexpr = compute_type(T)
    outs = tl.program_id(0).to(IDX) * BLOCK_OUT + tl.arange(0, BLOCK_OUT).to(IDX)
    out_mask = outs < num_out
    base = offset_of(outs, kept_shape, kept_strides)
    lo = tl.program_id(1).to(IDX) * chunk
    hi = tl.minimum(lo + chunk, count)
    acc = tl.full((BLOCK_OUT, BLOCK_RED), INIT, A)
    for start in range(lo, hi, BLOCK_RED):
        ks = start + tl.arange(0, BLOCK_RED).to(IDX)
        mask = out_mask[:, None] & (ks < hi)[None, :]
        offs = base[:, None] + offset_of(ks, red_shape, red_strides)[None, :]
        x = tl.where(mask, tl.load(x_ptr + offs, mask=mask).to(A), INIT)  # INIT: the identity
        if FOLD == ADD:
            acc += x
        elif FOLD == MUL:
            acc *= x
        elif FOLD == NAN_ADD:
            acc += tl.where(x == x, x, 0)
        elif FOLD == NAN_MUL:
            acc *= tl.where(x == x, x, 1)
        elif FOLD == MAX:
            acc = _max_nan(x, acc)
        elif FOLD == MIN:
            acc = _min_nan(x, acc)
        elif FOLD == ABS_ADD:
            acc += tl.abs(x)
        else:
            acc += x * x
    if FOLD == MUL or FOLD == NAN_MUL:
        result = tl.reduce(acc, 1, _multiply)
    elif FOLD == MAX:
        result = tl.reduce(acc, 1, _max_nan)
    elif FOLD == MIN:
        result = tl.reduce(acc, 1, _min_nan)
    else:
        result = tl.sum(acc, 1)
    if FINISH == MEAN:
        if A.is_int():
            result = tl.where(divisor > 0, result // tl.maximum(divisor, 1), 0)
        else:
            result = result / divisor
    elif FINISH == ROOT:
        result = sqrt_rn(result)
    dst = outs * tl.num_programs(1) + tl.program_id(1)
    if ACCUMULATE:  # req=add (sums only): the result added to the output's values
        result += tl.load(out_ptr + dst, mask=out_mask).to(A)
    tl.store(out_ptr + dst, cast_to(result, out_ptr.dtype.element_ty), mask=out_mask)


def identity(kind, dtype):
    """The value a reduction starts from (and pads a partial tile with)."""
    if kind in ("prod", "nanprod"):
        return 1
    if kind in ("max", "min"):
        if dtype in INT_RANGE:
            return INT_RANGE[dtype][0 if kind == "max" else 1]
        return float("-inf") if kind == "max" else float("inf")
    return 0


def accumulator(kind, dtype):
    """The dtype reduce_kernel accumulates `kind` of `dtype` in (its A)."""
    fold = KINDS[kind][0]
    integer = dtype not in ("float16", "bfloat16", "float32", "float64")
    if integer and fold in (ABS_ADD, SQUARE_ADD):
        return "float64"
    if integer and fold not in (MAX, MIN):
        return "int64"
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def _cut(p, kind, dtype):
    """How plan p's reduction is cut: (splits, reduced indices per split,
    the (shape, dtype) of its partials in the workspace -- None if uncut)."""
    num_splits, chunk = p.splits()
    piece = None if num_splits == 1 else ((p.num_out, num_splits), accumulator(kind, dtype))
    return num_splits, chunk, piece


def reduction_workspace(x, out, axes, kind):
    """Bytes of workspace reduce_into needs to cut this reduction."""
    if out.numel == 0:
        return 0
    _, _, piece = _cut(plan_reduction(x, out, axes), kind, x.dtype)
    return 0 if piece is None else size([piece])


def reduce_into(x, out, axes, kind, accumulate=False, call=None):
    """out (contiguous, the kept axes in order) = x reduced over `axes` (a
    set of axis numbers); accumulate adds to out (req=add).  With a call
    whose workspace reduction_workspace sized, long extents are cut."""
    if out.numel == 0:
        return
    p = plan_reduction(x, out, axes)
    fold, finish = KINDS[kind]
    init = identity(kind, x.dtype)
    num_splits, chunk, piece = _cut(p, kind, x.dtype)
    if call is None or piece is None:
        launch(reduce_kernel, p.grid, x, out, p.num_out, p.count, p.count, p.count, *p.kept, *p.reduced, FOLD=fold,
               FINISH=finish, INIT=init, ACCUMULATE=accumulate, BLOCK_OUT=p.block_out, BLOCK_RED=p.block_red,
               IDX=p.index, num_warps=4)
        return
    partial, = carve(call, [piece])
    launch(reduce_kernel, (p.grid[0], num_splits), x, partial, p.num_out, p.count, chunk, p.count, *p.kept,
           *p.reduced, FOLD=fold, FINISH=NO_FINISH, INIT=init, ACCUMULATE=False, BLOCK_OUT=p.block_out,
           BLOCK_RED=p.block_red, IDX=p.index, num_warps=4)
    q = plan_reduction(partial, out, {1})
    launch(reduce_kernel, q.grid, partial, out, q.num_out, q.count, q.count, p.count, *q.kept, *q.reduced,
           FOLD=COMBINE[fold], FINISH=finish, INIT=init, ACCUMULATE=accumulate, BLOCK_OUT=q.block_out,
           BLOCK_RED=q.block_red, IDX=q.index, num_warps=4)


def reduced_axes(attrs, ndim):
    axis = attrs.get("axis")
    if axis is None or axis == ():
        return set(range(ndim))
    axes = {normalize_axis(a, ndim) for a in ((axis,) if isinstance(axis, int) else axis)}
    return set(range(ndim)) - axes if attrs.get("exclude") else axes


def run_reduction(call, kind):
    x = call.inputs[0]
    if write_request(call):
        reduce_into(x, call.outputs[0], reduced_axes(call.attrs, x.ndim), kind, call=call)


def _register(name):
    def workspace(call):
        x = call.inputs[0]
        return reduction_workspace(x, call.outputs[0], reduced_axes(call.attrs, x.ndim), name)

    @register(name, *ALIASES.get(name, ()), dtypes=NUMERIC, workspace=workspace)
    def reduction(call):
        run_reduction(call, name)


for _name in ("sum", "mean", "prod", "nansum", "nanprod", "max", "min"):
    _register(_name)


def _norm_kind(call):
    return "norm1" if call.attrs["ord"] == 1 else "norm2"


def _norm_workspace(call):
    x = call.inputs[0]
    return reduction_workspace(x, call.outputs[0], reduced_axes(call.attrs, x.ndim), _norm_kind(call))


@register("norm", dtypes=NUMERIC, workspace=_norm_workspace)
def norm(call):
    run_reduction(call, _norm_kind(call))
