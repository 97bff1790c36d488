"""shape_array and size_array: the input's shape (or element count) as an
int64 array, values the launcher knows, stored by a one-program kernel."""
import triton
import triton.language as tl

from ..launch import launch
from ..registry import ALL, register
from ..strides import write_request


@triton.jit
def store_values_kernel(out_ptr, values):
    for k in tl.static_range(len(values)):
        tl.store(out_ptr + k, tl.full((), values[k], tl.int64))


def _store(call, values):
    if write_request(call) and values:
        launch(store_values_kernel, (1,), call.outputs[0], tuple(values))


@register("shape_array", dtypes=ALL)
def shape_array(call):
    _store(call, call.inputs[0].shape)


@register("size_array", dtypes=ALL)
def size_array(call):
    _store(call, (call.inputs[0].numel,))
