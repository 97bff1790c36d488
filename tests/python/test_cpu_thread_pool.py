"""The CPU plugin's thread pool (plugins/cpu/parallel.cc) as seen from outside:
results stay right when its helpers sleep between ops and are woken, and
the only affinity it ever sets keeps woken helpers off the caller's CPU --
one CPU excluded, never a thread bound to fewer, never outside the
process's CPUs."""
import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, os, sys, time
if len(sys.argv) > 1:
    os.sched_setaffinity(0, {int(sys.argv[1])})  # before the pool starts
import numpy as np
import mxnet as mx

allowed = os.sched_getaffinity(0)
x = np.random.default_rng(0).standard_normal((1024, 2048)).astype(np.float32)
a = mx.nd.array(x)
reference = x.astype(np.float64).sum(axis=1)
for _ in range(6):
    time.sleep(0.005)  # longer than the helpers' idle spin: each sum wakes them
    np.testing.assert_allclose(mx.nd.sum(a, axis=1).asnumpy(), reference, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(mx.nd.softmax(a).asnumpy().sum(axis=1), 1, rtol=1e-5)
masks = [sorted(os.sched_getaffinity(int(t))) for t in os.listdir("/proc/self/task")]
print(json.dumps({"allowed": sorted(allowed), "masks": masks}))
"""


def _run(*args):
    env = dict(os.environ)
    env.pop("OMP_NUM_THREADS", None)
    run = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="needs Linux CPU affinity")
def test_woken_helpers_are_kept_off_one_cpu_only():
    seen = _run()
    allowed = set(seen["allowed"])
    for mask in map(set, seen["masks"]):
        assert mask <= allowed and len(mask) >= len(allowed) - 1, (mask, allowed)
    if len(allowed) >= 2:  # the helpers were woken from sleep: off the caller's CPU
        assert any(len(mask) == len(allowed) - 1 for mask in seen["masks"]), seen


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="needs Linux CPU affinity")
def test_a_process_on_one_cpu_runs_without_helpers_and_binds_nothing():
    cpu = min(os.sched_getaffinity(0))
    seen = _run(str(cpu))
    assert seen["allowed"] == [cpu]
    assert all(mask == [cpu] for mask in seen["masks"])
