"""cpu_pinned memory with GPUs: page-locked host memory (on CUDA, from
cuMemHostAlloc; on emulated GPUs ordinary host memory) in a pool of its own,
and copies between cpu, cpu_pinned and gpu(i).  The CPU-side semantics are
in tests/python/test_cpu_pinned.py."""
import re

import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd
from mxnet.base import MXNetError
from _arrays import DTYPES, random_array

nd = mx.nd
PINNED = mx.cpu_pinned(0)
NUM_GPUS = mx.context.num_gpus()


@pytest.mark.parametrize("dtype", DTYPES)
def test_copies_between_cpu_pinned_cpu_and_gpus(dtype):
    rng = np.random.default_rng(1)
    x = random_array((5, 3), dtype, rng)
    p = nd.array(x, ctx=PINNED, dtype=dtype)
    for dev in range(NUM_GPUS):
        g = p.copyto(mx.gpu(dev))
        back = g.copyto(PINNED)
        assert (g.context, back.context) == (mx.gpu(dev), PINNED)
        np.testing.assert_array_equal(back.asnumpy(), x)
        np.testing.assert_array_equal(g.as_in_context(mx.cpu()).asnumpy(), x)
        # Into existing arrays, both ways.
        target = nd.zeros((5, 3), ctx=PINNED, dtype=dtype)
        assert g.copyto(target) is target
        np.testing.assert_array_equal(target.asnumpy(), x)
        on_gpu = nd.zeros((5, 3), ctx=mx.gpu(dev), dtype=dtype)
        nd.array(x, dtype=dtype).as_in_context(PINNED).copyto(on_gpu)
        np.testing.assert_array_equal(on_gpu.asnumpy(), x)
        np.testing.assert_array_equal(nd.array(p, ctx=mx.gpu(dev)).asnumpy(), x)


def test_copies_are_ordered_with_host_writes():
    # The upload reads the pinned buffer asynchronously (a copy stream);
    # a later host write to the buffer waits for it, a later read of the
    # download waits for the device.
    x = np.arange(1 << 14, dtype=np.float32)
    p = nd.array(x, ctx=PINNED)
    g = p.copyto(mx.gpu(0))
    p[:] = -1
    np.testing.assert_array_equal(g.asnumpy(), x)
    down = (g * 2).copyto(p)
    assert down is p
    np.testing.assert_array_equal(p.asnumpy(), 2 * x)


def test_gradients_return_to_a_cpu_pinned_variable():
    x_np = np.array([0.5, -1.0, 2.0], np.float32)
    x = nd.array(x_np, ctx=PINNED)
    x.attach_grad()
    with autograd.record():
        z = (x.as_in_context(mx.gpu(0)) ** 3).sum()
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 3 * x_np ** 2, rtol=1e-6)


def test_cpu_pinned_memory_has_a_pool_of_its_own():
    mx.nd.waitall()
    PINNED.empty_cache()
    cpu_before, before = mx.storage.stats(mx.cpu()), mx.storage.stats(PINNED)
    a = nd.zeros((1 << 16,), ctx=PINNED)  # 256 KiB
    a.wait_to_read()
    live = mx.storage.stats(PINNED)
    assert live["bytes_in_use"] == before["bytes_in_use"] + (1 << 18)
    assert live["num_system_allocs"] == before["num_system_allocs"] + 1
    assert mx.storage.stats(mx.cpu())["num_allocs"] == cpu_before["num_allocs"]  # not the CPU's
    assert mx.storage.stats(mx.cpu_pinned(1)) == live  # one pool for every cpu_pinned(i)
    del a
    mx.nd.waitall()
    freed = mx.storage.stats(PINNED)
    assert freed["bytes_in_use"] == before["bytes_in_use"] and freed["bytes_pooled"] >= 1 << 18
    b = nd.ones((1 << 16,), ctx=PINNED)  # reuses the pooled buffer
    b.wait_to_read()
    assert mx.storage.stats(PINNED)["num_system_allocs"] == live["num_system_allocs"]
    del b
    mx.nd.waitall()
    PINNED.empty_cache()
    assert mx.storage.stats(PINNED)["bytes_pooled"] == 0


def test_mixing_cpu_pinned_and_gpu_inputs_is_a_clear_error():
    p, g = nd.ones((3,), ctx=PINNED), nd.ones((3,), ctx=mx.gpu(0))
    with pytest.raises(MXNetError, match=re.escape("elemwise_add: input 1 is on gpu(0) but input 0 is "
                                                   "on cpu_pinned(0)")):
        nd.elemwise_add(p, g)
    with pytest.raises(MXNetError, match=re.escape("elemwise_add: input 1 is on cpu_pinned(0) but input "
                                                   "0 is on gpu(0)")):
        nd.elemwise_add(g, p)
    with pytest.raises(MXNetError, match=r"_copyto.*gpu\(0\).*cpu_pinned\(0\).*float32.*float64"):
        g.copyto(nd.zeros((3,), ctx=PINNED, dtype=np.float64))
    np.testing.assert_array_equal((p + 1).asnumpy(), [2, 2, 2])
    np.testing.assert_array_equal((g + 1).asnumpy(), [2, 2, 2])
