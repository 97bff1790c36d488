"""Cost of differentiation, side by side with PyTorch in one process.

Rows: a chain of 100 small element-wise ops recorded and differentiated
(tape overhead), and one training step (forward + backward) of a 3-layer MLP
(batch 64, 1024 wide) through autograd and through a bound executor.  Times
are the best of several runs; the ratio is MX / PyTorch (below 1: faster).

    python benchmarks/autograd.py [--runs 5]
"""
import argparse
import time

import numpy as np

import mxnet as mx

try:
    import torch
except ImportError:  # the MX columns still print
    torch = None


def best(fn, repeat, runs):
    fn()
    mx.nd.waitall()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        mx.nd.waitall()
        times.append((time.perf_counter() - start) / repeat)
    return min(times)


def chain_mx():
    x = mx.nd.ones((4, 4))
    x.attach_grad()

    def step():
        with mx.autograd.record():
            y = x
            for _ in range(50):
                y = y * 1.0001 + 0.5
        y.backward()
    return step


def chain_torch():
    x = torch.ones(4, 4, requires_grad=True)

    def step():
        y = x
        for _ in range(50):
            y = y * 1.0001 + 0.5
        y.backward(torch.ones_like(y))
    return step


SIZES = (1024, 1024, 1024, 10)


def mlp_params(rng):
    shapes, fan_in = [], 1024
    for width in SIZES:
        shapes.append(((width, fan_in), (width,)))
        fan_in = width
    return [(rng.standard_normal(w).astype(np.float32) * 0.03, np.zeros(b, np.float32))
            for w, b in shapes]


def mlp_autograd_mx(params, data):
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    params, data = mlp_params(rng), rng.standard_normal((64, 1024)).astype(np.float32)
    rows = [
        ("100-op chain: record + backward", chain_mx(), chain_torch() if torch else None, 20),
        ("MLP 3x1024 step, autograd", mlp_autograd_mx(params, data),
         mlp_torch(params, data) if torch else None, 5),
        ("MLP 3x1024 step, executor", mlp_executor_mx(params, data),
         mlp_torch(params, data) if torch else None, 5),
    ]
    print("%-36s %12s %12s %8s" % ("benchmark", "MX ms", "torch ms", "ratio"))
    for label, mine, theirs, repeat in rows:
        t_mx = best(mine, repeat, args.runs)
        t_torch = best(theirs, repeat, args.runs) if theirs else None
        print("%-36s %12.3f %12s %8s" % (
            label, t_mx * 1e3, "n/a" if t_torch is None else "%.3f" % (t_torch * 1e3),
            "n/a" if t_torch is None else "%.2f" % (t_mx / t_torch)))


if __name__ == "__main__":
    main()
