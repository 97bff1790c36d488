"""reverse (flip), tile and repeat, and the gradients of tile and repeat.
A flip walks the source backwards (negative strides from the last element);
tile and repeat read the source with zero strides over an expanded index
space whose row-major order is the output's.  Their gradients see ograd
over that expanded space and sum it over the replica axes (a reduction)."""
from ..call import TensorView, contiguous_strides
from ..copy_kernel import strided_copy
from ..registry import ALL, NUMERIC, KernelError, register
from ..strides import normalize_axis, write_request
from .reduce import reduce_into


@register("reverse", "flip", dtypes=ALL)
def reverse(call):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    axes = {normalize_axis(a, src.ndim) for a in call.attrs["axis"]}
    strides = [-s if k in axes else s for k, s in enumerate(src.strides)]
    base = sum((src.shape[k] - 1) * src.strides[k] for k in axes if src.shape[k] > 0)
    strided_copy(src, dst, dst.shape, strides, dst.strides, src_base=base)


def _tile_expansion(reps, shape):
    """tile's output dims as (reps[k], shape[k]) pairs, both aligned right."""
    ndim = max(len(shape), len(reps))
    shape = (1,) * (ndim - len(shape)) + tuple(shape)
    reps = (1,) * (ndim - len(reps)) + tuple(reps)
    return [d for r, s in zip(reps, shape) for d in (r, s)]


@register("tile", dtypes=ALL)
def tile(call):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    expanded = _tile_expansion(call.attrs["reps"], src.shape)
    strides = (0,) * (len(expanded) // 2 - src.ndim) + src.strides
    src_strides = [st for s in strides for st in (0, s)]
    strided_copy(src, dst, expanded, src_strides, contiguous_strides(expanded))


def _sum_replicas(call, expanded, replica_axes):
    """grad = ograd (contiguous, seen with the `expanded` shape) summed over
    replica_axes."""
    ograd, grad = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    if not ograd.is_contiguous():
        raise KernelError("the gradient needs a contiguous ograd")
    view = TensorView(ograd.ptr, expanded, ograd.dtype, device_id=ograd.device_id)
    reduce_into(view, grad, set(replica_axes), "sum")


@register("_backward_tile", dtypes=NUMERIC)
def tile_backward(call):
    """ograd's axis k is (replicas, data's size), data's axes aligned right
    (size 1 where ograd has more)."""
    ograd, data = call.inputs[:2]
    sizes = (1,) * (ograd.ndim - data.ndim) + data.shape
    expanded = [d for o, s in zip(ograd.shape, sizes) for d in (o // s if s else 0, s)]
    _sum_replicas(call, expanded, range(0, len(expanded), 2))


@register("repeat", dtypes=ALL)
def repeat(call):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    repeats, axis = call.attrs["repeats"], call.attrs.get("axis")
    if axis is None or repeats == 0:  # the flattened input (repeats 0: empty and flat)
        shape, strides, axis = (src.numel,), (1,), 0
        if not src.is_contiguous():
            raise KernelError("repeat over the flattened input needs a contiguous input")
    else:
        shape, strides, axis = src.shape, src.strides, normalize_axis(axis, src.ndim)
    expanded = shape[:axis + 1] + (repeats,) + shape[axis + 1:]
    src_strides = strides[:axis + 1] + (0,) + strides[axis + 1:]
    strided_copy(src, dst, expanded, src_strides, contiguous_strides(expanded))


@register("_backward_repeat", dtypes=NUMERIC)
def repeat_backward(call):
    ograd, data = call.inputs[:2]
    repeats, axis = call.attrs["repeats"], call.attrs.get("axis")
    if axis is None or repeats == 0:  # ograd repeats the flattened data (or is empty and flat)
        _sum_replicas(call, (data.numel, repeats), (1,))
        return
    axis = normalize_axis(axis, data.ndim)
    _sum_replicas(call, data.shape[:axis + 1] + (repeats,) + data.shape[axis + 1:], (axis + 1,))
