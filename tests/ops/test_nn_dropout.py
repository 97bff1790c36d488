"""Dropout and _backward_Dropout: identity in predict mode, the scaled
Bernoulli mask in training or with mode='always', variational dropout over
`axes`, reproducibility under mx.random.seed, gradients (the same mask)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng
from _nnref import assert_close

DTYPES = [np.float32, np.float64, np.float16]


def check_mask(x, out, p, axes=()):
    """out is x with whole slices along `axes` zeroed or scaled by 1/(1-p)."""
    x, out = x.astype(np.float64), out.asnumpy().astype(np.float64)
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / (1 - p), rtol=2e-3)
    for axis in axes:  # one decision per slice
        assert (kept == kept.take([0], axis=axis)).all()
    return kept


def dropout_checker(dtype):
    rng = seeded_rng("Dropout", np.dtype(dtype).name)
    x = (rng.uniform(0.5, 2.0, (40, 50)) * rng.choice([-1, 1], (40, 50))).astype(dtype)
    data = mx.nd.array(x, dtype=dtype)
    assert_close(mx.nd.Dropout(data, p=0.3), x.astype(np.float64), dtype)            # predict mode: identity
    with mx.autograd.train_mode():
        out = mx.nd.Dropout(data, p=0.3)
        assert out.dtype == np.dtype(dtype)
        kept = check_mask(x, out, 0.3)
        assert abs(kept.mean() - 0.7) < 0.05
        assert_close(mx.nd.Dropout(data, p=0.0), x.astype(np.float64), dtype)
        assert not mx.nd.Dropout(data, p=1.0).asnumpy().any()
        x3 = rng.uniform(0.5, 2.0, (6, 30, 5)).astype(dtype)
        out = mx.nd.Dropout(mx.nd.array(x3, dtype=dtype), p=0.5, axes=(1,))
        kept = check_mask(x3, out, 0.5, axes=(1,))
        assert 0 < kept.mean() < 1
        check_mask(x3, mx.nd.Dropout(mx.nd.array(x3, dtype=dtype), p=0.4, axes=(0, 2)), 0.4, axes=(0, 2))
    kept = check_mask(x, mx.nd.Dropout(data, p=0.6, mode="always"), 0.6)              # also in predict mode
    assert abs(kept.mean() - 0.4) < 0.05


def backward_checker(dtype):
    rng = seeded_rng("_backward_Dropout", np.dtype(dtype).name)
    dy = rng.standard_normal((4, 3, 5)).astype(dtype)
    for mask_shape in [(4, 3, 5), (4, 1, 5), (1, 3, 1)]:
        mask = (rng.integers(0, 2, mask_shape) * 2.0).astype(dtype)
        axes = tuple(i for i, (d, m) in enumerate(zip(dy.shape, mask_shape)) if d != m)
        grad = mx.nd._internal._backward_Dropout(mx.nd.array(dy, dtype=dtype), mx.nd.array(mask, dtype=dtype),
                                                 p=0.5, axes=axes)
        assert_close(grad, dy.astype(np.float64) * mask, dtype)


HARNESS = {"Dropout": dropout_checker, "_backward_Dropout": backward_checker}
ALIASES = {"_npx_dropout": "Dropout"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_seed_reproduces_the_mask():
    x = mx.nd.ones((100,))
    with mx.autograd.train_mode():
        mx.random.seed(7)
        a = mx.nd.Dropout(x).asnumpy()
        b = mx.nd.Dropout(x).asnumpy()
        mx.random.seed(7)
        c = mx.nd.Dropout(x).asnumpy()
    np.testing.assert_array_equal(a, c)
    assert (a != b).any()


def test_gradient_uses_the_forward_mask():
    x = mx.nd.array(np.arange(1, 21, dtype=np.float32).reshape(4, 5))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Dropout(x, p=0.5)
    y.backward()
    kept = y.asnumpy() != 0
    np.testing.assert_allclose(x.grad.asnumpy(), np.where(kept, 2.0, 0.0))
    with mx.autograd.record(train_mode=False):
        y = mx.nd.Dropout(x, p=0.5)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 1.0)  # the identity's gradient


def test_symbol_and_executor():
    net = mx.sym.Dropout(mx.sym.Variable("data"), p=0.5, name="drop")
    assert net.list_outputs() == ["drop_output"]
    ex = net.simple_bind(mx.cpu(), data=(8, 8))
    ex.arg_dict["data"][:] = 1.0
    np.testing.assert_array_equal(ex.forward(is_train=False)[0].asnumpy(), 1.0)
    out = ex.forward(is_train=True)[0].asnumpy()
    assert set(np.unique(out)) <= {0.0, 2.0} and (out == 0).any() and (out == 2).any()
    ex.backward(mx.nd.ones((8, 8)))
    np.testing.assert_array_equal(ex.grad_dict["data"].asnumpy(), out)


@pytest.mark.parametrize("kwargs,match", [
    (dict(p=1.5), "p must be"),
    (dict(p=-0.1), "p must be"),
    (dict(axes=(2,)), "axis"),
    (dict(mode="sometimes"), "mode"),
])
def test_errors(kwargs, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.Dropout(mx.nd.ones((2, 3)), **kwargs)


# -- gradients ----------------------------------------------------------------------
RNG = np.random.default_rng(4)


def _dropout_grad(shape, p):
    def check():
        def fn(x):
            mx.random.seed(11)  # the same mask at every evaluation
            return mx.nd.Dropout(x, mode="always", **p)
        check_gradient(fn, [RNG.standard_normal(shape)])
    return check


GRAD_CASES = [((3, 4), dict(p=0.5)), ((2, 3, 4), dict(p=0.3, axes=(0, 2))), ((5,), dict(p=0.0))]
GRAD_HARNESS = {"Dropout": lambda: [_dropout_grad(*case)() for case in GRAD_CASES]}
NO_GRADIENT = ["_backward_Dropout"]


@pytest.mark.parametrize("case", GRAD_CASES, ids=str)
def test_gradient(case):
    _dropout_grad(*case)()
