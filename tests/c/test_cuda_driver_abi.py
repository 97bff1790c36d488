"""libmx's own declarations of the CUDA driver API (cuda_driver.h: types,
flags, the exported symbol names and every function's signature) against a
real cuda.h, the one Triton ships for its launchers.  Compile-time checks
(cuda_driver_abi.cc), so they hold on machines without a GPU, where the
CUDA path never runs."""
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CXX = shutil.which("c++")


def cuda_include_dir():
    triton = pytest.importorskip("triton")
    path = os.path.join(os.path.dirname(triton.__file__), "backends", "nvidia", "include")
    if not os.path.exists(os.path.join(path, "cuda.h")):
        pytest.skip("this Triton ships no cuda.h")
    return path


@pytest.mark.skipif(CXX is None, reason="no C++ compiler (c++) on PATH")
def test_libmx_declares_the_cuda_driver_api_as_cuda_h_does():
    result = subprocess.run(
        [CXX, "-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
         "-I", os.path.join(ROOT, "libmx", "src"), "-I", cuda_include_dir(),
         os.path.join(HERE, "cuda_driver_abi.cc")],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
