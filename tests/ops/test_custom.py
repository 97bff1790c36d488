"""Custom / _backward_Custom: the ops behind mx.operator's Python custom
operators (they have no kernels: the frontend computes both passes).
tests/python/test_custom_op.py covers them in depth; this family file checks
them against numpy through one registered example."""
import subprocess
import sys

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


EXIT_SCRIPT = r'''
import sys
import mxnet as mx

class Twice(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * 2)

@mx.operator.register("exit_twice")
class TwiceProp(mx.operator.CustomOpProp):
    def infer_shape(self, in_shape):
        return in_shape, in_shape, []
    def create_operator(self, ctx, shapes, dtypes):
        return Twice()

class Square(mx.autograd.Function):
    def forward(self, x):
        return x * x
    def backward(self, dy):
        return 2 * dy

x = mx.nd.ones((2,))
x.attach_grad()
with mx.autograd.record():
    y = mx.nd.Custom(x, op_type="exit_twice")
    z = Square()(x)
ex = mx.sym.Custom(mx.sym.var("a"), op_type="exit_twice").bind(mx.cpu(), {"a": x})
ex.forward()
# sys is torn down after mxnet.operator and mxnet.autograd: these handles
# are freed when the callbacks that would release their frontend objects
# are gone.
sys.mx_held_past_teardown = (y, z, ex)
print("done")
'''


def test_objects_freed_during_interpreter_teardown_do_not_call_back():
    # Exit used to crash (SIGILL / SIGSEGV): the prop's free callback ran
    # after Python freed its code.
    run = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "done"
    assert "Exception ignored" not in run.stderr, run.stderr
