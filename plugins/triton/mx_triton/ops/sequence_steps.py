"""SequenceLast, _backward_SequenceLast and SequenceReverse (plugins/cpu/
sequence_last.cc, sequence_reverse.cc): data viewed as (max_len, batch,
rest) for axis 0 or (batch, max_len, rest) for axis 1, whole rows of `rest`
elements moved between steps.  Lengths are truncated toward zero and
clipped (to [1, max_len] for SequenceLast, [0, max_len] for SequenceReverse)
as the CPU's; without them every sequence is max_len long.  One program per
BLOCK output elements; req=add adds."""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices
from ..launch import launch
from ..registry import NUMERIC, KernelError, register
from ..strides import INT32_LIMIT, write_request
from .indexing import load_index
from .sequence_mask import step_and_sequence

LAST, LAST_BACKWARD, REVERSE = 0, 1, 2  # MODE (written as numbers inside the kernel)


@triton.jit
def sequence_steps_kernel(x_ptr, length_ptr, out_ptr, n, max_len, batch, rest, MODE: tl.constexpr,
                          AXIS: tl.constexpr, HAS_LENGTH: tl.constexpr, LOW: tl.constexpr, ACCUMULATE: tl.constexpr,
                          IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    within = idx % rest
    if MODE == 0:  # SequenceLast: the output is (batch, rest)
        sequence = idx // rest
    else:  # the output has data's shape
        step, sequence = step_and_sequence(idx // rest, max_len, batch, AXIS)
    if HAS_LENGTH:
        length = tl.minimum(tl.maximum(load_index(length_ptr, sequence, mask), LOW), max_len).to(IDX)
    else:
        length = max_len
    if MODE == 1:  # _backward_SequenceLast
        x = tl.load(x_ptr + sequence * rest + within, mask=mask & (step == length - 1), other=0)
    else:
        if MODE == 0:
            source = length - 1
        else:  # SequenceReverse
            source = tl.where(step < length, length - 1 - step, step)
        source_row = source * batch + sequence if AXIS == 0 else sequence * max_len + source
        x = tl.load(x_ptr + source_row * rest + within, mask=mask)
    if ACCUMULATE:
        x = tl.load(out_ptr + idx, mask=mask) + x
    tl.store(out_ptr + idx, x, mask=mask)


def _launch(call, mode, position):
    """position: the input with the sequence axis (its lengths, if any, come next)."""
    data, out = call.inputs[position], call.outputs[0]
    if not write_request(call, allow_add=True) or out.numel == 0:
        return
    if not all(t.is_contiguous() for t in list(call.inputs) + [out]):
        raise KernelError(f"{call.op} needs contiguous arrays")
    axis = call.attrs.get("axis", 0)
    has_length = len(call.inputs) > position + 1
    rest = 1
    for d in data.shape[2:]:
        rest *= d
    launch(sequence_steps_kernel, (triton.cdiv(out.numel, BLOCK),), call.inputs[0], call.inputs[-1], out,
           out.numel, data.shape[axis], data.shape[1 - axis], rest, MODE=mode, AXIS=axis, HAS_LENGTH=has_length,
           LOW=0 if mode == REVERSE else 1,
           ACCUMULATE=call.req[0] == "add", IDX=tl.int64 if max(out.numel, data.numel) >= INT32_LIMIT else tl.int32,
           BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("SequenceLast", dtypes=NUMERIC)
def sequence_last(call):
    _launch(call, LAST, 0)


@register("_backward_SequenceLast", dtypes=NUMERIC)
def sequence_last_backward(call):
    _launch(call, LAST_BACKWARD, 1)


@register("SequenceReverse", dtypes=NUMERIC)
def sequence_reverse(call):
    _launch(call, REVERSE, 0)
