"""Which ops have Triton kernels, for which dtypes.

Each file in mx_triton/ops registers its launchers with `register`; nothing
else lists them.  A launcher is `fn(call)` (see call.py).
"""
import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

FLOATS = ("float32", "float64", "float16", "bfloat16")
INTEGERS = ("uint8", "int8", "int32", "int64")
NUMERIC = FLOATS + INTEGERS
ALL = NUMERIC + ("bool",)
# What tl.atomic_add adds on the GPU: the scatter-adds of gradients.
ATOMIC = ("float32", "float64", "float16", "int32", "int64")


class KernelError(RuntimeError):
    """A call a kernel cannot run (bad request, unsupported case); the
    message names the op."""


@dataclass(frozen=True)
class Kernel:
    op: str            # the canonical MXNet op name
    aliases: tuple     # other names of the op (as -symbol.json files write them)
    dtypes: tuple      # dtypes of the dispatch tensor: input 0, or output 0 for ops without inputs
    fn: Callable       # fn(call)
    workspace: Callable = None  # workspace(call) -> bytes of scratch the call needs (workspace.py)


_kernels = {}   # canonical name -> Kernel
_by_name = {}   # canonical name or alias -> Kernel
_loaded = False


def register(op, *aliases, dtypes, workspace=None):
    """Decorator: `fn(call)` computes `op` (and its aliases) for `dtypes`;
    `workspace(call)`, if given, says how many bytes of scratch memory
    fn finds in call.workspace."""
    def add(fn):
        kernel = Kernel(op, tuple(aliases), tuple(dtypes), fn, workspace)
        for name in (op, *aliases):
            if name in _by_name:
                raise ValueError(f"a Triton kernel for {name!r} is already registered")
        _kernels[op] = kernel
        for name in (op, *aliases):
            _by_name[name] = kernel
        return fn
    return add


def _load():
    global _loaded
    if not _loaded:
        from . import ops
        for module in pkgutil.iter_modules(ops.__path__):
            importlib.import_module(f"{ops.__name__}.{module.name}")
        _loaded = True


def kernels():
    """Every registered kernel, one per op."""
    _load()
    return list(_kernels.values())


def find(name):
    """The kernel of an op by canonical name or alias; None if it has none."""
    _load()
    return _by_name.get(name)
