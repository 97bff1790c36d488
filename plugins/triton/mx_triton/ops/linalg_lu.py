"""_linalg_inverse, _linalg_det and _linalg_slogdet by Gaussian elimination
with partial pivoting (LAPACK's getrf pivot rule: the first largest |entry|
of the column), batched over the leading axes, float32 and float64 as the
CPU kernels.  One program per matrix holds it as a register tile
(FACTOR_MAX_N caps n, as for Cholesky; inverse holds a second tile for
the identity it turns into A^-1, Gauss-Jordan).

det multiplies the pivots (negated for each row swap) in float64, as the
CPU kernel, rather than exp(log |det|), which would lose range; slogdet
gives sign 0 and log -inf for a singular matrix; a 0 x 0 matrix has
determinant 1.  A singular matrix, an error on the CPU ("is singular"),
makes that matrix's inverse all NaN.
"""
import triton
import triton.language as tl

from ..jit_helpers import div_rn, offset_of
from ..launch import launch
from ..registry import register
from ..strides import write_request
from .linalg_cholesky import factor_size, store_or_nan
from .linalg_copy import LA_DTYPES
from .linalg_triangular import batch_layout, count, matrix_strides


@triton.jit
def _multiply(a, b):
    return a * b


@triton.jit
def load_matrix(a_ptr, batch, batch_shape, a_batch, a_rows, a_cols, n, N_PAD: tl.constexpr):
    r = tl.arange(0, N_PAD).to(tl.int64)
    return tl.load(a_ptr + offset_of(batch, batch_shape, a_batch) + r[:, None] * a_rows + r[None, :] * a_cols,
                   mask=(r[:, None] < n) & (r[None, :] < n), other=0.0)


@triton.jit
def pivot(x, j, n, N_PAD: tl.constexpr):
    """(p, u, column j with rows j and p swapped): p >= j is the row of
    column j's first largest |entry|, u that entry."""
    r = tl.arange(0, N_PAD)
    column = tl.sum(tl.where(r[None, :] == j, x, 0.0), axis=1)
    p = tl.argmax(tl.where((r >= j) & (r < n), tl.abs(column), -1.0), axis=0)
    u = tl.sum(tl.where(r == p, column, 0.0))
    at_j = tl.sum(tl.where(r == j, column, 0.0))
    return p, u, tl.where(r == j, u, tl.where(r == p, at_j, column))


@triton.jit
def swap_rows(x, j, p, N_PAD: tl.constexpr):
    r = tl.arange(0, N_PAD)
    row_j = tl.sum(tl.where(r[:, None] == j, x, 0.0), axis=0)
    row_p = tl.sum(tl.where(r[:, None] == p, x, 0.0), axis=0)
    return tl.where(r[:, None] == j, row_p[None, :], tl.where(r[:, None] == p, row_j[None, :], x))


@triton.jit
def determinant_kernel(a_ptr, out_ptr, log_ptr, n, batch_shape, a_batch, out_batch, log_batch, a_rows, a_cols,
                       N_PAD: tl.constexpr, SLOGDET: tl.constexpr):
    """The pivots of the LU factors of each matrix (program_id 0), each
    negated where its step swapped rows, then det into out, or the sign into
    out and log |det| into log."""
    batch = tl.program_id(0).to(tl.int64)
    r = tl.arange(0, N_PAD)
    x = load_matrix(a_ptr, batch, batch_shape, a_batch, a_rows, a_cols, n, N_PAD)
    pivots = tl.full([N_PAD], 1.0, tl.float64)
    for j in range(n):
        p, u, column = pivot(x, j, n, N_PAD)
        x = swap_rows(x, j, p, N_PAD)
        row = tl.sum(tl.where(r[:, None] == j, x, 0.0), axis=0)
        # a zero pivot (the column is zero from row j down) leaves the rows below as they are, as getrf
        below = tl.where(r > j, div_rn(column, tl.where(u != 0, u, 1.0)), 0.0)
        x = x - below[:, None] * row[None, :]
        pivots = tl.where(r == j, tl.where(p != j, -u, u).to(tl.float64), pivots)
    T: tl.constexpr = a_ptr.dtype.element_ty
    if SLOGDET:
        negative = tl.sum((pivots < 0).to(tl.int32))
        sign = tl.where(tl.sum((pivots == 0).to(tl.int32)) > 0, 0.0, 1.0 - 2.0 * (negative % 2))
        tl.store(out_ptr + offset_of(batch, batch_shape, out_batch), sign.to(T))
        tl.store(log_ptr + offset_of(batch, batch_shape, log_batch), tl.sum(tl.log(tl.abs(pivots))).to(T))
    else:
        tl.store(out_ptr + offset_of(batch, batch_shape, out_batch), tl.reduce(pivots, 0, _multiply).to(T))


