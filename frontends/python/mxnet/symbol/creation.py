"""mx.sym.zeros / ones / full / arange / linspace / eye and the number-or-symbol
functions pow / power / maximum / minimum / hypot (MXNet 1.9's symbol.py)."""
import numpy as np

from ..base import numeric_types
from .symbol import Symbol

__all__ = ["zeros", "ones", "full", "arange", "linspace", "eye", "pow", "power", "maximum", "minimum",
           "hypot"]


def _internal():
    from . import _internal
    return _internal


def _dtype(dtype):
    return np.dtype(dtype or np.float32).name


def zeros(shape, dtype=None, **kwargs):
    """A symbol of zeros of the given shape and dtype (float32 by default)."""
    return _internal()._zeros(shape=shape, dtype=_dtype(dtype), **kwargs)


def ones(shape, dtype=None, **kwargs):
    """A symbol of ones of the given shape and dtype (float32 by default)."""
    return _internal()._ones(shape=shape, dtype=_dtype(dtype), **kwargs)


def full(shape, val, dtype=None, **kwargs):
    """A symbol of the given shape and dtype filled with val."""
    return _internal()._full(shape=shape, dtype=_dtype(dtype), value=float(val), **kwargs)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None):
    """Evenly spaced values in [start, stop) (see mx.nd.arange)."""
    return _internal()._arange(start=start, stop=stop, step=step, repeat=repeat,
                               infer_range=infer_range, name=name, dtype=_dtype(dtype))


def linspace(start, stop, num, endpoint=True, name=None, dtype=None):
    """`num` evenly spaced values from start to stop (see mx.nd.linspace):
    start + i * step computed in float64, then cast to dtype (float32 by default)."""
    num = int(num)
    if num < 0:
        raise ValueError("Number of samples, %d, must be non-negative." % num)
    if num == 0:
        return _internal()._zeros(shape=(0,), dtype=_dtype(dtype), name=name)
    intervals = num - 1 if endpoint else num
    step = (stop - start) / intervals if intervals > 0 else 0.0
    index = _internal()._arange(start=0, stop=num, step=1, dtype="float64")
    from . import op
    return op.cast(index * float(step) + float(start), dtype=_dtype(dtype), name=name)


def eye(N, M=0, k=0, dtype=None, **kwargs):
    """A 2-D symbol with ones on the k-th diagonal."""
    return _internal()._eye(N=N, M=M, k=k, dtype=_dtype(dtype), **kwargs)


def _binary(name, array_op, scalar_op, rscalar_op, number_fn):
    def fn(left, right):
        ops = _internal()
        if isinstance(left, Symbol) and isinstance(right, Symbol):
            return getattr(ops, array_op)(left, right)
        if isinstance(left, Symbol) and isinstance(right, numeric_types):
            return getattr(ops, scalar_op)(left, scalar=right)
        if isinstance(left, numeric_types) and isinstance(right, Symbol):
            return getattr(ops, rscalar_op)(right, scalar=left)
        if isinstance(left, numeric_types) and isinstance(right, numeric_types):
            return number_fn(left, right)
        raise TypeError("types (%s, %s) not supported" % (str(type(left)), str(type(right))))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = ("Element-wise %s of symbols and/or numbers (two numbers give a number)."
                  % name)
    return fn


_power = _binary("power", "_Power", "_PowerScalar", "_RPowerScalar", lambda a, b: a ** b)


def power(base, exp):
    """Element-wise power of symbols and/or numbers: base ** exp (two numbers give a number)."""
    return _power(base, exp)


pow = power  # pylint: disable=redefined-builtin
maximum = _binary("maximum", "_Maximum", "_MaximumScalar", "_MaximumScalar",
                  lambda a, b: a if a > b else b)
minimum = _binary("minimum", "_Minimum", "_MinimumScalar", "_MinimumScalar",
                  lambda a, b: a if a < b else b)
hypot = _binary("hypot", "_Hypot", "_HypotScalar", "_HypotScalar",
                lambda a, b: float(np.hypot(a, b)))
