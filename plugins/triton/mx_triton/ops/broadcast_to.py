"""broadcast_to, broadcast_like and broadcast_axis: the source read with
zero strides along the dims it is broadcast over (ops/ decided the shape)."""
from ..copy_kernel import strided_copy
from ..registry import ALL, register
from ..strides import broadcast_strides, write_request


@register("broadcast_to", dtypes=ALL)
@register("broadcast_like", dtypes=ALL)
@register("broadcast_axis", "broadcast_axes", dtypes=ALL)
def broadcast(call):
    src, dst = call.inputs[0], call.outputs[0]
    if write_request(call):
        strided_copy(src, dst, dst.shape, broadcast_strides(src.shape, src.strides, dst.shape), dst.strides)
