"""Every public op as a function (mx.nd.op.<name>; also mx.nd.<name>)."""
from .register import OpNamespace

_ops = OpNamespace("")


def __getattr__(name):
    fn = _ops.make(name)
    if fn is None:
        raise AttributeError("module 'mxnet.ndarray.op' has no attribute %r" % name)
    globals()[name] = fn
    return fn


def __dir__():
    return sorted(set(globals()) | set(_ops.names()))
