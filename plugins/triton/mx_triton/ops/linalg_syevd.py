"""_linalg_syevd: A (n x n, symmetric, its lower triangle read) = U^T
diag(L) U, eigenvalues L ascending, eigenvectors the rows of U, batched
over the leading axes, float32 and float64 as the CPU kernel.  MXNet's sign
rule: each eigenvector's largest-magnitude entry (the first on a tie) is
positive.

Cyclic Jacobi rotations instead of LAPACK's divide and conquer: one program
per matrix holds it and the accumulated rotations as register tiles (n <=
FACTOR_MAX_N, as Cholesky), sweeping until the off-diagonal part is below
the dtype's rounding of the whole, or MAX_SWEEPS (Jacobi converges
quadratically: a few sweeps; the CPU kernel's "did not converge" error has
no counterpart).  Eigenvectors of a repeated eigenvalue span the same space
as LAPACK's but may be another basis of it.
"""
import triton
import triton.language as tl

from ..jit_helpers import div_rn, offset_of, sqrt_rn
from ..launch import launch
from ..registry import KernelError, register
from ..strides import write_request
from .linalg_cholesky import FACTOR_MAX_N
from .linalg_copy import LA_DTYPES
from .linalg_triangular import batch_layout, count, matrix_strides

MAX_SWEEPS = 30


@triton.jit
def rotate(x, p, q, cos, sin, ROWS: tl.constexpr, N_PAD: tl.constexpr):
    """x J, or J^T x (ROWS), for the rotation J of the (p, q) plane."""
    i = tl.arange(0, N_PAD)
    axis: tl.constexpr = 0 if ROWS else 1
    if ROWS:
        at_p = i[:, None] == p
        at_q = i[:, None] == q
    else:
        at_p = i[None, :] == p
        at_q = i[None, :] == q
    line_p = tl.expand_dims(tl.sum(tl.where(at_p, x, 0.0), axis=axis), axis)
    line_q = tl.expand_dims(tl.sum(tl.where(at_q, x, 0.0), axis=axis), axis)
    return tl.where(at_p, cos * line_p - sin * line_q, tl.where(at_q, sin * line_p + cos * line_q, x))


@triton.jit
def off_diagonal_share(x, n, EPS: tl.constexpr, N_PAD: tl.constexpr):
    """Whether the off-diagonal part still exceeds EPS of the whole (squares)."""
    i = tl.arange(0, N_PAD)
    squares = x * x
    off = tl.sum(tl.sum(tl.where(i[:, None] != i[None, :], squares, 0.0), axis=1))
    return off > EPS * EPS * tl.sum(tl.sum(squares, axis=1))


