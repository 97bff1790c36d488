"""Throughput of common ops, side by side in one process.

One table: milliseconds per call (best of several runs) for MX, numpy and
PyTorch (CPU) when they are importable, plus raw OpenBLAS sgemm (the
scipy-openblas32 library MX links, called through ctypes) as the reference for
dot, and the ratio of MX's time to the fastest other column (below 1: MX is
faster).  A row whose MX op does not exist (yet) prints "n/a".

    python benchmarks/ops.py [--runs 5]
"""
import argparse
import ctypes
import importlib
import os
import sys
import time

import numpy as np

SOFTMAX_SHAPE = (512, 1000)
PAUSE_S = 0.15  # after each timed batch; see _interleaved_best


def _interleaved_best(calls, repeat, runs):
    """Seconds per call of each fn in calls (None stays None): the best of
    `runs` timings of `repeat` calls.  Runs alternate between the frameworks so
    that load from elsewhere on the machine hits them alike."""
    for fn in calls:
        if fn is not None:
            fn()  # warm up (allocators, op handles, thread pools)
    best = [None if fn is None else float("inf") for fn in calls]
    for _ in range(runs):
        for i, fn in enumerate(calls):
            if fn is None:
                continue
            start = time.perf_counter()
            for _ in range(repeat):
                fn()
            best[i] = min(best[i], (time.perf_counter() - start) / repeat)
            # Let the threads a framework leaves spinning go idle -- libgomp's
            # for milliseconds after a parallel region, OpenBLAS's for up to
            # 2**28 cycles after a product -- or the next framework's run
            # starts on a core they hold (MX's broadcast add read 1.9-2.6x
            # PyTorch's without the pause, 0.8x with it).
            time.sleep(PAUSE_S)
    return best


# Each benchmark: (label, inputs as numpy arrays, repeat count, flops or None).
def _benchmarks():
    rng = np.random.default_rng(0)

    def f32(*shape):
        return rng.standard_normal(shape, dtype=np.float32)

    one_m, sixteen_m = f32(1 << 20), f32(1 << 24)
    square = f32(4096, 4096)
    return [
        ("add 1M", "add", (one_m, f32(1 << 20)), 50, None),
        ("add 16M", "add", (sixteen_m, f32(1 << 24)), 5, None),
        ("exp 1M", "exp", (one_m,), 50, None),
        ("exp 16M", "exp", (sixteen_m,), 5, None),
        ("broadcast add 1024x1024 + 1024", "broadcast_add", (f32(1024, 1024), f32(1024)), 20, None),
        ("sum 4096x4096 axis=0", "sum0", (square,), 5, None),
        ("sum 4096x4096 axis=1", "sum1", (square,), 5, None),
        ("softmax 512x1000 axis=-1", "softmax", (f32(*SOFTMAX_SHAPE),), 20, None),
        ("transpose 4096x4096", "transpose", (square,), 3, None),
        ("dot 1000x1000", "dot", (f32(1000, 1000), f32(1000, 1000)), 5, 2 * 1000 ** 3),
        ("dot 1024x1024x1024", "dot", (f32(1024, 1024), f32(1024, 1024)), 5, 2 * 1024 ** 3),
    ]


# -- the frameworks: name -> (label, to_native, {op: fn}, wait) ----------------

def _mx():
    import mxnet as mx
    nd = mx.nd

    def op(name):
        return getattr(nd, name, None)  # None: not registered (yet)

    exp, sum_, softmax, transpose = op("exp"), op("sum"), op("softmax"), op("transpose")
    ops = {
        "add": lambda a, b: a + b,
        "broadcast_add": lambda a, b: nd.broadcast_add(a, b),
        "dot": lambda a, b: nd.dot(a, b),
        "exp": exp and (lambda x: exp(x)),
        "sum0": sum_ and (lambda x: sum_(x, axis=0)),
        "sum1": sum_ and (lambda x: sum_(x, axis=1)),
        "softmax": softmax and (lambda x: softmax(x, axis=-1)),
        "transpose": transpose and (lambda x: transpose(x)),
    }
    return "MX", lambda x: nd.array(x, dtype=x.dtype), ops, nd.waitall


