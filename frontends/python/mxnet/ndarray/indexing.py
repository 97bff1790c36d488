"""NDArray indexing: ``a[key]`` and ``a[key] = value``, as MXNet 1.9 does it.

Basic keys (ints, slices with any step, Ellipsis, None) select a box.  When
the box is one contiguous run of memory (an int or a first-axis slice with
step 1, ``a[1, :]``, ``a[1, 2:4]``, ...) the result is a VIEW sharing memory;
otherwise (``a[:, 1]``, ``a[::2]``) it is a copy made by the ``slice`` op.
While autograd records, every box is a ``slice`` op (a view would be outside
the recorded graph; MXNet records its views as ops too).
As in MXNet's legacy NDArray, a key of only ints gives shape (1,), not ().

Advanced keys (integer NDArrays, lists, numpy arrays, numpy boolean masks,
mixed with ints and slices) follow numpy's rules and run ``gather_nd`` /
``_scatter_set_nd`` on an index array built here.  Assignment writes
contiguous boxes through a view and other boxes with ``_slice_assign`` /
``_slice_assign_scalar``; values broadcast to the target as in numpy.
"""
import numpy as np

from ..base import MXNetIndexError, integer_types, numeric_types

_ADVANCED_TYPES = (np.ndarray, list, tuple, range)


def _nd():
    from . import ndarray
    return ndarray


def _op():
    from . import op
    return op


def _internal():
    from . import _internal
    return _internal


def _is_int(idx):
    return isinstance(idx, integer_types) and not isinstance(idx, (bool, np.bool_))


def _recording():
    return _nd()._recording()


def _is_advanced(idx):
    return isinstance(idx, _ADVANCED_TYPES) or isinstance(idx, _nd().NDArray)


# -- key normalisation -----------------------------------------------------------------

def _expand_key(key, shape):
    """(key, shape): Ellipsis replaced by full slices, numpy boolean masks by
    their nonzero() arrays, missing trailing axes filled with full slices,
    and each None turned into a full slice over a new unit axis of `shape`
    (numpy treats a new axis exactly so)."""
    if not isinstance(key, tuple):
        key = (key,)
    parts, ellipsis, ndim_used = [], None, 0
    for idx in key:
        if idx is Ellipsis:
            if ellipsis is not None:
                raise IndexError("an index can only have a single ellipsis ('...')")
            ellipsis = len(parts)
            continue
        if isinstance(idx, _nd().NDArray) and idx.dtype == np.bool_:
            idx = idx.asnumpy()
        if isinstance(idx, (np.ndarray, list)) and np.asarray(idx).dtype == np.bool_:
            mask = np.asarray(idx)
            bound = shape[ndim_used:ndim_used + mask.ndim]
            if mask.ndim == 0 or tuple(bound) != mask.shape:
                raise IndexError("boolean index of shape %s did not match the indexed array of "
                                 "shape %s at axis %d" % (mask.shape, shape, ndim_used))
            parts.extend(mask.nonzero())
            ndim_used += mask.ndim
            continue
        if not (idx is None or _is_int(idx) or isinstance(idx, slice) or _is_advanced(idx)):
            raise IndexError("NDArray does not support indexing with %r of type %s"
                             % (idx, type(idx).__name__))
        parts.append(idx)
        ndim_used += idx is not None
    if ndim_used > len(shape):
        raise IndexError("too many indices (%d) for an array with %d dimensions"
                         % (ndim_used, len(shape)))
    fill = [slice(None)] * (len(shape) - ndim_used)
    parts = parts[:ellipsis] + fill + parts[ellipsis:] if ellipsis is not None else parts + fill
    new_shape, axis = [], 0
    for i, idx in enumerate(parts):
        if idx is None:
            new_shape.append(1)
            parts[i] = slice(None)
        else:
            new_shape.append(shape[axis])
            axis += 1
    return tuple(parts), tuple(new_shape)


def _check_int(idx, axis, size):
    if not -size <= idx < size:
        raise MXNetIndexError("index %d is out of bounds for axis %d with size %d"
                              % (idx, axis, size))
    return idx + size if idx < 0 else idx


# -- basic indexing --------------------------------------------------------------------

def _basic_box(key, shape):
    """(begin, end, step, box shape, result shape) of a key of ints and
    slices; the result shape drops the int axes (and is (1,) if none is left)."""
    begin, end, step, box, result = [], [], [], [], []
    for axis, (idx, size) in enumerate(zip(key, shape)):
        if isinstance(idx, slice):
            if idx.step == 0:
                raise ValueError("slice step cannot be zero")
            b, e, s = idx.indices(size)
            n = len(range(b, e, s))
            result.append(n)
        else:
            b = _check_int(int(idx), axis, size)
            e, s, n = b + 1, 1, 1
        begin.append(b)
        end.append(e if e >= 0 else None)  # Python's -1 stop means "past the start"
        step.append(s)
        box.append(n)
    return begin, end, step, tuple(box), tuple(result) or (1,)


