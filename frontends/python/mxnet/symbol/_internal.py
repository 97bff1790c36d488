"""Internal ops (names starting with "_"), as mx.sym._internal.<name>."""
from .._registry import module_getattr
from .register import OpNamespace

_ops = OpNamespace("_internal")
__getattr__, __dir__ = module_getattr(_ops, __name__, globals())
