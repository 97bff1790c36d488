"""im2col and col2im against numpy float64 references
(tests/_im2col_reference.py; 1-D, 2-D and 3-D windows with stride, dilate
and pad), the adjoint identity that makes each
the other's gradient, their gradients by finite differences, shape
inference (symbols too) and every bad parameter or shape as an MXNetError
after which the process keeps working."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order
from _im2col_reference import col2im_reference, im2col_reference
from _mxref import seeded_rng
from _nnref import assert_close

DTYPES = [np.float32, np.float64, np.float16]

# (image shape, window parameters)
CASES = [
    ((2, 3, 7), dict(kernel=(3,), stride=(2,), pad=(1,))),
    ((2, 2, 5, 6), dict(kernel=(3, 2), stride=(2, 1), dilate=(1, 2), pad=(1, 0))),
    ((1, 1, 4, 4), dict(kernel=(2, 2))),
    ((1, 2, 4, 3, 5), dict(kernel=(2, 2, 3), stride=(1, 2, 1), pad=(0, 1, 1))),
    ((2, 1, 3, 3), dict(kernel=(3, 3), pad=(1, 1), dilate=(2, 2))),  # taps that miss the image entirely
]


def im2col_checker(dtype):
    rng = seeded_rng("im2col", np.dtype(dtype).name)
    for shape, params in CASES:
        x = rng.standard_normal(shape).astype(dtype)
        assert_close(mx.nd.im2col(mx.nd.array(x, dtype=dtype), **params), im2col_reference(x, **params), dtype)


def col2im_checker(dtype):
    rng = seeded_rng("col2im", np.dtype(dtype).name)
    for shape, params in CASES:
        col = rng.standard_normal(im2col_reference(np.zeros(shape), **params).shape).astype(dtype)
        got = mx.nd.col2im(mx.nd.array(col, dtype=dtype), output_size=shape[2:], **params)
        assert_close(got, col2im_reference(col, shape[2:], **params), dtype, scale=4)


def backward_im2col_checker(dtype):
    rng = seeded_rng("_backward_im2col", np.dtype(dtype).name)
    for shape, params in CASES:
        ograd = rng.standard_normal(im2col_reference(np.zeros(shape), **params).shape).astype(dtype)
        got = mx.nd._internal._backward_im2col(mx.nd.array(ograd, dtype=dtype), mx.nd.zeros(shape, dtype=dtype),
                                               **params)
        assert_close(got, col2im_reference(ograd, shape[2:], **params), dtype, scale=4)


HARNESS = {"im2col": im2col_checker, "col2im": col2im_checker, "_backward_im2col": backward_im2col_checker}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


@pytest.mark.parametrize("case", range(len(CASES)))
def test_col2im_is_the_adjoint_of_im2col(case):
    """<im2col(x), y> == <x, col2im(y)>: each is the other's gradient."""
    shape, params = CASES[case]
    rng = np.random.default_rng(case)
    x = rng.standard_normal(shape)
    y = rng.standard_normal(im2col_reference(x, **params).shape)
    forward = mx.nd.im2col(mx.nd.array(x, dtype=np.float64), **params).asnumpy()
    back = mx.nd.col2im(mx.nd.array(y, dtype=np.float64), output_size=shape[2:], **params).asnumpy()
    np.testing.assert_allclose((forward * y).sum(), (x * back).sum(), rtol=1e-12)


def _im2col_gradient():
    shape, params = CASES[1]
    x = np.random.default_rng(1).standard_normal(shape)
    check_gradient(lambda a: mx.nd.im2col(a, **params), [x])
    check_second_order(lambda a: mx.nd.im2col(a, **params) ** 2, [x])


def _col2im_gradient():
    shape, params = CASES[3]
    col = np.random.default_rng(2).standard_normal(im2col_reference(np.zeros(shape), **params).shape)
    check_gradient(lambda a: mx.nd.col2im(a, output_size=shape[2:], **params), [col])
    check_second_order(lambda a: mx.nd.col2im(a, output_size=shape[2:], **params) ** 2, [col])


def _backward_im2col_gradient():
    shape, params = CASES[0]
    rng = np.random.default_rng(3)
    ograd = rng.standard_normal(im2col_reference(np.zeros(shape), **params).shape)
    check_gradient(lambda g, d: mx.nd._internal._backward_im2col(g, d, **params), [ograd, np.zeros(shape)], wrt=[0])


