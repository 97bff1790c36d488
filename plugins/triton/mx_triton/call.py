"""The call object every launcher receives.

Plain Python, so the glue (cffi callbacks over plugin.h's MXKernelCall) and
the tests (host arrays under TRITON_INTERPRET=1) build it the same way.
"""
from dataclasses import dataclass, field
from math import prod

# numpy-style dtype names and their sizes in bytes.
ITEMSIZE = {
    "float32": 4, "float64": 8, "float16": 2, "bfloat16": 2,
    "uint8": 1, "int8": 1, "int32": 4, "int64": 8, "bool": 1,
}


def contiguous_strides(shape):
    """Row-major strides, in elements, of a compact tensor of `shape`."""
    strides, step = [], 1
    for d in reversed(shape):
        strides.append(step)
        step *= max(d, 1)
    return tuple(reversed(strides))


class TensorView:
    """A borrowed tensor: a device address, its shape, strides (in elements)
    and dtype name.  Triton takes it as a pointer argument: it has
    `data_ptr()` and a `dtype` string (Triton canonicalises 'float32' to
    fp32 and so on)."""

    __slots__ = ("ptr", "shape", "strides", "dtype", "device_id")

    def __init__(self, ptr, shape, dtype, strides=None, device_id=0):
        if dtype not in ITEMSIZE:
            raise ValueError(f"unsupported dtype {dtype!r}")
        self.ptr = int(ptr)
        self.shape = tuple(int(d) for d in shape)
        self.strides = contiguous_strides(self.shape) if strides is None else tuple(int(s) for s in strides)
        self.dtype = dtype
        self.device_id = device_id

    def data_ptr(self):
        return self.ptr

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def numel(self):
        return prod(self.shape)

    def is_contiguous(self):
        return all(s == c for d, s, c in zip(self.shape, self.strides, contiguous_strides(self.shape)) if d != 1)

    def __repr__(self):
        return f"TensorView({self.dtype}, shape={self.shape}, strides={self.strides})"

    # Under TRITON_INTERPRET=1 (tests, the emulated GPU) the memory is the
    # host's and Triton's interpreter asks tensor arguments for torch's
    # storage API to copy them to the host and back: every copy is the identity.
    def untyped_storage(self):
        return self

    def cpu(self):
        return self

    def copy_(self, other):
        return self

    def new_empty(self, *args, **kwargs):
        return self

    def set_(self, storage, offset, size, stride):
        return self

    def storage_offset(self):
        return 0

    def size(self):
        return self.shape

    def stride(self):
        return self.strides


@dataclass
class Call:
    """One kernel invocation (plugin.h's MXKernelCall, parsed).

    op:      the canonical name of the op being run.
    inputs, outputs: TensorViews; outputs arrive allocated with the shapes and
             dtypes the op's semantics (ops/) decided.
    req:     per output, MXNet's OpReqType: 'null', 'write', 'inplace', 'add'.
    attrs:   parameter name -> value, every parameter of the op present with
             defaults filled in: int, float, bool, tuple (None entries where
             MXNet allows them), None, or a str (enum choices, dtype names).
    stream:  the CUstream handle to launch on (0: the default stream).
    seed:    per call, for the random ops.
    is_train: training mode (Dropout-style ops).
    workspace: a uint8 TensorView of the scratch bytes the kernel asked for
             (registry.register's workspace), or None.
    """

    op: str
    inputs: list
    outputs: list
    req: list = None
    attrs: dict = field(default_factory=dict)
    stream: int = 0
    seed: int = 0
    is_train: bool = False
    workspace: TensorView = None

    def __post_init__(self):
        if self.req is None:
            self.req = ["write"] * len(self.outputs)
