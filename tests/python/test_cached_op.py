"""mx.nd.CachedOp: a Symbol called on NDArrays, recorded by autograd."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd
from mxnet.base import MXNetError


def conv_plus_two():
    return mx.nd.CachedOp(mx.sym.Convolution(kernel=(3, 3), num_filter=2, name="c") + 2)


def test_forward_matches_the_imperative_ops_and_out():
    op = conv_plus_two()
    data, weight, bias = (mx.nd.random.uniform(shape=s) for s in ((2, 3, 5, 5), (2, 3, 3, 3), (2,)))
    want = (mx.nd.Convolution(data, weight, bias, kernel=(3, 3), num_filter=2) + 2).asnumpy()
    np.testing.assert_allclose(op(data, weight, bias).asnumpy(), want, rtol=1e-6)
    bias += 1  # each call reads the inputs' current values
    np.testing.assert_allclose(op(data, weight, bias).asnumpy(), want + 1, rtol=1e-5)
    out = mx.nd.zeros(want.shape)
    assert op(data, weight, bias, out=out) is out
    np.testing.assert_allclose(out.asnumpy(), want + 1, rtol=1e-5)
    other = op(mx.nd.ones((1, 3, 4, 4)), weight, bias)  # another input shape
    assert other.shape == (1, 2, 2, 2)


def test_gradients_through_a_cached_op_match_the_imperative_ones():
    op = conv_plus_two()
    data = mx.nd.random.uniform(shape=(2, 3, 5, 5))
    weight, bias = mx.nd.random.uniform(shape=(2, 3, 3, 3)), mx.nd.random.uniform(shape=(2,))
    grads = []
    for run in (lambda d, w, b: op(d, w, b),
                lambda d, w, b: mx.nd.Convolution(d, w, b, kernel=(3, 3), num_filter=2) + 2):
        d, w, b = data.copy(), weight.copy(), bias.copy()
        for a in (d, w, b):
            a.attach_grad()
        with autograd.record():
            (run(d, w, b) * 2).backward()
        grads.append([a.grad.asnumpy() for a in (d, w, b)])
    for got, want in zip(*grads):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_several_outputs_and_auxiliary_states():
    split = mx.nd.CachedOp(mx.sym.split(mx.sym.var("x"), num_outputs=2, axis=1))
    parts = split(mx.nd.array([[1, 2], [3, 4]]))
    assert [p.asnumpy().ravel().tolist() for p in parts] == [[1, 3], [2, 4]]
    bn = mx.nd.CachedOp(mx.sym.BatchNorm(mx.sym.var("x"), name="bn"))  # inputs: x, gamma,
    # beta, moving_mean, moving_var (list_inputs order)
    x = mx.nd.array(np.random.RandomState(0).normal(size=(8, 3)))
    moving_mean = mx.nd.zeros(3)
    with autograd.record():  # training mode: the moving mean moves
        bn(x, mx.nd.ones(3), mx.nd.zeros(3), moving_mean, mx.nd.ones(3))
    assert np.abs(moving_mean.asnumpy()).sum() > 0


def test_bad_calls():
    op = conv_plus_two()
    with pytest.raises(MXNetError, match="takes 3 inputs"):
        op(mx.nd.ones((1, 3, 4, 4)))
    with pytest.raises(TypeError, match="must be an NDArray"):
        op(mx.nd.ones((1, 3, 4, 4)), np.ones((2, 3, 3, 3)), mx.nd.ones(2))
    with pytest.raises(TypeError, match="unexpected keyword"):
        op(mx.nd.ones((1, 3, 4, 4)), mx.nd.ones((2, 3, 3, 3)), mx.nd.ones(2), bogus=1)
    with pytest.raises(MXNetError):
        op(mx.nd.ones((1, 5, 4, 4)), mx.nd.ones((2, 3, 3, 3)), mx.nd.ones(2))  # shape error
    assert op(mx.nd.ones((1, 3, 4, 4)), mx.nd.ones((2, 3, 3, 3)), mx.nd.ones(2)).shape == (1, 2, 2, 2)
