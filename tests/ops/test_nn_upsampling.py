"""UpSampling and _backward_UpSampling against numpy float64 references
(tests/_spatialref.py): nearest with one or several inputs (concat, sum),
bilinear as MXNet's grouped deconvolution; MXNet's documented example;
symbol shapes; error cases; gradients against finite differences."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng
from _nnref import assert_close
from _spatialref import (bilinear_geometry, upsample_bilinear, upsample_bilinear_backward, upsample_nearest,
                         upsample_nearest_backward)

DTYPES = [np.float32, np.float64, np.float16]

NEAREST_CASES = [  # input shapes, scale, multi_input_mode
    ([(2, 3, 2, 3)], 2, "concat"),
    ([(1, 2, 3, 2)], 3, "concat"),
    ([(2, 2, 2, 2), (2, 3, 4, 4), (2, 1, 1, 1)], 2, "concat"),
    ([(1, 2, 2, 2), (1, 2, 1, 1)], 3, "sum"),  # the second input by 6
    ([(0, 2, 2, 2)], 2, "concat"),
    ([(2, 16, 32, 32), (2, 8, 16, 16)], 2, "concat"),  # enough planes for several threads
    ([(2, 16, 32, 32), (2, 16, 64, 64)], 2, "sum"),
]
BILINEAR_CASES = [((2, 3, 3, 4), 2), ((1, 2, 2, 3), 3), ((1, 2, 3, 3), 4), ((2, 1, 2, 2), 1), ((2, 16, 16, 16), 2)]


def upsampling_checker(dtype):
    rng = seeded_rng("UpSampling", np.dtype(dtype).name)
    for shapes, scale, mode in NEAREST_CASES:
        xs = [rng.standard_normal(s).astype(dtype) for s in shapes]
        out = mx.nd.UpSampling(*[mx.nd.array(x, dtype=dtype) for x in xs], scale=scale, sample_type="nearest",
                               multi_input_mode=mode)
        assert_close(out, upsample_nearest(xs, scale, mode), dtype, scale=len(xs))
    for shape, scale in BILINEAR_CASES:
        k = bilinear_geometry(scale)[0]
        x, w = rng.standard_normal(shape).astype(dtype), rng.standard_normal((shape[1], 1, k, k)).astype(dtype)
        out = mx.nd.UpSampling(mx.nd.array(x, dtype=dtype), mx.nd.array(w, dtype=dtype), scale=scale,
                               sample_type="bilinear", num_filter=shape[1])
        assert_close(out, upsample_bilinear(x.astype(np.float64), w.astype(np.float64), scale), dtype, scale=4.0)


def backward_checker(dtype):
    rng = seeded_rng("_backward_UpSampling", np.dtype(dtype).name)
    for shapes, scale, mode in NEAREST_CASES:
        xs = [mx.nd.array(rng.standard_normal(s), dtype=dtype) for s in shapes]
        y = mx.nd.UpSampling(*xs, scale=scale, sample_type="nearest", multi_input_mode=mode)
        dy = rng.standard_normal(y.shape).astype(dtype)
        grads = mx.nd._internal._backward_UpSampling(mx.nd.array(dy, dtype=dtype), *xs, scale=scale,
                                                     num_args=len(xs), multi_input_mode=mode)
        grads = grads if isinstance(grads, list) else [grads]
        for got, expected in zip(grads, upsample_nearest_backward(dy, shapes, mode)):
            assert_close(got, expected, dtype, scale=scale * scale)


HARNESS = {"UpSampling": upsampling_checker, "_backward_UpSampling": backward_checker}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_mxnet_documented_examples():
    x = mx.nd.ones((1, 1, 3, 3))
    np.testing.assert_array_equal(mx.nd.UpSampling(x, scale=2, sample_type="nearest").asnumpy(), np.ones((1, 1, 6, 6)))
    out = mx.nd.UpSampling(x, mx.nd.ones((1, 1, 4, 4)), scale=2, sample_type="bilinear", num_filter=1)
    edge = [1, 2, 2, 2, 2, 1]
    np.testing.assert_array_equal(out.asnumpy()[0, 0], np.outer(edge, edge))


def test_symbol_makes_the_bilinear_weight_and_infers_shapes():
    data = mx.sym.Variable("data")
    up = mx.sym.UpSampling(data, scale=2, sample_type="bilinear", num_filter=3, name="up")
    assert up.list_arguments() == ["data", "up_weight"]
    args, outs, _ = up.infer_shape(data=(2, 3, 5, 7))
    assert args == [(2, 3, 5, 7), (3, 1, 4, 4)] and outs == [(2, 3, 10, 14)]
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    near = mx.sym.UpSampling(a, b, scale=3, sample_type="nearest")
    assert near.list_arguments() == ["a", "b"]
    _, outs, _ = near.infer_shape(a=(1, 2, 2, 2), b=(1, 4, 6, 6))
    assert outs == [(1, 6, 6, 6)]


@pytest.mark.parametrize("shapes,kwargs,match", [
    ([(1, 1, 2, 2)], dict(scale=0), "scale"),
    ([(1, 1, 2, 2)], dict(scale=1001), "scale"),
    ([(1, 1, 2, 2)], dict(scale=2, workspace=9000), "workspace"),
    ([(1, 1, 2)], dict(scale=2), "4-D"),
    ([(1, 1, 2, 2), (1, 1, 3, 3)], dict(scale=2), "factor"),
    ([(1, 1, 2, 2), (1, 1, 2, 4)], dict(scale=2), "factor"),
    ([(1, 1, 2, 2), (2, 1, 2, 2)], dict(scale=2), "batch"),
    ([(1, 1, 2, 2), (1, 2, 2, 2)], dict(scale=2, multi_input_mode="sum"), "channels"),
    ([(1, 1, 2, 2)], dict(scale=2, multi_input_mode="mean"), "multi_input_mode"),
    ([(1, 1, 2, 2)], dict(scale=2, sample_type="cubic"), "sample_type"),
])
def test_nearest_errors(shapes, kwargs, match):
    kwargs.setdefault("sample_type", "nearest")
    with pytest.raises(MXNetError, match=match):
        mx.nd.UpSampling(*[mx.nd.ones(s) for s in shapes], **kwargs).asnumpy()
    assert mx.nd.UpSampling(mx.nd.ones((1, 1, 1, 1)), scale=2, sample_type="nearest").shape == (1, 1, 2, 2)


@pytest.mark.parametrize("inputs,kwargs,match", [
    ([(1, 2, 2, 2), (2, 1, 4, 4)], dict(num_filter=0), "num_filter"),
    ([(1, 2, 2, 2), (2, 1, 4, 4)], dict(num_filter=3), "num_filter"),
    ([(1, 2, 2, 2), (2, 1, 3, 3)], dict(num_filter=2), "weight"),
    ([(1, 2, 2, 2)], dict(num_filter=2), "input"),
    ([(2, 2, 2), (2, 1, 4, 4)], dict(num_filter=2), "4-D"),
])
def test_bilinear_errors(inputs, kwargs, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.UpSampling(*[mx.nd.ones(s) for s in inputs], scale=2, sample_type="bilinear", **kwargs).asnumpy()
    assert mx.nd.UpSampling(mx.nd.ones((1, 1, 1, 1)), mx.nd.ones((1, 1, 4, 4)), scale=2, sample_type="bilinear",
                            num_filter=1).shape == (1, 1, 2, 2)


def test_integer_data_is_refused():
    with pytest.raises(MXNetError, match="int32"):
        mx.nd.UpSampling(mx.nd.ones((1, 1, 2, 2), dtype="int32"), scale=2, sample_type="nearest")


# -- gradients ----------------------------------------------------------------------
RNG = np.random.default_rng(21)
GRAD_CASES = [
    ("nearest", [(2, 2, 2, 3)], dict(scale=2)),
    ("nearest", [(1, 2, 2, 2), (1, 1, 4, 4), (1, 2, 1, 1)], dict(scale=2)),
    ("nearest", [(1, 2, 1, 2), (1, 2, 3, 6)], dict(scale=3, multi_input_mode="sum")),
    ("bilinear", [(2, 2, 3, 2)], dict(scale=2, num_filter=2)),
    ("bilinear", [(1, 3, 2, 2)], dict(scale=3, num_filter=3)),
]


def _upsampling_grad(kind, shapes, kwargs):
    def check():
        inputs = [RNG.standard_normal(s) for s in shapes]
        if kind == "bilinear":
            k = bilinear_geometry(kwargs["scale"])[0]
            inputs.append(RNG.standard_normal((shapes[0][1], 1, k, k)))
        check_gradient(lambda *a: mx.nd.UpSampling(*a, sample_type=kind, **kwargs), inputs)
    return check


GRAD_HARNESS = {"UpSampling": lambda: [_upsampling_grad(*case)() for case in GRAD_CASES]}
NO_GRADIENT = ["_backward_UpSampling"]


@pytest.mark.parametrize("case", GRAD_CASES, ids=str)
def test_gradient(case):
    _upsampling_grad(*case)()


def test_bilinear_gradient_matches_the_reference():
    x, w = RNG.standard_normal((2, 2, 3, 3)), RNG.standard_normal((2, 1, 4, 4))
    dy = RNG.standard_normal((2, 2, 6, 6))
    xs, ws = mx.nd.array(x, dtype="float64"), mx.nd.array(w, dtype="float64")
    xs.attach_grad()
    ws.attach_grad()
    with mx.autograd.record():
        y = mx.nd.UpSampling(xs, ws, scale=2, sample_type="bilinear", num_filter=2)
    y.backward(mx.nd.array(dy, dtype="float64"))
    dx, dw = upsample_bilinear_backward(dy, x, w, 2)
    np.testing.assert_allclose(xs.grad.asnumpy(), dx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ws.grad.asnumpy(), dw, rtol=1e-12, atol=1e-12)
