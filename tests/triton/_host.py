"""Tensors for running mx_triton's launchers without a GPU.

Under TRITON_INTERPRET=1 Triton runs kernels on the host, reading memory
through raw addresses, so numpy arrays serve as device memory.  The
interpreter asks its tensor arguments for a torch-like storage API
(triton/runtime/interpreter.py, GridExecutor._init_args_hst) to copy them to
the host and back; for host memory every copy is the identity.

With MX_TEST_GPU=1 the same tests run on a real GPU: arrays are copied to
device memory (the CUDA driver through ctypes) and back.
"""
import ctypes
import os

import numpy as np

from mx_triton import TensorView

ON_GPU = os.environ.get("MX_TEST_GPU") == "1"


class HostTensor(TensorView):
    """A TensorView of a numpy array (which it keeps alive)."""

    __slots__ = ("array",)

    def __init__(self, array, dtype, shape=None, strides=None):
        itemsize = array.dtype.itemsize
        super().__init__(array.ctypes.data, array.shape if shape is None else shape, dtype,
                         tuple(s // itemsize for s in array.strides) if strides is None else strides)
        self.array = array


# -- numpy <-> the dtypes numpy lacks ---------------------------------------

def storage_dtype(dtype):
    return np.uint16 if dtype == "bfloat16" else np.dtype(dtype)


def to_storage(values, dtype):
    """float values -> an array holding them in `dtype` (bfloat16 as uint16
    bits, rounded to nearest even)."""
    if dtype == "bfloat16":
        bits = np.asarray(values, np.float32).view(np.uint32).astype(np.uint64)
        rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
        nan = np.isnan(np.asarray(values, np.float32))
        return np.where(nan, 0x7FC0, rounded).astype(np.uint16)
    return np.asarray(values).astype(dtype)


def from_storage(array, dtype):
    """An array in `dtype` storage -> its values as numpy (bfloat16 as float32)."""
    if dtype == "bfloat16":
        return (array.astype(np.uint32) << 16).view(np.float32)
    return array


# -- device memory ------------------------------------------------------------

class Device:
    """Where test tensors live: host memory under the interpreter, or GPU
    memory (MX_TEST_GPU=1) allocated with the CUDA driver API."""

    def __init__(self):
        self.keep = []
        if ON_GPU:
            self.cuda = ctypes.CDLL("libcuda.so.1")
            self._check(self.cuda.cuInit(0))
            import triton
            triton.runtime.driver.active.set_current_device(0)  # the primary context

    def _check(self, rc):
        if rc != 0:
            raise RuntimeError(f"CUDA driver error {rc}")

    def tensor(self, array, dtype, shape=None, strides=None):
        """A view of `array` (already in dtype's storage) on the test device."""
        array = np.ascontiguousarray(array) if strides is None else array
        if not ON_GPU:
            self.keep.append(array)
            return HostTensor(array, dtype, shape, strides)
        ptr = ctypes.c_uint64()
        self._check(self.cuda.cuMemAlloc_v2(ctypes.byref(ptr), ctypes.c_size_t(max(array.nbytes, 1))))
        self._check(self.cuda.cuMemcpyHtoD_v2(ptr, array.ctypes.data_as(ctypes.c_void_p),
                                              ctypes.c_size_t(array.nbytes)))
        view = TensorView(ptr.value, array.shape if shape is None else shape, dtype,
                          strides=None if strides is None else strides)
        self.keep.append((view, array))
        return view

    def read(self, view, like):
        """The contents of `view` as an array shaped and typed as `like`."""
        if not ON_GPU:
            return view.array
        self._check(self.cuda.cuCtxSynchronize())
        result = np.empty_like(like)
        self._check(self.cuda.cuMemcpyDtoH_v2(result.ctypes.data_as(ctypes.c_void_p), ctypes.c_uint64(view.ptr),
                                              ctypes.c_size_t(result.nbytes)))
        return result

    def free(self):
        if ON_GPU:
            for view, _ in self.keep:
                self.cuda.cuMemFree_v2(ctypes.c_uint64(view.ptr))
        self.keep.clear()
