"""mx.sym: declarative symbolic graphs and every op as a Symbol function."""
from . import _internal, contrib, linalg, op, random
from .symbol import Group, Symbol, Variable, load, load_json, var
from . import bind as _bind  # Symbol.bind, simple_bind, eval
from .compose import histogram, split_v2
from .creation import (arange, eye, full, hypot, linspace, maximum, minimum, ones, pow, power,
                       zeros)

__all__ = ["Symbol", "var", "Variable", "Group", "load", "load_json", "op", "zeros", "ones",
           "full", "arange", "linspace", "eye", "pow", "power", "maximum", "minimum", "hypot", "split_v2",
           "histogram"]


def __getattr__(name):
    # Public ops are made on first use (see register.py).
    fn = getattr(op, name, None) if not name.startswith("__") else None
    if fn is None:
        raise AttributeError("module 'mxnet.symbol' has no attribute %r" % name)
    globals()[name] = fn
    return fn


def __dir__():
    return sorted(set(globals()) | set(dir(op)))
