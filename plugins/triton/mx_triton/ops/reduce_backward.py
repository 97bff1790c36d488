"""The sums gradients are made of: the reductions' adjoints _backward_sum /
_backward_mean (ograd spread back over data's shape, divided by the count
each mean took), _reduce_sum_like (data summed down to like's shape: the
gradient of a broadcasting op), _prelu_reduce_like (down to a prelu gamma's
shape) and add_n (a variable's gradients from its several uses)."""
import triton
import triton.language as tl

from ..call import contiguous_strides
from ..copy_kernel import copy_into
from ..elementwise import BLOCK, NUM_WARPS, plan_strides
from ..jit_helpers import block_indices, cast_to, element_offset, scalar_from_bits
from ..launch import launch
from ..registry import NUMERIC, register
from ..scalars import as_bits
from ..strides import write_request
from .binary import ARRAYS, binary_kernel
from .reduce import reduce_into, reduced_axes


@triton.jit(do_not_specialize=["scale_bits"])
def spread_kernel(src_ptr, dst_ptr, n, scale_bits, shape, src_strides, dst_strides, SCALE: tl.constexpr,
                  FLAT: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """dst = src (read with zero strides along reduced axes), divided by
    the scale in float64 when SCALE (integers truncate, as the CPU's cast)."""
    idx, mask = block_indices(n, BLOCK, IDX)
    src_off = element_offset(idx, shape, src_strides, FLAT)
    dst_off = element_offset(idx, shape, dst_strides, FLAT)
    x = tl.load(src_ptr + src_off, mask=mask)
    if SCALE:
        x = x.to(tl.float64) / scalar_from_bits(scale_bits, tl.float64, tl.float64)
    tl.store(dst_ptr + dst_off, cast_to(x, dst_ptr.dtype.element_ty), mask=mask)


def _spread(call, mean):
    ograd, data = call.inputs[:2]
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    reduced = reduced_axes(call.attrs, data.ndim)
    # ograd read with keepdims' shape: row-major strides over the kept axes
    kept = contiguous_strides(tuple(d for k, d in enumerate(data.shape) if k not in reduced))
    strides = iter(kept)
    src_strides = [0 if k in reduced else next(strides) for k in range(data.ndim)]
    count = out.numel / max(ograd.numel, 1)
    p = plan_strides(out, [src_strides])
    launch(spread_kernel, p.grid, ograd, out, p.numel, as_bits(count, "float64"), p.shape, p.strides[1],
           p.strides[0], SCALE=mean and ograd.numel > 0, FLAT=p.flat, IDX=p.index, BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("_backward_sum", dtypes=NUMERIC)
def backward_sum(call):
    _spread(call, False)


@register("_backward_mean", dtypes=NUMERIC)
def backward_mean(call):
    _spread(call, True)


@register("_reduce_sum_like", dtypes=NUMERIC)
def reduce_sum_like(call):
    data, out = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    lead = data.ndim - out.ndim
    axes = {k for k in range(data.ndim) if k < lead or (out.shape[k - lead] == 1 and data.shape[k] != 1)}
    reduce_into(data, out, axes, "sum")


@register("_prelu_reduce_like", dtypes=("float32", "float64", "float16"))
def prelu_reduce_like(call):
    """One slope per element: a copy; a single slope: the sum of all; one
    per channel: the sum over every axis but 1."""
    data, out = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    if out.numel == data.numel and out.numel != 1:
        axes = set()
    elif out.numel == 1:
        axes = set(range(data.ndim))
    else:
        axes = set(range(data.ndim)) - {1}
    reduce_into(data, out, axes, "sum")


@register("add_n", "ElementWiseSum", dtypes=NUMERIC)
def add_n(call):
    """out = ((in0 + in1) + in2) + ..., rounded to the dtype at every step
    as the CPU kernel; one input is a copy."""
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    inputs = call.inputs
    if len(inputs) == 1:
        if inputs[0].ptr != out.ptr:
            copy_into(inputs[0], out)
        return
    for k, rhs in enumerate(inputs[1:]):
        lhs = inputs[0] if k == 0 else out
        p = plan_strides(out, [lhs.strides, rhs.strides])
        launch(binary_kernel, p.grid, lhs, rhs, out, 0, p.numel, p.shape, p.strides[1], p.strides[2], p.strides[0],
               OP=0, SOURCES=ARRAYS, FLAT=p.flat, IDX=p.index, BLOCK=BLOCK, num_warps=NUM_WARPS)
