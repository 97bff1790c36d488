"""_linalg_potrf, _linalg_potri (Cholesky) and _linalg_sumlogdiag beside
them, batched over the leading axes, float32 and float64 as the CPU kernels.

potrf: out = L with A = L L^T (lower; the upper triangle zero), or U with
A = U^T U (upper: the factor of A^T's lower triangle, stored transposed);
only that triangle of A is read.  potri: A holds L (or U); out =
(L L^T)^-1 (or (U^T U)^-1), full and exactly symmetric.

Rationale: one program per matrix holds it whole as a register tile and
loops over its columns (a column is a masked tl.sum), so n is capped at
FACTOR_MAX_N; a larger matrix is a KernelError naming the limit.

Errors the CPU kernel raises and a GPU kernel cannot (it runs after the
call returned): a matrix that is not positive definite (potrf) or has a
zero on its diagonal (potri) makes that matrix's output all NaN.
sumlogdiag gives log's NaN / -inf for a negative / zero diagonal, as the
CPU kernel does.
"""
import triton
import triton.language as tl

from ..jit_helpers import div_rn, offset_of, sqrt_rn
from ..launch import launch
from ..registry import KernelError, register
from ..strides import write_request
from .linalg_copy import LA_DTYPES
from .linalg_triangular import batch_layout, count, matrix_strides, substitute

FACTOR_MAX_N = 128


def factor_size(a):
    """(n, its power-of-two tile size, num_warps); KernelError above the cap."""
    n = a.shape[-1]
    if n > FACTOR_MAX_N:
        raise KernelError(f"the matrices are {n} x {n}; the GPU kernel factors up to {FACTOR_MAX_N} x "
                          f"{FACTOR_MAX_N} (compute on the CPU)")
    # at least 16: tl.dot's smallest tile
    n_pad = max(16, triton.next_power_of_2(n))
    return n, n_pad, 8 if n_pad >= 128 else 4


@triton.jit
def store_or_nan(out_base, out_rows, out_cols, x, n, failed, N_PAD: tl.constexpr):
    r = tl.arange(0, N_PAD).to(tl.int64)
    mask = (r[:, None] < n) & (r[None, :] < n)
    x = tl.where(failed, float("nan"), x)
    tl.store(out_base + r[:, None] * out_rows + r[None, :] * out_cols, x.to(out_base.dtype.element_ty), mask=mask)


@triton.jit
def potrf_kernel(a_ptr, out_ptr, n, batch_shape, a_batch, out_batch, a_rows, a_cols, out_rows, out_cols,
                 N_PAD: tl.constexpr):
    """L of the lower triangle of each matrix (program_id 0), right-looking:
    column j is scaled by sqrt of its pivot, then the trailing lower
    triangle loses l l^T."""
    batch = tl.program_id(0).to(tl.int64)
    r = tl.arange(0, N_PAD)
    below = r[:, None] >= r[None, :]
    x = tl.load(a_ptr + offset_of(batch, batch_shape, a_batch) + r[:, None].to(tl.int64) * a_rows +
                r[None, :].to(tl.int64) * a_cols, mask=below & (r[:, None] < n), other=0.0)
    for j in range(n):
        column = tl.sum(tl.where(r[None, :] == j, x, 0.0), axis=1)
        root = sqrt_rn(tl.sum(tl.where(r == j, column, 0.0)))  # NaN when the pivot is negative
        l = tl.where(r > j, div_rn(column, root), tl.where(r == j, root, 0.0))
        trailing = below & (r[None, :] > j)
        x = tl.where(r[None, :] == j, l[:, None], tl.where(trailing, x - l[:, None] * l[None, :], x))
    diagonal = tl.sum(tl.where(r[:, None] == r[None, :], x, 0.0), axis=1)
    failed = tl.sum(((r < n) & ~(diagonal > 0)).to(tl.int32)) > 0
    store_or_nan(out_ptr + offset_of(batch, batch_shape, out_batch), out_rows, out_cols, x, n, failed, N_PAD)


