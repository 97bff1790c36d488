"""scatter_nd, _scatter_set_nd (NDArray's `a[idx_array] = x`) and
gather_nd's gradient.  indices (M, Y...) address blocks of the target: a
coordinate into its first M axes selects the contiguous block of its
remaining axes (negative coordinates count from the end).

The scatters write in index order on the CPU, so the last of repeated
indices wins; here a block is written only when no later index names the
same one (each program compares its indices with every later one).  The
gradient adds the blocks atomically.  Coordinates outside the target are
skipped (the CPU kernels raise: a device cannot).
"""
import triton
import triton.language as tl

from ..copy_kernel import copy_into
from ..launch import launch
from ..registry import ALL, ATOMIC, KernelError, register
from ..strides import write_request
from .fill import fill
from .indexing import load_index

BLOCK_Y, BLOCK_Z = 32, 128


@triton.jit
def block_offsets(idx_ptr, ys, num_y, shape, mask):
    """The blocks (row-major over the first len(shape) axes) the index
    columns ys address, and whether they lie inside."""
    off = ys.to(tl.int64) * 0
    inside = mask
    for m in tl.static_range(len(shape)):
        c = load_index(idx_ptr, m * num_y + ys, mask)
        c = tl.where(c < 0, c + shape[m], c)
        inside = inside & (c >= 0) & (c < shape[m])
        off = off * shape[m] + c
    return off, inside


@triton.jit
def scatter_nd_kernel(src_ptr, idx_ptr, dst_ptr, num_y, block, shape, ADD: tl.constexpr, BLOCK_Y: tl.constexpr,
                      BLOCK_Z: tl.constexpr):
    """dst's block at index column y = src's block y (ADD: += atomically)."""
    ys = tl.program_id(0) * BLOCK_Y + tl.arange(0, BLOCK_Y)
    zs = tl.program_id(1) * BLOCK_Z + tl.arange(0, BLOCK_Z)
    off, write = block_offsets(idx_ptr, ys, num_y, shape, ys < num_y)
    if not ADD:  # the last of repeated indices wins
        for start in range(tl.program_id(0) * BLOCK_Y, num_y, BLOCK_Y):
            later = start + tl.arange(0, BLOCK_Y)
            other, valid = block_offsets(idx_ptr, later, num_y, shape, later < num_y)
            same = (other[None, :] == off[:, None]) & valid[None, :] & (later[None, :] > ys[:, None])
            write = write & (tl.sum(same.to(tl.int32), 1) == 0)
    mask = write[:, None] & (zs < block)[None, :]
    x = tl.load(src_ptr + ys[:, None].to(tl.int64) * block + zs[None, :], mask=mask)
    dst = dst_ptr + off[:, None] * block + zs[None, :]
    if ADD:
        tl.atomic_add(dst, x, mask=mask, sem="relaxed")
    else:
        tl.store(dst, x, mask=mask)


def _scatter(values, indices, out, add):
    if not all(t.is_contiguous() for t in (values, indices, out)):
        raise KernelError("scattering needs contiguous arrays")
    m = indices.shape[0]
    num_y = indices.numel // m if m else 0
    block = 1
    for d in out.shape[m:]:
        block *= d
    if num_y == 0 or block == 0:
        return
    launch(scatter_nd_kernel, (triton.cdiv(num_y, BLOCK_Y), triton.cdiv(block, BLOCK_Z)), values, indices, out,
           num_y, block, out.shape[:m], ADD=add, BLOCK_Y=BLOCK_Y, BLOCK_Z=BLOCK_Z, num_warps=4)


@register("scatter_nd", dtypes=ALL)
def scatter_nd(call):
    data, indices = call.inputs
    out = call.outputs[0]
    if write_request(call):
        fill(out, 0)
        _scatter(data, indices, out, add=False)


@register("_scatter_set_nd", dtypes=ALL)
def scatter_set_nd(call):
    lhs, rhs, indices = call.inputs
    out = call.outputs[0]
    if not write_request(call):
        return
    if call.req[0] != "inplace" and lhs.ptr != out.ptr:
        copy_into(lhs, out)
    _scatter(rhs, indices, out, add=False)


@register("_backward_gather_nd", dtypes=ATOMIC)
def gather_nd_backward(call):
    ograd, _, indices = call.inputs
    grad = call.outputs[0]
    if write_request(call, allow_add=True):
        if call.req[0] != "add":
            fill(grad, 0)
        _scatter(ograd, indices, grad, add=True)
