"""Gradients of softmax, log_softmax and softmin against float64 finite
differences, first and second order: every axis, temperature, the `length`
input (no gradient for it; masked positions get 0) and the output dtype
parameter (the gradient comes back in data's dtype)."""
import numpy as np
import pytest

import mxnet as mx

from _gradcheck import check_gradient, check_second_order
from _mxref import seeded_rng

NAMES = ("softmax", "log_softmax", "softmin")
RNG = seeded_rng("gradient_softmax")
X = RNG.standard_normal((2, 3, 4))
# lengths along the last axis (shape (2, 3)) and along axis 1 (shape (2, 4)); 0 masks a whole slice
LAST_LENGTHS = mx.nd.array([[1, 4, 2], [0, 3, 6]], dtype="int32")
AXIS1_LENGTHS = mx.nd.array([[1, 3, 2, 0], [2, 2, 3, 1]], dtype="int64")


def softmax_grad(name):
    def check():
        fn = getattr(mx.nd, name)
        for kwargs in (dict(), dict(axis=0), dict(axis=1, temperature=0.5), dict(axis=-1, temperature=2.0)):
            check_gradient(lambda x: fn(x, **kwargs), [X])
            check_second_order(lambda x: fn(x, **kwargs), [X])
        for length, axis in ((LAST_LENGTHS, -1), (AXIS1_LENGTHS, 1)):
            masked = lambda x: fn(x, length=length, axis=axis, use_length=True, temperature=1.5)  # noqa: E731
            check_gradient(masked, [X])
            check_second_order(masked, [X])
        check_gradient(lambda x: fn(x, dtype="float64"), [X[0]])
    return check


@pytest.mark.parametrize("name", NAMES)
def test_masked_positions_get_zero(name):
    x = mx.nd.array(X)
    x.attach_grad()
    with mx.autograd.record():
        y = getattr(mx.nd, name)(x, length=LAST_LENGTHS, use_length=True)
    y.backward(mx.nd.array(RNG.standard_normal(X.shape)))
    lengths = LAST_LENGTHS.asnumpy()[..., None]
    grad = x.grad.asnumpy()
    assert not grad[np.arange(4) >= lengths].any()
    assert grad[np.arange(4) < lengths].any()


@pytest.mark.parametrize("name", NAMES)
def test_length_gets_no_gradient(name):
    length = mx.nd.array([2, 3], dtype="int32")
    length.attach_grad()
    x = mx.nd.array(X[0, :2])
    x.attach_grad()
    with mx.autograd.record():
        y = getattr(mx.nd, name)(x, length=length, use_length=True)
    y.backward()
    assert not length.grad.asnumpy().any()


@pytest.mark.parametrize("name", NAMES)
def test_output_dtype_gradient_in_data_dtype(name):
    x = mx.nd.array(X[0], dtype="float16")
    x.attach_grad()
    head = RNG.standard_normal(X[0].shape)
    with mx.autograd.record():
        y = getattr(mx.nd, name)(x, dtype="float32", temperature=0.7)
    assert y.dtype == np.float32
    y.backward(mx.nd.array(head, dtype="float32"))
    assert x.grad.dtype == np.float16
    x64 = mx.nd.array(X[0].astype(np.float16).astype(np.float64))
    x64.attach_grad()
    with mx.autograd.record():
        y64 = getattr(mx.nd, name)(x64, temperature=0.7)
    y64.backward(mx.nd.array(head.astype(np.float32).astype(np.float64)))
    np.testing.assert_allclose(x.grad.asnumpy().astype(np.float64), x64.grad.asnumpy(), rtol=2e-3, atol=2e-3)


def softmax_activation_grad():
    for mode, x in (("instance", X), ("instance", X[0]), ("channel", X),
                    ("channel", RNG.standard_normal((2, 3, 2, 2)))):
        check_gradient(lambda a: mx.nd.SoftmaxActivation(a, mode=mode), [x])
        check_second_order(lambda a: mx.nd.SoftmaxActivation(a, mode=mode), [x])


GRAD_HARNESS = {name: softmax_grad(name) for name in NAMES}
GRAD_HARNESS["SoftmaxActivation"] = softmax_activation_grad
NO_GRADIENT = set()


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
