"""Where MX is installed (MXNet's ``mxnet.libinfo``): libmx, the C headers
a plugin or a C program is built against, and the version.

Installed wheels and CMake build trees share one layout, ``lib/`` beside
``include/``::

    .../mxnet/lib/libmx.so, libmx_cpu.so
    .../mxnet/include/mx/c_api.h, c_predict_api.h, plugin.h

``mxnet-config`` (:mod:`mxnet.config`) turns these into compiler flags.
"""
import os
import sys

__all__ = ["find_lib_path", "find_include_path", "lib_dir", "include_dir"]

# The MXNet API level MX implements; libmx's own version: mx.runtime_version().
__version__ = "1.9.1"


def _candidate_dirs():
    env = os.environ.get("MX_LIBRARY_PATH")
    if env:
        yield env
    yield os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib")
    # An editable install keeps the Python sources in the checkout and the
    # compiled libraries in site-packages/mxnet/lib.
    for entry in sys.path:
        if entry:
            yield os.path.join(entry, "mxnet", "lib")


def lib_dir():
    """The folder holding libmx.so (and the CPU plugin): ``$MX_LIBRARY_PATH``
    if set, else the package's ``lib/``, else an editable install's.

    Raises RuntimeError, listing the folders tried, if there is none."""
    tried = []
    for d in _candidate_dirs():
        if os.path.isfile(os.path.join(d, "libmx.so")):
            return os.path.abspath(d)
        tried.append(d)
    raise RuntimeError("cannot find libmx.so; looked in: " + ", ".join(tried)
                       + " (set MX_LIBRARY_PATH to the folder that holds it)")


def find_lib_path(prefix="libmx"):
    """The MX shared library ``<prefix>.so`` as a one-entry list (MXNet's
    signature, whose prefix was ``libmxnet``): ``[.../lib/libmx.so]``, or
    ``prefix="libmx_cpu"`` for the CPU plugin.  Raises RuntimeError if it is
    missing."""
    path = os.path.join(lib_dir(), prefix + ".so")
    if not os.path.isfile(path):
        raise RuntimeError("cannot find %s" % path)
    return [path]


def include_dir():
    """The folder to pass to the C compiler with ``-I``: it holds
    ``mx/plugin.h`` (the plugin SDK), ``mx/c_api.h`` and
    ``mx/c_predict_api.h``.  Raises RuntimeError if the headers are missing."""
    path = os.path.join(os.path.dirname(lib_dir()), "include")
    if not os.path.isfile(os.path.join(path, "mx", "plugin.h")):
        raise RuntimeError("the MX headers are not installed: %s has no mx/plugin.h" % path)
    return path


def find_include_path():
    """MXNet's name for :func:`include_dir`."""
    return include_dir()
