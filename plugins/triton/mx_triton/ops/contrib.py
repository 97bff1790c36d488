"""The contrib ops _contrib_div_sqrt_dim, _contrib_quadratic,
_contrib_allclose, _contrib_index_array and _contrib_index_copy
(plugins/cpu/contrib_elemwise.cc, contrib_index.cc); arange_like,
gradientmultiplier, round_ste and sign_ste share the arange, copy and unary
kernels.

index_copy's repeated indices keep their last row, as the CPU's sequential
loop: a first pass records each destination row's last writer (atomic max in
the workspace), the second copies only those rows.  An index outside
old_tensor's rows, which the CPU reports as an error, is skipped here: a
kernel cannot raise without stopping the stream.
"""
import numpy as np
import triton
import triton.language as tl

from ..copy_kernel import copy_unless_inplace
from ..elementwise import BLOCK, NUM_WARPS, plan
from ..jit_helpers import block_indices, cast_to, compute_type, div_rn, element_offset, scalar_from_bits
from ..launch import launch
from ..registry import ALL, NUMERIC, register
from ..scalars import as_bits
from ..strides import INT32_LIMIT, write_request
from ..workspace import carve, size
from .fill import fill
from .indexing import load_index


@triton.jit(do_not_specialize=["divisor_bits"])
def div_sqrt_dim_kernel(x_ptr, y_ptr, n, divisor_bits, shape, x_strides, y_strides, FLAT: tl.constexpr,
                        IDX: tl.constexpr, BLOCK: tl.constexpr):
    """y = x / divisor, the divisor already in x's dtype; integers divide in
    float64 and truncate (exact: the quotient of two integers below 2^53
    never rounds across an integer)."""
    idx, mask = block_indices(n, BLOCK, IDX)
    x = tl.load(x_ptr + element_offset(idx, shape, x_strides, FLAT), mask=mask)
    T: tl.constexpr = x_ptr.dtype.element_ty
    if T.is_int():
        C: tl.constexpr = tl.float64
    else:
        C: tl.constexpr = compute_type(T)
    y = div_rn(x.to(C), scalar_from_bits(divisor_bits, T, C))
    tl.store(y_ptr + element_offset(idx, shape, y_strides, FLAT), cast_to(y, T), mask=mask)


@triton.jit
def quadratic_kernel(x_ptr, y_ptr, n, a, b, c, shape, x_strides, y_strides, FLAT: tl.constexpr,
                     IDX: tl.constexpr, BLOCK: tl.constexpr):
    """y = a x^2 + b x + c in float64 for float64 data, else in float32."""
    idx, mask = block_indices(n, BLOCK, IDX)
    x = tl.load(x_ptr + element_offset(idx, shape, x_strides, FLAT), mask=mask)
    T: tl.constexpr = x_ptr.dtype.element_ty
    if T == tl.float64:
        C: tl.constexpr = tl.float64
    else:
        C: tl.constexpr = tl.float32
    v = x.to(C)
    y = tl.cast(a, C) * v * v + tl.cast(b, C) * v + tl.cast(c, C)
    tl.store(y_ptr + element_offset(idx, shape, y_strides, FLAT), cast_to(y, T), mask=mask)


@triton.jit
def allclose_kernel(a_ptr, b_ptr, out_ptr, n, rtol, atol, EQUAL_NAN: tl.constexpr, IDX: tl.constexpr,
                    BLOCK: tl.constexpr):
    """out (set to 1 before) = 0 if some pair in this block is not close."""
    idx, mask = block_indices(n, BLOCK, IDX)
    x = tl.load(a_ptr + idx, mask=mask, other=0).to(tl.float64)
    y = tl.load(b_ptr + idx, mask=mask, other=0).to(tl.float64)
    close = (x == y) | (tl.abs(x - y) <= tl.cast(atol, tl.float64) + tl.cast(rtol, tl.float64) * tl.abs(y))
    if EQUAL_NAN:
        close = close | ((x != x) & (y != y))
    far = tl.sum((mask & ~close).to(tl.int32), axis=0)
    if far > 0:
        tl.store(out_ptr, tl.full((), 0, tl.uint8))


