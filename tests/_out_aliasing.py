"""out= over an input's own memory, on any device: the result is what a
fresh output would hold, whether the kernel could work in place
(element-wise ops, which declare it) or not (dot, transpose, flip and
trmm read values they would already have overwritten).  Used by
tests/python/test_out_aliasing.py and tests/gpu/test_out_aliasing_gpu.py."""
import numpy as np

import mxnet as mx

N = 48
CASES = {
    "dot": (lambda x, out: mx.nd.dot(x, x, out=out), lambda x: x @ x),
    "transpose": (lambda x, out: mx.nd.transpose(x, out=out), lambda x: x.T),
    "flip": (lambda x, out: mx.nd.flip(x, axis=1, out=out), lambda x: x[:, ::-1]),
    "batch_dot": (lambda x, out: mx.nd.batch_dot(x.reshape((1, N, N)), x.reshape((1, N, N)),
                                                 out=out.reshape((1, N, N))), lambda x: x @ x),
    "linalg.trmm": (lambda x, out: mx.nd.linalg.trmm(x, x, out=out), lambda x: np.tril(x) @ x),
    "sqrt (in place by design)": (lambda x, out: mx.nd.sqrt(x, out=out), np.sqrt),
}


def check_out_is_the_input(name, ctx):
    fn, reference = CASES[name]
    x_np = np.random.default_rng(0).random((N, N)).astype(np.float32)
    x = mx.nd.array(x_np, ctx=ctx)
    fn(x, x)
    np.testing.assert_allclose(x.asnumpy(), reference(x_np.astype(np.float64)), rtol=1e-4)


def check_out_overlapping_part_of_the_input(ctx):
    x = mx.nd.arange(10, ctx=ctx)
    mx.nd.flip(x[0:6], axis=0, out=x[2:8])  # views of one buffer, shifted by two
    expected = np.arange(10.0)
    expected[2:8] = np.arange(6.0)[::-1]
    np.testing.assert_array_equal(x.asnumpy(), expected)


def check_out_returned_is_the_callers_array(ctx):
    x = mx.nd.array(np.arange(12.0).reshape(3, 4), ctx=ctx)
    out = mx.nd.transpose(x.reshape((4, 3)), out=x)  # a view of x as the input
    assert out is x
    weights = mx.nd.arange(12, ctx=ctx).reshape((3, 4))
    total = mx.nd.sum(x * weights)  # ordered after the copy into x
    expected = np.arange(12.0).reshape(4, 3).T
    np.testing.assert_array_equal(x.asnumpy(), expected)
    assert total.asscalar() == (expected * np.arange(12.0).reshape(3, 4)).sum()
