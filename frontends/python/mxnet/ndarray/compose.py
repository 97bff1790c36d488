"""mx.nd functions of MXNet 1.9 that are Python over registered ops rather
than ops themselves: ``moveaxis``, ``concatenate``, ``split_v2`` (over
``_split_v2``), ``onehot_encode`` and ``histogram`` (over ``_histogram``)."""
import warnings

import numpy as np

from ..base import integer_types
from . import _internal, op
from .ndarray import NDArray, array

__all__ = ["moveaxis", "concatenate", "split_v2", "onehot_encode", "histogram"]


def _axes(axes, ndim, what):
    """Axes as a list of non-negative ints (an int is one axis)."""
    axes = [axes] if isinstance(axes, integer_types) else list(axes)
    out = []
    for axis in axes:
        if not -ndim <= axis < ndim:
            raise ValueError("%s axis %d is out of bounds for an array of %d dimensions"
                             % (what, axis, ndim))
        out.append(axis % ndim)
    if len(set(out)) != len(out):
        raise ValueError("repeated axis in `%s` argument" % what)
    return out


def moveaxis(tensor, source, destination):
    """Moves axes of an array to new positions; the other axes keep their order.

    Parameters
    ----------
    tensor : NDArray
    source : int or sequence of int
        Original positions of the axes to move.
    destination : int or sequence of int
        Their new positions.

    Returns
    -------
    NDArray
        The transposed array (a new array, as in MXNet).
    """
    ndim = len(tensor.shape)
    source = _axes(source, ndim, "source")
    destination = _axes(destination, ndim, "destination")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have the same number "
                         "of elements")
    order = [n for n in range(ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return op.transpose(tensor, axes=tuple(order))


def concatenate(arrays, axis=0, always_copy=True):
    """Joins a list of arrays along an existing axis.

    Parameters
    ----------
    arrays : list of NDArray
        Arrays of one dtype whose shapes differ only along `axis`.
    axis : int, default 0
    always_copy : bool, default True
        With False and a single array, that array itself is returned.

    Returns
    -------
    NDArray
    """
    if not isinstance(arrays, (list, tuple)) or not arrays:
        raise ValueError("concatenate takes a non-empty list of NDArrays")
    if any(not isinstance(a, NDArray) for a in arrays):
        raise TypeError("concatenate takes a list of NDArrays")
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    return op.concat(*arrays, dim=axis)


def split_v2_params(indices_or_sections):
    """The parameters of the _split_v2 op for split_v2's `indices_or_sections`
    (shared by mx.nd and mx.sym): a number of equal sections, or the cut
    indices, to which the op's first piece start (0) is prepended."""
    if isinstance(indices_or_sections, integer_types):
        return {"indices": (), "sections": int(indices_or_sections)}
    if isinstance(indices_or_sections, (list, tuple)):
        return {"indices": (0,) + tuple(int(i) for i in indices_or_sections), "sections": 0}
    raise ValueError("indices_or_sections must be an int or a tuple of ints")


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Splits an array into sub-arrays along an axis, as numpy.split does.

    Parameters
    ----------
    ary : NDArray
    indices_or_sections : int or sequence of int
        A number of equal sections, or the increasing indices (inside the
        axis) where the axis is cut.
    axis : int, default 0
    squeeze_axis : bool, default False
        Drop `axis` from the results (each must then have size 1 along it).

    Returns
    -------
    NDArray or list of NDArray
        The pieces (one NDArray when there is a single piece).

    Raises
    ------
    ValueError
        (MXNetError) for an uneven split, indices that do not increase inside
        the axis, or squeeze_axis with a piece longer than 1.
    """
    return _internal._split_v2(ary, axis=axis, squeeze_axis=squeeze_axis,
                               **split_v2_params(indices_or_sections))


def onehot_encode(indices, out):
    """One-hot encodes indices into `out` (MXNet 1.x's legacy helper).

    Parameters
    ----------
    indices : NDArray
        1-D array of class indices.
    out : NDArray
        2-D array (len(indices), number of classes) that receives the result.

    Returns
    -------
    NDArray
        `out`.
    """
    if len(out.shape) != 2 or len(indices.shape) != 1 or out.shape[0] != indices.shape[0]:
        raise ValueError("onehot_encode needs 1-D indices of shape (n,) and out of shape "
                         "(n, depth), got %s and %s" % (indices.shape, out.shape))
    return op.one_hot(indices, depth=out.shape[1], dtype=out.dtype, out=out)


def histogram(a, bins=10, range=None):  # noqa: A002 (MXNet's argument name)
    """Compute the histogram of the input data: (counts, bin edges).

    bins is an int (equal bins over range, a pair lo <= hi) or an NDArray
    of increasing edges.  Each bin is [left, right) but the last, which
    includes its right edge; values outside the edges are ignored.  With an
    int and no range, numpy.histogram computes it (as MXNet 1.9 does, with
    its warning); the results are on a's context."""
    if isinstance(bins, NDArray):
        return _internal._histogram(data=a, bins=bins)
    if isinstance(bins, integer_types):
        if range is None:
            warnings.warn("range is not specified, using numpy's result to ensure consistency with numpy")
            counts, edges = np.histogram(a.asnumpy(), bins=bins)
            return array(counts, ctx=a.context), array(edges, ctx=a.context)
        return _internal._histogram(data=a, bin_cnt=bins, range=range)
    raise ValueError("bins argument should be either an integer or an NDArray")
