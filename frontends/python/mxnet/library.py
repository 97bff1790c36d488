"""Loading plugins at run time (mx.library.load), and plugins written in
Python (mx.library.register)."""
import os

from .base import _LIB, check_call

__all__ = ["load", "register"]

_loaded = []
_registered = []  # (name, init callback) of the Python plugins


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
    _refresh_op_functions()


def register(name, init):
    """Register kernels (and ops) written in Python, as a plugin library does.

    ``init(host, abi_version)`` is called once, as a library's
    ``mx_plugin_init`` is, with the host table (a cffi ``const MXPluginHost*``;
    the types of mx/plugin.h come from ``mxnet._ffi.declare_plugin_abi()``).
    It registers through ``host.register_kernel`` / ``host.register_op`` and
    returns 0, or non-zero after ``host.set_error(message)``; an exception it
    raises fails the registration the same way.  Nothing is registered when
    it fails (MXNetError, an OSError).

    Kernels are ``ffi.callback("MXKernelFn", fn, error=-1)`` objects.  They,
    and everything a descriptor points to (names, dtype lists, kernel_data),
    must stay alive for the life of the process: keep them in a module-level
    list.  A kernel for ``kDLCUDA`` is called in stream order, with the
    device's stream in ``call.stream`` (a CUstream); with MX_GPU_EMULATION it
    runs on the emulated stream's thread, on host memory.
    """
    from ._ffi import declare_plugin_abi
    ffi = declare_plugin_abi()

    def c_init(host, abi_version):
        try:
            return int(init(host, abi_version))
        except Exception as e:  # reported as the plugin's error
            host.set_error(("%s: %s" % (type(e).__name__, e)).encode("utf-8", "replace"))
            return -1

    callback = ffi.callback("MXPluginInitFn", c_init)
    check_call(_LIB.MXPluginInitCallback(name.encode("utf-8"), callback))
    _registered.append((name, callback))
    _refresh_op_functions()


def _refresh_op_functions():
    from . import ndarray, symbol
    for package in (ndarray, symbol):  # both keep name lists of the ops
        for module in (package.op, package._internal, package.contrib, package.linalg, package.random):
            module._ops.refresh()


def loaded_libraries():
    """Paths of the plugins loaded with load()."""
    return list(_loaded)
