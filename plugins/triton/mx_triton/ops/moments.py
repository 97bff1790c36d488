"""moments (plugins/cpu/moments.cc): the data read as (outputs, count) rows --
the kept axes first, the reduced ones last -- each row's mean, then the mean
of its squared deviations, in float64 as the CPU's.  When the axes are not
already laid out that way the data is first copied into the workspace in
that order (copy_kernel.strided_copy).  A program owns BLOCK_R rows and
walks their columns in tiles of BLOCK_C."""
import triton
import triton.language as tl

from .. import workspace
from ..call import contiguous_strides
from ..copy_kernel import strided_copy
from ..launch import launch
from ..registry import KernelError, register
from ..strides import write_request

DTYPES = ("float32", "float64", "float16")
TILE = 4096  # elements a program holds per step


@triton.jit
def moments_kernel(x_ptr, mean_ptr, var_ptr, rows, count, WRITE_MEAN: tl.constexpr, WRITE_VAR: tl.constexpr,
                   BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    r = tl.program_id(0).to(tl.int64) * BLOCK_R + tl.arange(0, BLOCK_R)
    row_mask = r < rows
    base = r * count
    total = tl.zeros((BLOCK_R,), tl.float64)
    for start in range(0, count, BLOCK_C):
        c = start + tl.arange(0, BLOCK_C)
        mask = row_mask[:, None] & (c < count)[None, :]
        total += tl.sum(tl.load(x_ptr + base[:, None] + c[None, :], mask=mask, other=0).to(tl.float64), 1)
    mean = total / count  # an empty reduction: 0 / 0, NaN
    squares = tl.zeros((BLOCK_R,), tl.float64)
    for start in range(0, count, BLOCK_C):
        c = start + tl.arange(0, BLOCK_C)
        mask = row_mask[:, None] & (c < count)[None, :]
        x = tl.load(x_ptr + base[:, None] + c[None, :], mask=mask, other=0).to(tl.float64)
        d = tl.where(mask, x - mean[:, None], 0.0)
        squares += tl.sum(d * d, 1)
    if WRITE_MEAN:
        tl.store(mean_ptr + r, mean.to(mean_ptr.dtype.element_ty), mask=row_mask)
    if WRITE_VAR:
        tl.store(var_ptr + r, (squares / count).to(var_ptr.dtype.element_ty), mask=row_mask)


def _rows(call):
    """(the data's shape and strides, kept axes first), the row count, the
    row length, and whether the data must be copied to read as rows."""
    data = call.inputs[0]
    axes = call.attrs.get("axes")
    reduced = set(range(data.ndim)) if not axes else {a % data.ndim for a in axes}
    order = [a for a in range(data.ndim) if a not in reduced] + sorted(reduced)
    shape = tuple(data.shape[a] for a in order)
    strides = tuple(data.strides[a] for a in order)
    count = 1
    for a in reduced:
        count *= data.shape[a]
    rows = data.numel // count if count else call.outputs[0].numel
    in_rows = all(s == c for d, s, c in zip(shape, strides, contiguous_strides(shape)) if d != 1)
    return shape, strides, rows, count, not in_rows and data.numel > 0


def _workspace(call):
    shape, _, _, _, copy = _rows(call)
    return workspace.size([(shape, call.inputs[0].dtype)]) if copy else 0


@register("moments", dtypes=DTYPES, workspace=_workspace)
def moments(call):
    write_mean, write_var = write_request(call, 0), write_request(call, 1)
    mean, var = call.outputs
    if not (mean.is_contiguous() and var.is_contiguous()):
        raise KernelError("moments needs contiguous outputs")
    shape, strides, rows, count, copy = _rows(call)
    if not (write_mean or write_var) or rows == 0:
        return
    data = call.inputs[0]
    if copy:
        (data,) = workspace.carve(call, [(shape, data.dtype)])
        strided_copy(call.inputs[0], data, shape, strides, contiguous_strides(shape))
    block_c = min(triton.next_power_of_2(max(count, 1)), 1024)
    block_r = min(max(1, TILE // block_c), triton.next_power_of_2(rows))
    launch(moments_kernel, (triton.cdiv(rows, block_r),), data, mean, var, rows, count,
           WRITE_MEAN=write_mean, WRITE_VAR=write_var, BLOCK_R=block_r, BLOCK_C=block_c)
