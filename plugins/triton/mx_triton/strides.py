"""Host-side layout arithmetic the launchers share: axis normalisation,
broadcast strides, merging dims, and the index width a kernel needs."""
import triton
import triton.language as tl

from .registry import KernelError

INT32_LIMIT = 2**31


def normalize_axis(axis, ndim):
    """axis in [-ndim, ndim) made non-negative (ops/ has validated it)."""
    return axis + ndim if axis < 0 else axis


def broadcast_strides(shape, strides, out_shape):
    """The strides of a (shape, strides) operand read at every index of the
    right-aligned out_shape: 0 along the dims it broadcasts over."""
    lead = len(out_shape) - len(shape)
    result = []
    for k, d in enumerate(out_shape):
        i = k - lead
        result.append(0 if i < 0 or (shape[i] == 1 and d != 1) else strides[i])
    return tuple(result)


def collapse(shape, *strides):
    """Drops size-1 dims and merges neighbours every operand walks in one
    step; returns (shape, [strides per operand]), at least one dim."""
    dims = [k for k, d in enumerate(shape) if d != 1]
    out_shape, out_strides = [], [[] for _ in strides]
    for k in dims:
        if out_shape and all(s[-1] == st[k] * shape[k] for s, st in zip(out_strides, strides)):
            out_shape[-1] *= shape[k]
            for s, st in zip(out_strides, strides):
                s[-1] = st[k]
            continue
        out_shape.append(shape[k])
        for s, st in zip(out_strides, strides):
            s.append(st[k])
    if not out_shape:
        return (1,), [(0,) for _ in strides]
    return tuple(out_shape), [tuple(s) for s in out_strides]


def is_flat(shape, strides_list):
    """Every operand walks the (collapsed) index space contiguously."""
    return len(shape) == 1 and all(s == (1,) for s in strides_list)


def index_type(numel, shape, strides_list, *bases):
    """tl.int32 when every index and offset fits, else tl.int64."""
    extent = max([numel] + [sum((d - 1) * abs(s) for d, s in zip(shape, st)) for st in strides_list]) + max(
        [abs(b) for b in bases] + [0])
    return tl.int64 if extent >= INT32_LIMIT else tl.int32


def write_request(call, k=0, allow_add=False):
    """False when output k is not written (req null); KernelError for
    req=add where the op does not accumulate (as the CPU kernels)."""
    req = call.req[k]
    if req == "null":
        return False
    if req == "add" and not allow_add:
        raise KernelError("req=add is not supported")
    return True


def grid_1d(n, block):
    return (triton.cdiv(n, block),)


