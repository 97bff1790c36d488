"""Concat, stack, SliceChannel (split), _split_v2, and Concat's gradient
(ograd split at the pieces' sizes): each piece copied into, or out of, its
place in the whole."""
from ..call import contiguous_strides
from ..copy_kernel import strided_copy
from ..registry import ALL, register
from ..strides import normalize_axis, write_request


@register("Concat", "concat", dtypes=ALL)
def concat(call):
    out = call.outputs[0]
    if not write_request(call):
        return
    axis = normalize_axis(call.attrs["dim"], out.ndim)
    start = 0
    for piece in call.inputs:
        strided_copy(piece, out, piece.shape, piece.strides, out.strides, dst_base=start * out.strides[axis])
        start += piece.shape[axis]


@register("stack", dtypes=ALL)
def stack(call):
    out = call.outputs[0]
    if not write_request(call):
        return
    axis = normalize_axis(call.attrs["axis"], out.ndim)
    dst_strides = out.strides[:axis] + out.strides[axis + 1:]
    for k, piece in enumerate(call.inputs):
        strided_copy(piece, out, piece.shape, piece.strides, dst_strides, dst_base=k * out.strides[axis])


def _cut(call, src, axis, sizes):
    """Copies the consecutive pieces of `src` along `axis`, of the given
    sizes, into the compact outputs (squeezed or not: the same elements)."""
    start = 0
    for k, (piece, size) in enumerate(zip(call.outputs, sizes)):
        shape = src.shape[:axis] + (size,) + src.shape[axis + 1:]
        if write_request(call, k):
            strided_copy(src, piece, shape, src.strides, contiguous_strides(shape),
                         src_base=start * src.strides[axis])
        start += size


@register("SliceChannel", "split", dtypes=ALL)
def split(call):
    src = call.inputs[0]
    axis = normalize_axis(call.attrs["axis"], src.ndim)
    parts = call.attrs["num_outputs"]
    _cut(call, src, axis, [src.shape[axis] // parts] * parts)


@register("_split_v2", dtypes=ALL)
def split_v2(call):
    src = call.inputs[0]
    axis = normalize_axis(call.attrs["axis"], src.ndim)
    sections = call.attrs["sections"]
    if sections > 0:
        bounds = [src.shape[axis] // sections * k for k in range(sections)]
    else:
        bounds = list(call.attrs["indices"])
    bounds.append(src.shape[axis])
    _cut(call, src, axis, [end - begin for begin, end in zip(bounds[:-1], bounds[1:])])


@register("_backward_Concat", dtypes=ALL)
def concat_backward(call):
    ograd = call.inputs[0]
    axis = normalize_axis(call.attrs["dim"], ograd.ndim)
    _cut(call, ograd, axis, [piece.shape[axis] for piece in call.outputs])
