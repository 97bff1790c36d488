"""Building and checking plugins in the tests, the way a third party does:
the system C compiler, the installed headers and nothing else (the flags
come from mxnet.config, the library behind ``mxnet-config``)."""
import os
import shutil
import subprocess

import numpy as np
import pytest

import mxnet as mx
from mxnet import config
from mxnet.base import MXNetError

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_DIR = os.path.join(HERE, "src")
EXAMPLES_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "plugins", "examples")
CC = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
# -pedantic-errors: plugins are plain ISO C99, and so is mx/plugin.h.
CFLAGS = ["-std=c99", "-pedantic-errors", "-Wall", "-Wextra", "-O1"]


def compile_plugin(src, out_path, defines=(), flags=None):
    """Compiles one C source into a plugin; flags default to mxnet-config's
    --cflags.  Returns out_path."""
    flags = config.cflags() if flags is None else flags
    cmd = [CC, "-shared", "-fPIC", *CFLAGS, *["-D" + d for d in defines], *flags, "-o", str(out_path),
           src, "-lm"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, "compiling %s failed:\n%s\n%s" % (src, " ".join(cmd), proc.stderr)
    return str(out_path)


def still_works():
    """The process keeps working after a failure: built-in ops still run."""
    a = mx.nd.array([[1, -2], [3, 4]])
    np.testing.assert_array_equal((a * 2 + 1).asnumpy(), [[3, -3], [7, 9]])
    np.testing.assert_array_equal((-a).asnumpy(), [[-1, 2], [-3, -4]])
    np.testing.assert_array_equal(mx.nd.negative(a).asnumpy(), [[-1, 2], [-3, -4]])


def expect_load_error(path, *fragments):
    """Loading path fails with an MXNetError (an OSError) whose message has
    every fragment; nothing gets registered and the process keeps working.
    Returns the message."""
    before = mx.nd.register.list_ops()
    with pytest.raises(MXNetError) as info:
        mx.library.load(path)
    err = info.value
    assert isinstance(err, OSError), type(err).__mro__
    msg = str(err)
    for fragment in fragments:
        assert fragment.lower() in msg.lower(), "%r not in %r" % (fragment, msg)
    assert mx.nd.register.list_ops() == before  # nothing registered
    assert path not in mx.library.loaded_libraries()
    still_works()
    return msg
