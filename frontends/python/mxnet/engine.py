"""The dependency engine, as seen from Python."""
import contextlib
import threading

from .base import _LIB, check_call, ffi, py_str
from .context import _as_context

__all__ = ["engine_type", "push", "bulk", "set_bulk_size"]


def engine_type():
    """'ThreadedEngine' or 'NaiveEngine' (set by MXNET_ENGINE_TYPE)."""
    out = ffi.new("const char**")
    check_call(_LIB.MXEngineGetType(out))
    return py_str(out[0])


_pending = {}


@ffi.callback("int(void*)")
def _run(param):
    fn = ffi.from_handle(param)
    try:
        fn()
        return 0
    except BaseException as e:  # reported through the engine, raised at the next wait
        _LIB.MXSetLastError(11, ("%s: %s" % (type(e).__name__, e)).encode("utf-8", "replace"))
        return -1


@ffi.callback("void(void*)")
def _release(param):
    _pending.pop(param, None)


def push(fn, const_arrays=(), mutable_arrays=(), ctx=None, name="python"):
    """Run fn() on an engine worker after earlier writes to const_arrays and
    earlier reads and writes of mutable_arrays.  An exception in fn is stored
    on mutable_arrays and raised by the next wait on them."""
    ctx = _as_context(ctx)
    handle = ffi.new_handle(fn)
    _pending[handle] = handle
    c_const = ffi.new("MXNDArrayHandle[]", [a.handle for a in const_arrays]) if const_arrays else ffi.NULL
    c_mut = ffi.new("MXNDArrayHandle[]", [a.handle for a in mutable_arrays]) if mutable_arrays else ffi.NULL
    ret = _LIB.MXEnginePushSync(_run, handle, _release, ctx.device_typeid, ctx.device_id,
                                c_const, len(const_arrays), c_mut, len(mutable_arrays), name.encode())
    if ret != 0:
        _pending.pop(handle, None)
        check_call(ret)


# MX runs each op as it is pushed; the bulk size is only remembered, per
# thread as in MXNet, so code that saves and restores it keeps working.
_bulk = threading.local()


def set_bulk_size(size):
    """Sets this thread's bulk size and returns the previous one (0 at first).
    Kept for MXNet compatibility: MX does not bulk ops, so it has no effect."""
    previous = getattr(_bulk, "size", 0)
    _bulk.size = int(size)
    return previous


@contextlib.contextmanager
def bulk(size):
    """Sets the bulk size inside the block (no effect on execution in MX)."""
    previous = set_bulk_size(size)
    try:
        yield
    finally:
        set_bulk_size(previous)
