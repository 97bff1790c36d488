"""mx_triton as an MX plugin: every kernel registered for the GPU through
plugin.h (``mx.library.register``), each MXKernelCall turned into a Call.

Rationale: the kernels stay plain Python over `Call` (call.py) so the tests
can run them without libmx; this file is the only one that knows plugin.h.
"""
import threading

import numpy as np

from .call import Call, TensorView
from .registry import KernelError, kernels

NAME = "mx_triton"
_K_DL_CUDA = 2
# DLPack (code, bits) -> dtype name.
_DL_DTYPES = {(2, 32): "float32", (2, 64): "float64", (2, 16): "float16", (4, 16): "bfloat16",
              (0, 8): "int8", (0, 32): "int32", (0, 64): "int64", (1, 8): "uint8", (6, 8): "bool"}
_REQ = ["null", "write", "inplace", "add"]
_ATTR_BOOL, _ATTR_INT, _ATTR_FLOAT, _ATTR_STRING = 1, 2, 3, 4
_ATTR_INT_TUPLE, _ATTR_FLOAT_TUPLE, _ATTR_DTYPE, _ATTR_ENUM = 5, 6, 7, 8
_NONE_INT = -(2 ** 63)

_MX_DTYPES = {}  # MX dtype code -> name, from mxnet's table (filled by _init)
_lock = threading.Lock()
_keep = []  # descriptors, names and callbacks live as long as the process


def register():
    """Registers the kernels with libmx, once (later calls do nothing)."""
    import mxnet as mx
    with _lock:
        if not _keep:
            mx.library.register(NAME, _init)


def _tensor(ffi, t):
    shape = tuple(t.shape[d] for d in range(t.ndim))
    strides = None if t.strides == ffi.NULL else tuple(t.strides[d] for d in range(t.ndim))
    dtype = _DL_DTYPES.get((t.dtype.code, t.dtype.bits))
    if dtype is None:
        raise KernelError(f"unsupported DLPack dtype (code {t.dtype.code}, {t.dtype.bits} bits)")
    ptr = int(ffi.cast("uintptr_t", t.data)) + t.byte_offset
    return TensorView(ptr, shape, dtype, strides, t.device.device_id)


def _attr(ffi, a):
    if a.is_none:
        return None
    kind = a.kind
    if kind == _ATTR_BOOL:
        return bool(a.i)
    if kind == _ATTR_INT:
        return int(a.i)
    if kind == _ATTR_FLOAT:
        return float(a.f)
    if kind == _ATTR_INT_TUPLE:
        return tuple(None if a.ints[k] == _NONE_INT else int(a.ints[k]) for k in range(a.len))
    if kind == _ATTR_FLOAT_TUPLE:
        return tuple(float(a.floats[k]) for k in range(a.len))
    if kind == _ATTR_DTYPE:
        return _MX_DTYPES.get(a.i)
    return ffi.string(a.s).decode() if a.s != ffi.NULL else None  # STRING, ENUM


def to_call(ffi, op, c):
    """The Call of one MXKernelCall* for op (a canonical name mx_triton knows)."""
    has_is_train = c.struct_size >= ffi.offsetof("MXKernelCall", "is_train") + 4
    return Call(
        op=op,
        inputs=[_tensor(ffi, c.inputs[i]) for i in range(c.num_inputs)],
        outputs=[_tensor(ffi, c.outputs[k]) for k in range(c.num_outputs)],
        req=[_REQ[c.req[k]] for k in range(c.num_outputs)],
        attrs={ffi.string(c.attrs[k].name).decode(): _attr(ffi, c.attrs[k])
               for k in range(c.num_attrs)},
        stream=int(ffi.cast("uintptr_t", c.stream)),
        seed=int(c.seed),
        is_train=bool(c.is_train) if has_is_train else False,
        workspace=_workspace(ffi, c))


def _workspace(ffi, c):
    if c.workspace == ffi.NULL:
        return None
    return TensorView(int(ffi.cast("uintptr_t", c.workspace)), (c.workspace_size,), "uint8",
                      device_id=c.outputs[0].device.device_id if c.num_outputs else 0)


# The Call a workspace function parsed, per thread: libmx calls that
# kernel next, on the same thread, with the same MXKernelCall (its workspace
# now filled in), so the kernel takes it instead of parsing the frame again.
# Only kernels with a workspace function look here: each of their calls is
# sized first, so what they find is their own.
_sized = threading.local()


def _kernel_fn(ffi, host, op, sized_first):
    from . import run

    def fn(c):
        try:
            sized = getattr(_sized, "call", None) if sized_first else None
            if sized is not None and sized[0] == c:
                _sized.call = None
                call = sized[1]
                call.workspace = _workspace(ffi, c)
            else:
                call = to_call(ffi, op, c)
            run(call)
            return 0
        except Exception as e:  # every failure goes back through the host table
            message = str(e) if isinstance(e, KernelError) else f"{type(e).__name__}: {e}"
            host.set_error(message.encode("utf-8", "replace"))
            return -1
    return ffi.callback("MXKernelFn", fn, error=-1)


def _workspace_fn(ffi, kernel):
    def size(c):
        # No error channel here: a call this cannot size gets none, and the
        # kernel then reports what it lacks.
        _sized.call = None
        try:
            call = to_call(ffi, kernel.op, c)
            _sized.call = (c, call)
            return kernel.workspace(call)
        except Exception:
            return 0
    return ffi.callback("MXWorkspaceFn", size, error=0)


def _init(host, abi_version):
    """mx_plugin_init for the Triton kernels: one kDLCUDA kernel per op that
    libmx defines (ops mx_triton knows but this libmx lacks are skipped)."""
    import mxnet as mx
    from mxnet._ffi import declare_plugin_abi
    ffi = declare_plugin_abi()
    _MX_DTYPES.update((code, np.dtype(t).name) for code, t in mx.base._DTYPE_MX_TO_NP.items()
                      if t is not None)
    if abi_version // 1000 != host.abi_major or host.abi_major != 1:
        return -3  # MX_PLUGIN_ERROR_ABI
    seen = set()
    handle = mx.base.ffi.new("MXOpHandle*")
    for kernel in kernels():
        if mx.base._LIB.MXGetOpHandle(kernel.op.encode(), handle) != 0:
            continue
        if handle[0] in seen:  # another name of an op already covered
            continue
        seen.add(handle[0])
        codes = [code for code, name in _MX_DTYPES.items() if name in kernel.dtypes]
        if not codes:  # only dtypes MX arrays cannot have (bfloat16)
            continue
        name = ffi.new("char[]", kernel.op.encode())
        dtypes = ffi.new("int32_t[]", codes)
        callback = _kernel_fn(ffi, host, kernel.op, kernel.workspace is not None)
        desc = ffi.new("MXKernelDesc*")
        desc.struct_size = ffi.sizeof("MXKernelDesc")
        desc.abi_major = host.abi_major
        desc.op_name = name
        desc.device_type = _K_DL_CUDA
        desc.dtypes = dtypes
        desc.num_dtypes = len(codes)
        desc.fn = callback
        _keep.extend((name, dtypes, desc, callback))
        if kernel.workspace is not None:
            size = _workspace_fn(ffi, kernel)
            desc.workspace = size
            _keep.append(size)
        if host.register_kernel(desc) != 0:
            return -1
    return 0
