"""Internal ops (names starting with "_"), as mx.nd._internal.<name>."""
from .register import OpNamespace

_ops = OpNamespace("_internal")


def __getattr__(name):
    fn = _ops.make(name)
    if fn is None:
        raise AttributeError("module 'mxnet.ndarray._internal' has no attribute %r" % name)
    globals()[name] = fn
    return fn


def __dir__():
    return sorted(set(globals()) | set(_ops.names()))
