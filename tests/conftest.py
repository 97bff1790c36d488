"""Makes tests/_mxref.py (numpy references of MXNet semantics and the op
harness helpers) importable from every test folder."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ctypes
import pathlib

import pytest


def _real_gpu_present():
    """Whether the CUDA driver loads and sees a device (checked without mxnet)."""
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return False
    count = ctypes.c_int(0)
    return cuda.cuInit(0) == 0 and cuda.cuDeviceGetCount(ctypes.byref(count)) == 0 and count.value > 0


# GPU tests run on a real GPU when MX_TEST_GPU=1 or one is detected, else on
# two emulated ones (MX_GPU_EMULATION, test-only: host memory, stream
# threads).  Decided before any test imports mxnet: libmx reads it once.
_TEST_GPU = os.environ.get("MX_TEST_GPU")
if _TEST_GPU is None:
    _TEST_GPU = "1" if _real_gpu_present() else "0"
if _TEST_GPU != "1":
    os.environ.setdefault("MX_GPU_EMULATION", "2")

# Files written by the real MXNet 1.9.1 (../shared/fixtures beside the checkout).
FIXTURES = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"


@pytest.fixture
def fixtures():
    if not FIXTURES.is_dir():
        pytest.skip("MXNet 1.9.1 fixtures (../shared/fixtures) not present")
    return FIXTURES
