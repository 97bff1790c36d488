"""DLPack with GPUs: CUDA tensors enter MX without copies (on gpu(i)), by
capsule or by the array API's protocol (``__dlpack_device__`` first, then
``__dlpack__(stream=...)`` with the stream MX will use the tensor on), and
MX's GPU arrays round-trip through capsules sharing memory."""
import ctypes
import gc
import os

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError, ffi
from mxnet.ndarray import dlpack as mx_dlpack
from _arrays import DTYPES
from _dlpack_producer import Producer

NUM_GPUS = mx.context.num_gpus()
EMULATED = bool(os.environ.get("MX_GPU_EMULATION"))
emulated_only = pytest.mark.skipif(not EMULATED, reason="needs MX_GPU_EMULATION (numpy memory as GPU memory)")

_get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_pointer.restype, _get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]


def tensor_of(capsule):
    """The DLTensor inside an unconsumed capsule, writable."""
    mx._ffi.declare_plugin_abi()
    return ffi.cast("DLManagedTensor*", _get_pointer(capsule, b"dltensor")).dl_tensor


def address(arr):
    out = ffi.new("void**")
    mx.base.check_call(mx.base._LIB.MXNDArrayGetData(arr.handle, out))
    return int(ffi.cast("uintptr_t", out[0]))


def still_works():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal((mx.nd.array(x, ctx=mx.gpu(0)) + 1).asnumpy(), x + 1)


@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip_shares_memory(dtype):
    for dev in range(NUM_GPUS):
        x = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
        a = mx.nd.array(x, ctx=mx.gpu(dev), dtype=dtype)
        b = mx.nd.from_dlpack(a.to_dlpack_for_write())
        assert (b.context, b.dtype, b.shape) == (mx.gpu(dev), np.dtype(dtype).type, (3, 4))
        assert address(b) == address(a)
        np.testing.assert_array_equal(b.asnumpy(), x)
        b[1] = 1  # through the import ...
        b.wait_to_read()
        x[1] = 1
        np.testing.assert_array_equal(a.asnumpy(), x)  # ... seen by the original
        a[0:2] = 0  # and back
        a.wait_to_read()
        x[0:2] = 0
        np.testing.assert_array_equal(b.asnumpy(), x)


def test_views_and_shapes():
    base = mx.nd.array(np.arange(20, dtype=np.float32).reshape(4, 5), ctx=mx.gpu(0))
    view = mx.nd.from_dlpack(base[1:3])  # the protocol, and a view's offset
    assert view.context == mx.gpu(0) and address(view) == address(base) + 5 * 4
    np.testing.assert_array_equal(view.asnumpy(), base.asnumpy()[1:3])
    for shape in [(), (0,), (2, 0, 3)]:
        a = mx.nd.zeros(shape, ctx=mx.gpu(0))
        assert mx.nd.from_dlpack(a).shape == shape


def test_imported_arrays_compute_and_copy():
    a = mx.nd.array(np.arange(6, dtype=np.float32), ctx=mx.gpu(0))
    b = mx.nd.from_dlpack(a)
    np.testing.assert_array_equal((b * 2 + a).asnumpy(), np.arange(6) * 3)
    np.testing.assert_array_equal(b.copyto(mx.gpu(NUM_GPUS - 1)).asnumpy(), np.arange(6))
    np.testing.assert_array_equal(b.as_in_context(mx.cpu()).asnumpy(), np.arange(6))


def test_the_protocol_asks_the_device_then_passes_mx_stream():
    for dev in range(NUM_GPUS):
        a = mx.nd.array([1.0, 2.0], ctx=mx.gpu(dev))
        producer = Producer(a.to_dlpack_for_read(), (2, dev))
        b = mx.nd.from_dlpack(producer)
        stream = mx_dlpack._consumer_stream(dev)
        assert producer.calls == ["device", {"stream": stream}]
        # Emulated GPUs have no CUDA stream: the legacy default one (1);
        # on CUDA, gpu(dev)'s compute stream (a pointer, > 2).
        assert stream == 1 if EMULATED else stream > 2
        np.testing.assert_array_equal(b.asnumpy(), [1, 2])
    # A CPU producer gets no stream (the protocol allows only None there).
    cpu = Producer(np.arange(3.0).__dlpack__(), (1, 0))
    assert mx.nd.from_dlpack(cpu).context == mx.cpu() and cpu.calls == ["device", {}]
    # MX's own GPU arrays take any stream: their export waits for the device.
    a = mx.nd.ones((2,), ctx=mx.gpu(0))
    np.testing.assert_array_equal(mx.nd.from_dlpack(a.__dlpack__(stream=12345)).asnumpy(), [1, 1])


