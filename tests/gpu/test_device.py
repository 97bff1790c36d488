"""GPUs: arrays on gpu(i), copies, the device pool, stream ordering in the
engine, dispatch errors, and GPU kernels written in Python.

Runs on emulated GPUs (MX_GPU_EMULATION=2: host memory, one thread per
stream; see tests/gpu/conftest.py) or on real ones.
Tests that compute with numpy on device pointers, or that depend on the
emulated device's memory size, need the emulation; the rest run on either.
"""
import ctypes
import os
import re
import threading

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError, _LIB, check_call, ffi
from _arrays import DTYPES, random_array
from _python_plugin import PythonTestPlugin

NUM_GPUS = mx.context.num_gpus()
EMULATED = bool(os.environ.get("MX_GPU_EMULATION"))

emulated_only = pytest.mark.skipif(not EMULATED, reason="needs MX_GPU_EMULATION")
two_gpus = pytest.mark.skipif(NUM_GPUS < 2, reason="needs two GPUs")



def _address(arr):
    out = ffi.new("void**")
    check_call(_LIB.MXNDArrayGetData(arr.handle, out))
    return int(ffi.cast("uintptr_t", out[0]))


def still_works():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal((mx.nd.array(x) + 1).asnumpy(), x + 1)


_plugin = []


def plugin():
    """The test's Python plugin (tests/_python_plugin.py), registered once."""
    if not _plugin:
        _plugin.append(PythonTestPlugin(gpu_kernels=EMULATED))
    return _plugin[0]


# ---------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------

def test_num_gpus_and_memory_info():
    assert NUM_GPUS >= 1 and mx.num_gpus() == NUM_GPUS
    assert mx.runtime.Features().is_enabled("CUDA")
    assert mx.gpu_memory_info is mx.context.gpu_memory_info
    free, total = mx.context.gpu_memory_info(0)
    assert 0 < free <= total
    for bad in (NUM_GPUS, -1):
        with pytest.raises(MXNetError, match=r"gpu\(-?\d+\) is not available"):
            mx.context.gpu_memory_info(bad)
    still_works()


def test_using_a_gpu_the_process_lacks_names_it():
    missing = mx.gpu(NUM_GPUS)
    with pytest.raises(MXNetError, match=r"gpu\(%d\) is not available: this process has %d GPU"
                       % (NUM_GPUS, NUM_GPUS)):
        mx.nd.zeros((2,), ctx=missing)
    with pytest.raises(MXNetError, match=r"gpu\(%d\)" % NUM_GPUS):
        mx.nd.ones((2,)).copyto(missing)
    still_works()


# ---------------------------------------------------------------------------
# Arrays and copies
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3, 5), (7,), (0, 3), ()])
def test_round_trip(dtype, shape):
    x = random_array(shape, dtype, np.random.default_rng(1))
    a = mx.nd.array(x, ctx=mx.gpu(0), dtype=dtype)
    assert a.context == mx.gpu(0) and a.dtype == dtype and a.shape == shape
    np.testing.assert_array_equal(a.asnumpy(), x)


@pytest.mark.parametrize("dtype", DTYPES)
def test_zeros_ones_empty(dtype):
    ctx = mx.gpu(NUM_GPUS - 1)
    z = mx.nd.zeros((3, 4), ctx=ctx, dtype=dtype)
    o = mx.nd.ones((5,), ctx=ctx, dtype=dtype)
    e = mx.nd.empty((2, 2), ctx=ctx, dtype=dtype)
    assert (z.context, o.context, e.context) == (ctx, ctx, ctx)
    assert e.shape == (2, 2) and e.dtype == dtype
    np.testing.assert_array_equal(z.asnumpy(), np.zeros((3, 4), dtype))
    np.testing.assert_array_equal(o.asnumpy(), np.ones((5,), dtype))
    np.testing.assert_array_equal(mx.nd.ones_like(z).asnumpy(), np.ones((3, 4), dtype))
    np.testing.assert_array_equal(mx.nd.zeros_like(o).asnumpy(), np.zeros((5,), dtype))
    with ctx:
        assert mx.nd.zeros((1,)).context == ctx


def test_buffers_are_256_byte_aligned():
    arrays = [mx.nd.empty((n,), ctx=mx.gpu(0), dtype=np.uint8) for n in (1, 3, 255, 257, 4097)]
    assert all(_address(a) % 256 == 0 for a in arrays)