@triton.jit
def inverse_kernel(a_ptr, out_ptr, n, batch_shape, a_batch, out_batch, a_rows, a_cols, out_rows, out_cols,
                   N_PAD: tl.constexpr):
    """Gauss-Jordan on [A | I] for each matrix (program_id 0): each step
    pivots, scales the pivot row and clears the column in every other row."""
    batch = tl.program_id(0).to(tl.int64)
    r = tl.arange(0, N_PAD)
    x = load_matrix(a_ptr, batch, batch_shape, a_batch, a_rows, a_cols, n, N_PAD)
    y = ((r[:, None] == r[None, :]) & (r[:, None] < n)).to(x.dtype)
    zero_pivots = tl.zeros([N_PAD], tl.int32)
    for j in range(n):
        p, u, column = pivot(x, j, n, N_PAD)
        zero_pivots = tl.where(r == j, (u == 0).to(tl.int32), zero_pivots)
        x = swap_rows(x, j, p, N_PAD)
        y = swap_rows(y, j, p, N_PAD)
        row_x = div_rn(tl.sum(tl.where(r[:, None] == j, x, 0.0), axis=0), u)
        row_y = div_rn(tl.sum(tl.where(r[:, None] == j, y, 0.0), axis=0), u)
        others = tl.where(r == j, 0.0, column)
        x = tl.where(r[:, None] == j, row_x[None, :], x - others[:, None] * row_x[None, :])
        y = tl.where(r[:, None] == j, row_y[None, :], y - others[:, None] * row_y[None, :])
    store_or_nan(out_ptr + offset_of(batch, batch_shape, out_batch), out_rows, out_cols, y, n,
                 tl.sum(zero_pivots) > 0, N_PAD)


@register("_linalg_inverse", "linalg_inverse", dtypes=LA_DTYPES)
def inverse(call):
    if not write_request(call):
        return
    a, out = call.inputs[0], call.outputs[0]
    n, n_pad, warps = factor_size(a)
    batch_shape, (a_batch, out_batch) = batch_layout(a, out)
    batches = count(batch_shape)
    if batches == 0 or n == 0:
        return
    launch(inverse_kernel, (batches,), a, out, n, batch_shape, a_batch, out_batch, *matrix_strides(a),
           *matrix_strides(out), N_PAD=n_pad, num_warps=warps)


def _determinant(call, slogdet):
    """det: outputs (det,); slogdet: (sign, log |det|)."""
    if not write_request(call):
        return
    if slogdet:
        write_request(call, 1)  # req=add is an error, as on the CPU
    a = call.inputs[0]
    n, n_pad, warps = factor_size(a)
    batch_shape = tuple(a.shape[:-2]) or (1,)
    batches = count(batch_shape)
    if batches == 0:
        return
    out, log_abs = call.outputs[0], call.outputs[-1]
    out_batch, log_batch = [tuple(o.strides[:len(a.shape) - 2]) or (0,) for o in (out, log_abs)]
    launch(determinant_kernel, (batches,), a, out, log_abs, n, batch_shape, tuple(a.strides[:-2]) or (0,),
           out_batch, log_batch, *matrix_strides(a), N_PAD=n_pad, SLOGDET=slogdet, num_warps=warps)


@register("_linalg_det", "linalg_det", dtypes=LA_DTYPES)
def det(call):
    _determinant(call, slogdet=False)


@register("_linalg_slogdet", "linalg_slogdet", dtypes=LA_DTYPES)
def slogdet(call):
    _determinant(call, slogdet=True)
