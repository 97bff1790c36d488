"""Array creation helpers of mx.nd that are not plain ops: ``arange`` and
``eye`` call the ``_arange`` / ``_eye`` ops with MXNet 1.x's Python defaults;
``linspace`` is built from ``_arange``."""
import warnings

from ..base import mx_real_t
from ..context import current_context
from . import _internal

__all__ = ["arange", "linspace", "eye"]


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=mx_real_t):
    """Evenly spaced values within [start, stop), each repeated ``repeat`` times.

    Parameters
    ----------
    start : number
        Start of the interval; with no ``stop``, the interval is [0, start).
    stop : number, optional
        End of the interval (excluded).
    step : number, optional
        Spacing between values (default 1).
    repeat : int, optional
        How many times each value is repeated (default 1).
    infer_range : bool, optional
        Deprecated: passing it at all warns, and it is ignored (as in MXNet 1.9).
    ctx : Context, optional
        Device of the result (default: the current context).
    dtype : str or numpy dtype, optional
        Element type (default float32).

    Returns
    -------
    NDArray
        The 1-D array of values.
    """
    if infer_range is not None:
        warnings.warn("`infer_range` argument has been deprecated", DeprecationWarning)
    return _internal._arange(start=start, stop=stop, step=step, repeat=repeat, infer_range=False,
                             ctx=current_context() if ctx is None else ctx, dtype=dtype)


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=mx_real_t):
    """`num` evenly spaced values from start to stop (stop excluded when
    endpoint is False), as numpy.linspace.

    Parameters
    ----------
    start : number
        First value.
    stop : number
        Last value, or the value after the last one when endpoint is False.
    num : int
        Number of values (non-negative).
    endpoint : bool, optional
        Whether stop is the last value (default True).
    ctx : Context, optional
        Device of the result (default: the current context).
    dtype : str or numpy dtype, optional
        Element type (default float32); values are computed in float64 and
        cast, so an integer dtype truncates them.

    Returns
    -------
    NDArray
        The 1-D array of values.
    """
    num = int(num)
    if num < 0:
        raise ValueError("Number of samples, %d, must be non-negative." % num)
    intervals = num - 1 if endpoint else num
    step = (stop - start) / intervals if intervals > 0 else 0.0
    ctx = current_context() if ctx is None else ctx
    if num == 0:
        return _internal._zeros(shape=(0,), ctx=ctx, dtype=dtype)
    # Rationale: MXNet's _linspace op is start + i * step in double precision;
    # the same from _arange keeps one kernel for both.
    index = _internal._arange(start=0, stop=num, step=1, repeat=1, infer_range=False, ctx=ctx,
                              dtype="float64")
    return (index * float(step) + float(start)).astype(dtype, copy=False)


def eye(N, M=0, k=0, ctx=None, dtype=None, **kwargs):
    """A 2-D array with ones on diagonal ``k`` and zeros elsewhere.

    Parameters
    ----------
    N : int
        Number of rows.
    M : int, optional
        Number of columns; 0 (the default) means N.
    k : int, optional
        The diagonal: 0 the main one, positive above it, negative below.
    ctx : Context, optional
        Device of the result (default: the current context).
    dtype : str or numpy dtype, optional
        Element type (default float32).

    Returns
    -------
    NDArray
        The (N, M) array.
    """
    return _internal._eye(N=N, M=M, k=k, ctx=current_context() if ctx is None else ctx,
                          dtype=mx_real_t if dtype is None else dtype, **kwargs)