@two_gpus
def test_copies_between_devices():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    a = mx.nd.array(x, ctx=mx.gpu(0))
    b = a.copyto(mx.gpu(1))
    c = b.copyto(mx.gpu(0))
    d = c.copyto(mx.cpu())
    assert (b.context, c.context, d.context) == (mx.gpu(1), mx.gpu(0), mx.cpu())
    for arr in (a, b, c, d):
        np.testing.assert_array_equal(arr.asnumpy(), x)
    # Into existing arrays, as_in_context, copy, astype to the same dtype.
    y = rng.standard_normal((4, 5)).astype(np.float32)
    target = mx.nd.zeros((4, 5), ctx=mx.gpu(1))
    assert mx.nd.array(y).copyto(target) is target
    np.testing.assert_array_equal(target.asnumpy(), y)
    assert a.as_in_context(mx.gpu(0)) is a
    np.testing.assert_array_equal(a.as_in_context(mx.gpu(1)).asnumpy(), x)
    np.testing.assert_array_equal(a.copy().asnumpy(), x)
    assert a.copy().context == mx.gpu(0)
    np.testing.assert_array_equal(a.astype(np.float32).asnumpy(), x)
    np.testing.assert_array_equal(mx.nd.array(a, ctx=mx.gpu(1)).asnumpy(), x)
    np.testing.assert_array_equal(mx.nd.array(a).asnumpy(), x)


@two_gpus
def test_views_of_gpu_arrays():
    x = np.arange(24, dtype=np.float64).reshape(6, 4)
    a = mx.nd.array(x, ctx=mx.gpu(0), dtype=np.float64)
    np.testing.assert_array_equal(a[1:4].asnumpy(), x[1:4])
    np.testing.assert_array_equal(a[2].copyto(mx.gpu(1)).asnumpy(), x[2])
    np.testing.assert_array_equal(a.reshape((4, 6)).asnumpy(), x.reshape(4, 6))
    # Writing a view writes the array.
    a[1:3] = np.full((2, 4), -1.0)
    x[1:3] = -1.0
    np.testing.assert_array_equal(a.asnumpy(), x)
    mx.nd.array(x[::-1].copy(), ctx=mx.gpu(1), dtype=np.float64).copyto(a[0:6])
    np.testing.assert_array_equal(a.asnumpy(), x[::-1])


def test_copy_errors_name_both_devices():
    a = mx.nd.ones((2, 3), ctx=mx.gpu(0))
    with pytest.raises(MXNetError, match=r"_copyto.*gpu\(0\).*cpu\(0\).*float32.*float64"):
        a.copyto(mx.nd.zeros((2, 3), dtype=np.float64))
    with pytest.raises(MXNetError, match=r"_copyto.*\(2, ?3\).*gpu\(0\).*\(3, ?2\).*cpu\(0\)"):
        a.copyto(mx.nd.zeros((3, 2)))
    np.testing.assert_array_equal(a.asnumpy(), np.ones((2, 3), np.float32))
    still_works()


def test_save_and_load_gpu_arrays(tmp_path):
    x = np.arange(10, dtype=np.int64)
    path = str(tmp_path / "gpu.params")
    mx.nd.save(path, {"x": mx.nd.array(x, ctx=mx.gpu(0), dtype=np.int64)})
    loaded = mx.nd.load(path)
    np.testing.assert_array_equal(loaded["x"].asnumpy(), x)


def test_dlpack_reports_the_cuda_device():
    a = mx.nd.ones((3,), ctx=mx.gpu(NUM_GPUS - 1))
    assert a.__dlpack_device__() == (2, NUM_GPUS - 1)
    capsule = a.__dlpack__(stream=1)  # any stream: the export waited for the device
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    mx._ffi.declare_plugin_abi()
    tensor = ffi.cast("DLManagedTensor*", get(capsule, b"dltensor")).dl_tensor
    assert (tensor.device.device_type, tensor.device.device_id) == (2, NUM_GPUS - 1)
    assert int(ffi.cast("uintptr_t", tensor.data)) == _address(a)
    del capsule
    with pytest.raises(BufferError):
        mx.nd.ones((3,)).__dlpack__(stream=1)


# ---------------------------------------------------------------------------
# The device pool
# ---------------------------------------------------------------------------

