"""mx.sym functions of MXNet 1.9 that are Python over registered ops:
``split_v2`` (over ``_split_v2``, as mx.nd.split_v2)."""
from ..ndarray.compose import split_v2_params
from . import _internal

__all__ = ["split_v2"]


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Splits a symbol into pieces along an axis, as numpy.split does (see
    mx.nd.split_v2).

    Parameters
    ----------
    ary : Symbol
    indices_or_sections : int or sequence of int
        A number of equal sections, or the increasing indices where the axis
        is cut.
    axis : int, default 0
    squeeze_axis : bool, default False
        Drop `axis` from the pieces (each must then have size 1 along it).

    Returns
    -------
    Symbol
        A symbol with one output per piece.
    """
    return _internal._split_v2(ary, axis=axis, squeeze_axis=squeeze_axis,
                               **split_v2_params(indices_or_sections))
