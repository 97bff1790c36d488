"""dot, batch_dot, FullyConnected, _linalg_gemm2 and _linalg_gemm on one
batched gemm kernel (tl.dot):

    out[b] = alpha * op(A[b]) op(B[b]) (+ beta * C[b]) (+ bias) (+ out[b] for req=add)

Transposes and every batch layout are strides, so nothing is copied.
_linalg_trmm reads op(A) or op(B) as a triangle (the other one is never
loaded, and k-blocks outside it are skipped); _linalg_syrk computes the
tiles on and below the diagonal and mirrors them, so its result is exactly
symmetric, as the CPU kernel's.
float16 / bfloat16 multiply on tensor cores and accumulate in float32;
float32 uses exact IEEE products ("ieee": no TF32, as MXNet's default);
float64 accumulates in float64.  Block sizes are autotuned on the GPU
(autotune.py) and fixed and small under the interpreter.
"""
import triton
import triton.language as tl

from ..autotune import Config, tuned_config
from ..jit_helpers import offset_of, scalar_from_bits
from ..launch import interpreting, launch
from ..registry import KernelError, register
from ..scalars import as_bits
from ..strides import write_request

MATMUL_DTYPES = ("float32", "float64", "float16", "bfloat16")

CONFIGS = [
    Config(BLOCK_M=128, BLOCK_N=128, BLOCK_K=64, num_warps=8, num_stages=3),
    Config(BLOCK_M=128, BLOCK_N=64, BLOCK_K=32, num_warps=4, num_stages=4),
    Config(BLOCK_M=64, BLOCK_N=128, BLOCK_K=32, num_warps=4, num_stages=4),
    Config(BLOCK_M=64, BLOCK_N=64, BLOCK_K=32, num_warps=4, num_stages=3),
    Config(BLOCK_M=32, BLOCK_N=32, BLOCK_K=32, num_warps=4, num_stages=2),
]
# A_TRIANGLE / B_TRIANGLE: which part of op(A) / op(B) is read (0: all of it)
LOWER = tl.constexpr(1)
UPPER = tl.constexpr(2)

INTERPRETER_CONFIG = Config(BLOCK_M=32, BLOCK_N=32, BLOCK_K=32, num_warps=4, num_stages=1)


