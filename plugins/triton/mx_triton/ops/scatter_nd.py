"""scatter_nd, _scatter_set_nd (NDArray's `a[idx_array] = x`) and
gather_nd's gradient.  indices (M, Y...) address blocks of the target: a
coordinate into its first M axes selects the contiguous block of its
remaining axes (negative coordinates count from the end).

The scatters write in index order on the CPU, so the last of repeated
indices wins; here a first launch has every index column claim its block
with an atomic max of its number (in a workspace of one int per block),
and a second writes the blocks each column won -- linear in the indices.
The gradient adds the blocks atomically.  Coordinates outside the target
are skipped (the CPU kernels raise: a device cannot).
"""
import triton
import triton.language as tl

from ..copy_kernel import copy_unless_inplace
from ..launch import launch
from ..registry import ALL, ATOMIC, KernelError, register
from ..strides import write_request
from .fill import fill
from ..workspace import carve, size
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
def claim_kernel(idx_ptr, winner_ptr, num_y, shape, BLOCK_Y: tl.constexpr):
    """winner[block] = the last index column naming it."""
    ys = tl.program_id(0) * BLOCK_Y + tl.arange(0, BLOCK_Y)
    off, inside = block_offsets(idx_ptr, ys, num_y, shape, ys < num_y)
    tl.atomic_max(winner_ptr + off, ys.to(winner_ptr.dtype.element_ty), mask=inside, sem="relaxed")


@triton.jit
def scatter_nd_kernel(src_ptr, idx_ptr, dst_ptr, winner_ptr, num_y, block, shape, ADD: tl.constexpr,
                      BLOCK_Y: tl.constexpr, BLOCK_Z: tl.constexpr):
    """dst's block at index column y = src's block y if y won it (ADD: +=
    atomically, every column)."""
    ys = tl.program_id(0) * BLOCK_Y + tl.arange(0, BLOCK_Y)
    zs = tl.program_id(1) * BLOCK_Z + tl.arange(0, BLOCK_Z)
    off, write = block_offsets(idx_ptr, ys, num_y, shape, ys < num_y)
    if not ADD:
        write = write & (tl.load(winner_ptr + off, mask=write, other=-1) == ys)
    mask = write[:, None] & (zs < block)[None, :]
    x = tl.load(src_ptr + ys[:, None].to(tl.int64) * block + zs[None, :], mask=mask)
    dst = dst_ptr + off[:, None] * block + zs[None, :]
    if ADD:
        tl.atomic_add(dst, x, mask=mask, sem="relaxed")
    else:
        tl.store(dst, x, mask=mask)


def _winners(indices, out):
    """The workspace piece of the last-write-wins claims, or None."""
    m = indices.shape[0]
    num_y = indices.numel // m if m else 0
    blocks = 1
    for d in out.shape[:m]:
        blocks *= d
    return None if num_y == 0 or blocks == 0 else ((blocks,), "int32" if num_y < 2 ** 31 else "int64")


def _winners_bytes(indices, out):
    piece = _winners(indices, out)
    return 0 if piece is None else size([piece])


def _scatter(values, indices, out, add, call=None):
    if not all(t.is_contiguous() for t in (values, indices, out)):
        raise KernelError("scattering needs contiguous arrays")
    m = indices.shape[0]
    num_y = indices.numel // m if m else 0
    block = 1
    for d in out.shape[m:]:
        block *= d
    if num_y == 0 or block == 0:
        return
    shape = out.shape[:m]
    winner = out  # unused when adding
    if not add:
        winner, = carve(call, [_winners(indices, out)])
        fill(winner, -1)
        launch(claim_kernel, (triton.cdiv(num_y, BLOCK_Y),), indices, winner, num_y, shape, BLOCK_Y=BLOCK_Y,
               num_warps=4)
    launch(scatter_nd_kernel, (triton.cdiv(num_y, BLOCK_Y), triton.cdiv(block, BLOCK_Z)), values, indices, out,
           winner, num_y, block, shape, ADD=add, BLOCK_Y=BLOCK_Y, BLOCK_Z=BLOCK_Z, num_warps=4)


@register("scatter_nd", dtypes=ALL, workspace=lambda call: _winners_bytes(call.inputs[1], call.outputs[0]))
def scatter_nd(call):
    data, indices = call.inputs
    out = call.outputs[0]
    if write_request(call):
        fill(out, 0)
        _scatter(data, indices, out, add=False, call=call)


@register("_scatter_set_nd", dtypes=ALL, workspace=lambda call: _winners_bytes(call.inputs[2], call.outputs[0]))
def scatter_set_nd(call):
    lhs, rhs, indices = call.inputs
    out = call.outputs[0]
    if not write_request(call):
        return
    copy_unless_inplace(call, lhs, out)
    _scatter(rhs, indices, out, add=False, call=call)


@register("_backward_gather_nd", dtypes=ATOMIC)
def gather_nd_backward(call):
    ograd, _, indices = call.inputs
    grad = call.outputs[0]
    if write_request(call, allow_add=True):
        if call.req[0] != "add":
            fill(grad, 0)
        _scatter(ograd, indices, grad, add=True)
