"""Cost of dispatching small imperative ops, side by side in one process.

Prints microseconds per `c = a + b` on 2x2 arrays (N times, one wait at the
end), per `c = a * 2.0`, and milliseconds per 1M-element add, for MX, numpy,
PyTorch (CPU) and MXNet 1.9.1 when they are importable, with ratios to MX.

    python benchmarks/dispatch.py [--repeat 10000]
"""
import argparse
import importlib
import sys
import time

import numpy as np


def _best_of(fn, runs=5):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _framework(name):
    """(label, make array from numpy, wait-all) of an importable framework."""
    if name == "mx":
        import mxnet as mx
        return "MX", lambda x: mx.nd.array(x, dtype=x.dtype), mx.nd.waitall
    if name == "numpy":
        return "numpy", lambda x: x.copy(), lambda: None
    if name == "torch":
        torch = importlib.import_module("torch")
        return "PyTorch " + torch.__version__, torch.from_numpy, lambda: None
    if name == "mxnet191":
        # Real MXNet 1.9.1 would import as `mxnet` too; it can only be compared
        # from an environment where it, not MX, is installed.
        return None
    return None


def measure(name, repeat):
    fw = _framework(name)
    if fw is None:
        return None
    label, make, wait = fw
    a = make(np.ones((2, 2), np.float32))
    b = make(np.ones((2, 2), np.float32))

    def small_add():
        for _ in range(repeat):
            c = a + b
        wait()
        return c

    def small_scalar():
        for _ in range(repeat):
            c = a * 2.0
        wait()
        return c

    x = make(np.ones(1 << 20, np.float32))
    y = make(np.ones(1 << 20, np.float32))

    def big_add():
        for _ in range(20):
            z = x + y
        wait()
        return z

    small_add()  # warm up (op handles, pools)
    return {
        "name": label,
        "small_add_us": _best_of(small_add) / repeat * 1e6,
        "small_scalar_us": _best_of(small_scalar) / repeat * 1e6,
        "add_1m_ms": _best_of(big_add) / 20 * 1e3,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10000)
    args = parser.parse_args(argv)
    rows = []
    for name in ("mx", "numpy", "torch"):
        try:
            row = measure(name, args.repeat)
        except ImportError:
            row = None
        if row:
            rows.append(row)
    mx_row = rows[0]
    print("%-22s %14s %16s %14s   %s" % ("framework", "a+b 2x2 (us)", "a*2.0 2x2 (us)",
                                          "1M add (ms)", "ratio to MX (small add / 1M add)"))
    for r in rows:
        print("%-22s %14.2f %16.2f %14.3f   %.2fx / %.2fx" % (
            r["name"], r["small_add_us"], r["small_scalar_us"], r["add_1m_ms"],
            r["small_add_us"] / mx_row["small_add_us"], r["add_1m_ms"] / mx_row["add_1m_ms"]))
    print("MXNet 1.9.1: not importable beside MX (both are `import mxnet`); "
          "reference from the issue: ~33 us per small op on this machine.", file=sys.stderr)


if __name__ == "__main__":
    main()