def test_work_on_the_consumer_stream_is_ordered_before_later_use():
    # A CUDA producer hands over a tensor whose writes may still run on the
    # stream MX passed: here a kernel on gpu(0)'s compute stream, enqueued
    # at once (its inputs are ready).  The copy that reads the import runs
    # on the copy stream and must come after it.
    n = 1 << 16
    x = mx.nd.ones((n,), ctx=mx.gpu(0))
    a = mx.nd.zeros((n,), ctx=mx.gpu(0))
    capsule = a.to_dlpack_for_write()
    x.wait_to_read()
    mx.nd.elemwise_add(x, x, out=a)  # enqueued during the call: nothing it uses is pending
    b = mx.nd.from_dlpack(Producer(capsule, (2, 0)))
    np.testing.assert_array_equal(b.asnumpy(), np.full(n, 2, np.float32))


def test_a_gpu_the_process_lacks_is_a_clear_error():
    a = mx.nd.array([1.0, 2.0, 3.0], ctx=mx.gpu(0))
    mx.nd.waitall()
    in_use = mx.storage.stats(mx.gpu(0))["bytes_in_use"]
    # By the protocol: refused before the producer exports anything.
    producer = Producer(None, (2, NUM_GPUS))
    with pytest.raises(MXNetError, match=r"gpu\(%d\) is not available" % NUM_GPUS):
        mx.nd.from_dlpack(producer)
    assert producer.calls == ["device"]
    # By capsule: refused, and the capsule stays the producer's.
    capsule = a.to_dlpack_for_read()
    tensor_of(capsule).device.device_id = NUM_GPUS
    with pytest.raises(MXNetError, match=r"cannot import a DLPack tensor on gpu\(%d\): gpu\(%d\) is not "
                       r"available" % (NUM_GPUS, NUM_GPUS)):
        mx.nd.from_dlpack(capsule)
    tensor_of(capsule).device.device_id = -1
    with pytest.raises(MXNetError, match="negative device id"):
        mx.nd.from_dlpack(capsule)
    tensor_of(capsule).device.device_id = 0  # still unconsumed: importable
    np.testing.assert_array_equal(mx.nd.from_dlpack(capsule).asnumpy(), [1, 2, 3])
    # An unconsumed capsule frees its export when collected: nothing leaks.
    capsule = a.to_dlpack_for_read()
    tensor_of(capsule).device.device_id = NUM_GPUS
    with pytest.raises(MXNetError):
        mx.nd.from_dlpack(capsule)
    del a, capsule
    gc.collect()
    mx.nd.waitall()
    assert mx.storage.stats(mx.gpu(0))["bytes_in_use"] == in_use - 256  # a's buffer, freed
    still_works()


@emulated_only
def test_strided_cuda_tensors_are_rejected_as_on_the_cpu():
    # numpy memory stands for device memory on an emulated GPU.
    x = np.arange(16, dtype=np.float32).reshape(4, 4)
    capsule = x[:, ::2].__dlpack__()
    tensor_of(capsule).device.device_type = 2
    with pytest.raises(MXNetError, match="not compact row-major"):
        mx.nd.from_dlpack(capsule)
    capsule = x[1:].__dlpack__()  # compact: imported as gpu(0) memory
    tensor_of(capsule).device.device_type = 2
    b = mx.nd.from_dlpack(capsule)
    assert b.context == mx.gpu(0)
    np.testing.assert_array_equal((b + 1).asnumpy(), x[1:] + 1)
    still_works()
