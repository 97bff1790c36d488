"""reverse (flip), tile and repeat.  A flip walks the source backwards
(negative strides from the last element); tile and repeat read the source
with zero strides over an expanded index space whose row-major order is the
output's."""
from ..call import contiguous_strides
from ..copy_kernel import strided_copy
from ..registry import ALL, KernelError, register
from ..strides import normalize_axis, write_request


@register("reverse", "flip", dtypes=ALL)
def reverse(call):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    axes = {normalize_axis(a, src.ndim) for a in call.attrs["axis"]}
    strides = [-s if k in axes else s for k, s in enumerate(src.strides)]
    base = sum((src.shape[k] - 1) * src.strides[k] for k in axes if src.shape[k] > 0)
    strided_copy(src, dst, dst.shape, strides, dst.strides, src_base=base)


@register("tile", dtypes=ALL)
def tile(call):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    reps = tuple(call.attrs["reps"])
    ndim = max(src.ndim, len(reps))
    shape = (1,) * (ndim - src.ndim) + src.shape
    strides = (0,) * (ndim - src.ndim) + src.strides
    reps = (1,) * (ndim - len(reps)) + reps
    # output dim k of size reps[k] * shape[k] as the pair (reps[k], shape[k])
    expanded = [d for r, s in zip(reps, shape) for d in (r, s)]
    src_strides = [st for s in strides for st in (0, s)]
    strided_copy(src, dst, expanded, src_strides, contiguous_strides(expanded))


@register("repeat", dtypes=ALL)
def repeat(call):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    repeats, axis = call.attrs["repeats"], call.attrs.get("axis")
    if axis is None:  # the flattened input
        shape, strides, axis = (src.numel,), (1,), 0
        if not src.is_contiguous():
            raise KernelError("repeat over the flattened input needs a contiguous input")
    else:
        shape, strides, axis = src.shape, src.strides, normalize_axis(axis, src.ndim)
    expanded = shape[:axis + 1] + (repeats,) + shape[axis + 1:]
    src_strides = strides[:axis + 1] + (0,) + strides[axis + 1:]
    strided_copy(src, dst, expanded, src_strides, contiguous_strides(expanded))
