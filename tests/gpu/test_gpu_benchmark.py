"""benchmarks/gpu.py runs: its table with made-up timings (--dry-run), its
measurements on tiny arrays (on emulated GPUs only that they run), and a
clean exit where there is no GPU.  No timed assertions."""
import importlib.util
import os
import pathlib
import subprocess
import sys
from types import SimpleNamespace

import mxnet as mx

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "gpu.py"


def _benchmark():
    spec = importlib.util.spec_from_file_location("gpu_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dry_run_prints_every_row():
    result = subprocess.run([sys.executable, str(SCRIPT), "--dry-run"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for row in ("device-to-device copy", "element-wise add", "softmax", "dot float32", "dot float16", "full sum",
                "dispatch", "dependent chain"):
        assert row in result.stdout
    assert "90% of MX's copy rate" in result.stdout


def test_the_measurements_run_on_tiny_arrays():
    results = _benchmark().measure_mx(SimpleNamespace(size_mb=1 / 16, matmul=32, repeat=1, small_ops=2))
    assert set(results) == {"copy_gbs", "add_gbs", "softmax_gbs", "dot_float32_tflops", "dot_float16_tflops",
                            "sum_gbs", "dispatch_us", "chain_us"}
    assert all(value > 0 for value in results.values())
    assert mx.context.num_gpus() > 0


def test_without_a_gpu_it_says_so_and_exits_cleanly():
    env = {k: v for k, v in os.environ.items() if k != "MX_GPU_EMULATION"}
    env["CUDA_VISIBLE_DEVICES"] = ""
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no GPU here" in result.stdout
