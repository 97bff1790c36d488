"""Every op with a CPU kernel has a Triton kernel, for the same dtypes --
or is listed below with the reason it has none -- so a new op (or dtype)
without a GPU kernel fails here, as tests/ops/test_coverage.py fails for an
op without a CPU harness.  On a GPU such an op is a clear error, never a
silent copy to the host."""
import functools
import importlib.util
import json
import pathlib
import subprocess
import sys

import pytest

import mxnet as mx

if importlib.util.find_spec("triton") is None:  # not imported at collection: see conftest.py
    pytest.skip("triton is not installed", allow_module_level=True)

# op -> why it has no GPU kernel at all
NO_GPU_KERNEL = {}

# op -> (dtypes its CPU kernel takes but its GPU kernel does not, why)
GPU_DTYPE_GAPS = {
    op: (("int8", "uint8"), "the gradient adds repeated indices with tl.atomic_add, which has no 8-bit form")
    for op in ("_backward_take", "_backward_Embedding", "_backward_gather_nd")
}


def _cpu_kernels():
    """{op: [dtypes]} of the CPU plugin (tests/gpu/_cpu_kernels.py, in a process of its own)."""
    script = pathlib.Path(__file__).with_name("_cpu_kernels.py")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def _handle(name):
    handle = mx.base.ffi.new("MXOpHandle*")
    return handle[0] if mx.base._LIB.MXGetOpHandle(name.encode(), handle) == 0 else None


@functools.cache
def _tables():
    """(the CPU kernels, {op handle: GPU kernel}), the latter as mx_triton's
    plugin.py registers them.  Rationale: loaded inside the tests, never at
    collection, when Triton may not yet be told to interpret (conftest)."""
    import mx_triton
    return _cpu_kernels(), {_handle(k.op): k for k in mx_triton.kernels() if _handle(k.op) is not None}


def test_the_cpu_plugin_lists_its_kernels():
    cpu_kernels, _ = _tables()
    assert len(cpu_kernels) > 200 and "Convolution" in cpu_kernels


def test_every_op_with_a_cpu_kernel_has_a_gpu_kernel():
    cpu_kernels, gpu_kernels = _tables()
    missing = sorted(op for op in cpu_kernels if _handle(op) not in gpu_kernels and op not in NO_GPU_KERNEL)
    assert not missing, f"ops with a CPU kernel but no Triton kernel (add one, or list it in NO_GPU_KERNEL): {missing}"


def test_gpu_kernels_take_the_dtypes_the_cpu_kernels_take():
    cpu_kernels, gpu_kernels = _tables()
    gaps = {}
    for op, dtypes in cpu_kernels.items():
        kernel = gpu_kernels.get(_handle(op))
        lacking = tuple(sorted(set(dtypes) - set(kernel.dtypes))) if kernel else ()
        if lacking and GPU_DTYPE_GAPS.get(op, ((),))[0] != lacking:
            gaps[op] = lacking
    assert not gaps, f"dtypes a CPU kernel takes and its GPU kernel does not (list them in GPU_DTYPE_GAPS): {gaps}"


def test_the_exception_tables_are_not_stale():
    cpu_kernels, gpu_kernels = _tables()
    stale = [op for op in NO_GPU_KERNEL if _handle(op) in gpu_kernels or op not in cpu_kernels]
    stale += [op for op in GPU_DTYPE_GAPS if op not in cpu_kernels or _handle(op) not in gpu_kernels]
    assert not stale, f"listed as lacking a GPU kernel or dtype but no longer do: {stale}"
