"""mx.nd.contrib: the contributed ops (registered as `_contrib_<name>`)."""
from .register import OpNamespace

_ops = OpNamespace("contrib")


def __getattr__(name):
    fn = _ops.make(name)
    if fn is None:
        raise AttributeError("module 'mxnet.ndarray.contrib' has no attribute %r" % name)
    globals()[name] = fn
    return fn


def __dir__():
    return sorted(set(globals()) | set(_ops.names()))
