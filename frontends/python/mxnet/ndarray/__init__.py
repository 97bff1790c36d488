"""mx.nd: imperative n-dimensional arrays and every op as a function."""
from . import _internal, contrib, linalg, op, random
from .cached_op import CachedOp
from .compose import concatenate, histogram, moveaxis, onehot_encode, split_v2
from .creation import arange, eye, linspace
from .dlpack import from_dlpack, from_numpy, to_dlpack_for_read, to_dlpack_for_write
from .ndarray import (_DTYPE_MX_TO_NP, _DTYPE_NP_TO_MX, _GRAD_REQ_MAP, NDArray, array, empty,
                      full, ones, waitall, zeros)
from .utils import load, load_frombuffer, save
from .ufunc import *  # noqa: F401,F403  (add, maximum, equal, ...)
from . import ufunc as _ufunc

__all__ = ["NDArray", "CachedOp", "array", "empty", "zeros", "ones", "full", "waitall", "op", "from_dlpack",
           "from_numpy", "to_dlpack_for_read", "to_dlpack_for_write", "arange", "eye", "linspace", "save", "load",
           "load_frombuffer", "concatenate", "moveaxis", "onehot_encode", "split_v2", "histogram"] + _ufunc.__all__


def __getattr__(name):
    # Public ops are made on first use (see register.py).
    fn = getattr(op, name, None) if not name.startswith("__") else None
    if fn is None:
        raise AttributeError("module 'mxnet.ndarray' has no attribute %r" % name)
    globals()[name] = fn
    return fn


def __dir__():
    return sorted(set(globals()) | set(dir(op)))
