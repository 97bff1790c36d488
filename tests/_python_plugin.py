"""A plugin written in Python for tests (mx.library.register): kernels are
cffi callbacks that compute with numpy on the memory a DLTensor points to --
host memory, so GPU kernels only on emulated GPUs (MX_GPU_EMULATION)."""
import threading

import numpy as np

import mxnet as mx

# DLPack (code, bits) -> numpy.
NP_DTYPES = {(2, 16): np.float16, (2, 32): np.float32, (2, 64): np.float64,
             (1, 8): np.uint8, (0, 8): np.int8, (0, 32): np.int32, (0, 64): np.int64,
             (6, 8): np.bool_}

K_DL_CPU, K_DL_CUDA = 1, 2


def numpy_view(ffi, t):
    """A numpy array over a DLTensor's (host) memory."""
    shape = tuple(t.shape[i] for i in range(t.ndim))
    dtype = np.dtype(NP_DTYPES[(t.dtype.code, t.dtype.bits)])
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if size == 0:
        return np.empty(shape, dtype)
    return np.frombuffer(ffi.buffer(t.data, size), dtype=dtype).reshape(shape)


class PythonTestPlugin:
    """Registers the op gpu_test_cpu_only_double (y = 2x) with only a CPU
    kernel, and gpu_test_add (lhs + rhs) with a CPU kernel and, given
    gpu_kernels, a kDLCUDA one (every dtype).
    The attributes steer and record the GPU kernel's calls."""

    def __init__(self, gpu_kernels):
        self.ffi = mx._ffi.declare_plugin_abi()
        self.gpu_kernels = gpu_kernels
        self.keep = []          # everything libmx points to, for the life of the process
        self.calls = []         # (thread id, stream, [(device type, id)] of the tensors)
        self.fail_with = []     # a message here: the next call fails with it
        self.gate = None        # a threading.Event the next call waits for (30 s at most)
        self.gate_timed_out = False
        self.delay = None       # a function giving seconds to sleep in each call
        self.host = None
        mx.library.register("gpu_device_test", self._init)

    def _gpu_add(self, call):
        tensors = [call.inputs[i] for i in range(call.num_inputs)] + [call.outputs[0]]
        self.calls.append((threading.get_ident(), int(self.ffi.cast("uintptr_t", call.stream)),
                           [(int(t.device.device_type), t.device.device_id) for t in tensors]))
        if self.gate is not None:
            gate, self.gate = self.gate, None
            self.gate_timed_out = not gate.wait(30)
        if self.delay is not None:
            threading.Event().wait(self.delay())
        if self.fail_with:
            self.host.set_error(self.fail_with.pop().encode())
            return -1
        out = numpy_view(self.ffi, call.outputs[0])
        out[...] = numpy_view(self.ffi, call.inputs[0]) + numpy_view(self.ffi, call.inputs[1])
        return 0

    def _cpu_add(self, call):
        out = numpy_view(self.ffi, call.outputs[0])
        out[...] = numpy_view(self.ffi, call.inputs[0]) + numpy_view(self.ffi, call.inputs[1])
        return 0

    def _cpu_double(self, call):
        numpy_view(self.ffi, call.outputs[0])[...] = numpy_view(self.ffi, call.inputs[0]) * 2
        return 0

    @staticmethod
    def _same_shape(attrs, num_attrs, num_inputs, in_shapes, in_ndims, num_outputs,
                    out_shapes, out_ndims, op_data):
        out_ndims[0] = in_ndims[0]
        for i in range(in_ndims[0]):
            out_shapes[0][i] = in_shapes[0][i]
        return 0

    def _kernel_desc(self, op_name, device_type, fn):
        f = self.ffi
        callback = f.callback("MXKernelFn", fn, error=-1)
        name = f.new("char[]", op_name.encode())
        desc = f.new("MXKernelDesc*")
        desc.struct_size = f.sizeof("MXKernelDesc")
        desc.abi_major = 1
        desc.op_name = name
        desc.device_type = device_type
        desc.num_dtypes = 0  # every dtype
        desc.fn = callback
        self.keep += [callback, name, desc]
        return desc

    def _define_op(self, host, name, input_names):
        """An op whose output has input 0's shape and dtype."""
        f = self.ffi
        op_name = f.new("char[]", name.encode())
        names = [f.new("char[]", n.encode()) for n in input_names]
        inputs = f.new("const char*[]", names)
        infer_shape = f.callback("MXInferShapeFn", self._same_shape, error=-1)
        self.keep += [op_name, names, inputs, infer_shape]
        op = f.new("MXOpDesc*")
        op.struct_size = f.sizeof("MXOpDesc")
        op.abi_major = 1
        op.name = op_name
        op.num_inputs = len(input_names)
        op.input_names = inputs
        op.num_outputs = 1
        op.infer_shape = infer_shape
        self.keep.append(op)
        return host.register_op(op)

    def _init(self, host, abi_version):
        self.host = host
        if self._define_op(host, "gpu_test_cpu_only_double", ["data"]) != 0:
            return -1
        if self._define_op(host, "gpu_test_add", ["lhs", "rhs"]) != 0:
            return -1
        for name, fn in (("gpu_test_cpu_only_double", self._cpu_double),
                         ("gpu_test_add", self._cpu_add)):
            if host.register_kernel(self._kernel_desc(name, K_DL_CPU, fn)) != 0:
                return -1
        if not self.gpu_kernels:
            return 0
        return host.register_kernel(self._kernel_desc("gpu_test_add", K_DL_CUDA, self._gpu_add))
