"""Without GPUs: no driver, or a malformed MX_GPU_EMULATION.  Each case runs
in a fresh process, since libmx looks for GPUs once."""
import ctypes
import os
import subprocess
import sys

import pytest


def test_without_a_driver_there_are_no_gpus():
    """A fresh process with the emulation off, on this machine's driver (or
    lack of one)."""
    try:
        ctypes.CDLL("libcuda.so.1")
        pytest.skip("this machine has a CUDA driver")
    except OSError:
        pass
    env = {k: v for k, v in os.environ.items() if k != "MX_GPU_EMULATION"}
    script = (
        "import mxnet as mx\n"
        "assert mx.context.num_gpus() == 0\n"
        "for make in (lambda: mx.nd.zeros((2,), ctx=mx.gpu(0)),\n"
        "             lambda: mx.nd.ones((2,)).copyto(mx.gpu(0)),\n"
        "             lambda: mx.context.gpu_memory_info(0)):\n"
        "    try:\n"
        "        make()\n"
        "        raise SystemExit('no error')\n"
        "    except mx.MXNetError as e:\n"
        "        assert 'gpu(0) is not available' in str(e) and 'libcuda.so.1' in str(e), e\n"
        "assert (mx.nd.ones((2,)) * 3).asnumpy().tolist() == [3, 3]\n"
        "print('ok')\n")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_malformed_emulation_setting_is_reported():
    env = dict(os.environ, MX_GPU_EMULATION="two")
    script = (
        "import mxnet as mx\n"
        "assert mx.context.num_gpus() == 0\n"
        "try:\n"
        "    mx.nd.zeros((2,), ctx=mx.gpu(0))\n"
        "except mx.MXNetError as e:\n"
        "    print(e)\n")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and "MX_GPU_EMULATION='two' is malformed" in proc.stdout, \
        proc.stdout + proc.stderr
