"""_ravel_multi_index and _unravel_index (plugins/cpu/ravel.cc): a program
per BLOCK columns of the (ndim, N) multi-index array, the index space's
shape unrolled at compile time; indices read as int64 (floats truncated),
written in the array's dtype.  A leading -1 is unbounded."""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, cast_to
from ..launch import launch
from ..registry import NUMERIC, KernelError, register
from ..strides import write_request
from .indexing import load_index


@triton.jit
def ravel_kernel(index_ptr, flat_ptr, n, SHAPE: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, tl.int64)
    flat = tl.zeros((BLOCK,), tl.int64)
    for j in tl.static_range(len(SHAPE)):
        flat = flat * SHAPE[j] + load_index(index_ptr, j * n + i, mask)
    tl.store(flat_ptr + i, cast_to(flat, flat_ptr.dtype.element_ty), mask=mask)


@triton.jit
def unravel_kernel(flat_ptr, index_ptr, n, SHAPE: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, tl.int64)
    flat = load_index(flat_ptr, i, mask)
    T: tl.constexpr = index_ptr.dtype.element_ty
    for j in tl.static_range(len(SHAPE) - 1, -1, -1):  # the last dimension first
        if SHAPE[j] == -1:
            tl.store(index_ptr + j * n + i, cast_to(flat, T), mask=mask)
        else:
            quotient = flat // SHAPE[j]  # Triton's integer // and % truncate toward zero, as C
            tl.store(index_ptr + j * n + i, cast_to(flat - quotient * SHAPE[j], T), mask=mask)
            flat = quotient


def _launch(call, kernel, n):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call) or n == 0:
        return
    if not (src.is_contiguous() and dst.is_contiguous()):
        raise KernelError(f"{call.op} needs contiguous arrays")
    launch(kernel, (triton.cdiv(n, BLOCK),), src, dst, n, SHAPE=tuple(call.attrs["shape"]), BLOCK=BLOCK,
           num_warps=NUM_WARPS)


@register("_ravel_multi_index", "ravel_multi_index", dtypes=NUMERIC)
def ravel_multi_index(call):
    _launch(call, ravel_kernel, call.outputs[0].numel)


@register("_unravel_index", "unravel_index", dtypes=NUMERIC)
def unravel_index(call):
    _launch(call, unravel_kernel, call.inputs[0].numel)