def test_pool_statistics_and_reuse():
    ctx = mx.gpu(0)
    mx.nd.waitall()
    ctx.empty_cache()
    before = mx.storage.stats(ctx)
    assert set(before) == set(mx.storage.stats(mx.cpu()))
    a = mx.nd.empty((1 << 18,), ctx=ctx)  # 1 MiB
    during = mx.storage.stats(ctx)
    assert during["bytes_in_use"] - before["bytes_in_use"] == 1 << 20
    assert during["peak_bytes_in_use"] >= during["bytes_in_use"]
    assert during["num_system_allocs"] == before["num_system_allocs"] + 1
    del a
    mx.nd.waitall()
    after = mx.storage.stats(ctx)
    assert after["bytes_in_use"] == before["bytes_in_use"]
    assert after["bytes_pooled"] == before["bytes_pooled"] + (1 << 20)
    again = mx.nd.empty((1 << 18,), ctx=ctx)  # served from the pool
    assert mx.storage.stats(ctx)["num_system_allocs"] == after["num_system_allocs"]
    del again
    mx.nd.waitall()
    mx.storage.release_all(ctx)
    assert mx.storage.stats(ctx)["bytes_pooled"] == 0


@emulated_only
def test_memory_info_counts_the_pool():
    ctx = mx.gpu(0)
    mx.nd.waitall()
    ctx.empty_cache()
    free0, total = mx.context.gpu_memory_info(0)
    a = mx.nd.empty((1 << 20,), ctx=ctx)  # 4 MiB
    assert mx.context.gpu_memory_info(0) == (free0 - (4 << 20), total)
    del a
    mx.nd.waitall()
    assert mx.context.gpu_memory_info(0)[0] == free0 - (4 << 20)  # pooled: still the device's
    ctx.empty_cache()
    assert mx.context.gpu_memory_info(0) == (free0, total)


def test_out_of_device_memory():
    ctx = mx.gpu(0)
    before = mx.storage.stats(ctx)
    with pytest.raises(MXNetError, match=r"out of memory: cannot allocate %d bytes on gpu\(0\)"
                       % (4 << 40)) as info:
        mx.nd.empty((1 << 40,), ctx=ctx)
    assert isinstance(info.value, MemoryError)
    after = mx.storage.stats(ctx)
    assert after["bytes_in_use"] == before["bytes_in_use"]
    assert after["peak_bytes_in_use"] == before["peak_bytes_in_use"]
    with pytest.raises(MemoryError, match=r"gpu\(0\)"):
        mx.nd.zeros((1 << 40,), ctx=ctx)
    np.testing.assert_array_equal(mx.nd.ones((2,), ctx=ctx).asnumpy(), [1, 1])
    still_works()


@emulated_only
def test_out_of_memory_releases_the_pool_and_retries():
    """Freed buffers the pool keeps are given back to the device when a new
    request does not fit, and the request is tried again."""
    ctx = mx.gpu(0)
    mx.nd.waitall()
    ctx.empty_cache()
    free, total = mx.context.gpu_memory_info(0)
    big = (free * 6 // 10) // 4096 * 4096  # 60%: two of them do not fit
    a = mx.nd.empty((big,), ctx=ctx, dtype=np.uint8)
    del a
    mx.nd.waitall()
    assert mx.storage.stats(ctx)["bytes_pooled"] == big
    b = mx.nd.empty((big + 4096,), ctx=ctx, dtype=np.uint8)  # another bucket
    stats = mx.storage.stats(ctx)
    assert stats["bytes_pooled"] == 0 and stats["bytes_in_use"] >= big + 4096
    del b
    mx.nd.waitall()
    ctx.empty_cache()


# ---------------------------------------------------------------------------
# Dispatch errors
# ---------------------------------------------------------------------------

def test_op_without_a_gpu_kernel_is_a_clear_error():
    plugin()
    x = np.arange(4, dtype=np.float32)
    np.testing.assert_array_equal(mx.nd.gpu_test_cpu_only_double(mx.nd.array(x)).asnumpy(), 2 * x)
    a = mx.nd.array(x, ctx=mx.gpu(0))
    with pytest.raises(MXNetError, match=r"gpu_test_cpu_only_double has no kernel for gpu\(0\) "
                       r"and dtype float32 \(kernels exist for: none\)") as info:
        mx.nd.gpu_test_cpu_only_double(a)  # never silently computed on the host
    assert isinstance(info.value, NotImplementedError)
    np.testing.assert_array_equal(a.asnumpy(), x)
    still_works()


def test_inputs_on_different_devices_are_a_clear_error():
    a = mx.nd.ones((3,), ctx=mx.gpu(0))
    others = [mx.nd.ones((3,))] + ([mx.nd.ones((3,), ctx=mx.gpu(1))] if NUM_GPUS > 1 else [])
    for b in others:
        with pytest.raises(MXNetError, match=r"elemwise_add: input 1 is on %s but input 0 is on "
                           r"gpu\(0\)" % re.escape(str(b.context))):
            mx.nd.elemwise_add(a, b)
        with pytest.raises(MXNetError, match=r"broadcast_mul.*gpu\(0\)"):
            b * a
    np.testing.assert_array_equal(a.asnumpy(), [1, 1, 1])
    still_works()


# ---------------------------------------------------------------------------
# Kernels from Python, and the engine's stream ordering
# ---------------------------------------------------------------------------

@emulated_only
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.float16])
def test_python_gpu_kernel(dtype):
    p = plugin()
    rng = np.random.default_rng(3)
    streams = []
    for dev in range(NUM_GPUS):
        x, y = random_array((3, 4), dtype, rng), random_array((3, 4), dtype, rng)
        del p.calls[:]
        c = mx.nd.gpu_test_add(mx.nd.array(x, ctx=mx.gpu(dev), dtype=dtype),
                               mx.nd.array(y, ctx=mx.gpu(dev), dtype=dtype))
        assert c.context == mx.gpu(dev)
        with np.errstate(over="ignore"):
            np.testing.assert_array_equal(c.asnumpy(), x + y)
        (thread, stream, devices), = p.calls
        assert thread != threading.get_ident()  # on the emulated stream's thread
        assert stream != 0
        assert devices == [(2, dev)] * 3  # kDLCUDA
        streams.append(stream)
    assert len(set(streams)) == NUM_GPUS


