"""Every public op as a Symbol function (mx.sym.op.<name>; also mx.sym.<name>)."""
from .._registry import module_getattr
from .register import OpNamespace

_ops = OpNamespace("")
__getattr__, __dir__ = module_getattr(_ops, __name__, globals())
