"""Shared basics: errors, check_call, dtype tables, numeric types."""
import os
import platform

import numpy as np

from ._ffi import ffi, lib as _LIB

__all__ = ["MXNetError", "NotImplementedForSymbol", "check_call", "mx_real_t", "numeric_types", "integer_types",
           "string_types", "py_str", "c_str"]

string_types = (str,)
numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)
mx_real_t = np.float32


class MXNetError(RuntimeError):
    """Default error thrown by MX functions; carries the C library's message."""


class InternalError(MXNetError):
    """A broken invariant inside MX."""


class NotImplementedForSymbol(MXNetError, NotImplementedError):
    """An NDArray-only operation (``+=``, ``bool``...) used on a Symbol."""

    def __init__(self, function, alias, *args):
        super().__init__()
        self.function = function.__name__
        self.alias = alias
        self.args = [str(type(a)) for a in args]

    def __str__(self):
        msg = "Function %s" % self.function
        if self.alias:
            msg += ' (namely operator "%s")' % self.alias
        if self.args:
            msg += " with arguments (%s)" % ", ".join(self.args)
        return msg + " is not implemented for Symbol and only available in NDArray."


def _error_class(name, builtin):
    # Rationale: an error from libmx is both an MXNetError (what MXNet 1.x
    # code catches) and the matching builtin (what Python code catches).
    return type(name, (MXNetError, builtin), {"__module__": "mxnet.base"})


MXNetValueError = _error_class("MXNetValueError", ValueError)
MXNetTypeError = _error_class("MXNetTypeError", TypeError)
MXNetIndexError = _error_class("MXNetIndexError", IndexError)
MXNetLookupError = _error_class("MXNetLookupError", LookupError)
MXNetNotImplementedError = _error_class("MXNetNotImplementedError", NotImplementedError)
MXNetMemoryError = _error_class("MXNetMemoryError", MemoryError)
MXNetOSError = _error_class("MXNetOSError", OSError)

# MXErrorKind (c_api.h) -> exception class.
_ERROR_CLASSES = {
    1: InternalError,
    2: MXNetValueError,
    3: MXNetTypeError,
    4: MXNetIndexError,
    5: MXNetLookupError,
    6: MXNetValueError,
    7: MXNetNotImplementedError,
    8: MXNetOSError,
    9: MXNetMemoryError,
    10: MXNetOSError,
    11: MXNetError,
}


def get_last_error():
    """The exception for the last error libmx reported on this thread."""
    message = ffi.string(_LIB.MXGetLastError()).decode("utf-8", "replace")
    return _ERROR_CLASSES.get(_LIB.MXGetLastErrorKind(), MXNetError)(message)


def check_call(ret):
    """Raise the error libmx reported if ``ret`` is not 0."""
    if ret != 0:
        raise get_last_error()


def py_str(cdata):
    """A C string (cdata) as str; bytes and str also pass, since code written
    for MXNet calls py_str on the names its callbacks receive."""
    if isinstance(cdata, str):
        return cdata
    if isinstance(cdata, bytes):
        return cdata.decode("utf-8")
    return ffi.string(cdata).decode("utf-8")


def _as_list(obj):
    """obj itself if it is a list or tuple, else [obj]."""
    return obj if isinstance(obj, (list, tuple)) else [obj]


def data_dir_default():
    """Where MX keeps downloaded data by default: %APPDATA%\\mxnet or ~/.mxnet."""
    if platform.system() == "Windows":
        return os.path.join(os.environ.get("APPDATA", ""), "mxnet")
    return os.path.join(os.path.expanduser("~"), ".mxnet")


def data_dir():
    """Where MX keeps downloaded data: $MXNET_HOME, else data_dir_default()."""
    return os.getenv("MXNET_HOME", data_dir_default())


def c_str(s):
    return s.encode("utf-8")


def c_str_array(strings):
    """(owned buffers, const char*[]) for a list of str: keep the buffers
    alive as long as the array is passed to C."""
    owned = [ffi.new("char[]", s.encode("utf-8")) for s in strings]
    return owned, ffi.new("const char*[]", owned)


# MXNet's dtype codes <-> numpy.
_DTYPE_NP_TO_MX = {
    None: -1,
    np.float32: 0,
    np.float64: 1,
    np.float16: 2,
    np.uint8: 3,
    np.int32: 4,
    np.int8: 5,
    np.int64: 6,
    np.bool_: 7,
}
_DTYPE_MX_TO_NP = {v: k for k, v in _DTYPE_NP_TO_MX.items()}


def dtype_code(dtype):
    """MX dtype code of anything numpy accepts as a dtype."""
    if dtype is None:
        dtype = mx_real_t
    try:
        return _DTYPE_NP_TO_MX[np.dtype(dtype).type]
    except (KeyError, TypeError):
        raise MXNetTypeError("dtype %r is not supported by MX (use float32, float64, float16, "
                             "uint8, int32, int8, int64 or bool)" % (dtype,)) from None
