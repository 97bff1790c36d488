"""mx.nd: imperative n-dimensional arrays and every op as a function."""
from . import _internal, contrib, linalg, op, random
from .ndarray import NDArray, array, empty, full, ones, waitall, zeros

__all__ = ["NDArray", "array", "empty", "zeros", "ones", "full", "waitall", "op"]


def __getattr__(name):
    # Public ops are made on first use (see register.py).
    fn = getattr(op, name, None) if not name.startswith("__") else None
    if fn is None:
        raise AttributeError("module 'mxnet.ndarray' has no attribute %r" % name)
    globals()[name] = fn
    return fn


def __dir__():
    return sorted(set(globals()) | set(dir(op)))
