"""General utilities (MXNet 1.9's mxnet.util): the GPU queries under their
util names, directory creation, the C runtime's environment, and the
NumPy-semantics switches -- MX implements the legacy NDArray semantics
only, so those report it and refuse to turn NumPy semantics on."""
import functools
import os

from .context import gpu_memory_info, num_gpus


def makedirs(d):
    """Creates directory d and its parents if they do not exist."""
    os.makedirs(d, exist_ok=True)


def get_gpu_count():
    """The number of GPUs (mx.context.num_gpus)."""
    return num_gpus()


def get_gpu_memory(gpu_dev_id):
    """(free, total) bytes of a GPU's memory (mx.context.gpu_memory_info)."""
    return gpu_memory_info(gpu_dev_id)


def getenv(name):
    """The value of an environment variable of the process, or None."""
    return os.environ.get(name)


def setenv(name, value):
    """Sets (or, with value None, removes) an environment variable of the
    process; libmx reads its settings (MXNET_*) when it first needs them."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


def is_np_shape():
    """False: MX's shapes follow the legacy NDArray semantics."""
    return False


def is_np_array():
    """False: MX has no mx.np arrays."""
    return False


def is_np_default_dtype():
    """False: new arrays default to float32."""
    return False


def _refuse_np(active, what):
    if active:
        raise NotImplementedError("MX implements the legacy NDArray semantics only: NumPy %s "
                                  "semantics cannot be turned on" % what)
    return False


def set_np_shape(active):
    """Turning NumPy shape semantics on is not supported; returns the
    previous state (False) when asked to turn it off."""
    return _refuse_np(active, "shape")


def set_np(shape=True, array=True, dtype=False):
    """Not supported with any semantics on (MX has no mx.np)."""
    _refuse_np(shape or array or dtype, "array")


def reset_np():
    """Turns NumPy semantics off: they never are on in MX."""


def use_np(func):
    """Decorator of code that needs NumPy semantics: refused in MX."""
    @functools.wraps(func)
    def refuse(*args, **kwargs):
        _refuse_np(True, "array")
    return refuse
