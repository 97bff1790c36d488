"""DLPack exchange with numpy, PyTorch and anything else that speaks it,
without copies: ``mx.nd.from_dlpack``, ``to_dlpack_for_read/write``,
``mx.nd.from_numpy`` and the NDArray ``__dlpack__`` protocol methods.

A DLPack tensor travels in a PyCapsule named "dltensor"; the consumer renames
it "used_dltensor" and becomes responsible for calling the tensor's deleter.
A capsule nobody consumed calls the deleter itself when it is collected.
"""
import ctypes

import numpy as np

from ..base import _LIB, check_call, ffi

__all__ = ["from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write", "from_numpy"]

_NAME = b"dltensor"
_USED_NAME = b"used_dltensor"

_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_capsule_set_name = ctypes.pythonapi.PyCapsule_SetName
_capsule_set_name.restype = ctypes.c_int
_capsule_set_name.argtypes = [ctypes.py_object, ctypes.c_char_p]
# The destructor receives a borrowed PyObject*: separate prototypes taking a
# raw pointer, since a py_object argument would take a new reference.
_raw_is_valid = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_IsValid", ctypes.pythonapi))
_raw_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", ctypes.pythonapi))


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _capsule_destructor(capsule):
    # Still named "dltensor": nobody consumed it, so the producer (us) frees it.
    if _raw_is_valid(capsule, _NAME):
        _LIB.MXDLPackDelete(ffi.cast("struct DLManagedTensor*", _raw_pointer(capsule, _NAME)))


def _to_capsule(array, for_write):
    out = ffi.new("struct DLManagedTensor**")
    check_call(_LIB.MXNDArrayToDLPack(array.handle, 1 if for_write else 0, out))
    address = int(ffi.cast("uintptr_t", out[0]))
    return _capsule_new(address, _NAME, ctypes.cast(_capsule_destructor, ctypes.c_void_p))


def to_dlpack_for_read(data):
    """A DLPack capsule sharing data's memory, after pending writes."""
    return _to_capsule(data, for_write=False)


def to_dlpack_for_write(data):
    """A DLPack capsule sharing data's memory, after pending reads and writes."""
    return _to_capsule(data, for_write=True)


_KDLCUDA = 2


def _consumer_stream(device_id):
    """The ``stream`` MX passes to a producer's ``__dlpack__`` for a tensor
    on gpu(device_id): the GPU's compute stream (MX orders every later use
    of the imported array after it), or 1, the legacy default stream, on
    emulated GPUs, which have no CUDA stream.  Raises MXNetError naming the
    GPU when the process lacks it."""
    out = ffi.new("int64_t*")
    check_call(_LIB.MXGetGPUDLPackStream(int(device_id), out))
    return int(out[0])


def _capsule_of(obj):
    """obj's DLPack capsule by the array API's protocol: ask
    ``__dlpack_device__`` first, and for a CUDA tensor pass the stream MX
    will use it on, so the producer makes it ready there (a CPU producer
    gets no stream)."""
    device = getattr(obj, "__dlpack_device__", None)
    if device is not None:
        device_type, device_id = device()
        if device_type == _KDLCUDA:
            return obj.__dlpack__(stream=_consumer_stream(device_id))
    return obj.__dlpack__()


def from_dlpack(dlpack):
    """An NDArray sharing the memory of a DLPack capsule, or of any object
    with ``__dlpack__`` (numpy arrays, torch tensors): on cpu(0), on
    gpu(i) for a CUDA tensor, on cpu_pinned(i) for CUDA host memory.  A
    failed import leaves the capsule unconsumed (its producer frees it)."""
    from .ndarray import _new_from_handle
    capsule = _capsule_of(dlpack) if hasattr(dlpack, "__dlpack__") else dlpack
    try:
        address = _capsule_pointer(capsule, _NAME)
    except ValueError:
        raise ValueError("from_dlpack expects a DLPack capsule named 'dltensor' (unused) or an "
                         "object with __dlpack__") from None
    out = ffi.new("MXNDArrayHandle*")
    check_call(_LIB.MXNDArrayFromDLPack(ffi.cast("struct DLManagedTensor*", address), out))
    _capsule_set_name(capsule, _USED_NAME)  # MX owns the tensor now
    return _new_from_handle(out[0])


def from_numpy(ndarray, zero_copy=True):
    """An NDArray over a C-contiguous numpy array's memory (zero_copy=True;
    numpy must then not resize it) or over a copy."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError("from_numpy expects a numpy.ndarray, got %s" % type(ndarray).__name__)
    if not zero_copy:
        from .ndarray import array
        return array(ndarray, dtype=ndarray.dtype)
    if not ndarray.flags["C_CONTIGUOUS"]:
        raise ValueError("from_numpy(zero_copy=True) needs a C-contiguous array; "
                         "use np.ascontiguousarray or zero_copy=False")
    return from_dlpack(ndarray)