@triton.jit
def index_array_kernel(out_ptr, n, divisors, dims, M: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """out[i, k] = (i // divisors[k]) % dims[k] for the n elements i."""
    i, mask = block_indices(n, BLOCK, IDX)
    for k in tl.static_range(M):
        tl.store(out_ptr + i * M + k, ((i // divisors[k]) % dims[k]).to(tl.int64), mask=mask)


@triton.jit
def last_writer_kernel(idx_ptr, writer_ptr, count, rows, BLOCK: tl.constexpr):
    """writer[row] = the last i with index[i] == row."""
    i, mask = block_indices(count, BLOCK, tl.int32)
    row = load_index(idx_ptr, i, mask)
    hit = mask & (row >= 0) & (row < rows)
    tl.atomic_max(writer_ptr + tl.where(hit, row, 0), i, mask=hit, sem="relaxed")


@triton.jit
def copy_rows_kernel(new_ptr, idx_ptr, writer_ptr, out_ptr, total, rows, width, IDX: tl.constexpr,
                     BLOCK: tl.constexpr):
    """out row index[i] = new row i, for the i that last writes that row."""
    p, mask = block_indices(total, BLOCK, IDX)
    i = p // width
    row = load_index(idx_ptr, i, mask)
    hit = mask & (row >= 0) & (row < rows)
    keep = hit & (tl.load(writer_ptr + tl.where(hit, row, 0), mask=hit, other=-1) == i.to(tl.int32))
    tl.store(out_ptr + tl.where(keep, row, 0) * width + p % width, tl.load(new_ptr + p, mask=keep), mask=keep)


def _elementwise(kernel, call, *scalars):
    x, y = call.inputs[0], call.outputs[0]
    p = plan(y, x)
    launch(kernel, p.grid, x, y, p.numel, *scalars, p.shape, p.strides[1], p.strides[0], FLAT=p.flat,
           IDX=p.index, BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("_contrib_div_sqrt_dim", dtypes=NUMERIC)
def div_sqrt_dim(call):
    x = call.inputs[0]
    if write_request(call) and x.numel:
        _elementwise(div_sqrt_dim_kernel, call, as_bits(float(np.sqrt(x.shape[-1])), x.dtype))


@register("_contrib_quadratic", dtypes=NUMERIC)
def quadratic(call):
    if write_request(call) and call.outputs[0].numel:
        _elementwise(quadratic_kernel, call, *(float(np.float32(call.attrs[k])) for k in "abc"))


@register("_contrib_allclose", dtypes=ALL)
def allclose(call):
    a, b = call.inputs
    out = call.outputs[0]
    if not write_request(call):
        return
    fill(out, 1)
    if a.numel:
        index = tl.int64 if a.numel >= INT32_LIMIT else tl.int32
        launch(allclose_kernel, (triton.cdiv(a.numel, BLOCK),), a, b, out, a.numel,
               float(np.float32(call.attrs["rtol"])), float(np.float32(call.attrs["atol"])),
               EQUAL_NAN=bool(call.attrs["equal_nan"]), IDX=index, BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("_contrib_index_array", dtypes=ALL)
def index_array(call):
    data, out = call.inputs[0], call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    ndim = len(data.shape)
    axes = range(ndim) if call.attrs["axes"] is None else [a + ndim if a < 0 else a for a in call.attrs["axes"]]
    divisors = tuple(int(np.prod(data.shape[a + 1:], dtype=np.int64)) for a in axes)
    dims = tuple(data.shape[a] for a in axes)
    index = tl.int64 if out.numel >= INT32_LIMIT else tl.int32
    launch(index_array_kernel, (triton.cdiv(data.numel, BLOCK),), out, data.numel, divisors, dims, M=len(dims),
           IDX=index, BLOCK=BLOCK, num_warps=NUM_WARPS)


def _index_copy_workspace(call):
    return size([((call.inputs[0].shape[0],), "int32")])


@register("_contrib_index_copy", dtypes=ALL, workspace=_index_copy_workspace)
def index_copy(call):
    old, index, new = call.inputs
    out = call.outputs[0]
    if not write_request(call):
        return
    copy_unless_inplace(call, old, out)
    if new.numel == 0:
        return
    (writer,) = carve(call, [((old.shape[0],), "int32")])
    fill(writer, -1)
    count = index.numel
    launch(last_writer_kernel, (triton.cdiv(count, BLOCK),), index, writer, count, old.shape[0], BLOCK=BLOCK,
           num_warps=NUM_WARPS)
    kind = tl.int64 if max(new.numel, out.numel) >= INT32_LIMIT else tl.int32
    launch(copy_rows_kernel, (triton.cdiv(new.numel, BLOCK),), new, index, writer, out, new.numel, old.shape[0],
           new.numel // count, IDX=kind, BLOCK=BLOCK, num_warps=NUM_WARPS)
