"""Arrays made from parameters: _zeros, _ones, _full, zeros_like,
ones_like, _arange and _contrib_arange_like (an arange shaped like its
input); `fill` (a value into a strided box of an array) for the other
launchers."""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, cast_to, compute_type, element_offset, scalar_from_bits
from ..launch import launch
from ..registry import ALL, register
from ..scalars import as_bits
from ..strides import collapse, index_type, is_flat, write_request


@triton.jit(do_not_specialize=["base", "start_bits", "step_bits", "repeat"])
def arange_kernel(out_ptr, n, base, start_bits, step_bits, repeat, shape, strides, FLAT: tl.constexpr,
                  IDX: tl.constexpr, BLOCK: tl.constexpr):
    """out[base + offset(i)] = start + (i // repeat) * step over the index
    space `shape`, start and step already in the output's dtype and the
    arithmetic in it (bool counts in int64)."""
    idx, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = out_ptr.dtype.element_ty
    if T == tl.int1:
        A: tl.constexpr = tl.int64
    else:
        A: tl.constexpr = compute_type(T)
    value = scalar_from_bits(start_bits, T, A) + (idx // repeat).to(A) * scalar_from_bits(step_bits, T, A)
    off = element_offset(idx, shape, strides, FLAT)
    tl.store(out_ptr + base + off, cast_to(value, T), mask=mask)


def _arange(out, start, step, repeat=1, shape=None, strides=None, base=0):
    shape = out.shape if shape is None else tuple(shape)
    numel = 1
    for d in shape:
        numel *= d
    if numel == 0:
        return
    shape, (strides,) = collapse(shape, tuple(out.strides if strides is None else strides))
    dtype = "int64" if out.dtype == "bool" else out.dtype
    launch(arange_kernel, ((numel + BLOCK - 1) // BLOCK,), out, numel, base, as_bits(start, dtype),
           as_bits(step, dtype), repeat, shape, strides, FLAT=is_flat(shape, [strides]),
           IDX=index_type(numel, shape, [strides], base), BLOCK=BLOCK, num_warps=NUM_WARPS)


def fill(out, value, shape=None, strides=None, base=0):
    """value (converted to out's dtype) into out, or into the box of out at
    offset `base` with `shape` and `strides` (elements)."""
    _arange(out, value, 0, 1, shape, strides, base)


def _filler(value):
    def fill_output(call):
        if write_request(call):
            fill(call.outputs[0], value(call))
    return fill_output


# zeros_like and ones_like are ops of their own in libmx (one input).
for _names, _value in ((("_zeros",), 0), (("zeros_like",), 0), (("_ones",), 1), (("ones_like",), 1)):
    register(*_names, dtypes=ALL)(_filler(lambda call, v=_value: v))
register("_full", dtypes=ALL)(_filler(lambda call: call.attrs["value"]))


@register("_arange", dtypes=ALL)
@register("_contrib_arange_like", "_npx_arange_like", dtypes=ALL)
def arange(call):
    if not write_request(call):
        return
    from_zero = "stop" in call.attrs and call.attrs["stop"] is None  # arange(n) counts 0 .. n; arange_like has no stop
    _arange(call.outputs[0], 0.0 if from_zero else call.attrs["start"], call.attrs["step"], call.attrs["repeat"])
