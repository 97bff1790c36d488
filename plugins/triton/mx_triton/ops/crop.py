"""Crop and _backward_Crop (plugins/cpu/crop.cc) as strided copies: the
crop reads data's window; its gradient zeroes data's shape and writes
out_grad into the window."""
from ..copy_kernel import strided_copy
from ..registry import register
from ..strides import write_request
from .fill import fill

DTYPES = ("float32", "float64", "float16")


def _window_base(call, data, crop):
    """The offset (elements) of the crop's corner in data (N, C, H, W)."""
    h, w = crop.shape[2], crop.shape[3]
    if call.attrs.get("center_crop"):
        y, x = (data.shape[2] - h) // 2, (data.shape[3] - w) // 2
    else:
        y, x = call.attrs["offset"]
    return y * data.strides[2] + x * data.strides[3]


@register("Crop", dtypes=DTYPES)
def crop(call):
    data, out = call.inputs[0], call.outputs[0]
    if write_request(call):
        strided_copy(data, out, out.shape, data.strides, out.strides, src_base=_window_base(call, data, out))


@register("_backward_Crop", dtypes=DTYPES)
def crop_backward(call):
    grad, data = call.inputs
    dx = call.outputs[0]
    if write_request(call) and dx.numel:
        fill(dx, 0)
        strided_copy(grad, dx, grad.shape, grad.strides, dx.strides, dst_base=_window_base(call, dx, grad))
