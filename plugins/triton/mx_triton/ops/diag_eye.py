"""diag, its gradient, and _eye: moves between a compact array and a
diagonal (strided by the sum of two strides) of a full one.  diag of a 1-D
input writes it onto diagonal k of a zero matrix; of an N-D input it
gathers diagonal k over axis1 and axis2 (output axes: the others in order,
then the diagonal); the gradient moves the other way."""
from ..copy_kernel import strided_copy
from ..registry import ALL, register
from ..strides import normalize_axis, write_request
from .fill import fill


def _diagonal(call, full, vector, length):
    """(shape, strides, base) of diagonal k of `full` laid out as diag's
    output: the other axes, then `length` diagonal positions."""
    k = call.attrs.get("k", 0)
    a1 = 0 if vector else normalize_axis(call.attrs.get("axis1", 0), full.ndim)
    a2 = 1 if vector else normalize_axis(call.attrs.get("axis2", 1), full.ndim)
    others = [d for d in range(full.ndim) if d not in (a1, a2)]
    shape = [full.shape[d] for d in others] + [length]
    strides = [full.strides[d] for d in others] + [full.strides[a1] + full.strides[a2]]
    return shape, strides, max(0, -k) * full.strides[a1] + max(0, k) * full.strides[a2]


def _move(call, full, compact, vector, into_full):
    shape, strides, base = _diagonal(call, full, vector, compact.shape[-1])
    if into_full:
        fill(full, 0)
        strided_copy(compact, full, shape, compact.strides, strides, dst_base=base)
    else:
        strided_copy(full, compact, shape, strides, compact.strides, src_base=base)


@register("diag", dtypes=ALL)
def diag(call):
    x, out = call.inputs[0], call.outputs[0]
    if write_request(call):
        if x.ndim == 1:
            _move(call, out, x, vector=True, into_full=True)
        else:
            _move(call, x, out, vector=False, into_full=False)


@register("_backward_diag", dtypes=ALL)
def diag_backward(call):
    ograd, grad = call.inputs[0], call.outputs[0]
    if write_request(call):
        if grad.ndim == 1:
            _move(call, ograd, grad, vector=True, into_full=False)
        else:
            _move(call, grad, ograd, vector=False, into_full=True)


@register("_eye", dtypes=ALL)
def eye(call):
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    rows, cols = out.shape
    k = call.attrs.get("k", 0)
    first = max(0, -k)
    length = max(0, min(rows, cols - k) - first)
    fill(out, 0)
    fill(out, 1, (length,), (out.strides[0] + out.strides[1],), first * out.strides[0] + (first + k) * out.strides[1])
