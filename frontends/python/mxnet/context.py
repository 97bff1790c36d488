"""Devices: Context, cpu(), gpu(), and the current default context."""
import threading

from .base import check_call, ffi, _LIB

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus",
           "gpu_memory_info"]


class _ContextMeta(type):
    @property
    def default_ctx(cls):
        return current_context()

    @default_ctx.setter
    def default_ctx(cls, ctx):
        Context._default_ctx.value = ctx


class Context(metaclass=_ContextMeta):
    """A device (``cpu(0)``, ``gpu(1)``); also a ``with`` scope that makes it
    the default for arrays created inside."""

    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {"cpu": 1, "gpu": 2, "cpu_pinned": 3, "cpu_shared": 5}
    # MXNet's name: code written for it sets Context._default_ctx.value directly.
    _default_ctx = threading.local()

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            if device_type not in Context.devstr2type:
                raise ValueError("unknown device type %r (expected one of %s)"
                                 % (device_type, ", ".join(Context.devstr2type)))
            self.device_typeid = Context.devstr2type[device_type]
            self.device_id = int(device_id)
        self._old_ctx = None
        if self.device_typeid == 2 and not _gpu_kernels_tried:
            _load_gpu_kernels()

    @property
    def device_type(self):
        return Context.devtype2str[self.device_typeid]

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid
                and self.device_id == other.device_id)

    def __ne__(self, other):
        return not self == other

    def __str__(self):
        return "%s(%d)" % (self.device_type, self.device_id)

    __repr__ = __str__

    def __enter__(self):
        self._old_ctx = current_context()
        Context._default_ctx.value = self
        return self

    def __exit__(self, ptype, value, trace):
        Context._default_ctx.value = self._old_ctx

    def empty_cache(self):
        """Return this device's pooled memory to the system."""
        check_call(_LIB.MXStorageReleaseAll(self.device_typeid, self.device_id))


def cpu(device_id=0):
    """A CPU context."""
    return Context("cpu", device_id)


def cpu_pinned(device_id=0):
    """Page-locked CPU memory (for fast copies to GPUs)."""
    return Context("cpu_pinned", device_id)


def gpu(device_id=0):
    """A GPU context."""
    return Context("gpu", device_id)


def current_context():
    """The default context of this thread (``cpu(0)`` unless changed)."""
    ctx = getattr(Context._default_ctx, "value", None)
    if ctx is None:
        ctx = Context._default_ctx.value = Context("cpu", 0)
    return ctx


def num_gpus():
    """The number of GPUs MX can use: CUDA devices (through the driver,
    loaded at run time), or the emulated ones of MX_GPU_EMULATION in tests;
    0 without a driver or a device."""
    count = ffi.new("int*")
    check_call(_LIB.MXGetGPUCount(count))
    return count[0]


_gpu_kernels_tried = False


def _load_gpu_kernels():
    """Registers the Triton kernels (plugins/triton) the first time a GPU
    context is made on a machine with GPUs.  On emulated GPUs (tests) they
    run under Triton's interpreter on host memory.  Without triton, GPU ops
    fail with libmx's "no kernel" error, and a warning says why."""
    global _gpu_kernels_tried
    _gpu_kernels_tried = True
    if num_gpus() == 0:
        return
    import os
    import sys
    import warnings
    if os.environ.get("MX_GPU_EMULATION") and os.environ.get("TRITON_INTERPRET") != "1":
        # Triton reads it when a function is decorated, its own included.
        if "triton" in sys.modules:
            warnings.warn("emulated GPUs run their kernels under Triton's interpreter: set "
                          "TRITON_INTERPRET=1 before triton is imported")
        os.environ["TRITON_INTERPRET"] = "1"
    try:
        import mx_triton
        from mx_triton import plugin
        if os.environ.get("TRITON_INTERPRET") == "1":
            from mx_triton import interpreter
            interpreter.install()
        plugin.register()
    except ImportError as error:
        warnings.warn("GPU kernels are not available (%s): GPU operators will fail" % error)
        return
    del mx_triton


def gpu_memory_info(device_id=0):
    """(free, total) bytes of a GPU's memory, as the device reports them.
    Memory MX keeps pooled for reuse counts as used; ``gpu(i).empty_cache()``
    returns it."""
    free = ffi.new("uint64_t*")
    total = ffi.new("uint64_t*")
    check_call(_LIB.MXGetGPUMemoryInformation64(int(device_id), free, total))
    return (int(free[0]), int(total[0]))


def _as_context(ctx):
    if ctx is None:
        return current_context()
    if isinstance(ctx, Context):
        return ctx
    if isinstance(ctx, str):
        name, _, rest = ctx.partition("(")
        return Context(name.strip(), int(rest.rstrip(")") or 0))
    raise TypeError("expected a Context, got %r" % (ctx,))

