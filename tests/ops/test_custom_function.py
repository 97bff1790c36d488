"""_CustomFunction / _CustomFunctionBackward: the ops autograd records for
mx.autograd.Function (they have no kernels: the frontend computes both
passes), checked through Functions."""
import numpy as np
import pytest

import mxnet as mx
from _gradcheck import check_gradient


class Cube(mx.autograd.Function):
    def forward(self, x):
        self.save_for_backward(x)
        return x * x * x

    def backward(self, dy):
        (x,) = self.saved_tensors
        return dy * 3 * x * x


def function_checker(fn, dtype):
    x = mx.nd.array([[-1.5, 0.5], [2.0, 3.0]], dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        y = Cube()(x)
    y.backward()
    xn = x.asnumpy().astype(np.float64)
    np.testing.assert_allclose(y.asnumpy(), xn ** 3, rtol=1e-3)
    np.testing.assert_allclose(x.grad.asnumpy(), 3 * xn ** 2, rtol=1e-3)
    with pytest.raises(mx.base.MXNetError, match="no kernel|cannot infer|recorded graph is gone"):
        fn(x, num_outputs=1, id=1)  # the op itself has no kernel: only Functions use it


HARNESS = {"_CustomFunction": function_checker, "_CustomFunctionBackward": function_checker}
NO_GRADIENT = {"_CustomFunctionBackward"}
GRAD_HARNESS = {"_CustomFunction": lambda: check_gradient(lambda x: Cube()(x) * x, [[0.5, -2.0]])}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd._internal, name), dtype)


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
