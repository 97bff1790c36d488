"""Runs mx_triton's kernels on the host through TRITON_INTERPRET=1 (or on a
GPU with MX_TEST_GPU=1).  Each test module skips itself (pytest.importorskip) without triton."""
import os
import pathlib
import sys

import pytest

ON_GPU = os.environ.get("MX_TEST_GPU") == "1"
if not ON_GPU:
    # Before mx_triton is imported: @triton.jit reads it when kernels are defined.
    os.environ["TRITON_INTERPRET"] = "1"

try:
    import triton  # noqa: F401
except ImportError:
    triton = None

if triton is not None:
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "plugins" / "triton"))
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    if not ON_GPU:
        from mx_triton import interpreter
        interpreter.install()


def pytest_report_header(config):
    if triton is None:
        return "tests/triton: skipped, triton is not installed"
    return f"tests/triton: triton {triton.__version__} {'on the GPU' if ON_GPU else 'interpreter'}"
