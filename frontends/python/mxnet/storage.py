"""Per-device memory pools: statistics and release."""
from .base import _LIB, check_call, ffi
from .context import _as_context

__all__ = ["stats", "release_all"]

_FIELDS = ("bytes_in_use", "peak_bytes_in_use", "bytes_pooled", "num_allocs", "num_frees",
           "num_system_allocs")


def stats(ctx=None):
    """The memory statistics of a device's pool as a dict (bytes, counts)."""
    ctx = _as_context(ctx)
    out = ffi.new("MXStorageStats*")
    out.struct_size = ffi.sizeof("MXStorageStats")
    check_call(_LIB.MXStorageGetStats(ctx.device_typeid, ctx.device_id, out))
    return {f: int(getattr(out, f)) for f in _FIELDS}


def release_all(ctx=None):
    """Return a device's pooled memory to the system."""
    ctx = _as_context(ctx)
    check_call(_LIB.MXStorageReleaseAll(ctx.device_typeid, ctx.device_id))
