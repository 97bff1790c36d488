"""slice (crop), slice_axis and slice_like: a strided box of the input --
the source offset by the box's first index and its strides scaled by the
steps."""
from ..copy_kernel import strided_copy
from ..registry import ALL, register
from ..strides import normalize_axis, write_request


def _slice_start(begin, step, length):
    """The box's first index on one axis (Python's slice.indices)."""
    if begin is None:
        return 0 if step > 0 else length - 1
    if begin < 0:
        begin += length
    lo, hi = (0, length) if step > 0 else (-1, length - 1)
    return min(max(begin, lo), hi)


def _copy_box(call, begins, steps):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call):
        return
    base = sum(b * s for b, s in zip(begins, src.strides))
    strided_copy(src, dst, dst.shape, [s * k for s, k in zip(src.strides, steps)], dst.strides, src_base=base)


@register("slice", "crop", dtypes=ALL)
def slice_(call):
    src = call.inputs[0]
    begin, step = call.attrs["begin"], call.attrs.get("step") or ()
    steps = [1 if k >= len(step) or step[k] is None else step[k] for k in range(src.ndim)]
    begins = [_slice_start(begin[k], steps[k], src.shape[k]) if k < len(begin) else 0 for k in range(src.ndim)]
    _copy_box(call, begins, steps)


@register("slice_axis", dtypes=ALL)
def slice_axis(call):
    src = call.inputs[0]
    axis = normalize_axis(call.attrs["axis"], src.ndim)
    begins = [0] * src.ndim
    begin = call.attrs["begin"]
    begins[axis] = begin + src.shape[axis] if begin < 0 else begin
    _copy_box(call, begins, [1] * src.ndim)


@register("slice_like", dtypes=ALL)
def slice_like(call):
    _copy_box(call, [0] * call.inputs[0].ndim, [1] * call.inputs[0].ndim)