def _numpy():
    def softmax(x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    ops = {
        "add": np.add, "broadcast_add": np.add, "exp": np.exp, "dot": np.dot,
        "sum0": lambda x: x.sum(axis=0), "sum1": lambda x: x.sum(axis=1),
        "softmax": softmax, "transpose": lambda x: np.ascontiguousarray(x.T),
    }
    return "numpy " + np.__version__, lambda x: x, ops, lambda: None


def _torch():
    torch = importlib.import_module("torch")
    ops = {
        "add": torch.add, "broadcast_add": torch.add, "exp": torch.exp, "dot": torch.mm,
        "sum0": lambda x: x.sum(dim=0), "sum1": lambda x: x.sum(dim=1),
        "softmax": lambda x: torch.softmax(x, dim=-1), "transpose": lambda x: x.t().contiguous(),
    }
    label = "PyTorch %s (%d thr)" % (torch.__version__, torch.get_num_threads())
    # Its own copy of the inputs, as MX has: sharing numpy's buffer, each of
    # its runs would start right after numpy's pass over the same memory
    # with part of it still in the L3 cache (a sum over 4096x4096 float32
    # measured ~20% faster that way).
    return label, lambda x: torch.from_numpy(x.copy()), ops, lambda: None


def _openblas():
    """Raw sgemm from the library MX links: dot only.  MX's CPU plugin keeps
    that library single-threaded (it splits products over its own pool), so
    each call here runs on as many OpenBLAS threads as MX has cores, then
    restores the setting MX made."""
    sop = importlib.import_module("scipy_openblas32")
    lib = ctypes.CDLL(os.path.join(sop.get_lib_dir(), "libscipy_openblas.so"))
    sgemm = lib.scipy_cblas_sgemm
    get_threads, set_threads = lib.scipy_openblas_get_num_threads, lib.scipy_openblas_set_num_threads
    threads = int(os.environ.get("OMP_NUM_THREADS", 0)) or len(os.sched_getaffinity(0))
    ptr, f = ctypes.c_void_p, ctypes.c_float
    row_major, no_trans = 101, 111

    def dot(a, b):
        m, k = a.shape
        n = b.shape[1]
        c = np.empty((m, n), np.float32)
        before = get_threads()
        set_threads(threads)
        try:
            sgemm(row_major, no_trans, no_trans, m, n, k, f(1.0), ptr(a.ctypes.data), k, ptr(b.ctypes.data), n,
                  f(0.0), ptr(c.ctypes.data), n)
        finally:
            set_threads(before)
        return c

    return "OpenBLAS sgemm (%d thr)" % threads, lambda x: x, {"dot": dot}, lambda: None


FRAMEWORKS = [("mx", _mx), ("numpy", _numpy), ("torch", _torch), ("openblas", _openblas)]


def _call(framework, op_key, inputs):
    """A no-argument call of one op on one framework (waiting for the result),
    or None where the framework lacks the op or it fails."""
    label, native, ops, wait = framework
    fn = ops.get(op_key)
    if fn is None:
        return None
    args = [native(x) for x in inputs]

    def call():
        fn(*args)
        wait()

    try:
        call()
    except Exception as e:  # e.g. an MX op registered before its kernel
        print("%s: %s failed: %s" % (label, op_key, str(e).splitlines()[0]), file=sys.stderr)
        return None
    return call


def _cell(seconds, flops):
    if seconds is None:
        return "n/a"
    text = "%.3f ms" % (seconds * 1e3)
    return text + (" %4.0f GF/s" % (flops / seconds / 1e9) if flops else "")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    frameworks = []
    for name, make in FRAMEWORKS:
        try:
            frameworks.append(make())
        except (ImportError, OSError) as e:
            print("%s: not importable (%s)" % (name, e), file=sys.stderr)
    width = 26
    print("%-32s" % "op" + "".join("%*s" % (width, fw[0][:width - 1]) for fw in frameworks)
          + "  MX / fastest other")
    for name, op_key, inputs, repeat, flops in _benchmarks():
        calls = [_call(fw, op_key, inputs) for fw in frameworks]
        times = _interleaved_best(calls, repeat, args.runs)
        line = "%-32s" % name + "".join("%*s" % (width, _cell(t, flops)) for t in times)
        mx_time = times[0] if frameworks and frameworks[0][0] == "MX" else None
        others = [t for t in times[1:] if t is not None]
        ratio = "%.2fx" % (mx_time / min(others)) if mx_time is not None and others else "n/a"
        print(line + "%21s" % ratio, flush=True)
    print("MXNet 1.9.1: not importable beside MX (both are `import mxnet`); compare it from an "
          "environment where it, not MX, is installed.", file=sys.stderr)


if __name__ == "__main__":
    main()