@emulated_only
@pytest.mark.skipif(mx.engine.engine_type() == "NaiveEngine",
                    reason="NaiveEngine waits for each op at its push")
def test_device_work_is_asynchronous_and_copies_overlap_kernels():
    """The push returns while the kernel still runs; a transfer on the copy
    stream finishes meanwhile; waits wait for the device."""
    p = plugin()
    gate = threading.Event()
    p.gate = gate
    a = mx.nd.array([1, 2, 3], ctx=mx.gpu(0))
    c = mx.nd.gpu_test_add(a, a)  # its kernel waits for the gate
    # Neither the push above nor this copy waits for the kernel.
    b = mx.nd.array([5, 6, 7], ctx=mx.gpu(0))
    np.testing.assert_array_equal(b.asnumpy(), [5, 6, 7])
    gate.set()
    c.wait_to_read()
    assert not p.gate_timed_out  # a synchronous push would have waited out the gate
    raw = np.frombuffer(ffi.buffer(ffi.cast("void*", _address(c)), 12), np.float32)
    np.testing.assert_array_equal(raw, [2, 4, 6])  # the device memory itself
    np.testing.assert_array_equal(c.asnumpy(), [2, 4, 6])


@emulated_only
def test_gpu_kernel_errors_are_raised_at_the_next_read():
    p = plugin()
    a = mx.nd.ones((2,), ctx=mx.gpu(0))
    p.fail_with.append("the emulated kernel failed on purpose")
    c = mx.nd.gpu_test_add(a, a)  # no error at the push
    d = mx.nd.gpu_test_add(c, a)  # reads the failed output: skipped
    e = d.copyto(mx.cpu())
    # Raised through the skipped kernel and the copy to the host...
    with pytest.raises(MXNetError, match=r"gpu_test_add \(kernel from plugin 'gpu_device_test'\): "
                                         "the emulated kernel failed on purpose"):
        e.asnumpy()
    c.wait_to_read()  # ...once, as in MXNet
    mx.nd.waitall()
    np.testing.assert_array_equal(mx.nd.gpu_test_add(a, a).asnumpy(), [2, 2])
    still_works()


@emulated_only
@pytest.mark.skipif(mx.engine.engine_type() == "NaiveEngine",
                    reason="NaiveEngine waits for each op at its push")
def test_kernels_on_one_stream_launch_behind_one_another():
    """A kernel that reads the output of one still running on its stream is
    launched at once, behind it (the stream orders them), not held until
    the first completes; the values are those of running them in order."""
    p = plugin()
    gate = threading.Event()
    p.gate = gate
    first_call = len(p.calls)
    a = mx.nd.array([1, 2, 3], ctx=mx.gpu(0))
    chain = [mx.nd.gpu_test_add(a, a)]  # waits for the gate on the stream
    for _ in range(4):
        chain.append(mx.nd.gpu_test_add(chain[-1], a))
    mx.nd.gpu_test_add(a, a, out=chain[1])  # overwrites a result the next kernel read
    gate.set()
    np.testing.assert_array_equal(chain[-1].asnumpy(), [6, 12, 18])
    np.testing.assert_array_equal(chain[1].asnumpy(), [2, 4, 6])
    np.testing.assert_array_equal(chain[2].asnumpy(), [4, 8, 12])
    assert not p.gate_timed_out
    assert len({c[1] for c in p.calls[first_call:]}) == 1  # all on one stream


