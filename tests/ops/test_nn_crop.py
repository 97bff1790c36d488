"""Crop (MXNet 1.9's deprecated layer) and _backward_Crop against numpy
references (tests/_spatialref.py): crop to h_w or to a second input's size,
at an offset or centred; error cases; gradients against finite differences,
none for crop_like."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng
from _nnref import assert_close
from _spatialref import crop, crop_backward

DTYPES = [np.float32, np.float64, np.float16]

CASES = [  # data shape, crop (h, w), offset, center_crop, crop to a second input's size
    ((2, 3, 5, 6), (3, 4), (1, 2), False, False),
    ((2, 3, 5, 6), (3, 4), (0, 0), True, False),
    ((1, 2, 7, 4), (4, 1), (3, 3), False, True),
    ((1, 2, 7, 4), (2, 3), (0, 0), True, True),
    ((2, 1, 4, 4), (4, 4), (0, 0), False, False),
]


def call_crop(x, hw, offset, center, like, dtype):
    inputs = [mx.nd.array(x, dtype=dtype)]
    kwargs = dict(offset=offset, center_crop=center)
    if like:
        inputs.append(mx.nd.zeros((1, 1) + hw, dtype=dtype))
    else:
        kwargs["h_w"] = hw
    return mx.nd.Crop(*inputs, **kwargs)


def crop_checker(dtype):
    rng = seeded_rng("Crop", np.dtype(dtype).name)
    for shape, hw, offset, center, like in CASES:
        x = rng.standard_normal(shape).astype(dtype)
        assert_close(call_crop(x, hw, offset, center, like, dtype), crop(x, hw, offset, center), dtype)


def backward_checker(dtype):
    rng = seeded_rng("_backward_Crop", np.dtype(dtype).name)
    for shape, hw, offset, center, like in CASES:
        grad = rng.standard_normal(shape[:2] + hw).astype(dtype)
        out = mx.nd._internal._backward_Crop(mx.nd.array(grad, dtype=dtype), mx.nd.zeros(shape, dtype=dtype),
                                             num_args=2 if like else 1, h_w=hw, offset=offset, center_crop=center)
        assert_close(out, crop_backward(grad, shape, offset, center), dtype)


HARNESS = {"Crop": crop_checker, "_backward_Crop": backward_checker}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_symbol_crop_like():
    data, like = mx.sym.Variable("data"), mx.sym.Variable("like")
    c = mx.sym.Crop(data, like, center_crop=True, name="crop")
    assert c.list_arguments() == ["data", "like"]
    _, outs, _ = c.infer_shape(data=(2, 3, 10, 12), like=(2, 5, 4, 7))
    assert outs == [(2, 3, 4, 7)]
    _, outs, _ = mx.sym.Crop(data, h_w=(2, 3)).infer_shape(data=(1, 1, 5, 5))
    assert outs == [(1, 1, 2, 3)]


@pytest.mark.parametrize("inputs,kwargs,match", [
    ([(1, 1, 4, 4)], dict(), "h_w"),
    ([(1, 1, 4, 4)], dict(h_w=(5, 2)), "larger"),
    ([(1, 1, 4, 4)], dict(h_w=(2, 2), offset=(3, 0)), "offset"),
    ([(1, 1, 4, 4)], dict(h_w=(2, 2), offset=(0, -1)), "offset"),
    ([(1, 1, 4, 4)], dict(h_w=(2,)), "h_w"),
    ([(1, 4, 4)], dict(h_w=(2, 2)), "4-D"),
    ([(1, 1, 4, 4), (1, 1, 5, 2)], dict(), "larger"),
    ([(1, 1, 4, 4), (1, 5, 2)], dict(), "crop_like"),
    ([(1, 1, 4, 4)] * 3, dict(h_w=(2, 2)), "num_args"),
])
def test_errors(inputs, kwargs, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.Crop(*[mx.nd.ones(s) for s in inputs], **kwargs).asnumpy()
    assert mx.nd.Crop(mx.nd.ones((1, 1, 3, 3)), h_w=(2, 2)).shape == (1, 1, 2, 2)


def test_integer_data_is_refused():
    with pytest.raises(MXNetError, match="int32"):
        mx.nd.Crop(mx.nd.ones((1, 1, 3, 3), dtype="int32"), h_w=(2, 2))


# -- gradients ----------------------------------------------------------------------
RNG = np.random.default_rng(8)


def _crop_grad():
    check_gradient(lambda x: mx.nd.Crop(x, h_w=(2, 3), offset=(1, 0)), [RNG.standard_normal((2, 2, 4, 4))])
    check_gradient(lambda x, like: mx.nd.Crop(x, like, center_crop=True), [RNG.standard_normal((1, 2, 5, 4)),
                                                                             RNG.standard_normal((1, 1, 2, 2))], wrt=[0])


GRAD_HARNESS = {"Crop": _crop_grad}
NO_GRADIENT = ["_backward_Crop"]


def test_gradient():
    _crop_grad()


def test_crop_like_gets_zero_gradient():
    x, like = mx.nd.ones((1, 1, 4, 4)), mx.nd.ones((1, 1, 2, 2))
    like.attach_grad()
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Crop(x, like)
    y.backward()
    np.testing.assert_array_equal(like.grad.asnumpy(), np.zeros((1, 1, 2, 2)))
    np.testing.assert_array_equal(x.grad.asnumpy()[0, 0], [[1, 1, 0, 0], [1, 1, 0, 0], [0] * 4, [0] * 4])
