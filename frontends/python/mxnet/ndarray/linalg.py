"""mx.nd.linalg: the linear algebra ops (registered as `_linalg_<name>`)."""
from .register import OpNamespace

_ops = OpNamespace("linalg")


def __getattr__(name):
    fn = _ops.make(name)
    if fn is None:
        raise AttributeError("module 'mxnet.ndarray.linalg' has no attribute %r" % name)
    globals()[name] = fn
    return fn


def __dir__():
    return sorted(set(globals()) | set(_ops.names()))
