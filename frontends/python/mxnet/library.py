"""Loading plugins at run time (mx.library.load)."""
import os

from .base import _LIB, check_call

__all__ = ["load"]

_loaded = []


def load(path, verbose=True):
    """Load a plugin library (see libmx/include/mx/plugin.h) and make its
    ops available as mx.nd functions.  Raises MXNetError (an OSError) if the
    file is missing, has no mx_plugin_init, was built for another ABI, or
    its init fails; nothing is registered then."""
    path = os.path.abspath(os.path.expanduser(path))
    if not os.path.exists(path):
        from .base import MXNetOSError
        raise MXNetOSError("load path %s does not exist" % path)
    check_call(_LIB.MXPluginLoad(path.encode()))
    _loaded.append(path)
    from . import ndarray, symbol
    for package in (ndarray, symbol):  # both keep name lists of the ops
        for module in (package.op, package._internal, package.contrib, package.linalg, package.random):
            module._ops.refresh()


def loaded_libraries():
    """Paths of the plugins loaded with load()."""
    return list(_loaded)
