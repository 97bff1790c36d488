"""MX: MXNet rebuilt for today.  ``import mxnet as mx``."""
import atexit as _atexit

from . import libinfo
from .libinfo import __version__
from . import base
from .base import MXNetError
from . import context
from .context import Context, cpu, cpu_pinned, current_context, gpu, gpu_memory_info, num_gpus
from . import ndarray
from . import ndarray as nd
from . import random, library, storage, engine
from . import name, attribute
from .attribute import AttrScope
from . import symbol
from . import symbol as sym
from . import autograd
from . import executor
from . import operator
from . import test_utils
from . import util
from . import runtime


def runtime_version():
    """libmx's version as (major, minor, patch)."""
    out = base.ffi.new("int*")
    base.check_call(base._LIB.MXGetVersion(out))
    return (out[0] // 10000, out[0] // 100 % 100, out[0] % 100)


def _shutdown():
    base._LIB.MXNotifyShutdown()  # pending work may still release objects: before the exit notice
    base._LIB.MXNotifyFrontendExit()


_atexit.register(_shutdown)
