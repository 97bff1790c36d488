"""depth_to_space and space_to_depth (plugins/cpu/depth_space.cc): a
transpose of 6-D views of the compact input and output."""
from ..call import contiguous_strides
from ..copy_kernel import strided_copy
from ..registry import ALL, KernelError, register
from ..strides import write_request


def _permuted_view_copy(call, in_view, perm):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    if not (src.is_contiguous() and dst.is_contiguous()):
        raise KernelError(f"{call.op} needs contiguous arrays")
    in_strides = contiguous_strides(in_view)
    out_view = tuple(in_view[k] for k in perm)
    strided_copy(src, dst, out_view, [in_strides[k] for k in perm], contiguous_strides(out_view))


@register("depth_to_space", dtypes=ALL)
def depth_to_space(call):
    n, c, h, w = call.inputs[0].shape
    b = call.attrs["block_size"]
    _permuted_view_copy(call, (n, b, b, c // (b * b), h, w), (0, 3, 4, 1, 5, 2))


@register("space_to_depth", dtypes=ALL)
def space_to_depth(call):
    n, c, h, w = call.inputs[0].shape
    b = call.attrs["block_size"]
    _permuted_view_copy(call, (n, c, h // b, b, w // b, b), (0, 3, 5, 1, 2, 4))
