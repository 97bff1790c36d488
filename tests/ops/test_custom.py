"""Custom / _backward_Custom: the ops behind mx.operator's Python custom
operators (they have no kernels: the frontend computes both passes).
tests/python/test_custom_op.py covers them in depth; this family file checks
them against numpy through one registered example."""
import numpy as np
import pytest

import mxnet as mx
import _custom_ops  # noqa: F401  (registers the example op types)
from _gradcheck import check_gradient


def sigmoid_checker(dtype):
    x = mx.nd.array([[-1.5, 0.5], [2.0, 3.0]], dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, op_type="sigmoid")
    y.backward()
    s = 1 / (1 + np.exp(-x.asnumpy().astype(np.float64)))
    assert y.dtype == dtype
    np.testing.assert_allclose(y.asnumpy(), s, rtol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), s * (1 - s), rtol=1e-5)  # via _backward_Custom


HARNESS = {"Custom": sigmoid_checker, "_backward_Custom": sigmoid_checker}
NO_GRADIENT = {"_backward_Custom"}
GRAD_HARNESS = {"Custom": lambda: check_gradient(lambda x: mx.nd.Custom(x, op_type="sigmoid") * x,
                                                 [[0.5, -2.0, 1.25]])}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_op(name, dtype):
    HARNESS[name](dtype)


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
