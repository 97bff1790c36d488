"""DLPack exchange: zero-copy both ways with numpy (and torch when installed)."""
import ctypes
import gc

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError
from _dlpack_producer import Producer

DTYPES = [np.float32, np.float64, np.float16, np.uint8, np.int8, np.int32, np.int64, np.bool_]


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_reads_mx_memory(dtype):
    a = mx.nd.array(np.arange(6).reshape(2, 3) % 2, dtype=dtype)
    n = np.from_dlpack(a)
    assert n.dtype == np.dtype(dtype) and n.shape == (2, 3)
    np.testing.assert_array_equal(n, a.asnumpy())
    a[:] = 1  # the same memory: numpy sees the write
    np.testing.assert_array_equal(n, np.ones((2, 3), dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_mx_wraps_numpy_memory(dtype):
    x = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    a = mx.nd.from_dlpack(x)
    assert a.dtype == np.dtype(dtype).type and a.shape == (3, 4)
    x[1, 2] = 0
    np.testing.assert_array_equal(a.asnumpy(), x)
    b = mx.nd.from_numpy(x)
    b[0] = 1  # writes reach numpy's buffer
    assert (x[0] == 1).all()


def test_views_and_offsets():
    x = np.arange(20, dtype=np.float32).reshape(4, 5)
    a = mx.nd.from_dlpack(x[1:3])  # a non-zero byte offset
    np.testing.assert_array_equal(a.asnumpy(), x[1:3])
    base = mx.nd.array(np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(np.from_dlpack(base[1:3]), base.asnumpy()[1:3])
    np.testing.assert_array_equal(np.from_dlpack(base.reshape((4, 3))), base.asnumpy().reshape(4, 3))


def test_zero_size_and_scalar_shapes():
    for shape in [(0,), (2, 0), ()]:
        x = np.zeros(shape, np.float32)
        assert mx.nd.from_dlpack(x).shape == shape


def test_roundtrip_through_capsules():
    a = mx.nd.array([1, 2, 3])
    b = mx.nd.from_dlpack(a.to_dlpack_for_read())
    c = mx.nd.from_dlpack(mx.nd.to_dlpack_for_write(a))
    b[0] = 7
    assert a.asnumpy()[0] == 7 and c.asnumpy()[0] == 7
    assert a.__dlpack_device__() == (1, 0)


def test_memory_lives_while_any_side_uses_it():
    a = mx.nd.array(np.arange(1000, dtype=np.float32))
    n = np.from_dlpack(a)
    del a
    gc.collect()
    mx.nd.waitall()
    np.testing.assert_array_equal(n, np.arange(1000, dtype=np.float32))
    x = np.arange(1000, dtype=np.float64)
    b = mx.nd.from_dlpack(x)
    del x
    gc.collect()
    np.testing.assert_array_equal(b.asnumpy(), np.arange(1000, dtype=np.float64))


def test_unconsumed_capsule_is_freed():
    before = mx.storage.stats()["bytes_in_use"]
    cap = mx.nd.ones((1 << 16,)).to_dlpack_for_read()
    del cap
    gc.collect()
    mx.nd.waitall()
    assert mx.storage.stats()["bytes_in_use"] == before


def test_bad_inputs():
    with pytest.raises(MXNetError, match="compact"):
        mx.nd.from_dlpack(np.ones((4, 4))[:, ::2])
    with pytest.raises(MXNetError, match="dtype"):
        mx.nd.from_dlpack(np.ones(3, dtype=np.complex64))
    cap = mx.nd.ones((2,)).to_dlpack_for_read()
    mx.nd.from_dlpack(cap)
    with pytest.raises(ValueError):
        mx.nd.from_dlpack(cap)  # already consumed
    with pytest.raises(ValueError):
        mx.nd.from_dlpack(object())
    with pytest.raises(ValueError):
        mx.nd.from_numpy(np.ones((4, 4))[:, ::2])
    with pytest.raises(TypeError):
        mx.nd.from_numpy([1, 2])
    x = np.ones((3, 3))
    a = mx.nd.from_dlpack(x)  # a failed import above left MX and numpy working
    assert float(a.asnumpy().sum()) == 9.0


def test_torch_zero_copy_both_ways():
    torch = pytest.importorskip("torch")
    a = mx.nd.array([[1, 2], [3, 4]])
    t = torch.from_dlpack(a)
    t[0, 0] = 10
    assert a.asnumpy()[0, 0] == 10
    u = torch.arange(6, dtype=torch.int32).reshape(2, 3)
    b = mx.nd.from_dlpack(u)
    u[1, 2] = -1
    assert b.dtype == np.int32 and b.asnumpy()[1, 2] == -1


def _tensor_of(capsule):
    """The DLTensor inside an unconsumed capsule, writable."""
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    ffi = mx._ffi.declare_plugin_abi()
    return ffi.cast("DLManagedTensor*", get(capsule, b"dltensor")).dl_tensor


def test_cuda_host_memory_is_imported_as_cpu_pinned():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    capsule = x.__dlpack__()
    _tensor_of(capsule).device.device_type = 3  # kDLCUDAHost: page-locked host memory
    a = mx.nd.from_dlpack(capsule)
    assert a.context == mx.cpu_pinned(0) and "@cpu_pinned(0)" in repr(a)
    x[0, 0] = 9  # zero-copy
    np.testing.assert_array_equal((a + 1).asnumpy(), x + 1)


def test_tensors_on_a_gpu_the_process_lacks_are_refused_unconsumed():
    gpu = mx.context.num_gpus()  # the first id this process lacks
    x = np.arange(3, dtype=np.float64)
    # By the protocol: refused before the producer exports anything.
    producer = Producer(None, (2, gpu))
    with pytest.raises(MXNetError, match=r"gpu\(%d\) is not available" % gpu):
        mx.nd.from_dlpack(producer)
    assert producer.calls == ["device"]
    # By capsule: refused, and the capsule stays the producer's.
    capsule = x.__dlpack__()
    tensor = _tensor_of(capsule)
    tensor.device.device_type, tensor.device.device_id = 2, gpu
    with pytest.raises(MXNetError, match=r"cannot import a DLPack tensor on gpu\(%d\)" % gpu) as info:
        mx.nd.from_dlpack(capsule)
    assert isinstance(info.value, NotImplementedError)
    tensor.device.device_type = 4  # kDLOpenCL
    with pytest.raises(MXNetError, match=r"device type 4: only CPU \(1\), CUDA \(2\) and CUDA host \(3\)"):
        mx.nd.from_dlpack(capsule)
    tensor.device.device_type, tensor.device.device_id = 1, 0
    np.testing.assert_array_equal(mx.nd.from_dlpack(capsule).asnumpy(), x)  # still importable
    # A CPU producer is asked for its device, then exports with no stream.
    cpu = Producer(x.__dlpack__(), (1, 0))
    np.testing.assert_array_equal(mx.nd.from_dlpack(cpu).asnumpy(), x)
    assert cpu.calls == ["device", {}]
