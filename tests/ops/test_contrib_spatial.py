"""_contrib_BilinearResize2D and _contrib_AdaptiveAvgPooling2D and their
gradient ops against the numpy float64 references of tests/_resizeref.py
(checked against MXNet 1.9.1, which keeps the resize geometry in float32:
they agree to 1e-6); every resize mode's output size as MXNet's; error
cases; gradients against finite differences."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng
from _nnref import assert_close
from _resizeref import adaptive_avg_pool, adaptive_avg_pool_backward, bilinear_resize, bilinear_resize_backward

DTYPES = [np.float32, np.float64, np.float16]
SIZES = [((3, 4), (5, 7)), ((5, 7), (2, 2)), ((3, 4), (1, 1)), ((4, 1), (3, 4)), ((2, 9), (2, 9)),
         ((1, 1), (3, 2))]


def nd(x, dtype):
    return mx.nd.array(x, dtype=dtype)


def data_for(rng, dtype, hw, lead=(2, 3)):
    return rng.uniform(-2, 2, lead + hw).astype(dtype)


def resize_checker(dtype):
    rng = seeded_rng("BilinearResize2D", np.dtype(dtype).name)
    for hw, out in SIZES:
        x = data_for(rng, dtype, hw)
        for align in (True, False):
            got = mx.nd.contrib.BilinearResize2D(nd(x, dtype), height=out[0], width=out[1], align_corners=align)
            assert_close(got, bilinear_resize(x, out, align), dtype, scale=2)


def resize_backward_checker(dtype):
    rng = seeded_rng("_backward_contrib_BilinearResize2D", np.dtype(dtype).name)
    for hw, out in SIZES:
        x, grad = data_for(rng, dtype, hw), data_for(rng, dtype, out)
        for align in (True, False):
            got = mx.nd._internal._backward_contrib_BilinearResize2D(nd(grad, dtype), nd(x, dtype), height=out[0],
                                                                     width=out[1], align_corners=align)
            assert_close(got, bilinear_resize_backward(grad, x.shape, align), dtype, scale=8)


POOL_SIZES = [((5, 7), (3, 3)), ((5, 7), (2, 4)), ((5, 7), (8, 9)), ((4, 6), (1, 1)), ((3, 3), (3, 3)),
              ((6, 2), (4, 2))]


def pool_checker(dtype):
    rng = seeded_rng("AdaptiveAvgPooling2D", np.dtype(dtype).name)
    for hw, out in POOL_SIZES:
        x = data_for(rng, dtype, hw)
        assert_close(mx.nd.contrib.AdaptiveAvgPooling2D(nd(x, dtype), output_size=out), adaptive_avg_pool(x, out),
                     dtype, scale=2)


def pool_backward_checker(dtype):
    rng = seeded_rng("_backward_contrib_AdaptiveAvgPooling2D", np.dtype(dtype).name)
    for hw, out in POOL_SIZES:
        x, grad = data_for(rng, dtype, hw), data_for(rng, dtype, out)
        got = mx.nd._internal._backward_contrib_AdaptiveAvgPooling2D(nd(grad, dtype), nd(x, dtype), output_size=out)
        assert_close(got, adaptive_avg_pool_backward(grad, x.shape), dtype, scale=4)


HARNESS = {"_contrib_BilinearResize2D": resize_checker,
           "_backward_contrib_BilinearResize2D": resize_backward_checker,
           "_contrib_AdaptiveAvgPooling2D": pool_checker,
           "_backward_contrib_AdaptiveAvgPooling2D": pool_backward_checker}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


# -- BilinearResize2D's output sizes (MXNet 1.9.1's, for data 3 x 4) ---------------------

@pytest.mark.parametrize("kwargs,size", [
    ({}, (1, 1)),                                               # height and width default to 1
    (dict(height=5, width=7), (5, 7)),
    (dict(scale_height=1.5, scale_width=0.6), (4, 2)),          # int(4.5), int(2.4)
    (dict(scale_height=0.1, scale_width=0.5), (0, 2)),
    (dict(scale_width=0.5, height=2), (2, 1)),                  # as MXNet: scale_width alone is ignored
    (dict(mode="odd_scale", scale_height=2, scale_width=2), (5, 8)),  # odd: (3 - 1) * 2 + 1; even: 4 * 2
    (dict(mode="odd_scale", scale_height=0.5, scale_width=1.5), (2, 6)),
    (dict(mode="to_even_down"), (2, 4)), (dict(mode="to_even_up"), (4, 4)),
    (dict(mode="to_odd_down"), (3, 3)), (dict(mode="to_odd_up"), (3, 5)),
])
def test_resize_modes(kwargs, size):
    x = mx.nd.arange(12).reshape((1, 1, 3, 4))
    out = mx.nd.contrib.BilinearResize2D(x, **kwargs)
    assert out.shape == (1, 1) + size
    if out.size:
        np.testing.assert_allclose(out.asnumpy(), bilinear_resize(x.asnumpy(), size), rtol=1e-6, atol=1e-6)


def test_resize_like_takes_a_second_input():
    x, like = mx.nd.arange(12).reshape((1, 1, 3, 4)), mx.nd.zeros((1, 1, 2, 6), dtype="int32")
    out = mx.nd.contrib.BilinearResize2D(x, like, mode="like")
    np.testing.assert_allclose(out.asnumpy()[0, 0], [[0, 0.6, 1.2, 1.8, 2.4, 3], [8, 8.6, 9.2, 9.8, 10.4, 11]],
                               rtol=1e-6)
    data = mx.sym.var("data")
    arguments = mx.sym.contrib.BilinearResize2D(data, mode="like").list_arguments()
    assert len(arguments) == 2 and arguments[1].endswith("_like")
    assert mx.sym.contrib.BilinearResize2D(data).list_arguments() == ["data"]
    s = mx.sym.contrib.BilinearResize2D(data, mx.sym.var("like"), mode="like")
    assert s.infer_shape(data=(2, 3, 4, 5), like=(1, 1, 7, 8))[1] == [(2, 3, 7, 8)]


def test_resize_align_corners_default_and_mxnet_values():
    x = mx.nd.arange(12).reshape((1, 1, 3, 4))
    np.testing.assert_allclose(mx.nd.contrib.BilinearResize2D(x, height=5, width=7).asnumpy()[0, 0, 0],
                               [0, 0.5, 1, 1.5, 2, 2.5, 3])
    np.testing.assert_allclose(
        mx.nd.contrib.BilinearResize2D(x, height=5, width=7, align_corners=False).asnumpy()[0, 0, 0],
        [0, 0.35714, 0.92857, 1.5, 2.07143, 2.64286, 3], atol=1e-5)
    np.testing.assert_array_equal(
        mx.nd.contrib.BilinearResize2D(x, height=2, width=2, align_corners=False).asnumpy().ravel(),
        [1.5, 3.5, 7.5, 9.5])


def test_adaptive_pooling_output_size_forms():
    x = mx.nd.arange(70).reshape((1, 2, 5, 7))
    np.testing.assert_array_equal(mx.nd.contrib.AdaptiveAvgPooling2D(x).asnumpy().ravel(), [17, 52])
    assert mx.nd.contrib.AdaptiveAvgPooling2D(x, output_size=3).shape == (1, 2, 3, 3)
    np.testing.assert_array_equal(mx.nd.contrib.AdaptiveAvgPooling2D(x, output_size=3).asnumpy()[0, 0, 0],
                                  [4.5, 6.5, 8.5])
    assert mx.nd.contrib.AdaptiveAvgPooling2D(x, output_size=(0, 3)).shape == (1, 2, 0, 3)
    s = mx.sym.contrib.AdaptiveAvgPooling2D(mx.sym.var("d"), output_size=(2, 4))
    assert s.infer_shape(d=(3, 4, 10, 10))[1] == [(3, 4, 2, 4)]


@pytest.mark.parametrize("call,match", [
    (lambda: mx.nd.contrib.BilinearResize2D(mx.nd.ones((2, 3)), height=5, width=7), "4-D"),
    (lambda: mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 3, 4)), height=0, width=7), "at least 1"),
    (lambda: mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 3, 4)), scale_height=1.5), "scale_width"),
    (lambda: mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 3, 4)), mode="odd_scale"), "scale_height"),
    (lambda: mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 3, 4)), scale_height=-1, scale_width=1), "negative"),
    (lambda: mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 3, 4)), mx.nd.ones((1, 2)), mode="like"), "like"),
    (lambda: mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 3, 4)), mode="bicubic"), "mode"),
    (lambda: mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 3, 4), dtype="int32")), "int32"),
    (lambda: mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.ones((2, 3)), output_size=3), "4-D"),
    (lambda: mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.ones((1, 1, 4, 4)), output_size=(2, 3, 4)), "output_size"),
    (lambda: mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.ones((1, 1, 4, 4)), output_size=(-1, 2)), "negative"),
    (lambda: mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.ones((1, 1, 0, 4)), output_size=2), "positive"),
    (lambda: mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.ones((1, 1, 4, 4), dtype="int32")), "int32"),
])
def test_errors(call, match):
    with pytest.raises(MXNetError, match=match):
        call().asnumpy()
    assert mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.ones((1, 1, 2, 2))).asnumpy().item() == 1


# -- gradients ----------------------------------------------------------------------

def _resize_grad():
    x = np.random.default_rng(8).uniform(-1, 1, (1, 2, 3, 4))
    for kwargs in (dict(height=5, width=3), dict(height=2, width=6, align_corners=False)):
        check_gradient(lambda d: mx.nd.contrib.BilinearResize2D(d, **kwargs), [x])
    like = np.zeros((1, 1, 4, 5))
    grads = check_gradient(lambda d, l: mx.nd.contrib.BilinearResize2D(d, l, mode="like"), [x, like], wrt=[0, 1])
    np.testing.assert_array_equal(grads[1], np.zeros_like(like))  # like lends only its shape


def _pool_grad():
    x = np.random.default_rng(9).uniform(-1, 1, (1, 2, 5, 7))
    for size in ((3, 3), (2, 4), (6, 8)):
        check_gradient(lambda d: mx.nd.contrib.AdaptiveAvgPooling2D(d, output_size=size), [x])


GRAD_HARNESS = {"_contrib_BilinearResize2D": _resize_grad, "_contrib_AdaptiveAvgPooling2D": _pool_grad}
NO_GRADIENT = ["_backward_contrib_BilinearResize2D", "_backward_contrib_AdaptiveAvgPooling2D"]


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
