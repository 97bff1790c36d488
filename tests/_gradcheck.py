"""Gradient checks: autograd against central finite differences in float64
(MXNet's check_numeric_gradient), first and second order.

Family test files export GRAD_HARNESS (canonical op name -> test function
taking no arguments) and NO_GRADIENT (ops MXNet does not differentiate);
tests/ops/test_gradient_coverage.py checks every registered op is in one.
"""
import numpy as np

import mxnet as mx


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _arrays(values):
    return [mx.nd.array(v, dtype=np.float64) for v in values]


def _objective(fn, values, heads):
    """sum_k <fn(values)_k, heads_k>, in float64."""
    outs = _as_list(fn(*_arrays(values)))
    return sum(float((o.asnumpy().astype(np.float64) * h).sum()) for o, h in zip(outs, heads))


def numeric_gradient(f, values, wrt, eps):
    grads = []
    for i in wrt:
        g = np.zeros_like(values[i])
        flat = values[i].reshape(-1)
        for j in range(flat.size):
            keep = flat[j]
            flat[j] = keep + eps
            up = f(values)
            flat[j] = keep - eps
            down = f(values)
            flat[j] = keep
            g.reshape(-1)[j] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def check_gradient(fn, inputs, wrt=None, rtol=1e-5, atol=1e-7, eps=1e-6, seed=0):
    """Checks autograd's gradient of fn (NDArrays -> NDArray or list) at
    inputs (numpy arrays, made float64) against finite differences.

    wrt: indices of the inputs to differentiate (all by default).  Returns
    the analytic gradients.
    """
    rng = np.random.default_rng(seed)
    values = [np.array(x, dtype=np.float64) for x in inputs]
    wrt = list(range(len(values))) if wrt is None else list(wrt)
    arrays = _arrays(values)
    for i in wrt:
        arrays[i].attach_grad()
    with mx.autograd.record():
        outs = _as_list(fn(*arrays))
    heads = [rng.standard_normal(o.shape) for o in outs]
    mx.autograd.backward(outs, [mx.nd.array(h, dtype=np.float64) for h in heads])
    analytic = [arrays[i].grad.asnumpy() for i in wrt]
    numeric = numeric_gradient(lambda v: _objective(fn, v, heads), values, wrt, eps)
    for i, a, n in zip(wrt, analytic, numeric):
        np.testing.assert_allclose(a, n, rtol=rtol, atol=atol,
                                   err_msg="gradient of input %d differs from finite differences" % i)
    return analytic


def check_second_order(fn, inputs, rtol=1e-4, atol=1e-6, eps=1e-5, seed=1):
    """Checks the gradient of <grad fn, v> (autograd with create_graph)
    against finite differences of autograd's first-order gradient."""
    rng = np.random.default_rng(seed)
    values = [np.array(x, dtype=np.float64) for x in inputs]
    outs0 = _as_list(fn(*_arrays(values)))
    heads = [rng.standard_normal(o.shape) for o in outs0]
    directions = [rng.standard_normal(v.shape) for v in values]

    def first_order(arrays, create_graph):
        with mx.autograd.record():
            outs = _as_list(fn(*arrays))
        return mx.autograd.grad(outs, arrays, [mx.nd.array(h, dtype=np.float64) for h in heads],
                                create_graph=create_graph)

    def scalar(v):
        arrays = _arrays(v)
        for a in arrays:
            a.attach_grad()
        return sum(float((g.asnumpy() * d).sum())
                   for g, d in zip(first_order(arrays, False), directions))

    arrays = _arrays(values)
    for a in arrays:
        a.attach_grad()
    with mx.autograd.record():
        grads = first_order(arrays, True)
        weighted = [g * mx.nd.array(d, dtype=np.float64) for g, d in zip(grads, directions)]
    mx.autograd.backward(weighted)  # ones as head gradients: d/dx of the sum
    analytic = [a.grad.asnumpy() for a in arrays]
    numeric = numeric_gradient(scalar, values, range(len(values)), eps)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        np.testing.assert_allclose(a, n, rtol=rtol, atol=atol,
                                   err_msg="second-order gradient of input %d" % i)