GRAD_HARNESS = {"im2col": _im2col_gradient, "col2im": _col2im_gradient, "_backward_im2col": _backward_im2col_gradient}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()


def test_shapes_and_symbols():
    data = mx.sym.Variable("data")
    net = mx.sym.im2col(data, kernel=(3, 2), stride=(2, 1), pad=(1, 0), name="i2c")
    assert net.list_arguments() == ["data"] and net.list_outputs() == ["i2c_output"]
    assert net.infer_shape(data=(2, 3, 5, 6))[1] == [(2, 18, 15)]
    back = mx.sym.col2im(net, output_size=(5, 6), kernel=(3, 2), stride=(2, 1), pad=(1, 0))
    assert back.infer_shape(data=(2, 3, 5, 6))[1] == [(2, 3, 5, 6)]
    # an executor runs the round trip and its gradient (col2im's is im2col)
    ex = back.simple_bind(mx.cpu(), data=(2, 3, 5, 6))
    x = np.random.default_rng(4).standard_normal((2, 3, 5, 6))
    ex.arg_dict["data"][:] = x
    out = ex.forward(is_train=True)[0].asnumpy()
    params = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 0))
    np.testing.assert_allclose(out, col2im_reference(im2col_reference(x, **params), (5, 6), **params), rtol=1e-5)
    ex.backward(mx.nd.ones((2, 3, 5, 6)))
    counts = col2im_reference(im2col_reference(np.ones((2, 3, 5, 6)), **params), (5, 6), **params)
    np.testing.assert_allclose(ex.grad_dict["data"].asnumpy(), counts, rtol=1e-6)


def _still_works():
    assert mx.nd.im2col(mx.nd.ones((1, 1, 3, 3)), kernel=(2, 2)).asnumpy().sum() == 16


@pytest.mark.parametrize("shape,params,match", [
    ((1, 1, 4, 4), dict(kernel=(2, 2, 2, 2)), "kernel must be"),
    ((1, 1, 4, 4), dict(kernel=(2,)), "needs data of 3 dimensions"),
    ((1, 1, 4, 4), dict(kernel=(2, 2), stride=(1,)), "stride must have 2 entries"),
    ((1, 1, 4, 4), dict(kernel=(2, 2), stride=(0, 1)), "stride must be >= 1"),
    ((1, 1, 4, 4), dict(kernel=(2, 2), pad=(-1, 0)), "pad must be >= 0"),
    ((1, 1, 4, 4), dict(kernel=(5, 2)), "kernel size exceed"),
    ((1, 1, 4, 4), dict(kernel=(3, 2), dilate=(2, 1)), "kernel size exceed"),
])
def test_im2col_errors(shape, params, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.im2col(mx.nd.ones(shape), **params)
    _still_works()


@pytest.mark.parametrize("shape,params,match", [
    ((1, 4, 9), dict(output_size=(4,), kernel=(2, 2)), "output_size must have the same number of dimensions"),
    ((1, 4, 8), dict(output_size=(4, 4), kernel=(2, 2)), "does not match convolution parameters"),
    ((1, 5, 9), dict(output_size=(4, 4), kernel=(2, 2)), "multiples of kernel size"),
    ((4, 9), dict(output_size=(4, 4), kernel=(2, 2)), "data must be 3-D"),
    ((1, 4, 9), dict(output_size=(0, 4), kernel=(2, 2)), "incorrect output_size"),
    ((1, 4, 9), dict(output_size=(1, 4), kernel=(2, 2)), "kernel size exceed"),
])
def test_col2im_errors(shape, params, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.col2im(mx.nd.ones(shape), **params)
    _still_works()


def test_dtype_and_missing_parameter_errors():
    with pytest.raises(MXNetError, match="float"):
        mx.nd.im2col(mx.nd.ones((1, 1, 3, 3), dtype="int32"), kernel=(2, 2))
    with pytest.raises(MXNetError, match="kernel"):
        mx.nd.im2col(mx.nd.ones((1, 1, 3, 3)))
    with pytest.raises(MXNetError, match="output_size"):
        mx.nd.col2im(mx.nd.ones((1, 4, 4)), kernel=(2, 2))
    _still_works()
