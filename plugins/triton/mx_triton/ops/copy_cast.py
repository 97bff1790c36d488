"""Copies and conversions: _copy (identity, and the identities that only change
the gradient: BlockGrad, make_loss, MakeLoss, _contrib_gradientmultiplier), _copyto, Cast, _cast_like, the
AMP casts amp_cast and amp_multicast (one conversion per input), and
the reshaping ops whose kernel is a copy of the elements in order (Reshape,
Flatten, expand_dims, squeeze, reshape_like)."""
from ..copy_kernel import copy_into, strided_copy
from ..registry import ALL, KernelError, register
from ..strides import write_request


@register("_copy", "identity", dtypes=ALL)
@register("BlockGrad", "stop_gradient", dtypes=ALL)
@register("make_loss", dtypes=ALL)
@register("MakeLoss", dtypes=ALL)
@register("_contrib_gradientmultiplier", dtypes=ALL)
@register("_copyto", dtypes=ALL)
@register("Cast", "cast", dtypes=ALL)
@register("_cast_like", dtypes=ALL)
@register("amp_cast", dtypes=ALL)
def copy(call):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call) or (src.ptr == dst.ptr and src.dtype == dst.dtype):
        return
    copy_into(src, dst)


@register("amp_multicast", dtypes=ALL)
def copy_pairs(call):
    for k, (src, dst) in enumerate(zip(call.inputs, call.outputs)):
        if write_request(call, k) and not (src.ptr == dst.ptr and src.dtype == dst.dtype):
            copy_into(src, dst)


@register("Reshape", "reshape", dtypes=ALL)
@register("Flatten", "flatten", dtypes=ALL)
@register("expand_dims", dtypes=ALL)
@register("squeeze", dtypes=ALL)
@register("reshape_like", dtypes=ALL)
def copy_in_order(call):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call) or src.ptr == dst.ptr:
        return
    if not (src.is_contiguous() and dst.is_contiguous()):
        raise KernelError("reshaping needs contiguous arrays")
    strided_copy(src, dst, (dst.numel,), (1,), (1,))
