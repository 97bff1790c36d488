"""Convolution, Deconvolution and their backward ops against numpy float64
references (tests/_nnref.py): 1-D, 2-D and 3-D windows with stride,
dilation, padding, groups (depthwise included), 1x1 kernels and no_bias;
Deconvolution's adj and target_shape; shape inference in both directions;
error cases; gradients against finite differences.  Deconvolution is
checked as what it is: Convolution's data gradient."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng
from _nnref import assert_close, conv_backward, conv_forward

DTYPES = [np.float32, np.float64, np.float16]

# (data shape, num_filter, parameters)
CASES = [
    ((2, 3, 7, 8), 4, dict(kernel=(3, 3))),
    ((2, 3, 7, 8), 4, dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1))),
    ((1, 4, 9, 9), 6, dict(kernel=(3, 3), dilate=(2, 1), pad=(2, 0), num_group=2)),
    ((2, 3, 6, 5), 6, dict(kernel=(3, 3), pad=(1, 1), num_group=3)),              # depthwise, multiplier 2
    ((2, 4, 6, 6), 4, dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), num_group=4, no_bias=True)),
    ((2, 5, 4, 3), 7, dict(kernel=(1, 1))),                                       # pointwise
    ((2, 4, 4, 3), 6, dict(kernel=(1, 1), num_group=2, no_bias=True)),
    ((2, 4, 7, 7), 3, dict(kernel=(1, 1), stride=(2, 2))),                        # 1x1, strided
    ((3, 2, 11), 4, dict(kernel=(3,), stride=(2,), pad=(1,))),                    # 1-D
    ((2, 2, 9), 4, dict(kernel=(2,), dilate=(3,), num_group=2)),
    ((1, 2, 4, 5, 4), 3, dict(kernel=(2, 3, 2), stride=(1, 2, 1), pad=(1, 0, 1))),  # 3-D
    ((0, 3, 5, 5), 2, dict(kernel=(3, 3))),                                       # empty batch
    ((2, 1, 5, 5), 3, dict(kernel=(5, 5))),                                       # one window
    ((1, 32, 16, 17), 32, dict(kernel=(3, 3), pad=(1, 1))),                       # products split across threads
]


def weight_shape(shape, num_filter, p):
    return (num_filter, shape[1] // p.get("num_group", 1)) + tuple(p["kernel"])


def window(p):
    return {k: p[k] for k in ("kernel", "stride", "dilate", "pad", "num_group") if k in p}


def arrays(shape, num_filter, p, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal(weight_shape(shape, num_filter, p)).astype(dtype)
    b = None if p.get("no_bias") else rng.standard_normal(num_filter).astype(dtype)
    return x, w, b


def convolution_checker(dtype):
    rng = seeded_rng("Convolution", np.dtype(dtype).name)
    for shape, num_filter, p in CASES:
        x, w, b = arrays(shape, num_filter, p, dtype, rng)
        inputs = [mx.nd.array(a, dtype=dtype) for a in (x, w, b) if a is not None]
        out = mx.nd.Convolution(*inputs, num_filter=num_filter, **p)
        expected = conv_forward(x, w, b, **window(p))
        assert_close(out, expected, dtype, scale=np.sqrt(w[0].size))
    # keyword inputs and MXNet's string attributes, as a -symbol.json holds them
    x, w, b = arrays((1, 2, 5, 5), 3, dict(kernel=(3, 3)), dtype, rng)
    out = mx.nd.Convolution(data=mx.nd.array(x, dtype=dtype), weight=mx.nd.array(w, dtype=dtype),
                            bias=mx.nd.array(b, dtype=dtype), kernel="(3, 3)", num_filter="3", pad="(1, 1)",
                            cudnn_tune="fastest", cudnn_off="True", workspace="512", layout="NCHW")
    assert_close(out, conv_forward(x, w, b, (3, 3), pad=(1, 1)), dtype, scale=3.0)


def backward_checker(dtype):
    rng = seeded_rng("_backward_Convolution", np.dtype(dtype).name)
    for shape, num_filter, p in CASES:
        x, w, b = arrays(shape, num_filter, p, dtype, rng)
        out_shape = conv_forward(x, w, b, **window(p)).shape
        dy = rng.standard_normal(out_shape).astype(dtype)
        grads = mx.nd._internal._backward_Convolution(
            mx.nd.array(dy, dtype=dtype), mx.nd.array(x, dtype=dtype), mx.nd.array(w, dtype=dtype),
            num_filter=num_filter, **p)
        dx, dw, db = conv_backward(dy, x, w, **window(p))
        assert len(grads) == (2 if p.get("no_bias") else 3)
        scale = np.sqrt(max(dy.size // max(shape[0], 1), 1))
        assert_close(grads[0], dx, dtype, scale)
        assert_close(grads[1], dw, dtype, scale * np.sqrt(max(shape[0], 1)))
        if not p.get("no_bias"):
            assert_close(grads[2], db, dtype, scale * np.sqrt(max(shape[0], 1)))


# Deconvolution: (data shape, num_filter, parameters)
DECONV_CASES = [
    ((2, 3, 4, 5), 4, dict(kernel=(3, 3))),
    ((2, 3, 4, 5), 2, dict(kernel=(3, 2), stride=(2, 2), pad=(1, 0), adj=(1, 1), no_bias=False)),
    ((1, 4, 3, 3), 6, dict(kernel=(2, 3), dilate=(2, 1), num_group=2, no_bias=False)),
    ((2, 4, 3, 4), 4, dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), num_group=4)),   # depthwise
    ((2, 3, 5), 2, dict(kernel=(4,), stride=(3,), pad=(1,), adj=(2,), no_bias=False)),
    ((1, 2, 2, 3, 2), 3, dict(kernel=(2, 2, 3), stride=(2, 1, 2), pad=(0, 1, 1))),
    ((2, 5, 3, 3), 3, dict(kernel=(1, 1), no_bias=False)),
    ((2, 3, 4, 4), 2, dict(kernel=(4, 4), stride=(2, 2), target_shape=(8, 9))),
    ((0, 2, 3, 3), 2, dict(kernel=(2, 2))),
    ((1, 32, 16, 17), 32, dict(kernel=(3, 3), pad=(1, 1), no_bias=False)),       # products split across threads
]


def deconv_window(data_shape, p):
    """Convolution's kernel / stride / dilate / pad (and deconvolution's
    output spatial size) that Deconvolution p is the adjoint of."""
    nd = len(p["kernel"])
    kernel, stride = p["kernel"], p.get("stride", (1,) * nd)
    dilate, pad, adj = p.get("dilate", (1,) * nd), p.get("pad", (0,) * nd), p.get("adj", (0,) * nd)
    full = [s * (x - 1) + d * (k - 1) + 1 for x, k, s, d in zip(data_shape[2:], kernel, stride, dilate)]
    if "target_shape" in p:
        total = [f - t for f, t in zip(full, p["target_shape"])]
        pad, adj = [(t + 1) // 2 for t in total], [t % 2 for t in total]
    out = tuple(f - 2 * q + a for f, q, a in zip(full, pad, adj))
    return dict(kernel=kernel, stride=stride, dilate=dilate, pad=tuple(pad), num_group=p.get("num_group", 1)), out


def deconv_arrays(shape, num_filter, p, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((shape[1], num_filter // p.get("num_group", 1)) + tuple(p["kernel"])).astype(dtype)
    b = None if p.get("no_bias", True) else rng.standard_normal(num_filter).astype(dtype)
    return x, w, b


def deconv_forward(x, w, b, num_filter, p):
    conv, out_spatial = deconv_window(x.shape, p)
    y = conv_backward(x, np.zeros((x.shape[0], num_filter) + out_spatial), w, **conv)[0]
    return y if b is None else y + b.astype(np.float64).reshape((1, -1) + (1,) * len(out_spatial))


def deconvolution_checker(dtype):
    rng = seeded_rng("Deconvolution", np.dtype(dtype).name)
    for shape, num_filter, p in DECONV_CASES:
        x, w, b = deconv_arrays(shape, num_filter, p, dtype, rng)
        inputs = [mx.nd.array(a, dtype=dtype) for a in (x, w, b) if a is not None]
        out = mx.nd.Deconvolution(*inputs, num_filter=num_filter, **p)
        assert_close(out, deconv_forward(x, w, b, num_filter, p), dtype, scale=np.sqrt(w[0].size))


def deconvolution_backward_checker(dtype):
    rng = seeded_rng("_backward_Deconvolution", np.dtype(dtype).name)
    for shape, num_filter, p in DECONV_CASES:
        x, w, b = deconv_arrays(shape, num_filter, p, dtype, rng)
        conv, out_spatial = deconv_window(shape, p)
        dy = rng.standard_normal((shape[0], num_filter) + out_spatial).astype(dtype)
        grads = mx.nd._internal._backward_Deconvolution(*[mx.nd.array(a, dtype=dtype) for a in (dy, x, w)],
                                                        num_filter=num_filter, **p)
        # the adjoint's gradients: convolve dy (data), correlate data with dy's windows (weight)
        dx = conv_forward(dy, w, None, **conv)
        dw = conv_backward(x, dy, w, **conv)[1]
        scale = np.sqrt(max(dy.size // max(shape[0], 1), 1) * max(shape[0], 1))
        assert len(grads) == (2 if b is None else 3)
        assert_close(grads[0], dx, dtype, scale)
        assert_close(grads[1], dw, dtype, scale)
        if b is not None:
            assert_close(grads[2], dy.astype(np.float64).sum(axis=(0,) + tuple(range(2, dy.ndim))), dtype, scale)


HARNESS = {"Convolution": convolution_checker, "_backward_Convolution": backward_checker,
           "Deconvolution": deconvolution_checker, "_backward_Deconvolution": deconvolution_backward_checker}
ALIASES = {"_npx_convolution": "Convolution", "_npx_deconvolution": "Deconvolution"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_shape_inference_fills_weight_and_bias():
    data = mx.sym.Variable("data")
    conv = mx.sym.Convolution(data, kernel=(3, 3), num_filter=8, num_group=2, stride=(2, 2), pad=(1, 1), name="c")
    args, outs, aux = conv.infer_shape(data=(4, 6, 9, 10))
    assert dict(zip(conv.list_arguments(), args)) == {"data": (4, 6, 9, 10), "c_weight": (8, 3, 3, 3),
                                                       "c_bias": (8,)}
    assert outs == [(4, 8, 5, 5)] and aux == []
    conv1d = mx.sym.Convolution(data, kernel=(3,), num_filter=2, dilate=(2,), no_bias=True, name="d")
    assert conv1d.list_arguments() == ["data", "d_weight"]
    args, outs, _ = conv1d.infer_shape(data=(1, 5, 10))
    assert args == [(1, 5, 10), (2, 5, 3)] and outs == [(1, 2, 6)]
    conv3d = mx.sym.Convolution(data, kernel=(1, 2, 3), num_filter=4, name="e")
    _, outs, _ = conv3d.infer_shape(data=(2, 3, 4, 5, 6))
    assert outs == [(2, 4, 4, 4, 4)]


def test_shape_inference_with_unknown_batch():
    data = mx.sym.Variable("data")
    conv = mx.sym.Convolution(data, kernel=(3, 3), num_filter=2, name="c")
    args, outs, _ = conv.infer_shape_partial(data=(0, 3, 5, 5))
    assert args[1] == (2, 3, 3, 3)
    assert outs[0][1:] == (2, 3, 3)


def test_channel_last_layout_shapes():
    data = mx.sym.Variable("data")
    conv = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, layout="NHWC", name="c")
    args, outs, _ = conv.infer_shape(data=(2, 7, 8, 6))
    assert args[1] == (4, 3, 3, 6) and outs == [(2, 5, 6, 4)]


@pytest.mark.parametrize("kwargs,inputs,match", [
    (dict(kernel=(3, 3), num_filter=4, num_group=2), [(1, 3, 5, 5), (4, 1, 3, 3), (4,)], "divisible"),
    (dict(kernel=(3, 3), num_filter=3, num_group=2), [(1, 4, 5, 5), (3, 2, 3, 3), (3,)], "divisible"),
    (dict(kernel=(6, 3), num_filter=2), [(1, 1, 5, 5), (2, 1, 6, 3), (2,)], "exceeds"),
    (dict(kernel=(3, 3), num_filter=2), [(1, 1, 5), (2, 1, 3, 3), (2,)], "4-D"),
    (dict(kernel=(3, 3), num_filter=2, stride=(1, 1, 1)), [(1, 1, 5, 5), (2, 1, 3, 3), (2,)], "stride"),
    (dict(kernel=(3, 3), num_filter=2, pad=(-1, 0)), [(1, 1, 5, 5), (2, 1, 3, 3), (2,)], "pad"),
    (dict(kernel=(3, 0), num_filter=2), [(1, 1, 5, 5), (2, 1, 3, 0), (2,)], "kernel"),
    (dict(kernel=(3, 3), num_filter=0), [(1, 1, 5, 5), (0, 1, 3, 3), (0,)], "num_filter"),
    (dict(kernel=(3, 3), num_filter=2), [(1, 1, 5, 5), (2, 2, 3, 3), (2,)], "weight"),
    (dict(kernel=(3, 3), num_filter=2), [(1, 1, 5, 5), (2, 1, 3, 3), (3,)], "bias"),
    (dict(kernel=(1, 1, 1, 1), num_filter=2), [(1, 1, 2, 2, 2, 2), (2, 1, 1, 1, 1, 1), (2,)], "1-D, 2-D"),
    (dict(kernel=(3, 3), num_filter=2, layout="NCW"), [(1, 1, 5, 5), (2, 1, 3, 3), (2,)], "layout"),
])
def test_errors(kwargs, inputs, match):
    arrays = [mx.nd.ones(s) for s in inputs]
    with pytest.raises(MXNetError, match=match):
        mx.nd.Convolution(*arrays, **kwargs).asnumpy()


def test_missing_kernel_and_dtype_errors():
    x, w, b = mx.nd.ones((1, 1, 4, 4)), mx.nd.ones((2, 1, 3, 3)), mx.nd.ones((2,))
    with pytest.raises(MXNetError, match="kernel"):
        mx.nd.Convolution(x, w, b, num_filter=2)
    with pytest.raises(MXNetError, match="int32"):
        mx.nd.Convolution(x.astype("int32"), w.astype("int32"), b.astype("int32"), kernel=(3, 3), num_filter=2)
    with pytest.raises(MXNetError):
        mx.nd.Convolution(x, w.astype("float64"), b, kernel=(3, 3), num_filter=2)


def test_channel_last_is_refused_on_cpu():
    x, w = mx.nd.ones((1, 5, 5, 2)), mx.nd.ones((3, 3, 3, 2))
    with pytest.raises(MXNetError, match="NCHW"):
        mx.nd.Convolution(x, w, kernel=(3, 3), num_filter=3, no_bias=True, layout="NHWC").asnumpy()


def test_deconvolution_shapes():
    data = mx.sym.Variable("data")
    deconv = mx.sym.Deconvolution(data, kernel=(4, 4), stride=(2, 2), pad=(1, 1), num_filter=3, name="d")
    assert deconv.list_arguments() == ["data", "d_weight"]  # no_bias defaults to True
    args, outs, _ = deconv.infer_shape(data=(2, 5, 7, 8))
    assert args == [(2, 5, 7, 8), (5, 3, 4, 4)] and outs == [(2, 3, 14, 16)]
    target = mx.sym.Deconvolution(data, kernel=(3,), stride=(2,), target_shape=(12,), num_filter=2, num_group=2,
                                  no_bias=False, name="t")
    args, outs, _ = target.infer_shape(data=(1, 4, 6))
    assert args == [(1, 4, 6), (4, 1, 3), (2,)] and outs == [(1, 2, 12)]


@pytest.mark.parametrize("kwargs,inputs,match", [
    (dict(kernel=(3, 3), num_filter=4, num_group=2), [(1, 3, 5, 5), (3, 2, 3, 3)], "divisible"),
    (dict(kernel=(3, 3), num_filter=3, num_group=2), [(1, 4, 5, 5), (4, 1, 3, 3)], "divisible"),
    (dict(kernel=(3, 3), num_filter=2, target_shape=(20, 20)), [(1, 1, 5, 5), (1, 2, 3, 3)], "target_shape"),
    (dict(kernel=(3, 3), num_filter=2, adj=(1,)), [(1, 1, 5, 5), (1, 2, 3, 3)], "adj"),
    (dict(kernel=(3, 3), num_filter=2, pad=(5, 5)), [(1, 1, 2, 2), (1, 2, 3, 3)], "pad"),
    (dict(kernel=(3, 3), num_filter=2), [(1, 1, 5, 5), (2, 2, 3, 3)], "weight"),
    (dict(kernel=(3, 3), num_filter=2), [(1, 1, 5), (1, 2, 3, 3)], "4-D"),
])
def test_deconvolution_errors(kwargs, inputs, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.Deconvolution(*[mx.nd.ones(s) for s in inputs], **kwargs).asnumpy()


# -- gradients ----------------------------------------------------------------------
RNG = np.random.default_rng(5)


def _conv_grad(shape, num_filter, p):
    def check():
        x, w, b = arrays(shape, num_filter, p, np.float64, RNG)
        inputs = [a for a in (x, w, b) if a is not None]
        check_gradient(lambda *a: mx.nd.Convolution(*a, num_filter=num_filter, **p), inputs)
    return check


GRAD_CASES = [
    ((2, 2, 5, 4), 3, dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), dilate=(1, 2))),
    ((1, 4, 4, 4), 4, dict(kernel=(2, 2), num_group=2, no_bias=True)),
    ((2, 2, 4, 4), 4, dict(kernel=(3, 3), pad=(1, 1), stride=(2, 2), num_group=2)),   # depthwise
    ((2, 3, 3, 2), 2, dict(kernel=(1, 1))),
    ((2, 2, 6), 2, dict(kernel=(3,), stride=(2,), pad=(2,))),
    ((1, 1, 3, 3, 4), 2, dict(kernel=(2, 2, 3), pad=(0, 1, 0))),
]

DECONV_GRAD_CASES = [
    ((2, 2, 3, 2), 3, dict(kernel=(3, 2), stride=(2, 1), pad=(1, 0), adj=(1, 0), no_bias=False)),
    ((1, 4, 2, 3), 4, dict(kernel=(2, 2), num_group=2, dilate=(1, 2))),
    ((2, 2, 4), 2, dict(kernel=(3,), stride=(2,), target_shape=(8,), no_bias=False)),
]


def _deconv_grad(shape, num_filter, p):
    def check():
        x, w, b = deconv_arrays(shape, num_filter, p, np.float64, RNG)
        inputs = [a for a in (x, w, b) if a is not None]
        check_gradient(lambda *a: mx.nd.Deconvolution(*a, num_filter=num_filter, **p), inputs)
    return check


GRAD_HARNESS = {"Convolution": lambda: [_conv_grad(*case)() for case in GRAD_CASES],
                "Deconvolution": lambda: [_deconv_grad(*case)() for case in DECONV_GRAD_CASES]}
NO_GRADIENT = ["_backward_Convolution", "_backward_Deconvolution"]


@pytest.mark.parametrize("case", GRAD_CASES, ids=str)
def test_gradient(case):
    _conv_grad(*case)()


@pytest.mark.parametrize("case", DECONV_GRAD_CASES, ids=str)
def test_deconvolution_gradient(case):
    _deconv_grad(*case)()


def test_gradient_through_symbol_executor():
    rng = seeded_rng("conv executor")
    data = mx.sym.Variable("data")
    net = mx.sym.Convolution(data, kernel=(3, 3), num_filter=3, pad=(1, 1), num_group=1, name="c")
    ex = net.simple_bind(mx.cpu(), data=(2, 2, 5, 5))
    x = rng.standard_normal((2, 2, 5, 5))
    w = rng.standard_normal((3, 2, 3, 3))
    b = rng.standard_normal(3)
    ex.arg_dict["data"][:] = x
    ex.arg_dict["c_weight"][:] = w
    ex.arg_dict["c_bias"][:] = b
    dy = rng.standard_normal((2, 3, 5, 5))
    ex.forward(is_train=True)
    ex.backward(mx.nd.array(dy))
    dx, dw, db = conv_backward(dy, x, w, (3, 3), pad=(1, 1))
    assert_close(ex.outputs[0], conv_forward(x, w, b, (3, 3), pad=(1, 1)), np.float32, scale=5.0)
    assert_close(ex.grad_dict["data"], dx, np.float32, scale=5.0)
    assert_close(ex.grad_dict["c_weight"], dw, np.float32, scale=10.0)
    assert_close(ex.grad_dict["c_bias"], db, np.float32, scale=10.0)
