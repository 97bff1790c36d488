"""L2Normalization against a numpy float64 reference in its three modes
(instance, channel, spatial), its hidden norm output, eps, the error cases,
and its gradient against finite differences (first and second order)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order
from _mxref import seeded_rng
from _nnref import assert_close

DTYPES = [np.float32, np.float64, np.float16]
# the axes each mode sums over, for data of ndim dimensions
NORM_AXES = {"instance": lambda ndim: tuple(range(1, ndim)), "channel": lambda ndim: (1,),
             "spatial": lambda ndim: tuple(range(2, ndim))}


def l2_normalization_reference(x, mode="instance", eps=1e-10):
    """(output, norm) as MXNet 1.9 shapes them."""
    x = x.astype(np.float64)
    norm = np.sqrt((x * x).sum(axis=NORM_AXES[mode](x.ndim), keepdims=True) + eps)
    norm_shape = {"instance": x.shape[:1], "channel": norm.shape, "spatial": x.shape[:2]}[mode]
    return x / norm, norm.reshape(norm_shape)


def l2_normalization_checker(dtype):
    rng = seeded_rng("L2Normalization", np.dtype(dtype).name)
    for mode, shape in (("instance", (3, 4)), ("instance", (5,)), ("instance", (2, 3, 2, 2)), ("channel", (2, 3, 4)),
                        ("channel", (2, 3, 2, 5)), ("spatial", (2, 3, 4)), ("spatial", (2, 3, 2, 5)),
                        ("instance", (0, 3)), ("channel", (2, 3, 0))):
        x = (rng.standard_normal(shape) * 3).astype(dtype)
        expected, norm = l2_normalization_reference(x, mode)
        assert_close(mx.nd.L2Normalization(mx.nd.array(x, dtype=dtype), mode=mode), expected, dtype)
        net = mx.sym.L2Normalization(mx.sym.Variable("data"), mode=mode, eps=0.5)
        ex = net.get_internals()[net.get_internals().list_outputs()[-1]].bind(
            mx.cpu(), {"data": mx.nd.array(x, dtype=dtype)})
        assert_close(ex.forward()[0], l2_normalization_reference(x, mode, 0.5)[1], dtype)
    x = np.zeros((2, 3), dtype=dtype)  # eps keeps the zero vector finite
    assert_close(mx.nd.L2Normalization(mx.nd.array(x, dtype=dtype), eps=1.0), np.zeros((2, 3)), dtype)


HARNESS = {"L2Normalization": l2_normalization_checker}
ALIASES = {}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(dtype):
    l2_normalization_checker(dtype)


def test_one_visible_output_and_hidden_norm():
    net = mx.sym.L2Normalization(mx.sym.Variable("data"), mode="spatial", name="l2")
    assert net.list_outputs() == ["l2_output"]
    assert net.get_internals().list_outputs()[-2:] == ["l2_output", "l2_norm"]
    assert net.infer_shape(data=(2, 3, 4, 5))[1] == [(2, 3, 4, 5)]


@pytest.mark.parametrize("shape, kwargs, match", [
    ((3, 4), dict(mode="channel"), "at least 3 dimensions"),
    ((3, 4), dict(mode="spatial"), "at least 3 dimensions"),
    ((2, 3, 4), dict(mode="batch"), "mode"),
    ((2, 3), dict(dtype="int32"), "float"),
])
def test_errors(shape, kwargs, match):
    dtype = kwargs.pop("dtype", "float32")
    with pytest.raises(MXNetError, match=match):
        mx.nd.L2Normalization(mx.nd.ones(shape, dtype=dtype), **kwargs)
    assert mx.nd.L2Normalization(mx.nd.ones((2, 3))).shape == (2, 3)


def _l2_normalization_grad():
    rng = seeded_rng("L2Normalization gradient")
    for mode, shape in (("instance", (3, 4)), ("instance", (2, 3, 2)), ("channel", (2, 3, 2, 2)),
                        ("spatial", (2, 3, 4))):
        x = rng.standard_normal(shape)
        check_gradient(lambda a: mx.nd.L2Normalization(a, mode=mode, eps=1e-3), [x])
        check_second_order(lambda a: mx.nd.L2Normalization(a, mode=mode, eps=1e-3), [x])


GRAD_HARNESS = {"L2Normalization": _l2_normalization_grad}
NO_GRADIENT = []


def test_gradient():
    _l2_normalization_grad()
