"""Gradients of the reductions against float64 finite differences, first and
second order, over axis / keepdims / exclude; MXNet 1.9's values where the
derivative is not defined (every tied max gets the gradient, prod at a 0
gives NaN, NaNs get 0 in nansum / nanprod); argmax and argmin have zero
gradient and argmax_channel none.

Also _backward_sum and _backward_mean, the ops the gradients spread with.
"""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order
from _mxref import DTYPES, check, gen, is_float, seeded_rng

RNG = seeded_rng("gradient_reduce")
X = RNG.uniform(0.5, 1.5, (2, 3, 2)) * np.where(RNG.random((2, 3, 2)) < 0.5, -1, 1)

# axis, keepdims, exclude
AXES = [
    (None, False, False), (None, True, False), ((), False, False), (1, False, False), (-1, True, False),
    ((0, 2), False, False), ((2, 0), True, False), (1, False, True), ((0, 2), True, True),
]
REDUCTIONS = ("sum", "mean", "prod", "nansum", "nanprod", "max", "min")
# prod's gradient depends on x; sum's and mean's do not, max's and min's are locally constant
SECOND_ORDER = {"prod", "nanprod"}


def params(axis, keepdims, exclude=None):
    p = dict(keepdims=keepdims)
    if axis is not None:
        p["axis"] = axis
    if exclude is not None:
        p["exclude"] = exclude
    return p


def reduce_grad(name):
    def check_op():
        fn = getattr(mx.nd, name)
        for axis, keepdims, exclude in AXES:
            reduced = lambda x: fn(x * x, **params(axis, keepdims, exclude))  # noqa: E731
            check_gradient(reduced, [X])
            if name in SECOND_ORDER:
                check_second_order(reduced, [X])
        check_gradient(lambda x: fn(x, axis=0), [X[0, :, 0]])  # 1-D
    return check_op


def norm_grad():
    for ord_ in (1, 2):
        for axis, keepdims, _ in AXES[:7]:
            normed = lambda x: mx.nd.norm(x, ord=ord_, **params(axis, keepdims))  # noqa: E731
            check_gradient(normed, [X])
            check_second_order(normed, [X])
    check_gradient(lambda x: mx.nd.Cast(mx.nd.norm(x, out_dtype="float32", axis=1), dtype="float64"), [X],
                   rtol=2e-3, atol=1e-4, eps=1e-2)  # float32 in the middle


def arg_grad(name):
    def check_op():  # the index is locally constant: only sum's gradient remains
        for kwargs in (dict(axis=1), dict(axis=0, keepdims=True), dict()):
            check_gradient(lambda x: getattr(mx.nd, name)(x, **kwargs) * mx.nd.sum(x), [X])
    return check_op


def grad_of(fn, x, head=None):
    x = mx.nd.array(x, dtype=np.float64)
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x)
    y.backward(None if head is None else mx.nd.array(head, dtype=np.float64))
    return x.grad.asnumpy()


def test_every_tied_maximum_gets_the_gradient():
    x = [[3.0, 1.0, 3.0], [2.0, 2.0, -1.0]]
    np.testing.assert_array_equal(grad_of(lambda v: mx.nd.max(v, axis=1), x, head=[5.0, 7.0]),
                                  [[5, 0, 5], [7, 7, 0]])
    np.testing.assert_array_equal(grad_of(lambda v: mx.nd.min(v), x), [[0, 0, 0], [0, 0, 1]])


def test_prod_gradient_at_zero_is_nan_as_mxnet():
    g = grad_of(lambda v: mx.nd.prod(v, axis=1), [[2.0, 0.0, 3.0], [1.0, 2.0, 4.0]])
    assert np.isnan(g[0, 1])
    np.testing.assert_array_equal(g[1], [8, 4, 2])


def test_nan_positions_get_zero():
    x = [[1.0, np.nan, 3.0], [np.nan, 2.0, 5.0]]
    np.testing.assert_array_equal(grad_of(lambda v: mx.nd.nansum(v, axis=1), x), [[1, 0, 1], [0, 1, 1]])
    np.testing.assert_array_equal(grad_of(lambda v: mx.nd.nanprod(v, axis=1), x), [[3, 0, 1], [0, 5, 2]])


