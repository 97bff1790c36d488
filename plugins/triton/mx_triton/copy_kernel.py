"""The strided copy behind every layout op and Cast.

out[dst_base + offset(i, dst_strides)] = in[src_base + offset(i, src_strides)]
over the row-major index space `shape`: a transpose permutes the source
strides, a slice offsets and scales them, a flip negates them, broadcast_to,
tile and repeat read with zero strides over an expanded index space, concat
and split offset the destination or the source.  The value is converted to
the destination's dtype on the way (Cast), as jit_helpers.cast_to.
"""
import triton
import triton.language as tl

from .elementwise import BLOCK, NUM_WARPS
from .jit_helpers import block_indices, cast_to, element_offset
from .launch import launch
from .strides import collapse, index_type, is_flat


@triton.jit(do_not_specialize=["src_base", "dst_base"])
def copy_kernel(src_ptr, dst_ptr, n, src_base, dst_base, shape, src_strides, dst_strides,
                FLAT: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    src_off = element_offset(idx, shape, src_strides, FLAT)
    dst_off = element_offset(idx, shape, dst_strides, FLAT)
    x = tl.load(src_ptr + src_base + src_off, mask=mask)
    tl.store(dst_ptr + dst_base + dst_off, cast_to(x, dst_ptr.dtype.element_ty), mask=mask)


def strided_copy(src, dst, shape, src_strides, dst_strides, src_base=0, dst_base=0):
    """Copies the index space `shape` from src to dst (views) as above."""
    numel = 1
    for d in shape:
        numel *= d
    if numel == 0:
        return
    shape, (s, d) = collapse(tuple(shape), tuple(src_strides), tuple(dst_strides))
    flat = is_flat(shape, [s, d])
    launch(copy_kernel, ((numel + BLOCK - 1) // BLOCK,), src, dst, numel, src_base, dst_base, shape, s, d,
           FLAT=flat, IDX=index_type(numel, shape, [s, d], src_base, dst_base), BLOCK=BLOCK, num_warps=NUM_WARPS)


def copy_into(src, dst):
    """dst = src converted to dst's dtype, same shape, any strides."""
    strided_copy(src, dst, dst.shape, src.strides, dst.strides)


def copy_unless_inplace(call, src, dst):
    """dst = src (output 0 of call), unless the call runs in place."""
    if call.req[0] != "inplace" and src.ptr != dst.ptr:
        copy_into(src, dst)
