"""Array creation helpers of mx.nd that are not plain ops: ``arange`` and
``eye`` call the ``_arange`` / ``_eye`` ops with MXNet 1.x's Python defaults."""
import warnings

from ..base import mx_real_t
from ..context import current_context
from . import _internal

__all__ = ["arange", "eye"]


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, ctx=None, dtype=mx_real_t):
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
        Deprecated (MXNet 1.x ignores it for NDArrays): infer stop from the output size.
    ctx : Context, optional
        Device of the result (default: the current context).
    dtype : str or numpy dtype, optional
        Element type (default float32).

    Returns
    -------
    NDArray
        The 1-D array of values.
    """
    if infer_range:
        warnings.warn("`infer_range` argument has been deprecated", DeprecationWarning)
    return _internal._arange(start=start, stop=stop, step=step, repeat=repeat, infer_range=False,
                             ctx=current_context() if ctx is None else ctx, dtype=dtype)


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