@triton.jit(do_not_specialize=["alpha_bits", "beta_bits"])
def gemm_kernel(a_ptr, b_ptr, c_ptr, bias_ptr, out_ptr, M, N, K, alpha_bits, beta_bits, batch_shape,
                a_batch, b_batch, c_batch, out_batch, a_rows, a_cols, b_rows, b_cols, c_rows, c_cols,
                out_rows, out_cols, WIDEN: tl.constexpr, HAS_C: tl.constexpr, HAS_BIAS: tl.constexpr, ACCUMULATE: tl.constexpr,
                BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr, A_TRIANGLE: tl.constexpr = 0,
                B_TRIANGLE: tl.constexpr = 0, MIRROR: tl.constexpr = False):
    T: tl.constexpr = out_ptr.dtype.element_ty
    if T == tl.float64:
        ACC: tl.constexpr = tl.float64
    else:
        ACC: tl.constexpr = tl.float32
    tiles_n = tl.cdiv(N, BLOCK_N)
    tile = tl.program_id(0)
    batch = tl.program_id(1).to(tl.int64)
    rows = (tile // tiles_n) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = (tile % tiles_n) * BLOCK_N + tl.arange(0, BLOCK_N)
    if MIRROR and (tile // tiles_n + 1) * BLOCK_M <= (tile % tiles_n) * BLOCK_N:
        return  # strictly above the diagonal: the mirror of a tile below it
    # the k range a triangular op(A) (rows x k) or op(B) (k x cols) leaves nonzero
    k_lo = 0
    k_hi = K
    if A_TRIANGLE == LOWER:
        k_hi = tl.minimum(K, (tile // tiles_n + 1) * BLOCK_M)
    elif A_TRIANGLE == UPPER:
        k_lo = (tile // tiles_n) * BLOCK_M
    if B_TRIANGLE == LOWER:
        k_lo = tl.maximum(k_lo, (tile % tiles_n) * BLOCK_N)
    elif B_TRIANGLE == UPPER:
        k_hi = tl.minimum(k_hi, (tile % tiles_n + 1) * BLOCK_N)
    ks = tl.arange(0, BLOCK_K)
    a_base = a_ptr + offset_of(batch, batch_shape, a_batch)
    b_base = b_ptr + offset_of(batch, batch_shape, b_batch)
    acc = tl.zeros((BLOCK_M, BLOCK_N), ACC)
    for k0 in range(k_lo, k_hi, BLOCK_K):
        k = k0 + ks
        a_mask = (rows[:, None] < M) & (k[None, :] < k_hi)
        if A_TRIANGLE == LOWER:
            a_mask &= rows[:, None] >= k[None, :]
        elif A_TRIANGLE == UPPER:
            a_mask &= rows[:, None] <= k[None, :]
        b_mask = (k[:, None] < k_hi) & (cols[None, :] < N)
        if B_TRIANGLE == LOWER:
            b_mask &= k[:, None] >= cols[None, :]
        elif B_TRIANGLE == UPPER:
            b_mask &= k[:, None] <= cols[None, :]
        a = tl.load(a_base + rows[:, None].to(tl.int64) * a_rows + k[None, :].to(tl.int64) * a_cols,
                    mask=a_mask, other=0.0)
        b = tl.load(b_base + k[:, None].to(tl.int64) * b_rows + cols[None, :].to(tl.int64) * b_cols,
                    mask=b_mask, other=0.0)
        if WIDEN:
            a = a.to(tl.float32)
            b = b.to(tl.float32)
        if T == tl.float32 or WIDEN:
            acc = tl.dot(a, b, acc, input_precision="ieee")
        else:
            acc = tl.dot(a, b, acc)
    result = acc * scalar_from_bits(alpha_bits, tl.float64, ACC)
    mask = (rows[:, None] < M) & (cols[None, :] < N)
    if HAS_C:
        c = tl.load(c_ptr + offset_of(batch, batch_shape, c_batch) + rows[:, None].to(tl.int64) * c_rows +
                    cols[None, :].to(tl.int64) * c_cols, mask=mask, other=0.0)
        result += scalar_from_bits(beta_bits, tl.float64, ACC) * c.to(ACC)
    if HAS_BIAS:
        result += tl.load(bias_ptr + cols, mask=cols < N, other=0.0).to(ACC)[None, :]
    out = out_ptr + offset_of(batch, batch_shape, out_batch) + rows[:, None].to(tl.int64) * out_rows + \
        cols[None, :].to(tl.int64) * out_cols
    if ACCUMULATE:
        result += tl.load(out, mask=mask, other=0.0).to(ACC)
    if MIRROR:  # the lower part of the tile, and its transpose above the diagonal
        mask &= rows[:, None] >= cols[None, :]
        tl.store(out_ptr + offset_of(batch, batch_shape, out_batch) + cols[None, :].to(tl.int64) * out_rows +
                 rows[:, None].to(tl.int64) * out_cols, result.to(T), mask=mask)
    tl.store(out, result.to(T), mask=mask)


def gemm(call, a, b, out, m, n, k, batch_shape, batch_strides, a_mat, b_mat, out_mat, alpha=1.0, c=None,
         c_mat=(0, 0), beta=0.0, bias=None, output=0, a_triangle=0, b_triangle=0, mirror=False):
    """out[i] = alpha op(a) op(b) + ... over the batch: batch_strides holds
    (a, b, c, out) strides per batch dim; *_mat are (row, column) strides of
    op(x) (a transpose swaps them); out is call's output `output` (its req).
    a_triangle / b_triangle (LOWER, UPPER): op(x) is that triangle of
    itself; mirror: out is symmetric, computed below the diagonal."""
    if not write_request(call, output, allow_add=True) or m * n == 0:
        return
    batches = 1
    for d in batch_shape:
        batches *= d
    if batches == 0:
        return
    if not batch_shape:
        batch_shape, batch_strides = (1,), ((0,), (0,), (0,), (0,))
    accumulate = call.req[output] == "add"
    args = (a, b, c if c is not None else out, bias if bias is not None else out, out, m, n, k,
            as_bits(alpha, "float64"), as_bits(beta, "float64"), tuple(batch_shape), *map(tuple, batch_strides),
            *a_mat, *b_mat, *c_mat, *out_mat)
    # Rationale: Triton's interpreter multiplies bfloat16 tiles as their raw
    # bits; it gets them widened to float32 (the GPU multiplies bfloat16).
    widen = interpreting() and out.dtype == "bfloat16"
    flags = dict(WIDEN=widen, HAS_C=c is not None, HAS_BIAS=bias is not None, ACCUMULATE=accumulate,
                 A_TRIANGLE=int(a_triangle), B_TRIANGLE=int(b_triangle), MIRROR=mirror)

    def run(config):
        grid = (triton.cdiv(m, config.BLOCK_M) * triton.cdiv(n, config.BLOCK_N), batches)
        launch(gemm_kernel, grid, *args, **flags, **config.kwargs())

    if interpreting():
        run(INTERPRETER_CONFIG)
    else:
        key = ("gemm", out.dtype, triton.next_power_of_2(m), triton.next_power_of_2(n), triton.next_power_of_2(k),
               int(a_triangle), int(b_triangle), mirror)
        # req=add cannot be timed (each trial would add again): it uses a tuned or the first config
        run(tuned_config(key, CONFIGS, run, stream=call.stream, may_time=not accumulate))


def _matrix_strides(t, row_axis, col_axis, transpose):
    rows, cols = t.strides[row_axis], t.strides[col_axis]
    return (cols, rows) if transpose else (rows, cols)


@register("dot", dtypes=MATMUL_DTYPES)
def dot(call):
    """lhs read as (free dims) x (last dim), rhs as (first dim) x (free dims)."""
    a, b = call.inputs
    out = call.outputs[0]
    ta, tb = call.attrs.get("transpose_a", False), call.attrs.get("transpose_b", False)
    k = a.shape[0] if ta else a.shape[-1]
    m = a.numel // k if k else out.numel // max(1, _free(b, tb))
    n = out.numel // m if m else _free(b, tb)
    if not (a.is_contiguous() and b.is_contiguous() and out.is_contiguous()):
        raise KernelError("dot needs contiguous arrays")
    a_mat = (1, m) if ta else (k, 1)
    b_mat = (1, k) if tb else (n, 1)
    gemm(call, a, b, out, m, n, k, (), (), a_mat, b_mat, (n, 1))


def _free(b, tb):
    k = b.shape[-1] if tb else b.shape[0]
    return b.numel // k if k else 0


def _batched(call, axis, alpha=1.0, c=None, beta=0.0):
    """batch_dot and _linalg_gemm*: rows along `axis`, columns the last axis,
    every other axis a batch axis."""
    a, b = call.inputs[:2]
    out = call.outputs[0]
    ta, tb = call.attrs.get("transpose_a", False), call.attrs.get("transpose_b", False)
    last = a.ndim - 1
    m, n = out.shape[axis], out.shape[last]
    k = a.shape[axis] if ta else a.shape[last]
    batch_axes = [d for d in range(a.ndim) if d not in (axis, last)]
    tensors = [a, b, c if c is not None else out, out]
    gemm(call, a, b, out, m, n, k, [out.shape[d] for d in batch_axes],
         [[t.strides[d] for d in batch_axes] for t in tensors], _matrix_strides(a, axis, last, ta),
         _matrix_strides(b, axis, last, tb), (out.strides[axis], out.strides[last]), alpha, c,
         (c.strides[axis], c.strides[last]) if c is not None else (0, 0), beta)


@register("batch_dot", "_npx_batch_dot", dtypes=MATMUL_DTYPES)
def batch_dot(call):
    _batched(call, call.inputs[0].ndim - 2)


@register("_linalg_gemm2", "linalg_gemm2", dtypes=("float32", "float64"))
def linalg_gemm2(call):
    ndim = call.inputs[0].ndim
    axis = call.attrs.get("axis", -2)
    _batched(call, axis + ndim if axis < 0 else axis, call.attrs.get("alpha", 1.0))


@register("_linalg_gemm", "linalg_gemm", dtypes=("float32", "float64"))
def linalg_gemm(call):
    ndim = call.inputs[0].ndim
    axis = call.attrs.get("axis", -2)
    _batched(call, axis + ndim if axis < 0 else axis, call.attrs.get("alpha", 1.0), call.inputs[2],
             call.attrs.get("beta", 1.0))


@register("FullyConnected", "_npx_fully_connected", dtypes=MATMUL_DTYPES)
def fully_connected(call):
    """data (rows x input_dim, as `flatten` reads it) . weight^T + bias."""
    data, weight = call.inputs[:2]
    out = call.outputs[0]
    n, k = weight.shape
    m = out.numel // n if n else 0
    bias = call.inputs[2] if len(call.inputs) == 3 and not call.attrs.get("no_bias", False) else None
    gemm(call, data, weight, out, m, n, k, (), (), (k, 1), (weight.strides[1], weight.strides[0]), (n, 1),
         bias=bias)
