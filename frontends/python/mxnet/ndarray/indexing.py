"""NDArray indexing: ``a[key]`` and ``a[key] = value``.

Integer and first-axis slice keys give views sharing memory, as in MXNet.
"""
import numpy as np

from ..base import integer_types, numeric_types


def _ndarray():
    from .ndarray import NDArray
    return NDArray


def get_item(self, key):
    """``a[i]`` and ``a[i:j]`` along the first axis are views sharing memory."""
    if isinstance(key, integer_types) and not isinstance(key, bool):
        return self._at(int(key))
    if isinstance(key, slice) and key.step in (None, 1):
        if not self.shape:
            raise IndexError("cannot slice a 0-dimensional NDArray")
        start, stop, _ = key.indices(self.shape[0])
        return self._slice(start, max(start, stop))
    if isinstance(key, tuple) and len(key) == 1:
        return get_item(self, key[0])
    raise IndexError("NDArray indexing with %r is not supported yet: use integers or "
                     "slices along the first axis" % (key,))


def set_item(self, key, value):
    """``a[:] = x``, ``a[i] = x``, ``a[i:j] = x`` with x an NDArray, a number
    or array-like (broadcast to the target)."""
    if not self.writable:
        raise ValueError("Failed to assign to a readonly NDArray")
    target = self if isinstance(key, slice) and key == slice(None) else get_item(self, key)
    if isinstance(value, _ndarray()):
        if value.handle == target.handle:
            return
        if value.shape == target.shape:
            _nd()._invoke.invoke(_nd()._op("_copyto"), [value.handle], out_handles=[target.handle])
        else:
            target._sync_copyfrom(value.asnumpy())  # numpy broadcasting
    elif isinstance(value, numeric_types):
        _nd()._invoke.invoke(_nd()._op("_full"), [], ("shape", "dtype", "value", "ctx"),
                       (str(target.shape), np.dtype(target.dtype).name, repr(float(value)),
                        str(target.context)), out_handles=[target.handle])
    else:
        target._sync_copyfrom(value)


def _nd():
    from . import ndarray
    return ndarray
