"""Dropout and _backward_Dropout.  Mask element i keeps its slice with
probability 1 - p when the first uniform of Philox block (i, 0) under the
call's seed is below 1 - p -- plugins/cpu/dropout.cc's rule, so the GPU
drops the elements the CPU drops for the same seed.  Both kernels multiply
by the mask broadcast over the dropout axes (the mask's size-1 axes)."""
import triton
import triton.language as tl

from ..copy_kernel import copy_into
from ..elementwise import BLOCK, NUM_WARPS, plan
from ..jit_helpers import block_indices, scalar_from_bits
from ..launch import launch
from ..registry import KernelError, register
from ..scalars import as_bits
from ..strides import INT32_LIMIT, write_request
from .binary import ARRAYS, binary_kernel
from .fill import fill
from .random import philox_uniforms, seed_argument

DTYPES = ("float32", "float64", "float16")


@triton.jit(do_not_specialize=["seed", "keep_bits", "scale_bits"])
def dropout_mask_kernel(mask_ptr, n, seed, keep_bits, scale_bits, IDX: tl.constexpr, BLOCK: tl.constexpr):
    i, valid = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = mask_ptr.dtype.element_ty
    u, _ = philox_uniforms(seed, i.to(tl.int64), 0)
    keep = scalar_from_bits(keep_bits, tl.float64, tl.float64)
    scale = scalar_from_bits(scale_bits, T, T)
    tl.store(mask_ptr + i, tl.where(u < keep, scale, tl.zeros_like(scale)), mask=valid)


def _multiply_by_mask(x, mask, out):
    """out = x * mask, the mask broadcast to x's shape."""
    p = plan(out, x, mask)
    launch(binary_kernel, p.grid, x, mask, out, 0, p.numel, p.shape, p.strides[1], p.strides[2], p.strides[0],
           OP=2, SOURCES=ARRAYS, FLAT=p.flat, IDX=p.index, BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("Dropout", dtypes=DTYPES)
def dropout(call):
    x = call.inputs[0]
    out, mask = call.outputs
    if call.req[0] == "add":
        raise KernelError("req=add is not supported")
    keep = 1.0 - call.attrs["p"]
    active = call.is_train or call.attrs.get("mode") == "always"
    if not active or keep >= 1.0:  # the identity; the mask says so for the gradient
        fill(mask, 1)
        if write_request(call) and out.ptr != x.ptr:
            copy_into(x, out)
        return
    if not mask.is_contiguous():
        raise KernelError("the mask must be contiguous")
    if mask.numel:
        launch(dropout_mask_kernel, (triton.cdiv(mask.numel, BLOCK),), mask, mask.numel, seed_argument(call),
               as_bits(keep, "float64"), as_bits(1.0 / keep, mask.dtype),
               IDX=tl.int64 if mask.numel >= INT32_LIMIT else tl.int32, BLOCK=BLOCK, num_warps=NUM_WARPS)
    if write_request(call) and out.numel:
        _multiply_by_mask(x, mask, out)


@register("_backward_Dropout", dtypes=DTYPES)
def dropout_backward(call):
    og, mask = call.inputs[:2]
    out = call.outputs[0]
    if write_request(call) and out.numel:
        _multiply_by_mask(og, mask, out)
