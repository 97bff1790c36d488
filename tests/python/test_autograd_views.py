"""Reshaping and basic indexing while autograd records: MXNet 1.9 records
them as ops (Reshape, slice), so gradients flow through x.reshape(...),
x[1:3], x[i], x[:, 1] and x[index_array] to x.  Outside recording they stay
views sharing x's memory."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd
from mxnet.base import MXNetIndexError

from _gradcheck import check_gradient, check_second_order

X = np.random.default_rng(8).standard_normal((4, 3, 2))

# key -> the numpy gradient of sum(x[key] * head) for x of X's shape
KEYS = [
    1, -1, slice(1, 3), slice(3, 1), (slice(None), 1), (1, slice(None), 0), (Ellipsis, 1),
    (None, 2), (slice(None, None, -2), 0), [0, 2, 2], (slice(None), [2, 0]),
]


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_indexing_is_differentiable(key):
    def fn(x):
        k = mx.nd.array(key) if isinstance(key, list) else key
        return x[k] * x[k]  # second order: the gradient depends on x
    check_gradient(lambda x: x[mx.nd.array(key)] if isinstance(key, list) else x[key], [X])
    check_second_order(fn, [X])


def test_index_array_gradient_accumulates_repeats():
    x = mx.nd.array(X)
    x.attach_grad()
    with autograd.record():
        y = x[mx.nd.array([0, 2, 2])]
    y.backward()
    expected = np.zeros_like(X)
    expected[0], expected[2] = 1, 2
    np.testing.assert_array_equal(x.grad.asnumpy(), expected)


@pytest.mark.parametrize("shape,reverse", [((6, 4), False), ((-1,), False), ((0, -1), False),
                                           ((-3, 0), False), ((0, -4, 3, -1, 0), False), ((-1, 6), True)])
def test_reshape_is_differentiable(shape, reverse):
    check_gradient(lambda x: x.reshape(shape, reverse=reverse), [X])
    check_second_order(lambda x: x.reshape(*shape, reverse=reverse) ** 2, [X])


def test_row_and_reshape_chain():
    x = mx.nd.array(X)
    x.attach_grad()
    with autograd.record():
        y = x[1].reshape((-1,)) * mx.nd.array(np.arange(6.0))
    y.backward()
    expected = np.zeros_like(X)
    expected[1] = np.arange(6.0).reshape(3, 2)
    np.testing.assert_allclose(x.grad.asnumpy(), expected)


def test_views_outside_recording_share_memory():
    x = mx.nd.array(X)
    x.reshape((-1,))[0] = 7
    x[1][0] = 5
    x[2:3][0, 1] = 6
    got = x.asnumpy()
    assert got[0, 0, 0] == 7 and (got[1, 0] == 5).all() and (got[2, 1] == 6).all()


def test_recorded_indexing_keeps_the_errors():
    x = mx.nd.array(X)
    x.attach_grad()
    with autograd.record():
        with pytest.raises(MXNetIndexError):
            x[4]
        with pytest.raises(MXNetIndexError):
            x[-5]
        assert x[3:10].shape == (1, 3, 2) and x[5:].shape == (0, 3, 2)
        assert x[0, 1].shape == (2,) and x[0, 1, 1].shape == (1,)


def test_assignment_while_recording_writes_the_array():
    x = mx.nd.array(X)
    with autograd.record():
        x[None, 1] = 0
        x[2] = 1
    got = x.asnumpy()
    assert (got[1] == 0).all() and (got[2] == 1).all() and (got[0] == X[0].astype(np.float32)).all()
