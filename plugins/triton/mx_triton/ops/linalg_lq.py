"""_linalg_gelqf: A (m x n, m <= n) = L Q, L lower triangular (m x m), Q
with orthonormal rows (m x n), batched over the leading axes, float32 and
float64 as the CPU kernel.

Householder reflectors as LAPACK's gelqf makes them (dlarfg: H = I - tau v
v^T with v[i] = 1, L[i, i] = -sign(alpha) |row|, or H = I when the rest of
the row is zero), so L and Q carry LAPACK's signs; Q is then formed as
orglq does, the reflectors applied to [I 0] in reverse order.  One program
per matrix holds it as a register tile (n <= FACTOR_MAX_N, as Cholesky),
the reflectors in a second one.
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


@triton.jit
def reflect(x, v, tau, rows):
    """x (I - tau v v^T) on the rows where `rows` is true."""
    xv = tl.sum(x * v[None, :], axis=1)
    return tl.where(rows[:, None], x - (tau * xv)[:, None] * v[None, :], x)


@triton.jit
def lq_kernel(a_ptr, q_ptr, l_ptr, m, n, batch_shape, a_batch, q_batch, l_batch, a_rows, a_cols, q_rows, q_cols,
              l_rows, l_cols, M_PAD: tl.constexpr, N_PAD: tl.constexpr):
    batch = tl.program_id(0).to(tl.int64)
    r = tl.arange(0, M_PAD)
    c = tl.arange(0, N_PAD)
    x = tl.load(a_ptr + offset_of(batch, batch_shape, a_batch) + r[:, None].to(tl.int64) * a_rows +
                c[None, :].to(tl.int64) * a_cols, mask=(r[:, None] < m) & (c[None, :] < n), other=0.0)
    reflectors = tl.zeros((M_PAD, N_PAD), x.dtype)
    taus = tl.zeros((M_PAD,), x.dtype)
    for i in range(m):
        row = tl.sum(tl.where(r[:, None] == i, x, 0.0), axis=0)
        alpha = tl.sum(tl.where(c == i, row, 0.0))
        rest = tl.where(c > i, row, 0.0)
        rest_norm = sqrt_rn(tl.sum(rest * rest))
        plain = rest_norm == 0  # H = I (tau 0): L[i, i] = alpha
        beta = -tl.where(alpha < 0, -1.0, 1.0) * sqrt_rn(alpha * alpha + rest_norm * rest_norm)
        tau = tl.where(plain, 0.0, div_rn(beta - alpha, tl.where(plain, 1.0, beta)))
        v = tl.where(c == i, 1.0, div_rn(rest, tl.where(plain, 1.0, alpha - beta)))
        x = reflect(x, v, tau, r > i)
        x = tl.where((r[:, None] == i) & (c[None, :] >= i), tl.where(c[None, :] == i, tl.where(plain, alpha, beta), 0.0),
                     x)
        reflectors = tl.where(r[:, None] == i, v[None, :], reflectors)
        taus = tl.where(r == i, tau, taus)
    T: tl.constexpr = q_ptr.dtype.element_ty
    tl.store(l_ptr + offset_of(batch, batch_shape, l_batch) + r[:, None].to(tl.int64) * l_rows +
             c[None, :].to(tl.int64) * l_cols, tl.where(r[:, None] >= c[None, :], x, 0.0).to(T),
             mask=(r[:, None] < m) & (c[None, :] < m))
    q = ((r[:, None] == c[None, :]) & (r[:, None] < m)).to(x.dtype)
    for step in range(m):
        i = m - 1 - step
        v = tl.sum(tl.where(r[:, None] == i, reflectors, 0.0), axis=0)
        tau = tl.sum(tl.where(r == i, taus, 0.0))
        q = reflect(q, v, tau, r >= 0)
    tl.store(q_ptr + offset_of(batch, batch_shape, q_batch) + r[:, None].to(tl.int64) * q_rows +
             c[None, :].to(tl.int64) * q_cols, q.to(T), mask=(r[:, None] < m) & (c[None, :] < n))


@register("_linalg_gelqf", "linalg_gelqf", dtypes=LA_DTYPES)
def gelqf(call):
    write_request(call, 0)  # req=add is an error, as on the CPU
    write_request(call, 1)
    a = call.inputs[0]
    q, l = call.outputs
    m, n = a.shape[-2], a.shape[-1]
    if n > FACTOR_MAX_N:
        raise KernelError(f"the matrices are {m} x {n}; the GPU kernel factors up to {FACTOR_MAX_N} columns "
                          "(compute on the CPU)")
    batch_shape, (a_batch, q_batch, l_batch) = batch_layout(a, q, l)
    batches = count(batch_shape)
    if batches == 0 or m == 0:
        return
    m_pad, n_pad = triton.next_power_of_2(m), triton.next_power_of_2(n)
    launch(lq_kernel, (batches,), a, q, l, m, n, batch_shape, a_batch, q_batch, l_batch, *matrix_strides(a),
           *matrix_strides(q), *matrix_strides(l), M_PAD=m_pad, N_PAD=n_pad, num_warps=8 if n_pad >= 128 else 4)