def _is_contiguous(begin, step, box, shape):
    """Whether the box is one run of memory: left of the last axis it cuts,
    every axis holds a single element."""
    if 0 in box:
        return False  # nothing to share; slice makes the empty result
    cut = False
    for b, s, n, size in reversed(list(zip(begin, step, box, shape))):
        if cut and n > 1:
            return False
        if n > 1 and s != 1:
            return False
        cut = cut or n < size
    return True


def _view(arr, begin, box, shape):
    """The contiguous box as a view: a flat range of the array reshaped."""
    flat_begin = int(np.ravel_multi_index(begin, shape)) if shape else 0
    size = int(np.prod(box))
    return arr.reshape(-1)._slice(flat_begin, flat_begin + size).reshape(box)


def _get_basic(arr, key, shape):
    begin, end, step, box, result = _basic_box(key, shape)
    if _is_contiguous(begin, step, box, shape) and not _recording():
        sliced = _view(arr, begin, box, shape)
    else:
        sliced = _op().slice(arr, begin=tuple(begin), end=tuple(end), step=tuple(step))
    return sliced if sliced.shape == result else sliced.reshape(result)


# -- advanced indexing -----------------------------------------------------------------

def _as_index_array(idx):
    if isinstance(idx, _nd().NDArray):
        idx = idx.asnumpy()
    arr = np.asarray(idx)
    if arr.dtype.kind not in "iuf" and arr.size:
        raise IndexError("arrays used as indices must be of integer type, got %s" % arr.dtype)
    return arr.astype(np.int64)  # float indices truncate, as MXNet casts them


def _advanced_indices(key, shape):
    """(indices, result shape) for gather_nd / _scatter_set_nd: indices of
    shape (M, *result shape[:k]) cover the first M axes; trailing axes taken
    whole stay whole blocks."""
    adv_axes = [i for i, idx in enumerate(key) if not isinstance(idx, slice)]
    arrays = {}
    for i in adv_axes:
        a = _as_index_array(key[i])
        bad = (a < -shape[i]) | (a >= shape[i])
        if bad.any():
            raise MXNetIndexError("index %d is out of bounds for axis %d with size %d"
                                  % (a[bad].flat[0], i, shape[i]))
        arrays[i] = np.where(a < 0, a + shape[i], a)
    try:
        bshape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together "
                         "with shapes %s" % [a.shape for a in arrays.values()]) from None
    # Index up to the last axis that is advanced or not taken whole.
    last = max(i for i, idx in enumerate(key) if i in arrays or
               idx.indices(shape[i]) != (0, shape[i], 1)) + 1
    ranges = {i: np.arange(*key[i].indices(shape[i])) for i in range(last) if i not in arrays}
    adjacent = adv_axes == list(range(adv_axes[0], adv_axes[-1] + 1))
    # numpy's rule: adjacent advanced indices put their broadcast shape in
    # place; separated ones put it first.
    if adjacent:
        order = list(range(adv_axes[0])) + ["adv"] + list(range(adv_axes[-1] + 1, len(shape)))
    else:
        order = ["adv"] + [i for i in range(len(shape)) if i not in arrays]
    dims = []
    for o in order:
        dims.extend(bshape if o == "adv" else [len(ranges[o]) if o in ranges else shape[o]])
    covered = len(dims) - (len(shape) - last)  # result dims the index array spans
    adv_start = _result_position(order, "adv", len(bshape))
    grid = []
    for i in range(last):
        place = [1] * covered
        if i in arrays:
            a = arrays[i]
            place[adv_start:adv_start + len(bshape)] = (1,) * (len(bshape) - a.ndim) + a.shape
            grid.append(a.reshape(place))
        else:
            pos = _result_position(order, i, len(bshape))
            place[pos] = len(ranges[i])
            grid.append(ranges[i].reshape(place))
    indices = np.stack(np.broadcast_arrays(*grid)) if grid else np.zeros((0,), np.int64)
    return indices, tuple(dims)


def _result_position(order, axis, adv_ndim):
    """Where `axis` (or "adv", the broadcast block) starts in the result."""
    pos = 0
    for o in order:
        if o == axis:
            return pos
        pos += adv_ndim if o == "adv" else 1
    raise AssertionError(axis)


def _index_nd(arr, indices):
    return _nd().array(indices, ctx=arr.context, dtype=np.int64)


def _get_advanced(arr, key, shape):
    indices, result = _advanced_indices(key, shape)
    out = _op().gather_nd(arr, _index_nd(arr, indices))
    return out.reshape(result or (1,)) if out.shape != (result or (1,)) else out


