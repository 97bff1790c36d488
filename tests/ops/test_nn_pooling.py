"""Pooling and _backward_Pooling against numpy float64 references
(tests/_nnref.py): max / avg / sum / lp, valid / full / same conventions,
count_include_pad, global pooling, 1-D / 2-D / 3-D; error cases; gradients
against finite differences."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng
from _nnref import assert_close, pool_backward, pool_forward

DTYPES = [np.float32, np.float64, np.float16]

CASES = [
    ((2, 3, 6, 7), dict(kernel=(2, 2), stride=(2, 2), pool_type="max")),
    ((2, 3, 6, 7), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max")),
    ((2, 2, 7, 7), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg")),
    ((2, 2, 7, 7), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", count_include_pad=False)),
    ((1, 2, 7, 7), dict(kernel=(3, 2), stride=(2, 3), pool_type="avg", pooling_convention="full")),
    ((1, 2, 7, 7), dict(kernel=(3, 2), stride=(2, 3), pad=(1, 0), pool_type="max", pooling_convention="full")),
    ((2, 3, 5, 4), dict(kernel=(2, 3), pool_type="sum")),
    ((2, 3, 5, 4), dict(kernel=(2, 2), stride=(1, 2), pool_type="lp", p_value=2)),
    ((2, 3, 5, 4), dict(kernel=(2, 2), pool_type="lp", p_value=1)),
    ((2, 3, 5, 4), dict(kernel=(3, 2), pool_type="lp", p_value=3)),
    ((2, 3, 5, 4), dict(kernel=(1, 1), global_pool=True, pool_type="avg", pooling_convention="full")),
    ((2, 3, 5, 4), dict(global_pool=True, pool_type="max")),
    ((2, 3, 5, 4), dict(kernel=(9, 9), global_pool=True, pool_type="sum")),
    ((2, 3, 9), dict(kernel=(3,), stride=(2,), pool_type="max")),
    ((2, 3, 9), dict(kernel=(3,), stride=(2,), pool_type="max", pooling_convention="same")),
    ((2, 3, 10), dict(kernel=(4,), stride=(3,), pool_type="avg", pooling_convention="same")),
    ((1, 2, 4, 5, 6), dict(kernel=(2, 2, 3), stride=(2, 1, 2), pad=(1, 0, 1), pool_type="avg")),
    ((1, 2, 4, 5, 6), dict(kernel=(2, 3, 2), stride=(2, 2, 2), pool_type="max", pooling_convention="full")),
    ((0, 2, 4, 4), dict(kernel=(2, 2), pool_type="max")),
]


def reference_args(p):
    args = dict(p)
    if "count_include_pad" not in args:
        args["count_include_pad"] = True
    return args


def data(shape, p, dtype, rng):
    x = rng.standard_normal(shape)
    if p.get("pool_type") == "lp" and p.get("p_value") != 3:
        x = np.abs(x) + 0.5  # even powers and their roots: positive values
    return x.astype(dtype)


def pooling_checker(dtype):
    rng = seeded_rng("Pooling", np.dtype(dtype).name)
    for shape, p in CASES:
        x = data(shape, p, dtype, rng)
        out = mx.nd.Pooling(mx.nd.array(x, dtype=dtype), **p)
        expected = pool_forward(x.astype(np.float64), **reference_args(p))
        assert_close(out, expected, dtype, scale=4.0)


def backward_checker(dtype):
    rng = seeded_rng("_backward_Pooling", np.dtype(dtype).name)
    for shape, p in CASES:
        x = data(shape, p, dtype, rng)
        y = mx.nd.Pooling(mx.nd.array(x, dtype=dtype), **p)
        dy = rng.standard_normal(y.shape).astype(dtype)
        grad = mx.nd._internal._backward_Pooling(mx.nd.array(dy, dtype=dtype), mx.nd.array(x, dtype=dtype), y, **p)
        # the reference's max positions are taken on the same (rounded) data
        expected = pool_backward(dy, x.astype(np.float64), **reference_args(p))
        assert_close(grad, expected, dtype, scale=4.0)


HARNESS = {"Pooling": pooling_checker, "_backward_Pooling": backward_checker}
ALIASES = {"_npx_pooling": "Pooling"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_max_gradient_goes_to_the_first_maximum():
    x = mx.nd.array([[[[1, 3, 3, 0], [3, 2, 0, 3]]]])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Pooling(x, kernel=(2, 2), stride=(2, 2))
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[[[0, 1, 1, 0], [0, 0, 0, 0]]]])


def test_shapes_and_defaults():
    x = mx.nd.ones((1, 1, 5, 5))
    assert mx.nd.Pooling(x, kernel=(2, 2)).shape == (1, 1, 4, 4)            # stride 1, max, valid
    assert mx.nd.Pooling(x, kernel=(2, 2), stride=(2, 2)).shape == (1, 1, 2, 2)
    assert mx.nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pooling_convention="full").shape == (1, 1, 3, 3)
    assert mx.nd.Pooling(x, kernel=(3, 3), global_pool=True).shape == (1, 1, 1, 1)
    data = mx.sym.Variable("data")
    sym = mx.sym.Pooling(data, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg")
    _, outs, _ = sym.infer_shape(data=(2, 4, 9, 8))
    assert outs == [(2, 4, 5, 4)]
    nhwc = mx.sym.Pooling(data, kernel=(2, 2), stride=(2, 2), layout="NHWC")
    _, outs, _ = nhwc.infer_shape(data=(2, 8, 6, 3))
    assert outs == [(2, 4, 3, 3)]


@pytest.mark.parametrize("kwargs,shape,match", [
    (dict(kernel=(2, 2)), (2, 3), "3-D"),
    (dict(kernel=(2, 2)), (1, 1, 2, 2, 2, 2), "3-D"),
    (dict(kernel=(2,)), (1, 1, 4, 4), "kernel"),
    (dict(), (1, 1, 4, 4), "kernel"),
    (dict(kernel=(5, 2)), (1, 1, 4, 4), "exceeds"),
    (dict(kernel=(2, 2), stride=(1,)), (1, 1, 4, 4), "stride"),
    (dict(kernel=(2, 2), stride=(0, 1)), (1, 1, 4, 4), "stride"),
    (dict(kernel=(2, 2), pool_type="lp"), (1, 1, 4, 4), "p_value"),
    (dict(kernel=(2, 2), pool_type="lp", p_value=4), (1, 1, 4, 4), "p_value"),
    (dict(kernel=(2, 2), pooling_convention="same"), (1, 1, 4, 4), "1-D"),
    (dict(kernel=(2,), pad=(1,), pooling_convention="same"), (1, 1, 4), "pad"),
    (dict(kernel=(2, 2), pool_type="median"), (1, 1, 4, 4), "pool_type"),
])
def test_errors(kwargs, shape, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.Pooling(mx.nd.ones(shape), **kwargs).asnumpy()


def test_integer_data_is_refused():
    with pytest.raises(MXNetError, match="int32"):
        mx.nd.Pooling(mx.nd.ones((1, 1, 4, 4), dtype="int32"), kernel=(2, 2))


# -- gradients ----------------------------------------------------------------------
RNG = np.random.default_rng(9)

GRAD_CASES = [
    ((2, 2, 4, 5), dict(kernel=(2, 2), stride=(2, 2), pool_type="max")),
    ((1, 2, 5, 5), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg")),
    ((1, 2, 5, 5), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", count_include_pad=False,
                        pooling_convention="full")),
    ((2, 2, 4, 3), dict(kernel=(2, 2), pool_type="sum")),
    ((2, 2, 4, 3), dict(kernel=(2, 2), pool_type="lp", p_value=2)),
    ((2, 2, 4, 3), dict(kernel=(2, 2), pool_type="lp", p_value=3)),
    ((2, 3, 7), dict(kernel=(3,), stride=(2,), pool_type="max", pooling_convention="same")),
    ((1, 1, 3, 4, 4), dict(kernel=(2, 2, 2), pool_type="avg")),
    ((2, 2, 3, 3), dict(global_pool=True, pool_type="avg")),
]


def _pool_grad(shape, p):
    def check():
        x = RNG.permutation(np.arange(np.prod(shape), dtype=np.float64)).reshape(shape) / 7 + 0.3  # distinct
        check_gradient(lambda a: mx.nd.Pooling(a, **p), [x])
    return check


GRAD_HARNESS = {"Pooling": lambda: [_pool_grad(*case)() for case in GRAD_CASES]}
NO_GRADIENT = ["_backward_Pooling"]


@pytest.mark.parametrize("case", GRAD_CASES, ids=str)
def test_gradient(case):
    _pool_grad(*case)()
