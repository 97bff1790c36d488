"""What extending MX costs, side by side in one process.

1. A Python custom operator (mx.operator.CustomOp) computing y = 2x with
   mx.nd code: microseconds per call, imperatively and under autograd
   (forward + backward), against the built-in op it wraps and against
   PyTorch's torch.autograd.Function doing the same.
2. A C plugin op (plugins/examples/pairwise_distance.c, compiled here with
   `cc` and mxnet-config's flags): pairwise Euclidean distances of
   (512, 64) x (512, 64) float32, against numpy and torch.cdist.

    python benchmarks/extension.py [--repeat 2000]
"""
import argparse
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

import mxnet as mx
from mxnet import config as mx_config

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(os.path.dirname(HERE), "plugins", "examples", "pairwise_distance.c")


def _best_of(fn, runs=5):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


class Double(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * 2)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0] * 2)


@mx.operator.register("bench_double")
class DoubleProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=True)

    def create_operator(self, ctx, shapes, dtypes):
        return Double()


def custom_op_rows(repeat):
    """(label, imperative us, autograd fwd+bwd us) per call on a 2x2 array."""
    a = mx.nd.ones((2, 2))
    a.attach_grad()

    def run(fn, record):
        def loop():
            for _ in range(repeat):
                if record:
                    with mx.autograd.record():
                        y = fn(a)
                    y.backward()
                else:
                    y = fn(a)
            mx.nd.waitall()
        loop()
        return _best_of(loop) / repeat * 1e6

    rows = []
    for label, fn in (("MX built-in a * 2", lambda x: x * 2),
                      ("MX CustomOp (Python)", lambda x: mx.nd.Custom(x, op_type="bench_double"))):
        rows.append((label, run(fn, False), run(fn, True)))
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        return rows

    class TorchDouble(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    t = torch.ones(2, 2, requires_grad=True)

    def torch_run(record):
        def loop():
            for _ in range(repeat):
                if record:
                    TorchDouble.apply(t).sum().backward()
                else:
                    with torch.no_grad():
                        TorchDouble.apply(t)
        loop()
        return _best_of(loop) / repeat * 1e6
    rows.append(("PyTorch autograd.Function", torch_run(False), torch_run(True)))
    return rows


def plugin_rows():
    """(label, ms) for pairwise distances of two (512, 64) float32 sets."""
    cc = os.environ.get("CC") or shutil.which("cc")
    if cc is None or not os.path.exists(EXAMPLE):
        return []
    out = os.path.join(tempfile.mkdtemp(), "pairwise_distance.so")
    cmd = [cc, "-std=c99", "-O2", "-shared", "-fPIC", *mx_config.cflags(), "-o", out, EXAMPLE,
           "-lm"]
    subprocess.run(cmd, check=True, capture_output=True)
    mx.library.load(out)
    rng = np.random.default_rng(0)
    x, y = (rng.standard_normal((512, 64)).astype(np.float32) for _ in range(2))
    a, b = mx.nd.array(x), mx.nd.array(y)

    def mx_run():
        mx.nd.pairwise_distance(a, b).wait_to_read()

    def np_run():
        d = (x * x).sum(1)[:, None] + (y * y).sum(1)[None, :] - 2 * x @ y.T
        return np.sqrt(np.maximum(d, 0))

    np.testing.assert_allclose(mx.nd.pairwise_distance(a, b).asnumpy(), np_run(), rtol=1e-3,
                               atol=1e-3)
    rows = [("MX plugin pairwise_distance", _best_of(mx_run, 20) * 1e3),
            ("numpy (|x|^2 + |y|^2 - 2xy)", _best_of(np_run, 20) * 1e3)]
    try:
        torch = importlib.import_module("torch")
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        rows.append(("PyTorch torch.cdist", _best_of(lambda: torch.cdist(tx, ty), 20) * 1e3))
    except ImportError:
        pass
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args(argv)
    rows = custom_op_rows(args.repeat)
    base = rows[0]
    print("%-28s %14s %22s   %s" % ("y = 2x on 2x2", "call (us)", "record+backward (us)",
                                     "ratio to the built-in"))
    for label, call, both in rows:
        print("%-28s %14.2f %22.2f   %.2fx / %.2fx" % (label, call, both, call / base[1],
                                                       both / base[2]))
    prows = plugin_rows()
    if prows:
        print()
        print("%-30s %10s   %s" % ("pairwise distances 512x64", "ms", "ratio to MX"))
        for label, ms in prows:
            print("%-30s %10.3f   %.2fx" % (label, ms, ms / prows[0][1]))
    print("MXNet 1.9.1: not importable beside MX (both are `import mxnet`).", file=sys.stderr)


if __name__ == "__main__":
    main()
