"""mx.sym.random: the random samplers (registered as `_random_<name>`)."""
from .._registry import module_getattr
from .register import OpNamespace

_ops = OpNamespace("random")
__getattr__, __dir__ = module_getattr(_ops, __name__, globals())
