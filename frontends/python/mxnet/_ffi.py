"""The one place that talks cffi: loads libmx and declares its C ABI.

The declarations are read from the installed ``c_api.h`` itself (the text
between MX_CDEF_BEGIN and MX_CDEF_END), so Python calls exactly what C, R and
Julia call.
"""
import ctypes
import os
import re

import cffi

from . import libinfo

ABI_MAJOR = 1  # the c_api.h major this binding was written against


def _preload_openblas():
    # Rationale: the CPU plugin finds OpenBLAS through its rpath; loading the
    # wheel's library first by its SONAME makes that independent of where
    # site-packages lies (editable installs, relocated environments).
    try:
        import scipy_openblas32
    except ImportError:
        return
    lib_dir = scipy_openblas32.get_lib_dir()
    for name in os.listdir(lib_dir):
        if name.startswith("libscipy_openblas") and ".so" in name:
            ctypes.CDLL(os.path.join(lib_dir, name), mode=ctypes.RTLD_GLOBAL)
            return


def _read_cdef(header_path):
    with open(header_path, encoding="utf-8") as f:
        text = f.read()
    begin = text.index("MX_CDEF_BEGIN")
    begin = text.index("*/", begin) + 2
    end = text.index("/* MX_CDEF_END")
    region = text[begin:end]
    region = re.sub(r"/\*.*?\*/", "", region, flags=re.S)
    return region.replace("MX_API ", "")


def _read_plugin_cdef(header_path):
    """plugin.h's types (DLPack's, the kernel call frame, the host table) for
    cdef: the body of its extern "C" block without preprocessor lines and
    the one inline helper."""
    with open(header_path, encoding="utf-8") as f:
        text = f.read()
    begin = text.index('extern "C" {') + len('extern "C" {')
    region = text[begin:text.index("#ifdef __cplusplus", begin)]
    region = re.sub(r"/\*.*?\*/", "", region, flags=re.S)
    region = re.sub(r"static inline[^{]*\{.*?\n\}", "", region, flags=re.S)
    # Preprocessor lines, with their backslash continuations.
    return re.sub(r"^[ \t]*#(?:.*\\\n)*.*$", "", region, flags=re.M)


_plugin_abi_declared = []


def declare_plugin_abi():
    """Adds mx/plugin.h's types to ``ffi``, once, for frontends that write
    kernels in Python (``ffi.callback("MXKernelFn", ...)``, ``MXKernelDesc``).
    Rationale: on demand, because parsing them costs ~50 ms that
    ``import mxnet`` does not need to pay."""
    if not _plugin_abi_declared:
        ffi.cdef(_read_plugin_cdef(os.path.join(os.path.dirname(HEADER), "plugin.h")))
        _plugin_abi_declared.append(True)
    return ffi


try:
    LIB_DIR = libinfo.lib_dir()
except RuntimeError as error:
    raise ImportError(str(error)) from None
# Installed wheels and CMake build trees keep include/ beside lib/.
HEADER = os.path.join(os.path.dirname(LIB_DIR), "include", "mx", "c_api.h")

ffi = cffi.FFI()
ffi.cdef(_read_cdef(HEADER))
_preload_openblas()
lib = ffi.dlopen(os.path.join(LIB_DIR, "libmx.so"))

_major = ffi.new("int*")
_minor = ffi.new("int*")
lib.MXGetABIVersion(_major, _minor)
if _major[0] != ABI_MAJOR:
    raise ImportError("libmx implements C ABI %d.%d but this binding needs major %d"
                      % (_major[0], _minor[0], ABI_MAJOR))
