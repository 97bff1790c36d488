"""The launch plan every element-wise kernel shares: the output's index
space with merged dims, each operand's strides over it, whether all walk it
contiguously (no index arithmetic at all), and the index width."""
from dataclasses import dataclass

from .strides import broadcast_strides, collapse, index_type, is_flat

# Elements per program: 16 per thread at 8 warps (four 128-bit accesses of
# float32), the size that saturates HBM; also few programs for the interpreter.
BLOCK = 4096
NUM_WARPS = 8


@dataclass
class Plan:
    numel: int
    shape: tuple
    strides: list   # one tuple per operand (the output first)
    flat: bool
    index: object   # tl.int32 or tl.int64

    @property
    def grid(self):
        return ((self.numel + BLOCK - 1) // BLOCK,)


def plan(out, *operands):
    """Operands broadcast (numpy rules) to `out`'s shape; out may be strided."""
    return plan_strides(out, [broadcast_strides(t.shape, t.strides, out.shape) for t in operands])


def plan_strides(out, operand_strides):
    """The same with each operand's strides over out's dims given."""
    shape, merged = collapse(out.shape, out.strides, *operand_strides)
    return Plan(out.numel, shape, merged, is_flat(shape, merged), index_type(out.numel, shape, merged))
