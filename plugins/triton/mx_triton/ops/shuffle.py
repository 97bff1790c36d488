"""_shuffle: Fisher-Yates over the rows (sub-arrays along axis 0), the
swaps drawn from element 0's Philox stream as plugins/cpu/random_shuffle.cc
draws them, so the GPU shuffles as the CPU does for the same seed.

Rationale: the swaps form one sequential chain; one program walks it,
BLOCK elements of a row per step (each thread only rereads what it wrote).
Slow for many rows, but the same permutation as the CPU's."""
import triton
import triton.language as tl

from ..copy_kernel import copy_into
from ..launch import launch
from ..registry import ALL, KernelError, register
from ..strides import write_request
from .random import philox_below, seed_argument

BLOCK = 1024


@triton.jit(do_not_specialize=["seed"])
def shuffle_kernel(out_ptr, rows, row_size, seed, BLOCK: tl.constexpr):
    zero = tl.zeros((1,), tl.int64)
    for step in range(0, rows - 1):
        i = rows - 1 - step
        j = philox_below(seed, zero, zero.to(tl.int32) + step, zero + i + 1).to(tl.int64)
        for start in range(0, row_size, BLOCK):
            cols = start + tl.arange(0, BLOCK)
            mask = cols < row_size
            a = out_ptr + i.to(tl.int64) * row_size + cols
            b = out_ptr + j * row_size + cols
            row_i = tl.load(a, mask=mask)
            row_j = tl.load(b, mask=mask)
            tl.store(a, row_j, mask=mask)
            tl.store(b, row_i, mask=mask)


@register("_shuffle", "shuffle", dtypes=ALL)
def shuffle(call):
    x, out = call.inputs[0], call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    if not (x.is_contiguous() and out.is_contiguous()):
        raise KernelError("_shuffle needs contiguous arrays")
    if x.ptr != out.ptr:
        copy_into(x, out)
    rows = out.shape[0] if out.ndim else 1
    if rows > 1:
        launch(shuffle_kernel, (1,), out, rows, out.numel // rows, seed_argument(call), BLOCK=BLOCK, num_warps=4)
