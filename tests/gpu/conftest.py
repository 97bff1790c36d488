"""GPU tests: on the machine's GPUs, or on emulated ones (test-only,
host memory) with `MX_GPU_EMULATION=2 pytest tests/gpu`, which tox runs as
a second pytest process.

Rationale: libmx reads MX_GPU_EMULATION once per process, so the emulation
is kept out of the main test run, where MXNet-style tests that branch on
mx.context.num_gpus() must see the machine as it is.  For the same reason
the modules here never import triton when they are collected: in the main
run tests/triton imports it later, interpreting (Triton decides that for its
standard library when it is imported).
"""
import os
import pathlib
import sys

import pytest

# Emulated GPUs run the Triton kernels under Triton's interpreter, which
# Triton reads when it (and its standard library) is imported.
if os.environ.get("MX_GPU_EMULATION"):
    os.environ["TRITON_INTERPRET"] = "1"
# The Triton kernels from the source tree (an installed wheel has them too).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "plugins" / "triton"))

import mxnet as mx  # noqa: E402


def pytest_collection_modifyitems(config, items):
    if mx.context.num_gpus() > 0:
        return
    skip = pytest.mark.skip(reason="no GPU: run `MX_GPU_EMULATION=2 pytest tests/gpu` "
                                   "(tox does) or use a machine with one")
    here = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(skip)
