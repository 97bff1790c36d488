"""mx.nd.random: the random sampling ops (registered as `_random_<name>`)."""
from .register import OpNamespace

_ops = OpNamespace("random")


def __getattr__(name):
    fn = _ops.make(name)
    if fn is None:
        raise AttributeError("module 'mxnet.ndarray.random' has no attribute %r" % name)
    globals()[name] = fn
    return fn


def __dir__():
    return sorted(set(globals()) | set(_ops.names()))
