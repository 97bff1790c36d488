"""Choosing kernel block sizes by timing them on the GPU.

Rationale: triton.autotune times with torch (triton.testing.do_bench), and
MX never imports torch; this times each candidate with CUDA events on the
call's stream through the driver API (ctypes over libcuda.so.1) and keeps
the fastest per key.
"""
import ctypes
import threading
from dataclasses import dataclass, field

_best = {}
_lock = threading.Lock()
_cuda = None


@dataclass(frozen=True)
class Config:
    BLOCK_M: int
    BLOCK_N: int
    BLOCK_K: int
    num_warps: int = 4
    num_stages: int = 3

    def kwargs(self):
        return dict(BLOCK_M=self.BLOCK_M, BLOCK_N=self.BLOCK_N, BLOCK_K=self.BLOCK_K, num_warps=self.num_warps,
                    num_stages=self.num_stages)


@dataclass
class _Timer:
    """CUDA events on one stream (the context is current: launch.on_stream)."""
    stream: int
    events: list = field(default_factory=list)

    def __post_init__(self):
        global _cuda
        if _cuda is None:
            _cuda = ctypes.CDLL("libcuda.so.1")
        for _ in range(2):
            event = ctypes.c_void_p()
            self._check(_cuda.cuEventCreate(ctypes.byref(event), 0))
            self.events.append(event)

    @staticmethod
    def _check(rc):
        if rc != 0:
            raise RuntimeError(f"CUDA driver error {rc} while autotuning")

    def milliseconds(self, fn, repeats=5):
        fn()  # compiles, warms up
        start, end = self.events
        stream = ctypes.c_void_p(self.stream)
        self._check(_cuda.cuEventRecord(start, stream))
        for _ in range(repeats):
            fn()
        self._check(_cuda.cuEventRecord(end, stream))
        self._check(_cuda.cuEventSynchronize(end))
        ms = ctypes.c_float()
        self._check(_cuda.cuEventElapsedTime(ctypes.byref(ms), start, end))
        return ms.value / repeats

    def close(self):
        for event in self.events:
            _cuda.cuEventDestroy_v2(event)


def tuned_config(key, configs, run, stream=0, may_time=True, timer=_Timer):
    """The fastest of `configs` for `key` (run(config) launches once); timed
    at the first call with may_time, else the first config until then.  A
    config that fails to compile or launch counts as infinitely slow."""
    with _lock:
        best = _best.get(key)
    if best is not None or not may_time or len(configs) == 1:
        return best or configs[0]
    clock = timer(stream)
    try:
        times = {}
        for config in configs:
            try:
                times[config] = clock.milliseconds(lambda: run(config))
            except Exception:  # out of resources and the like
                times[config] = float("inf")
    finally:
        clock.close()
    best = min(configs, key=lambda c: times[c])
    if times[best] == float("inf"):
        raise RuntimeError(f"no block configuration of {key[0]} compiles on this GPU")
    with _lock:
        _best[key] = best
    return best