# -- entry points ----------------------------------------------------------------------

def get_item(self, key):
    """``self[key]``; see the module docstring for views and copies."""
    shape = self.shape
    if _is_int(key) and shape:
        return self._at(int(key))  # view; raises MXNetIndexError out of range
    if isinstance(key, slice) and key.step in (None, 1) and shape:
        if key.start is None and key.stop is None:
            return self
        start, stop, _ = key.indices(shape[0])
        return self._slice(start, max(start, stop))
    if not shape:
        if key == () or key is Ellipsis:
            return self
        raise IndexError("too many indices for a 0-dimensional NDArray")
    key, new_shape = _expand_key(key, shape)
    arr = self if new_shape == shape else self.reshape(new_shape)
    if any(_is_advanced(idx) for idx in key):
        return _get_advanced(arr, key, new_shape)
    return _get_basic(arr, key, new_shape)


_ALL = slice(None)


def set_item(self, key, value):
    """``self[key] = value`` with value an NDArray, a number or array-like,
    broadcast to the indexed shape."""
    if not self.writable:
        raise ValueError("Failed to assign to a readonly NDArray")
    shape = self.shape
    nd = _nd()
    if (isinstance(key, slice) and key == _ALL and isinstance(value, nd.NDArray)
            and value.shape == shape and value.dtype == self.dtype and not _recording()):
        # a[:] = b, the commonest assignment: one copy, nothing to index.
        if value.handle != self.handle:
            nd._invoke.invoke(nd._op("_copyto"), [value.handle], out_handles=[self.handle])
        return
    if not shape:
        if not (key == () or key is Ellipsis or key == slice(None)):
            raise IndexError("too many indices for a 0-dimensional NDArray")
        _assign_whole(self, value)
        return
    key, new_shape = _expand_key(key, shape)
    arr = self if new_shape == shape else self._reshape_view(new_shape)
    if any(_is_advanced(idx) for idx in key):
        indices, result = _advanced_indices(key, new_shape)
        value_nd = _prepare_value(arr, value, result)
        _internal()._scatter_set_nd(arr, value_nd, _index_nd(arr, indices), shape=new_shape,
                                    out=arr)
        return
    begin, end, step, box, result = _basic_box(key, new_shape)
    # Writing through a view is faster, but a view is outside the recorded
    # graph: while recording, write to the array itself so autograd sees it.
    if _is_contiguous(begin, step, box, new_shape) and not _recording():
        _assign_whole(_view(arr, begin, box, new_shape), value, result)
    elif isinstance(value, numeric_types) and not isinstance(value, np.ndarray):
        _internal()._slice_assign_scalar(arr, scalar=float(value), begin=tuple(begin),
                                         end=tuple(end), step=tuple(step), out=arr)
    else:
        value_nd = _prepare_value(arr, value, result).reshape(box)
        if 0 not in box:
            _internal()._slice_assign(arr, value_nd, begin=tuple(begin), end=tuple(end),
                                      step=tuple(step), out=arr)


def _assign_whole(target, value, result=None):
    """Writes value, broadcast as to shape `result` (numpy's indexed shape),
    over all of target."""
    nd = _nd()
    if isinstance(value, numeric_types) and not isinstance(value, np.ndarray):
        nd._invoke.invoke(nd._op("_full"), [], ("shape", "dtype", "value", "ctx"),
                          (str(target.shape), np.dtype(target.dtype).name, repr(float(value)),
                           str(target.context)), out_handles=[target.handle])
        return
    if isinstance(value, nd.NDArray) and value.handle == target.handle:
        return
    value_nd = _prepare_value(target, value, result or target.shape)
    if value_nd.shape != target.shape:
        value_nd = value_nd.reshape(target.shape)
    nd._invoke.invoke(nd._op("_copyto"), [value_nd.handle], out_handles=[target.handle])


def _prepare_value(target, value, shape):
    """value as an NDArray of target's dtype and context with exactly `shape`,
    broadcast with numpy's rules (leading unit axes of value may be dropped)."""
    nd = _nd()
    if isinstance(value, nd.NDArray):
        if value.shape == tuple(shape):
            return value.astype(target.dtype, copy=False).as_in_context(target.context)
        value = value.asnumpy()
    src = np.asarray(value)
    while src.ndim > len(shape) and src.shape[0] == 1:
        src = src.reshape(src.shape[1:])
    try:
        src = np.broadcast_to(src, shape)
    except ValueError:
        raise ValueError("could not broadcast input array from shape %s into shape %s"
                         % (np.shape(value), tuple(shape))) from None
    return nd.array(np.ascontiguousarray(src), ctx=target.context, dtype=target.dtype)
