"""Concat, stack and SliceChannel (split), and Concat's gradient (ograd
split at the pieces' sizes): each piece copied into, or out of, its place
in the whole."""
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


@register("SliceChannel", "split", dtypes=ALL)
def split(call):
    src = call.inputs[0]
    axis = normalize_axis(call.attrs["axis"], src.ndim)
    part = src.shape[axis] // call.attrs["num_outputs"]
    shape = src.shape[:axis] + (part,) + src.shape[axis + 1:]  # each piece, before squeeze_axis
    for k, piece in enumerate(call.outputs):
        if write_request(call, k):
            strided_copy(src, piece, shape, src.strides, contiguous_strides(shape),
                         src_base=k * part * src.strides[axis])


@register("_backward_Concat", dtypes=ALL)
def concat_backward(call):
    ograd = call.inputs[0]
    axis = normalize_axis(call.attrs["dim"], ograd.ndim)
    start = 0
    for k, piece in enumerate(call.outputs):
        if write_request(call, k):
            strided_copy(ograd, piece, piece.shape, ograd.strides, piece.strides,
                         src_base=start * ograd.strides[axis])
        start += piece.shape[axis]
