"""slice (crop), slice_axis and slice_like: a strided box of the input --
the source offset by the box's first index and its strides scaled by the
steps; the gradients of slice_axis and slice_like (zeros with ograd in the
box) and _slice_assign / _slice_assign_scalar (the box of the data
overwritten, what NDArray's `a[1:3, ::2] = x` runs)."""
from ..copy_kernel import copy_unless_inplace, strided_copy
from ..registry import ALL, register
from ..strides import normalize_axis, write_request
from .fill import fill


def _slice_start(begin, step, length):
    """The box's first index on one axis (Python's slice.indices)."""
    if begin is None:
        return 0 if step > 0 else length - 1
    if begin < 0:
        begin += length
    lo, hi = (0, length) if step > 0 else (-1, length - 1)
    return min(max(begin, lo), hi)


def _slice_box(attrs, full):
    """slice's (first indices, steps) in `full`, every axis."""
    begin, step = attrs["begin"], attrs.get("step") or ()
    steps = [1 if k >= len(step) or step[k] is None else step[k] for k in range(full.ndim)]
    begins = [_slice_start(begin[k], steps[k], full.shape[k]) if k < len(begin) else 0 for k in range(full.ndim)]
    return begins, steps


def _box_shape(attrs, full, begins, steps):
    """The box's shape from begin, end and step (Python's slice length)."""
    end = attrs["end"]
    shape = list(full.shape)
    for k in range(min(len(end), full.ndim)):
        s, b = steps[k], begins[k]
        e = (full.shape[k] if s > 0 else -1) if end[k] is None else _slice_start(end[k], s, full.shape[k])
        shape[k] = max(0, (e - b - 1) // s + 1) if s > 0 else max(0, (b - e - 1) // -s + 1)
    return shape


def _box_view(full, begins, steps):
    """(base offset, strides) of the box in `full`."""
    return sum(b * s for b, s in zip(begins, full.strides)), [s * k for s, k in zip(full.strides, steps)]


def _copy_box(call, begins, steps):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    base, strides = _box_view(src, begins, steps)
    strided_copy(src, dst, dst.shape, strides, dst.strides, src_base=base)


def _into_zeros(call, begins):
    """The gradients: zeros of data's shape, ograd in the box at `begins`."""
    ograd, grad = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    fill(grad, 0)
    base, strides = _box_view(grad, begins, [1] * grad.ndim)
    strided_copy(ograd, grad, ograd.shape, ograd.strides, strides, dst_base=base)


@register("slice", "crop", dtypes=ALL)
def slice_(call):
    _copy_box(call, *_slice_box(call.attrs, call.inputs[0]))


def _slice_axis_begins(attrs, full):
    axis = normalize_axis(attrs["axis"], full.ndim)
    begins = [0] * full.ndim
    begin = attrs["begin"]
    begins[axis] = begin + full.shape[axis] if begin < 0 else begin
    return begins


@register("slice_axis", dtypes=ALL)
def slice_axis(call):
    _copy_box(call, _slice_axis_begins(call.attrs, call.inputs[0]), [1] * call.inputs[0].ndim)


@register("slice_like", dtypes=ALL)
def slice_like(call):
    _copy_box(call, [0] * call.inputs[0].ndim, [1] * call.inputs[0].ndim)


@register("_backward_slice_axis", dtypes=ALL)
def slice_axis_backward(call):
    _into_zeros(call, _slice_axis_begins(call.attrs, call.outputs[0]))


@register("_backward_slice_like", dtypes=ALL)
def slice_like_backward(call):
    _into_zeros(call, [0] * call.outputs[0].ndim)


def _copy_data(call):
    """out = data, unless the call runs in place."""
    copy_unless_inplace(call, call.inputs[0], call.outputs[0])


@register("_slice_assign", "_crop_assign", dtypes=ALL)
def slice_assign(call):
    out, rhs = call.outputs[0], call.inputs[1]
    if not write_request(call):
        return
    _copy_data(call)
    base, strides = _box_view(out, *_slice_box(call.attrs, out))
    strided_copy(rhs, out, rhs.shape, rhs.strides, strides, dst_base=base)


@register("_slice_assign_scalar", "_crop_assign_scalar", dtypes=ALL)
def slice_assign_scalar(call):
    out = call.outputs[0]
    if not write_request(call):
        return
    _copy_data(call)
    begins, steps = _slice_box(call.attrs, out)
    base, strides = _box_view(out, begins, steps)
    fill(out, call.attrs["scalar"], _box_shape(call.attrs, out, begins, steps), strides, base)