@triton.jit
def syevd_kernel(a_ptr, u_ptr, l_ptr, n, batch_shape, a_batch, u_batch, l_batch, a_rows, a_cols, u_rows, u_cols,
                 l_step, N_PAD: tl.constexpr, EPS: tl.constexpr, MAX_SWEEPS: tl.constexpr):
    batch = tl.program_id(0).to(tl.int64)
    i = tl.arange(0, N_PAD)
    lower = tl.load(a_ptr + offset_of(batch, batch_shape, a_batch) + i[:, None].to(tl.int64) * a_rows +
                    i[None, :].to(tl.int64) * a_cols, mask=(i[:, None] >= i[None, :]) & (i[:, None] < n), other=0.0)
    x = tl.where(i[:, None] >= i[None, :], lower, tl.trans(lower))
    vectors = ((i[:, None] == i[None, :]) & (i[:, None] < n)).to(x.dtype)  # columns: the eigenvectors
    sweep = 0
    while (sweep < MAX_SWEEPS) & off_diagonal_share(x, n, EPS, N_PAD):
        for p in range(n - 1):
            for q in range(p + 1, n):
                a_pp = tl.sum(tl.sum(tl.where((i[:, None] == p) & (i[None, :] == p), x, 0.0), axis=1))
                a_qq = tl.sum(tl.sum(tl.where((i[:, None] == q) & (i[None, :] == q), x, 0.0), axis=1))
                a_pq = tl.sum(tl.sum(tl.where((i[:, None] == p) & (i[None, :] == q), x, 0.0), axis=1))
                # tan of the angle that zeroes a_pq, the smaller root (Rutishauser)
                theta = div_rn(a_qq - a_pp, 2.0 * tl.where(a_pq == 0, 1.0, a_pq))
                sign = tl.where(theta < 0, -1.0, 1.0).to(x.dtype)
                tan = tl.where(a_pq == 0, 0.0, div_rn(sign, tl.abs(theta) + sqrt_rn(theta * theta + 1.0)))
                cos = div_rn(tl.full((), 1.0, x.dtype), sqrt_rn(tan * tan + 1.0))
                sin = tan * cos
                x = rotate(rotate(x, p, q, cos, sin, False, N_PAD), p, q, cos, sin, True, N_PAD)
                vectors = rotate(vectors, p, q, cos, sin, False, N_PAD)
        sweep += 1
    values = tl.sum(tl.where(i[:, None] == i[None, :], x, 0.0), axis=1)
    # rank of each eigenvalue (ties by index; padding last): eigenvector i becomes row rank[i] of U
    smaller = (values[None, :] < values[:, None]) | ((values[None, :] == values[:, None]) & (i[None, :] < i[:, None]))
    rank = tl.where(i < n, tl.sum((smaller & (i[None, :] < n)).to(tl.int32), axis=1), i)
    order = (rank[None, :] == i[:, None]).to(x.dtype)  # order[k, j] = 1 where eigenvalue j has rank k
    if x.dtype == tl.float32:
        u = tl.dot(order, tl.trans(vectors), input_precision="ieee")
    else:
        u = tl.dot(order, tl.trans(vectors))
    top = tl.argmax(tl.abs(u), axis=1)  # the first largest on a tie
    flip = tl.sum(tl.where(i[None, :] == top[:, None], u, 0.0), axis=1) < 0
    u = tl.where(flip[:, None], -u, u)
    T: tl.constexpr = u_ptr.dtype.element_ty
    tl.store(u_ptr + offset_of(batch, batch_shape, u_batch) + i[:, None].to(tl.int64) * u_rows +
             i[None, :].to(tl.int64) * u_cols, u.to(T), mask=(i[:, None] < n) & (i[None, :] < n))
    sorted_values = tl.sum(order * values[None, :], axis=1)
    tl.store(l_ptr + offset_of(batch, batch_shape, l_batch) + i.to(tl.int64) * l_step, sorted_values.to(T), mask=i < n)


@register("_linalg_syevd", "linalg_syevd", dtypes=LA_DTYPES)
def syevd(call):
    write_request(call, 0)  # req=add is an error, as on the CPU
    write_request(call, 1)
    a = call.inputs[0]
    u, l = call.outputs
    n = a.shape[-1]
    if n > FACTOR_MAX_N:
        raise KernelError(f"the matrices are {n} x {n}; the GPU kernel factors up to {FACTOR_MAX_N} x "
                          f"{FACTOR_MAX_N} (compute on the CPU)")
    batch_shape, (a_batch, u_batch) = batch_layout(a, u)
    l_batch = tuple(l.strides[:len(a.shape) - 2]) or (0,)
    batches = count(batch_shape)
    if batches == 0 or n == 0:
        return
    n_pad = max(16, triton.next_power_of_2(n))  # at least tl.dot's smallest tile
    launch(syevd_kernel, (batches,), a, u, l, n, batch_shape, a_batch, u_batch, l_batch, *matrix_strides(a),
           *matrix_strides(u), l.strides[-1], N_PAD=n_pad, EPS=1e-7 if a.dtype == "float32" else 1e-15,
           MAX_SWEEPS=MAX_SWEEPS, num_warps=8 if n_pad >= 128 else 4)
