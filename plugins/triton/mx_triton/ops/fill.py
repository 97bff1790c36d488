"""Arrays made from parameters: _zeros, _ones, _full, zeros_like,
ones_like and _arange."""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, cast_to, compute_type, scalar_from_bits
from ..launch import launch
from ..registry import ALL, KernelError, register
from ..scalars import as_bits
from ..strides import INT32_LIMIT, write_request


@triton.jit(do_not_specialize=["start_bits", "step_bits", "repeat"])
def arange_kernel(out_ptr, n, start_bits, step_bits, repeat, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """out[i] = start + (i // repeat) * step, start and step already in the
    output's dtype and the arithmetic in it (bool counts in int64)."""
    idx, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = out_ptr.dtype.element_ty
    if T == tl.int1:
        A: tl.constexpr = tl.int64
    else:
        A: tl.constexpr = compute_type(T)
    value = scalar_from_bits(start_bits, T, A) + (idx // repeat).to(A) * scalar_from_bits(step_bits, T, A)
    tl.store(out_ptr + idx, cast_to(value, T), mask=mask)


def _arange(call, start, step, repeat=1):
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    if not out.is_contiguous():
        raise KernelError("the output must be contiguous")
    dtype = "int64" if out.dtype == "bool" else out.dtype
    launch(arange_kernel, ((out.numel + BLOCK - 1) // BLOCK,), out, out.numel, as_bits(start, dtype),
           as_bits(step, dtype), repeat, IDX=tl.int64 if out.numel >= INT32_LIMIT else tl.int32, BLOCK=BLOCK,
           num_warps=NUM_WARPS)


def _filler(value):
    def fill(call):
        _arange(call, value(call), 0)
    return fill


register("_zeros", "zeros_like", dtypes=ALL)(_filler(lambda call: 0))
register("_ones", "ones_like", dtypes=ALL)(_filler(lambda call: 1))
register("_full", dtypes=ALL)(_filler(lambda call: call.attrs["value"]))


@register("_arange", dtypes=ALL)
def arange(call):
    from_zero = call.attrs.get("stop") is None  # arange(n) counts 0 .. n
    _arange(call, 0.0 if from_zero else call.attrs["start"], call.attrs["step"], call.attrs["repeat"])
