"""SequenceMask (plugins/cpu/sequence_mask.cc): data viewed as (max_len,
batch, rest) for axis 0 or (batch, max_len, rest) for axis 1; each (step,
sequence) row of `rest` elements is copied when the step is inside the
sequence and set to `value` otherwise (req=add adds either)."""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, cast_to, scalar_from_bits
from ..launch import launch
from ..registry import NUMERIC, KernelError, register
from ..scalars import as_bits
from ..strides import INT32_LIMIT, write_request
from .indexing import load_index


@triton.jit
def step_and_sequence(row, max_len, batch, AXIS: tl.constexpr):
    """The (step, sequence) of a row of `rest` elements, for the sequence
    ops' views of data: (max_len, batch, rest) or (batch, max_len, rest)."""
    if AXIS == 0:
        return row // batch, row % batch
    return row % max_len, row // max_len


@triton.jit(do_not_specialize=["value_bits"])
def sequence_mask_kernel(x_ptr, length_ptr, out_ptr, n, max_len, batch, rest, value_bits, AXIS: tl.constexpr,
                         HAS_LENGTH: tl.constexpr, ACCUMULATE: tl.constexpr, IDX: tl.constexpr,
                         BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = out_ptr.dtype.element_ty
    step, sequence = step_and_sequence(idx // rest, max_len, batch, AXIS)
    x = tl.load(x_ptr + idx, mask=mask)
    if HAS_LENGTH:
        inside = step < load_index(length_ptr, sequence, mask)
        x = tl.where(inside, x, cast_to(scalar_from_bits(value_bits, T, T), T))
    if ACCUMULATE:
        x = tl.load(out_ptr + idx, mask=mask) + x
    tl.store(out_ptr + idx, x, mask=mask)


@register("SequenceMask", dtypes=NUMERIC)
def sequence_mask(call):
    data, out = call.inputs[0], call.outputs[0]
    if not write_request(call, allow_add=True) or out.numel == 0:
        return
    if not (data.is_contiguous() and out.is_contiguous()):
        raise KernelError("SequenceMask needs contiguous arrays")
    axis = call.attrs.get("axis", 0)
    has_length = len(call.inputs) == 2
    rest = data.numel // (data.shape[0] * data.shape[1])
    launch(sequence_mask_kernel, (triton.cdiv(out.numel, BLOCK),), data, call.inputs[-1], out, out.numel,
           data.shape[axis], data.shape[1 - axis], rest, as_bits(call.attrs.get("value", 0.0), data.dtype),
           AXIS=axis, HAS_LENGTH=has_length, ACCUMULATE=call.req[0] == "add",
           IDX=tl.int64 if out.numel >= INT32_LIMIT else tl.int32, BLOCK=BLOCK, num_warps=NUM_WARPS)
