"""_linalg_syrk, _linalg_trmm and _linalg_trsm (MXNet's la_op), batched over
the leading axes, float32 and float64 as the CPU kernels:

    syrk: out = alpha op(A) op(A)^T            (op(A) = A, or A^T if transpose)
    trmm: out = alpha op(A) B, or alpha B op(A) (rightside)
    trsm: out = alpha op(A)^-1 B, or alpha B op(A)^-1

A is lower (or upper) triangular and only that triangle is read.  syrk and
trmm are ops/matmul.gemm with a triangular operand / mirrored output; trsm
substitutes in registers, one program per matrix and block of columns (a
zero on A's diagonal gives inf/NaN, as the CPU's BLAS does: neither checks).
"""
import triton
import triton.language as tl

from ..jit_helpers import div_rn, offset_of, scalar_from_bits
from ..launch import launch
from ..registry import KernelError, register
from ..scalars import as_bits
from ..strides import write_request
from .linalg_copy import LA_DTYPES
from .matmul import LOWER, UPPER, gemm

# trsm holds a column block of B (n rows, padded to a power of two) in registers
TRSM_MAX_N = 4096
TRSM_TILE = 4096  # elements of the register tile


def batch_layout(*tensors):
    """(batch shape, [batch strides per tensor]) over the axes before the
    last two (one dummy axis when there are none)."""
    batch_shape = tuple(tensors[0].shape[:-2])
    if not batch_shape:
        return (1,), [(0,)] * len(tensors)
    return batch_shape, [tuple(t.strides[:len(batch_shape)]) for t in tensors]


def count(batch_shape):
    result = 1
    for d in batch_shape:
        result *= d
    return result


def matrix_strides(t, transpose=False):
    rows, cols = t.strides[-2], t.strides[-1]
    return (cols, rows) if transpose else (rows, cols)


@triton.jit
def substitute(x, a_base, a_rows, a_cols, n, N_PAD: tl.constexpr, FORWARD: tl.constexpr):
    """x (N_PAD x k, rows >= n zero) := M^-1 x for the n x n triangular M at
    a_base (strides a_rows, a_cols): lower and solved forward, or upper and
    solved backward.  Reads only M's triangle, one column per step."""
    r = tl.arange(0, N_PAD)
    for step in range(n):
        i = step if FORWARD else n - 1 - step
        diag = tl.load(a_base + i.to(tl.int64) * (a_rows + a_cols))
        xi = div_rn(tl.sum(tl.where(r[:, None] == i, x, 0.0), axis=0), diag)
        if FORWARD:
            rest = (r > i) & (r < n)
        else:
            rest = r < i
        column = tl.load(a_base + r.to(tl.int64) * a_rows + i.to(tl.int64) * a_cols, mask=rest, other=0.0)
        x = tl.where(r[:, None] == i, xi[None, :], x - column[:, None] * xi[None, :])
    return x


@triton.jit(do_not_specialize=["alpha_bits"])
def trsm_kernel(a_ptr, b_ptr, out_ptr, n, cols, alpha_bits, batch_shape, a_batch, b_batch, out_batch, a_rows,
                a_cols, b_rows, b_cols, out_rows, out_cols, FORWARD: tl.constexpr, N_PAD: tl.constexpr,
                BLOCK: tl.constexpr):
    """out = alpha M^-1 B for each matrix of the batch (program_id 0) and
    block of BLOCK columns (program_id 1)."""
    T: tl.constexpr = out_ptr.dtype.element_ty
    batch = tl.program_id(0).to(tl.int64)
    r = tl.arange(0, N_PAD).to(tl.int64)
    c = (tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)).to(tl.int64)
    mask = (r[:, None] < n) & (c[None, :] < cols)
    b = tl.load(b_ptr + offset_of(batch, batch_shape, b_batch) + r[:, None] * b_rows + c[None, :] * b_cols,
                mask=mask, other=0.0)
    x = b * scalar_from_bits(alpha_bits, tl.float64, T)
    x = substitute(x, a_ptr + offset_of(batch, batch_shape, a_batch), a_rows, a_cols, n, N_PAD, FORWARD)
    tl.store(out_ptr + offset_of(batch, batch_shape, out_batch) + r[:, None] * out_rows + c[None, :] * out_cols,
             x.to(T), mask=mask)


def _triangular_side(call):
    """(rightside, whether op(A) is lower triangular, transpose)."""
    transpose = call.attrs.get("transpose", False)
    return call.attrs.get("rightside", False), call.attrs.get("lower", True) != transpose, transpose


@register("_linalg_trmm", "linalg_trmm", dtypes=LA_DTYPES)
def trmm(call):
    if not write_request(call):
        return
    a, b = call.inputs
    out = call.outputs[0]
    right, op_lower, transpose = _triangular_side(call)
    rows, cols = out.shape[-2], out.shape[-1]
    alpha, triangle = call.attrs.get("alpha", 1.0), LOWER if op_lower else UPPER
    if right:  # B (rows x cols) op(A) (cols x cols)
        gemm(call, b, a, out, rows, cols, cols, *batch_layout(b, a, out, out), matrix_strides(b),
             matrix_strides(a, transpose), matrix_strides(out), alpha, b_triangle=triangle)
    else:  # op(A) (rows x rows) B (rows x cols)
        gemm(call, a, b, out, rows, cols, rows, *batch_layout(a, b, out, out), matrix_strides(a, transpose),
             matrix_strides(b), matrix_strides(out), alpha, a_triangle=triangle)


@register("_linalg_trsm", "linalg_trsm", dtypes=LA_DTYPES)
def trsm(call):
    """rightside: X op(A) = alpha B is op(A)^T X^T = alpha B^T, solved on
    the transposed views."""
    if not write_request(call):
        return
    a, b = call.inputs
    out = call.outputs[0]
    right, op_lower, transpose = _triangular_side(call)
    n = a.shape[-1]
    cols = out.shape[-2] if right else out.shape[-1]
    batch_shape, (a_batch, b_batch, out_batch) = batch_layout(a, b, out)
    batches = count(batch_shape)
    if batches == 0 or n == 0 or cols == 0:
        return
    if n > TRSM_MAX_N:
        raise KernelError(f"the triangular matrix is {n} x {n}; the GPU kernel solves up to {TRSM_MAX_N} x "
                          f"{TRSM_MAX_N} (compute on the CPU)")
    n_pad = triton.next_power_of_2(n)
    block = max(1, min(triton.next_power_of_2(cols), TRSM_TILE // n_pad))
    launch(trsm_kernel, (batches, triton.cdiv(cols, block)), a, b, out, n, cols,
           as_bits(call.attrs.get("alpha", 1.0), "float64"), batch_shape, a_batch, b_batch, out_batch,
           *matrix_strides(a, transpose != right), *matrix_strides(b, right), *matrix_strides(out, right),
           FORWARD=op_lower != right, N_PAD=n_pad, BLOCK=block)


@register("_linalg_syrk", "linalg_syrk", dtypes=LA_DTYPES)
def syrk(call):
    if not write_request(call):
        return
    a = call.inputs[0]
    out = call.outputs[0]
    transpose = call.attrs.get("transpose", False)
    n = out.shape[-1]
    k = a.shape[-2] if transpose else a.shape[-1]
    batch_shape, batch_strides = batch_layout(a, a, out, out)
    gemm(call, a, a, out, n, n, k, batch_shape, batch_strides, matrix_strides(a, transpose),
         matrix_strides(a, not transpose), matrix_strides(out), call.attrs.get("alpha", 1.0), mirror=True)
