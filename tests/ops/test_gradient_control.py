"""BlockGrad (stop_gradient), make_loss and MakeLoss: identities whose input
gradient ignores the head gradient -- zeros for BlockGrad, ones for
make_loss, grad_scale normalized by the batch size or the count of valid
elements for MakeLoss -- under autograd and in a bound symbol's backward."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import DTYPES, check, gen, seeded_rng

X = np.random.default_rng(11).standard_normal((4, 3))


def identity_checker(fn, dtype):
    rng = seeded_rng("gradient_control", np.dtype(dtype).name)
    for shape in ((3, 4), (0, 2), (1,), (2, 3, 2)):
        x = gen(shape, dtype, rng)
        a = mx.nd.array(x, dtype=dtype)
        check(fn(a), x, dtype)
    a = mx.nd.array(np.arange(4), dtype=dtype)
    r = fn(a)
    r[:] = 3  # a copy: the input keeps its values
    np.testing.assert_array_equal(a.asnumpy(), np.arange(4).astype(dtype))
    out = mx.nd.zeros((4,), dtype=dtype)
    assert fn(a, out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), np.arange(4).astype(dtype))
    with pytest.raises(MXNetError, match="grad_scal"):
        fn(a, grad_scal=2.0)  # an unknown parameter
    assert (fn(a) + 1).asnumpy()[0] == 1  # the process keeps working


def make_loss_params_checker(fn, dtype):
    identity_checker(fn, dtype)
    x = mx.nd.array([[1, 2]], dtype=dtype)
    for normalization in ("null", "batch", "valid"):
        check(fn(x, grad_scale=2.0, valid_thresh=0.5, normalization=normalization), x.asnumpy(), dtype)
    with pytest.raises(MXNetError, match="normalization"):
        fn(x, normalization="mean")
    with pytest.raises(MXNetError, match="grad_scale"):
        fn(x, grad_scale="big")
    with pytest.raises(MXNetError, match="batch"):
        fn(mx.nd.array(np.float32(2.0)).reshape(()), normalization="batch")


HARNESS = {"BlockGrad": identity_checker, "make_loss": identity_checker, "MakeLoss": make_loss_params_checker}
ALIASES = {"stop_gradient": "BlockGrad", "_npx_stop_gradient": "BlockGrad", "_npx_make_loss": "make_loss"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd, name), dtype)


# -- gradients ---------------------------------------------------------------------------------

def input_gradient(fn, x, head=None):
    """x's gradient of fn(x) with the given head gradient (random by default)."""
    a = mx.nd.array(x, dtype=np.float64)
    a.attach_grad()
    with mx.autograd.record():
        y = fn(a)
    y.backward(mx.nd.array(np.random.default_rng(0).standard_normal(y.shape) if head is None else head,
                           dtype=np.float64))
    return a.grad.asnumpy()


def makeloss_reference(x, grad_scale=1.0, valid_thresh=0.0, normalization="null"):
    if normalization == "batch":
        grad_scale /= x.shape[0]
    elif normalization == "valid":
        grad_scale /= max(1, int((x > valid_thresh).sum()))
    return np.full(x.shape, grad_scale)


def _block_grad_gradient():
    np.testing.assert_array_equal(input_gradient(mx.nd.BlockGrad, X), np.zeros_like(X))
    # d/dx [x * stop(x)] = stop(x): the blocked factor is a constant
    np.testing.assert_allclose(input_gradient(lambda a: a * mx.nd.stop_gradient(a), X, np.ones_like(X)), X)
    # the gradient of the gradient is zero too
    a = mx.nd.array(X, dtype=np.float64)
    a.attach_grad()
    with mx.autograd.record():
        (g,) = mx.autograd.grad(mx.nd.BlockGrad(a * a), [a], create_graph=True)
    assert not g.asnumpy().any()


def _make_loss_gradient():
    for head in (None, np.zeros_like(X)):
        np.testing.assert_array_equal(input_gradient(mx.nd.make_loss, X, head), np.ones_like(X))
    # a loss built on it: its input's gradient flows on as ones
    np.testing.assert_allclose(input_gradient(lambda a: mx.nd.make_loss(2 * a), X), np.full(X.shape, 2.0))


MAKELOSS_CASES = [{}, {"grad_scale": 0.5}, {"normalization": "batch", "grad_scale": 3.0},
                  {"normalization": "valid"}, {"normalization": "valid", "valid_thresh": 0.3, "grad_scale": 2.0},
                  {"normalization": "valid", "valid_thresh": 10.0}]  # nothing valid: divided by 1


def _makeloss_gradient():
    for params in MAKELOSS_CASES:
        for x in (X, X.reshape(2, 3, 2)):
            np.testing.assert_allclose(input_gradient(lambda a: mx.nd.MakeLoss(a, **params), x),
                                       makeloss_reference(x, **params), rtol=1e-12, err_msg=str(params))


GRAD_HARNESS = {"BlockGrad": _block_grad_gradient, "make_loss": _make_loss_gradient, "MakeLoss": _makeloss_gradient}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()


# -- in a bound symbol graph -------------------------------------------------------------------

def test_symbol_backward_stops_at_block_grad_and_starts_at_make_loss():
    x, w = mx.sym.var("x"), mx.sym.var("w")
    # loss = sum(w * stop(x)) + sum(x): x's gradient comes only from the second term
    loss = mx.sym.MakeLoss(mx.sym.sum(w * mx.sym.BlockGrad(x)) + mx.sym.sum(x), normalization="batch")
    ex = loss.simple_bind(mx.cpu(), x=(4, 3), w=(4, 3))
    ex.arg_dict["x"][:] = X
    ex.arg_dict["w"][:] = 2.0
    ex.forward(is_train=True)
    ex.backward()  # a loss head needs no head gradient
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), [2 * X.sum() + X.sum()], rtol=1e-5)
    np.testing.assert_allclose(ex.grad_dict["x"].asnumpy(), np.ones((4, 3)), rtol=1e-6)  # batch of 1
    np.testing.assert_allclose(ex.grad_dict["w"].asnumpy(), X, rtol=1e-6)


def test_symbol_json_names():
    x = mx.sym.var("x")
    for sym, op in ((mx.sym.stop_gradient(x), "BlockGrad"), (mx.sym.make_loss(x), "make_loss"),
                    (mx.sym.MakeLoss(x, grad_scale=0.5), "MakeLoss")):
        loaded = mx.sym.load_json(sym.tojson())
        assert op in sym.tojson()
        np.testing.assert_array_equal(loaded.eval(ctx=mx.cpu(), x=mx.nd.array(X))[0].asnumpy(),
                                      X.astype(np.float32))
