"""mx.sym functions of MXNet 1.9 that are Python over registered ops:
``split_v2`` (over ``_split_v2``, as mx.nd.split_v2) and ``histogram`` (over
``_histogram``)."""
from ..base import integer_types
from ..ndarray.compose import split_v2_params
from . import _internal
from .symbol import Symbol

__all__ = ["split_v2", "histogram"]


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


def histogram(a, bins=10, range=None, **kwargs):  # noqa: A002 (MXNet's argument name)
    """The histogram of a symbol (see mx.nd.histogram): a symbol with two
    outputs, the counts (int64) and the bin edges.  bins is an int (then
    range is required: a graph cannot ask numpy for it) or a Symbol of
    increasing edges."""
    if isinstance(bins, Symbol):
        return _internal._histogram(data=a, bins=bins, **kwargs)
    if isinstance(bins, integer_types):
        if range is None:
            raise ValueError("null range is not supported in symbol mode")
        return _internal._histogram(data=a, bin_cnt=bins, range=range, **kwargs)
    raise ValueError("bins argument should be either an integer or an NDArray")
