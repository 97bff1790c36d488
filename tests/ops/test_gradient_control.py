"""BlockGrad (stop_gradient) and make_loss: copies forward that only change
what flows backward -- nothing for BlockGrad, ones for make_loss.

Exports HARNESS, ALIASES and GRAD_HARNESS like every family file.  Finite
differences cannot check these gradients (they are not the derivative of
the forward copy), so GRAD_HARNESS compares autograd with MXNet's rule.
"""
import json

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import DTYPES, check, gen, op_function, seeded_rng


def copy_checker(name):
    def checker(fn, dtype):
        x = gen((2, 3), dtype, seeded_rng(name, dtype))
        check(fn(mx.nd.array(x, dtype=dtype)), x, dtype)
        check(fn(mx.nd.zeros((0, 3), dtype=dtype)), np.zeros((0, 3), dtype), dtype)
        out = mx.nd.zeros((2, 3), dtype=dtype)
        assert fn(mx.nd.array(x, dtype=dtype), out=out) is out
        check(out, x, dtype)
    return checker


HARNESS = {"BlockGrad": copy_checker("BlockGrad"), "make_loss": copy_checker("make_loss")}
ALIASES = {"stop_gradient": "BlockGrad"}


def _gradient(fn, x, head):
    """x's gradient of fn(x) with head as the output's gradient (float64)."""
    x = mx.nd.array(x, dtype=np.float64)
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x)
    y.backward(mx.nd.array(head, dtype=np.float64))
    return x.grad.asnumpy()


def block_grad_gradient():
    x = np.array([[1.0, -2.0, 0.5]])
    head = np.array([[3.0, 4.0, 5.0]])
    # only the x*x branch carries a gradient: 2x
    grad = _gradient(lambda a: mx.nd.BlockGrad(3 * a) + a * a, x, head)
    np.testing.assert_allclose(grad, head * 2 * x)
    np.testing.assert_array_equal(_gradient(mx.nd.stop_gradient, x, head), np.zeros_like(x))


def make_loss_gradient():
    x = np.array([[1.0, -2.0, 0.5]])
    # the head gradient is ignored: d(make_loss(x*x))/dx = 1 * 2x
    grad = _gradient(lambda a: mx.nd.make_loss(a * a), x, np.full(x.shape, 7.0))
    np.testing.assert_allclose(grad, 2 * x)


GRAD_HARNESS = {"BlockGrad": block_grad_gradient, "make_loss": make_loss_gradient}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](op_function(name), dtype)


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()


def test_symbol_json_names():
    # -symbol.json files written by MXNet name these ops; they must load and run
    net = mx.sym.make_loss(mx.sym.BlockGrad(mx.sym.Variable("a")) * 2)
    loaded = mx.sym.load_json(net.tojson())
    ops = [n["op"] for n in json.loads(loaded.tojson())["nodes"]]
    assert "BlockGrad" in ops and "make_loss" in ops


@pytest.mark.parametrize("name", sorted(HARNESS))
def test_wrong_input_count_raises(name):
    with pytest.raises((MXNetError, TypeError)):
        op_function(name)(mx.nd.ones(2), mx.nd.ones(2))
    assert op_function(name)(mx.nd.ones(2)).shape == (2,)
