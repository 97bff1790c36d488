"""Scratch device memory a launcher needs beyond its outputs.

A kernel registered with `workspace=fn` states, for each call, the bytes it
needs (fn(call), from the call's shapes and attributes only); libmx then
allocates them from the device pool for that call (plugin.h's workspace)
and frees them once the op completes on its stream, so a launcher may
leave kernels reading them behind it.  The launcher cuts the bytes into
typed pieces with `carve`, laid out as `size` counts them.
"""
from .call import ITEMSIZE, TensorView
from .registry import KernelError

ALIGN = 256  # bytes: each piece starts as a fresh device allocation would


def _offsets(pieces):
    offsets, end = [], 0
    for shape, dtype in pieces:
        offsets.append(end)
        count = 1
        for d in shape:
            count *= d
        end += -(-count * ITEMSIZE[dtype] // ALIGN) * ALIGN
    return offsets, end


def size(pieces):
    """Bytes the (shape, dtype) pieces take, each aligned."""
    return _offsets(pieces)[1]


def carve(call, pieces):
    """TensorViews of the (shape, dtype) pieces, in call.workspace."""
    offsets, end = _offsets(pieces)
    space = call.workspace
    if space is None or space.numel < end:
        have = 0 if space is None else space.numel
        raise KernelError(f"needs {end} bytes of workspace, has {have}")
    return [TensorView(space.ptr + off, shape, dtype, device_id=space.device_id)
            for off, (shape, dtype) in zip(offsets, pieces)]