def test_norm_gradients():
    x = np.array([[3.0, -4.0], [0.0, 0.0]])
    with np.errstate(invalid="ignore"):
        g = grad_of(lambda v: mx.nd.norm(v, axis=1), x)
    np.testing.assert_allclose(g[0], [0.6, -0.8])
    assert np.isnan(g[1]).all()  # 0 / 0, as MXNet
    np.testing.assert_array_equal(grad_of(lambda v: mx.nd.norm(v, ord=1), x), [[1, -1], [0, 0]])
    x32 = mx.nd.array(x[:1], dtype="float32")
    x32.attach_grad()
    with mx.autograd.record():
        y = mx.nd.norm(x32, out_dtype="float64")
    y.backward()
    assert y.dtype == np.float64 and x32.grad.dtype == np.float32
    np.testing.assert_allclose(x32.grad.asnumpy(), [[0.6, -0.8]], rtol=1e-6)


def test_argmax_channel_is_not_differentiable():
    x = mx.nd.array(X[0])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.argmax_channel(x) * mx.nd.sum(x)
    with pytest.raises(MXNetError, match="argmax_channel"):
        y.backward()


# -- _backward_sum, _backward_mean ---------------------------------------------------------------

def backward_reduce_checker(mean):
    def check_op(fn, dtype):
        rng = seeded_rng("backward_reduce", mean, np.dtype(dtype).name)
        for axis, keepdims, exclude in AXES + [(0, False, False), ((0, 1, 2), True, False)]:
            data = np.zeros((2, 3, 4), dtype=dtype)
            reduced = mx.nd.sum(mx.nd.array(data, dtype=dtype), **params(axis, keepdims, exclude))
            og = gen(reduced.shape, dtype, rng)
            got = fn(mx.nd.array(og, dtype=dtype), mx.nd.array(data, dtype=dtype),
                     **params(axis, keepdims, exclude))
            keep = mx.nd.sum(mx.nd.array(data, dtype=dtype), **params(axis, True, exclude)).shape
            want = np.broadcast_to(og.reshape(keep), data.shape).astype(np.float64)
            if mean:
                want = want / (data.size // og.size)
            check(got, want.astype(dtype) if is_float(dtype) else np.trunc(want).astype(dtype), dtype)
        empty = fn(mx.nd.ones((3,), dtype=dtype), mx.nd.ones((3, 0), dtype=dtype), axis=1)
        assert empty.shape == (3, 0)
        with pytest.raises(MXNetError, match="ograd must have shape"):
            fn(mx.nd.ones((4,), dtype=dtype), mx.nd.ones((2, 3), dtype=dtype), axis=1)
        with pytest.raises(MXNetError, match="out of range"):
            fn(mx.nd.ones((2,), dtype=dtype), mx.nd.ones((2, 3), dtype=dtype), axis=2)
    return check_op


def backward_reduce_grad(name):
    def check_op():
        fn = getattr(mx.nd._internal, name)
        for axis, keepdims, exclude in AXES:
            p = params(axis, keepdims, exclude)
            og = RNG.standard_normal(mx.nd.sum(mx.nd.array(X), **p).shape)
            check_gradient(lambda g, x: fn(g, x, **p) * x, [og, X])
            check_second_order(lambda g, x: fn(g, x, **p) * x, [og, X])
    return check_op


HARNESS = {"_backward_sum": backward_reduce_checker(False), "_backward_mean": backward_reduce_checker(True)}
ALIASES = {}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd._internal, name), dtype)


GRAD_HARNESS = {name: reduce_grad(name) for name in REDUCTIONS}
GRAD_HARNESS.update({"norm": norm_grad, "argmax": arg_grad("argmax"), "argmin": arg_grad("argmin"),
                     "_backward_sum": backward_reduce_grad("_backward_sum"),
                     "_backward_mean": backward_reduce_grad("_backward_mean")})
# MXNet 1.9 registers no gradient for argmax_channel
NO_GRADIENT = {"argmax_channel"}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
