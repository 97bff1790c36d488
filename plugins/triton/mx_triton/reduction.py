"""How reductions read their input: the kept dims (which enumerate the
outputs, in output order) and the reduced dims, each group with its dims
merged, and the tile shape that reads memory in order."""
from dataclasses import dataclass

import triton

from .registry import KernelError
from .strides import collapse, index_type


# Few outputs over a long extent would leave the GPU to a handful of
# programs; such reductions are cut into splits (see splits): aim for
# TARGET_PROGRAMS programs in all, each split folding at least MIN_TILES
# tiles of the reduced extent.
TARGET_PROGRAMS = 1024
MIN_TILES = 8


@dataclass
class ReducePlan:
    num_out: int
    count: int          # input elements per output
    kept: tuple         # (shape, strides)
    reduced: tuple      # (shape, strides)
    block_out: int
    block_red: int
    index: object

    @property
    def grid(self):
        return (triton.cdiv(self.num_out, self.block_out),)

    def splits(self):
        """Into how many splits of how many reduced indices the extent is
        cut: (1, count) when it is not.  From the shape only, so results do
        not vary from run to run."""
        programs = triton.cdiv(self.num_out, self.block_out)
        tiles = triton.cdiv(self.count, self.block_red)
        wanted = min(triton.cdiv(TARGET_PROGRAMS, programs), tiles // MIN_TILES)
        if wanted <= 1:
            return 1, self.count
        chunk = triton.cdiv(tiles, wanted) * self.block_red
        return triton.cdiv(self.count, chunk), chunk


def plan_reduction(x, out, reduced_axes):
    """x reduced over `reduced_axes` into out (contiguous, outputs in order)."""
    if not out.is_contiguous():
        raise KernelError("the output must be contiguous")
    kept_axes = [k for k in range(x.ndim) if k not in reduced_axes]
    red = sorted(reduced_axes)
    kept_shape, (kept_strides,) = collapse(tuple(x.shape[k] for k in kept_axes), tuple(x.strides[k] for k in kept_axes))
    red_shape, (red_strides,) = collapse(tuple(x.shape[k] for k in red), tuple(x.strides[k] for k in red))
    num_out = 1
    for k in kept_axes:
        num_out *= x.shape[k]
    count = 1
    for k in red:
        count *= x.shape[k]
    # Rows (the reduced dims innermost in memory): a wide tile along them.
    # Columns (the outputs innermost): a wide tile along the outputs.
    if kept_strides[-1] == 1 and red_strides[-1] != 1:
        block_out = min(256, max(triton.next_power_of_2(num_out), 16))
        block_red = 4096 // block_out
    else:
        block_red = min(max(triton.next_power_of_2(count), 16), 2048)
        block_out = max(1, 2048 // block_red)
    index = index_type(max(num_out, count), kept_shape + red_shape, [kept_strides + red_strides])
    return ReducePlan(num_out, count, (kept_shape, kept_strides), (red_shape, red_strides), block_out, block_red,
                      index)
