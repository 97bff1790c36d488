"""Pooled CPU storage: alignment, statistics, reuse and release."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import _LIB, check_call, ffi


def _address(arr):
    out = ffi.new("void**")
    check_call(_LIB.MXNDArrayGetData(arr.handle, out))
    return int(ffi.cast("uintptr_t", out[0]))


@pytest.mark.parametrize("nbytes", [1, 3, 63, 64, 65, 4095, 4097, 1 << 20])
@pytest.mark.parametrize("dtype", [np.uint8, np.float16, np.float64])
def test_buffers_are_64_byte_aligned(nbytes, dtype):
    n = max(1, nbytes // np.dtype(dtype).itemsize)
    arrays = [mx.nd.empty((n,), dtype=dtype) for _ in range(4)]
    for arr in arrays:
        assert _address(arr) % 64 == 0


def test_freed_buffers_are_reused_and_released():
    mx.nd.waitall()
    mx.storage.release_all()
    before = mx.storage.stats()
    arr = mx.nd.empty((1 << 18,))  # 1 MiB
    during = mx.storage.stats()
    assert during["bytes_in_use"] - before["bytes_in_use"] >= 1 << 20
    assert during["peak_bytes_in_use"] >= during["bytes_in_use"]
    del arr
    mx.nd.waitall()
    after = mx.storage.stats()
    assert after["bytes_in_use"] == before["bytes_in_use"]
    assert after["bytes_pooled"] >= 1 << 20
    system_allocs = after["num_system_allocs"]
    again = mx.nd.empty((1 << 18,))  # served from the pool
    assert mx.storage.stats()["num_system_allocs"] == system_allocs
    del again
    mx.nd.waitall()
    mx.storage.release_all()
    assert mx.storage.stats()["bytes_pooled"] == 0


def test_views_share_the_buffer():
    base = mx.nd.zeros((4, 3))
    view = base[1:3]
    assert _address(view) == _address(base) + 3 * 4
    assert _address(base.reshape((12,))) == _address(base)
