"""mx.sym.contrib: the contributed ops (registered as `_contrib_<name>`)."""
from .._registry import module_getattr
from .register import OpNamespace

_ops = OpNamespace("contrib")
__getattr__, __dir__ = module_getattr(_ops, __name__, globals())
