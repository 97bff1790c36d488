"""mx.sym.linalg: the linear algebra ops (registered as `_linalg_<name>`)."""
from .._registry import module_getattr
from .register import OpNamespace

_ops = OpNamespace("linalg")
__getattr__, __dir__ = module_getattr(_ops, __name__, globals())