@triton.jit
def potri_kernel(a_ptr, out_ptr, n, batch_shape, a_batch, out_batch, a_rows, a_cols, out_rows, out_cols,
                 N_PAD: tl.constexpr):
    """(L L^T)^-1 = L^-T L^-1 for the lower triangular L of each matrix:
    L^-1 by forward substitution on the identity, then one tl.dot."""
    batch = tl.program_id(0).to(tl.int64)
    r = tl.arange(0, N_PAD)
    a_base = a_ptr + offset_of(batch, batch_shape, a_batch)
    identity = ((r[:, None] == r[None, :]) & (r[:, None] < n)).to(a_ptr.dtype.element_ty)
    inverse = substitute(identity, a_base, a_rows, a_cols, n, N_PAD, True)
    if inverse.dtype == tl.float32:
        product = tl.dot(tl.trans(inverse), inverse, input_precision="ieee")
    else:
        product = tl.dot(tl.trans(inverse), inverse)
    symmetric = tl.where(r[:, None] >= r[None, :], product, tl.trans(product))
    diagonal = tl.load(a_base + r.to(tl.int64) * (a_rows + a_cols), mask=r < n, other=1.0)
    failed = tl.sum((diagonal == 0).to(tl.int32)) > 0
    store_or_nan(out_ptr + offset_of(batch, batch_shape, out_batch), out_rows, out_cols, symmetric, n, failed,
                 N_PAD)


def _factor(call, kernel, out_transposed):
    """kernel on A's lower triangle; upper=False reads A^T's (A's upper) and,
    if out_transposed, writes the result transposed."""
    if not write_request(call):
        return
    a, out = call.inputs[0], call.outputs[0]
    upper = not call.attrs.get("lower", True)
    n, n_pad, warps = factor_size(a)
    batch_shape, (a_batch, out_batch) = batch_layout(a, out)
    batches = count(batch_shape)
    if batches == 0 or n == 0:
        return
    launch(kernel, (batches,), a, out, n, batch_shape, a_batch, out_batch, *matrix_strides(a, upper),
           *matrix_strides(out, upper and out_transposed), N_PAD=n_pad, num_warps=warps)


@register("_linalg_potrf", "linalg_potrf", dtypes=LA_DTYPES)
def potrf(call):
    _factor(call, potrf_kernel, out_transposed=True)


@register("_linalg_potri", "linalg_potri", dtypes=LA_DTYPES)
def potri(call):
    _factor(call, potri_kernel, out_transposed=False)


@triton.jit
def sumlogdiag_kernel(a_ptr, out_ptr, n, batch_shape, a_batch, out_batch, diagonal_stride, BLOCK: tl.constexpr):
    """One matrix per program; the logs summed in float64, as the CPU."""
    batch = tl.program_id(0).to(tl.int64)
    a_base = a_ptr + offset_of(batch, batch_shape, a_batch)
    total = tl.zeros((BLOCK,), tl.float64)
    for start in range(0, n, BLOCK):
        i = start + tl.arange(0, BLOCK)
        d = tl.load(a_base + i.to(tl.int64) * diagonal_stride, mask=i < n, other=1.0)
        total += tl.log(d.to(tl.float64))
    tl.store(out_ptr + offset_of(batch, batch_shape, out_batch), tl.sum(total).to(out_ptr.dtype.element_ty))


@register("_linalg_sumlogdiag", "linalg_sumlogdiag", dtypes=LA_DTYPES)
def sumlogdiag(call):
    if not write_request(call):
        return
    a, out = call.inputs[0], call.outputs[0]
    batch_shape = tuple(a.shape[:-2]) or (1,)
    a_batch = tuple(a.strides[:-2]) or (0,)
    out_batch = tuple(out.strides[:len(a.shape) - 2]) or (0,)
    batches = count(batch_shape)
    if batches == 0:
        return
    n = a.shape[-1]
    launch(sumlogdiag_kernel, (batches,), a, out, n, batch_shape, a_batch, out_batch, a.strides[-2] + a.strides[-1],
           BLOCK=min(1024, triton.next_power_of_2(max(n, 1))))
