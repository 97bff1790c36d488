"""The ops the gradient pass itself builds with (add_n, _reduce_sum_like) and
the gradients of the binary arithmetic family, negative and copies."""
import numpy as np
import pytest

import mxnet as mx
from _gradcheck import check_gradient, check_second_order
from _mxref import DTYPES, gen, seeded_rng

from test_foundation_ops import BINARY_NAMES


def add_n_checker(fn, dtype):
    rng = seeded_rng("add_n", np.dtype(dtype).name)
    for shape, count in [((3, 4), 1), ((2, 5), 3), ((0, 3), 2), ((7,), 5)]:
        xs = [gen(shape, dtype, rng) for _ in range(count)]
        out = fn(*[mx.nd.array(x, dtype=dtype) for x in xs])
        expected = xs[0].astype(np.float64)
        for x in xs[1:]:
            expected = expected + x
        assert out.dtype == np.dtype(dtype) and out.shape == shape
        np.testing.assert_allclose(out.asnumpy().astype(np.float64),
                                   expected.astype(dtype).astype(np.float64), rtol=2e-3)
    with pytest.raises(mx.base.MXNetError, match="mismatch"):
        fn(mx.nd.ones((2, 3), dtype=dtype), mx.nd.ones((3, 2), dtype=dtype))


def reduce_sum_like_checker(fn, dtype):
    rng = seeded_rng("reduce_sum_like", np.dtype(dtype).name)
    for data_shape, like_shape in [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 3), (2, 1)),
                                   ((4, 2, 3), (1, 2, 1)), ((2, 3), ()), ((0, 3), (3,)),
                                   ((5, 1, 6), (6,))]:
        data = gen(data_shape, dtype, rng)
        like = np.zeros(like_shape, dtype=dtype)
        out = fn(mx.nd.array(data, dtype=dtype), mx.nd.array(like, dtype=dtype))
        lead = len(data_shape) - len(like_shape)
        axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(like_shape)
                                          if d == 1 and data_shape[lead + i] != 1)
        expected = data.astype(np.float64).sum(axis=axes).reshape(like_shape)
        assert out.shape == like_shape and out.dtype == np.dtype(dtype)
        np.testing.assert_allclose(out.asnumpy().astype(np.float64),
                                   expected.astype(dtype).astype(np.float64), rtol=2e-3)
    with pytest.raises(mx.base.MXNetError, match="does not broadcast"):
        fn(mx.nd.ones((2, 3), dtype=dtype), mx.nd.ones((2,), dtype=dtype))


HARNESS = {"add_n": add_n_checker, "_reduce_sum_like": reduce_sum_like_checker}
ALIASES = {"ElementWiseSum": "add_n"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd._internal, name, None) or getattr(mx.nd, name), dtype)


# -- gradients ----------------------------------------------------------------------
RNG = np.random.default_rng(11)
A = RNG.uniform(0.5, 2.0, (2, 3))
B = RNG.uniform(0.5, 2.0, (2, 3))
ROW = RNG.uniform(0.5, 2.0, (3,))
# Forms whose gradient depends on their inputs: second order is checked too
# (power's needs log's gradient; its own family file checks it).
NONLINEAR = {"broadcast_mul", "elemwise_mul", "broadcast_div", "elemwise_div", "_rdiv_scalar",
             "broadcast_hypot", "_hypot", "_hypot_scalar"}
ZERO = {"equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal",
        "logical_and", "logical_or", "logical_xor"}


def _binary_grad(family, form):
    def check():
        op = getattr(mx.nd, form) if not form.startswith("_") else getattr(mx.nd._internal, form)
        if form.startswith("broadcast_"):
            inputs = [A, ROW]
        elif form.endswith("_scalar"):
            inputs = [A]
        else:
            inputs = [A, B]
        fn = (lambda x: op(x, scalar=1.3)) if form.endswith("_scalar") else op
        if family in ZERO:
            for g in check_gradient(fn, inputs):
                assert not g.any()
            return
        check_gradient(fn, inputs)
        if form in NONLINEAR:
            check_second_order(fn, inputs)
    return check


GRAD_HARNESS = {}
for _family, _forms in BINARY_NAMES.items():
    for _form in _forms:
        if _form:
            GRAD_HARNESS[_form] = _binary_grad(_family, _form)
GRAD_HARNESS.update({
    "negative": lambda: check_gradient(mx.nd.negative, [A]),
    "_copy": lambda: check_gradient(mx.nd._internal._copy, [A]),
    "_copyto": lambda: check_gradient(lambda x: x.astype("float64") * x, [A]),
    "zeros_like": lambda: check_gradient(lambda x: mx.nd.zeros_like(x) + x, [A]),
    "ones_like": lambda: check_gradient(lambda x: mx.nd.ones_like(x) * x, [A]),
    "add_n": lambda: check_gradient(lambda x, y, z: mx.nd.add_n(x, y, z) * x, [A, B, A]),
    "_reduce_sum_like": lambda: check_gradient(
        lambda x, y: mx.nd._internal._reduce_sum_like(x, y), [A, ROW], wrt=[0]),
})


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