@emulated_only
@pytest.mark.skipif(mx.engine.engine_type() == "NaiveEngine",
                    reason="NaiveEngine waits for each op at its push")
def test_a_kernel_launched_behind_a_failed_one_inherits_its_error():
    """The second kernel was launched before the first failed on the device
    (so it ran, as work queued on a CUDA stream does); its result carries
    the first one's error, raised once."""
    p = plugin()
    gate = threading.Event()
    p.gate = gate
    p.fail_with.append("the emulated kernel failed on purpose")
    first_call = len(p.calls)
    a = mx.nd.ones((2,), ctx=mx.gpu(0))
    c = mx.nd.gpu_test_add(a, a)  # blocks on the gate, then fails
    d = mx.nd.gpu_test_add(c, a)  # launched behind it
    gate.set()
    with pytest.raises(MXNetError, match="the emulated kernel failed on purpose"):
        d.asnumpy()
    c.wait_to_read()  # reported once
    mx.nd.waitall()
    assert len(p.calls) - first_call == 2  # the second kernel was launched, and ran
    np.testing.assert_array_equal(mx.nd.gpu_test_add(d, a).asnumpy(), d.asnumpy() + 1)
    still_works()


@emulated_only
def test_waitall_waits_for_the_device():
    p = plugin()
    p.delay = lambda: 0.05
    try:
        a = mx.nd.ones((4,), ctx=mx.gpu(0))
        outs = [mx.nd.gpu_test_add(a, a) for _ in range(3)]
        mx.nd.waitall()
    finally:
        p.delay = None
    for out in outs:  # read the device memory without another wait
        raw = np.frombuffer(ffi.buffer(ffi.cast("void*", _address(out)), 16), np.float32)
        np.testing.assert_array_equal(raw, [2, 2, 2, 2])


@emulated_only
def test_engine_ordering_randomized_stress():
    """Many asynchronous kernels, copies between every pair of devices,
    uploads, frees and reads, checked against a sequential numpy replay.
    Kernels sleep at random on the compute stream while copies run on the
    copy stream, so a missing dependency shows as a wrong value."""
    p = plugin()
    rng = np.random.default_rng(4)
    ctxs = [mx.cpu()] + [mx.gpu(i) for i in range(NUM_GPUS)]
    per_ctx, shape = 4, (33,)
    slots = [(ctx, k) for ctx in ctxs for k in range(per_ctx)]
    ref = {s: rng.integers(0, 256, shape, dtype=np.uint8) for s in slots}
    arrays = {s: mx.nd.array(ref[s], ctx=s[0], dtype=np.uint8) for s in slots}
    p.delay = lambda: float(rng.random() < 0.3) * 0.002
    try:
        for _ in range(600):
            kind = rng.integers(0, 6)
            src, dst = (slots[i] for i in rng.choice(len(slots), 2, replace=False))
            if kind == 0:    # copy into an existing array (any two devices)
                arrays[src].copyto(arrays[dst])
                ref[dst] = ref[src].copy()
            elif kind == 1:  # a new array on another device; the old one is freed
                arrays[dst] = arrays[src].copyto(dst[0])
                ref[dst] = ref[src].copy()
            elif kind == 2:  # a kernel on one device, possibly in place
                ctx = ctxs[rng.integers(0, len(ctxs))]
                i, j, k = ((ctx, int(n)) for n in rng.integers(0, per_ctx, 3))
                mx.nd.gpu_test_add(arrays[i], arrays[j], out=arrays[k])
                ref[k] = ref[i] + ref[j]
            elif kind == 3:  # an upload from the host
                ref[dst] = rng.integers(0, 256, shape, dtype=np.uint8)
                arrays[dst][:] = ref[dst]
            elif kind == 4:  # a read
                np.testing.assert_array_equal(arrays[src].asnumpy(), ref[src])
            else:            # a read of a view, through a copy to the host
                np.testing.assert_array_equal(arrays[src][3:9].copyto(mx.cpu()).asnumpy(),
                                              ref[src][3:9])
        mx.nd.waitall()
    finally:
        p.delay = None
    for s in slots:
        np.testing.assert_array_equal(arrays[s].asnumpy(), ref[s])
