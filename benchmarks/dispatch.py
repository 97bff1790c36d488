"""Cost of dispatching small ops, side by side in one process.

1. Microseconds per `c = a + b` on 2x2 arrays (N times, one wait at the end),
   per `c = a * 2.0`, per op function call (`relu(a)`: a generated
   `mx.nd` function with its parameters), and milliseconds per 1M-element add, for MX, numpy,
   PyTorch (CPU) and MXNet 1.9.1 when they are importable, with ratios to MX.
2. Autograd's overhead: `c = a * 2.0` on an array that requires a gradient,
   recorded, against the same op not recorded (MX and PyTorch).
3. One training step (forward + backward) of a 3-layer MLP (batch 64, 1024
   wide) through a bound executor and through autograd, against PyTorch.

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
    """(label, make array from numpy, wait-all, a function op: softmax over
    the last axis) of an importable framework."""
    if name == "mx":
        import mxnet as mx
        return ("MX", lambda x: mx.nd.array(x, dtype=x.dtype), mx.nd.waitall,
                lambda x: mx.nd.softmax(x, axis=-1))
    if name == "numpy":
        def softmax(x):
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        return "numpy", lambda x: x.copy(), lambda: None, softmax
    if name == "torch":
        torch = importlib.import_module("torch")
        return ("PyTorch " + torch.__version__, torch.from_numpy, lambda: None,
                lambda x: torch.softmax(x, dim=-1))
    if name == "mxnet191":
        # Real MXNet 1.9.1 would import as `mxnet` too; it can only be compared
        # from an environment where it, not MX, is installed.
        return None
    return None


def measure(name, repeat):
    fw = _framework(name)
    if fw is None:
        return None
    label, make, wait, function = fw
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

    def small_function():
        for _ in range(repeat):
            c = function(a)
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
        "small_function_us": _best_of(small_function) / repeat * 1e6,
        "add_1m_ms": _best_of(big_add) / 20 * 1e3,
    }


def autograd_overhead(repeat):
    """(recorded us, plain us) per small scalar op, for MX and PyTorch."""
    import mxnet as mx
    rows = []
    a = mx.nd.ones((2, 2))
    a.attach_grad()

    def plain():
        for _ in range(repeat):
            c = a * 2.0
        mx.nd.waitall()
        return c

    def recorded():
        with mx.autograd.record():
            for _ in range(repeat):
                c = a * 2.0
        mx.nd.waitall()
        return c

    recorded()
    rows.append(("MX", _best_of(recorded) / repeat * 1e6, _best_of(plain) / repeat * 1e6))
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        return rows
    t = torch.ones(2, 2, requires_grad=True)

    def t_plain():
        with torch.no_grad():
            for _ in range(repeat):
                c = t * 2.0
        return c

    def t_recorded():
        for _ in range(repeat):
            c = t * 2.0
        return c

    rows.append(("PyTorch " + torch.__version__, _best_of(t_recorded) / repeat * 1e6,
                 _best_of(t_plain) / repeat * 1e6))
    return rows


SIZES = (1024, 1024, 1024, 10)


def mlp_params(rng):
    shapes, fan_in = [], 1024
    for width in SIZES:
        shapes.append(((width, fan_in), (width,)))
        fan_in = width
    return [(rng.standard_normal(w).astype(np.float32) * 0.03, np.zeros(b, np.float32))
            for w, b in shapes]


def mlp_autograd_mx(params, data):
    import mxnet as mx
    weights = [(mx.nd.array(w), mx.nd.array(b)) for w, b in params]
    for w, b in weights:
        w.attach_grad()
        b.attach_grad()
    x = mx.nd.array(data)

    def step():
        with mx.autograd.record():
            h = x
            for i, (w, b) in enumerate(weights):
                h = mx.nd.FullyConnected(h, w, b, num_hidden=w.shape[0])
                if i + 1 < len(weights):
                    h = mx.nd.relu(h)
        h.backward()
    return step


def mlp_executor_mx(params, data):
    import mxnet as mx
    h = mx.sym.var("data")
    for i, width in enumerate(SIZES):
        h = mx.sym.FullyConnected(h, num_hidden=width, name="fc%d" % i)
        if i + 1 < len(SIZES):
            h = mx.sym.Activation(h, act_type="relu")
    # The data needs no gradient (as in the autograd and torch rows).
    reqs = {name: "null" if name == "data" else "write" for name in h.list_arguments()}
    ex = h.simple_bind(mx.cpu(), grad_req=reqs, data=data.shape)
    ex.arg_dict["data"][:] = data
    for i, (w, b) in enumerate(params):
        ex.arg_dict["fc%d_weight" % i][:] = w
        ex.arg_dict["fc%d_bias" % i][:] = b

    def step():
        ex.forward(is_train=True)
        ex.backward()
    return step


def mlp_torch(params, data):
    torch = importlib.import_module("torch")
    weights = [(torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True))
               for w, b in params]
    x = torch.tensor(data)

    def step():
        h = x
        for i, (w, b) in enumerate(weights):
            h = torch.nn.functional.linear(h, w, b)
            if i + 1 < len(weights):
                h = torch.relu(h)
        h.backward(torch.ones_like(h))
    return step


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
    print("%-22s %14s %16s %18s %14s   %s" % (
        "framework", "a+b 2x2 (us)", "a*2.0 2x2 (us)", "softmax 2x2 (us)", "1M add (ms)",
        "ratio to MX (small add / softmax / 1M add)"))
    for r in rows:
        print("%-22s %14.2f %16.2f %18.2f %14.3f   %.2fx / %.2fx / %.2fx" % (
            r["name"], r["small_add_us"], r["small_scalar_us"], r["small_function_us"], r["add_1m_ms"],
            r["small_add_us"] / mx_row["small_add_us"],
            r["small_function_us"] / mx_row["small_function_us"], r["add_1m_ms"] / mx_row["add_1m_ms"]))
    print("MXNet 1.9.1: not importable beside MX (both are `import mxnet`); "
          "reference from the issue: ~33 us per small op on this machine.", file=sys.stderr)

    print()
    print("%-22s %16s %16s %10s" % ("autograd", "recorded (us)", "not recorded (us)", "ratio"))
    for label, rec, plain in autograd_overhead(args.repeat):
        print("%-22s %16.2f %16.2f %10.2f" % (label, rec, plain, rec / plain))

    import mxnet as mx
    rng = np.random.default_rng(0)
    params, data = mlp_params(rng), rng.standard_normal((64, 1024)).astype(np.float32)
    try:
        torch_step = mlp_torch(params, data)
    except ImportError:
        torch_step = None
    steps = [("executor", mlp_executor_mx(params, data)), ("autograd", mlp_autograd_mx(params, data))]
    if torch_step:
        steps.append(("PyTorch", torch_step))
    times = {}
    for label, step in steps:
        step()
        mx.nd.waitall()
        times[label] = _best_of(lambda: (step(), mx.nd.waitall()), runs=5)
    print()
    print("%-30s %10s   %s" % ("MLP 3x1024 training step", "ms", "ratio to autograd / PyTorch"))
    for label, t in times.items():
        print("%-30s %10.2f   %.2f / %s" % (label, t * 1e3, t / times["autograd"],
                                            "%.2f" % (t / times["PyTorch"]) if "PyTorch" in times
                                            else "n/a"))


if __name__ == "__main__":
    main()
