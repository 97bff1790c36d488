"""mx.autograd: recording, backward, grad (incl. second order), grad_req, modes, errors."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order


def arr(values, dtype=np.float64):
    return mx.nd.array(np.asarray(values, dtype=dtype), dtype=dtype)


def test_modes_and_scopes():
    assert not autograd.is_recording() and not autograd.is_training()
    with autograd.record():
        assert autograd.is_recording() and autograd.is_training()
        with autograd.pause():
            assert not autograd.is_recording() and not autograd.is_training()
        with autograd.predict_mode():
            assert autograd.is_recording() and not autograd.is_training()
    with autograd.record(train_mode=False):
        assert not autograd.is_training()
        with autograd.train_mode():
            assert autograd.is_training()
    assert not autograd.is_recording() and not autograd.is_training()
    assert autograd.set_recording(True) is False
    assert autograd.set_recording(False) is True
    assert autograd.set_training(True) is False
    assert autograd.set_training(False) is True


def test_backward_fills_grad():
    x = arr([[1, 2, 3], [4, 5, 6]])
    b = arr([1, -2, 0.5])
    x.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = (x * b + x / 2 - 3) ** 2 * x
    y.backward()
    xn, bn = x.asnumpy(), b.asnumpy()
    u = xn * bn + xn / 2 - 3
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * u * (bn + 0.5) * xn + u ** 2)
    np.testing.assert_allclose(b.grad.asnumpy(), (2 * u * xn * xn).sum(0))


def test_head_gradient_and_multiple_heads():
    x = arr([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
        z = x * 3
    autograd.backward([y, z], [arr([1, 0, 2]), None])
    np.testing.assert_allclose(x.grad.asnumpy(), [2 * 1 + 3, 0 + 3, 2 * 2 * 3 + 3])
    with autograd.record():
        y = x * x
    y.backward(arr([0.5, 0.5, 0.5]))
    np.testing.assert_allclose(x.grad.asnumpy(), x.asnumpy())


def test_grad_req_add_null_and_write():
    x = arr([1.0, 2.0])
    x.attach_grad(grad_req="add")
    for _ in range(3):
        with autograd.record():
            y = x * x
        y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 3 * 2 * x.asnumpy())
    w = arr([1.0, 2.0])
    w.attach_grad(grad_req="null")
    v = arr([1.0, 1.0])
    v.attach_grad()
    with autograd.record():
        y = w * v
    y.backward()
    np.testing.assert_allclose(w.grad.asnumpy(), [0, 0])
    np.testing.assert_allclose(v.grad.asnumpy(), [1, 2])
    with pytest.raises(KeyError):
        x.attach_grad(grad_req="sometimes")


def test_shared_subexpressions_sum_their_gradients():
    x = arr([2.0])
    x.attach_grad()
    with autograd.record():
        a = x * x
        y = a + a * a + x
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [2 * 2 + 4 * 2 ** 3 + 1])


def test_grad_function_leaves_grad_arrays_alone():
    x = arr([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x * x
    (dx,) = autograd.grad(y, [x])
    np.testing.assert_allclose(dx.asnumpy(), 3 * x.asnumpy() ** 2)
    np.testing.assert_allclose(x.grad.asnumpy(), [0, 0])
    with pytest.raises(ValueError, match="empty"):
        autograd.grad(y, [])


def test_second_order():
    x = arr([1.0, 2.0, -0.5])
    x.attach_grad()
    with autograd.record():
        y = x * x * x
        (dx,) = autograd.grad(y, [x], create_graph=True)
    dx.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 6 * x.asnumpy())


@pytest.mark.parametrize("fn", [
    lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y, lambda x, y: x / y,
    lambda x, y: mx.nd.broadcast_maximum(x, y) * y, lambda x, y: mx.nd.broadcast_minimum(x, y) + x,
    lambda x, y: mx.nd.broadcast_hypot(x, y), lambda x, y: (x - y) * (x + y) / y,
])
def test_binary_family_first_and_second_order(fn):
    rng = np.random.default_rng(3)
    a, b = rng.uniform(0.5, 2, (2, 3)), rng.uniform(0.5, 2, (3,))
    check_gradient(fn, [a, b])
    check_second_order(fn, [a, b])


def test_retain_graph():
    x = arr([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * x.asnumpy())
    with pytest.raises(MXNetError, match="retain_graph"):
        y.backward()


def test_detach_and_pause_stop_gradients():
    x = arr([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x.detach()
        with autograd.pause():
            c = x * 10
        z = y + c
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), x.asnumpy())


def test_mark_variables():
    x, g = arr([1.0, 2.0]), arr([9.0, 9.0])
    autograd.mark_variables([x], [g], "write")
    with autograd.record():
        y = x * 5
    y.backward()
    np.testing.assert_allclose(g.asnumpy(), [5, 5])
    with pytest.raises(ValueError):
        autograd.mark_variables([x], [g, g])


def test_errors():
    x = arr([1.0, 2.0])
    with pytest.raises(MXNetError, match="not in a computational graph"):
        (x * 2).backward()
    x.attach_grad()
    with autograd.record():
        y = x * 2
        with pytest.raises(MXNetError, match="Assigning to NDArrays"):
            y += 1
        with pytest.raises(MXNetError, match="Assigning to NDArrays"):
            x[:] = 3
    np.testing.assert_allclose(x.asnumpy(), [1, 2])  # refused writes changed nothing
    with autograd.record():
        w = mx.nd.random.shuffle(x) * x
    with pytest.raises(MXNetError, match="_shuffle.* is not differentiable"):
        w.backward()
    c = arr([1.0])
    with autograd.record():
        z = c * 2
    with pytest.raises(MXNetError, match="not in a computational graph"):
        z.backward()
    with pytest.raises(MXNetError, match="head gradient"):
        autograd.backward([y], [arr([1.0, 2.0, 3.0])])
    with pytest.raises(MXNetError, match="does not require gradient"):
        autograd.grad(y, [arr([1.0])])


def test_no_grad_outside_record():
    x = arr([1.0])
    x.attach_grad()
    y = x * 2
    with pytest.raises(MXNetError, match="not in a computational graph"):
        y.backward()
    assert arr([1.0]).grad is None


def test_views_made_before_recording_are_detached():
    x = arr([[1.0, 2.0], [3.0, 4.0]])
    x.attach_grad()
    row = x[0]
    with autograd.record():
        y = row * 2
    with pytest.raises(MXNetError, match="not in a computational graph"):
        y.backward()


def test_c_api_errors():
    from mxnet.base import _LIB, ffi
    assert _LIB.MXAutogradBackward(0, ffi.NULL, ffi.NULL, 0, ffi.NULL, 0, 0, 1, ffi.NULL) == -1
    assert b"at least one output" in ffi.string(_LIB.MXGetLastError())
    x = arr([1.0])
    handles = ffi.new("MXNDArrayHandle[]", [x.handle])
    assert _LIB.MXAutogradMarkVariables(1, handles, ffi.new("int[]", [7]),
                                        ffi.new("MXNDArrayHandle[]", [x.handle])) == -1
    assert b"grad_req" in ffi.string(_LIB.MXGetLastError())
    assert _LIB.MXAutogradMarkVariables(1, handles, ffi.new("int[]", [1]),
                                        ffi.new("MXNDArrayHandle[]", [ffi.NULL])) == -1
    assert _LIB.MXAutogradBackward(1, handles, ffi.NULL, 1, handles, 0, 0, 1, ffi.NULL) == -1
    assert b"out_grads is NULL" in ffi.string(_LIB.MXGetLastError())
    out = ffi.new("int*")
    assert _LIB.MXOpHasGradient(ffi.NULL, out) == -1


class Sigmoid(autograd.Function):
    def forward(self, x):
        y = 1 / (1 + mx.nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        (y,) = self.saved_tensors
        return dy * y * (1 - y)


class ScaledSum(autograd.Function):
    """Two inputs, two outputs."""

    def forward(self, a, b):
        return a + b, a * 3

    def backward(self, d_sum, d_scaled):
        return d_sum + d_scaled * 3, d_sum


def test_function_gradients():
    x = arr([-1.0, 0.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = Sigmoid()(x) * 2
    y.backward()
    s = 1 / (1 + np.exp(-x.asnumpy()))
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * s * (1 - s), rtol=1e-6)
    a, b = arr([1.0, 2.0]), arr([3.0, 4.0])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        total, scaled = ScaledSum()(a, b)
        z = total * scaled
    z.backward()
    an, bn = a.asnumpy(), b.asnumpy()
    np.testing.assert_allclose(a.grad.asnumpy(), 3 * an + (an + bn) * 3)
    np.testing.assert_allclose(b.grad.asnumpy(), 3 * an)


def test_function_outside_record_and_reuse():
    f = Sigmoid()
    y = f(arr([0.0]))
    np.testing.assert_allclose(y.asnumpy(), [0.5])
    with pytest.raises(AssertionError, match="only be called once"):
        f(arr([0.0]))


def test_function_backward_errors_are_reported():
    class Broken(autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            raise RuntimeError("boom in backward")

    class WrongCount(autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            return dy, dy

    for fn, message in ((Broken, "boom in backward"), (WrongCount, "2 gradients for 1 inputs")):
        x = arr([1.0])
        x.attach_grad()
        with autograd.record():
            y = fn()(x)
        with pytest.raises(MXNetError, match=message):
            y.backward()
    # the process keeps working
    x = arr([1.0])
    x.attach_grad()
    with autograd.record():
        y = Sigmoid()(x)
    y.backward()
    assert x.grad.asnumpy()[0] > 0


def test_function_state_is_released_with_the_graph():
    import gc
    before = len(autograd.Function._live)
    x = arr([1.0])
    x.attach_grad()
    with autograd.record():
        y = Sigmoid()(x)
    assert len(autograd.Function._live) == before + 1
    y.backward()
    del y
    gc.collect()
    assert len(autograd.Function._live) == before


def test_get_symbol_lists_the_recorded_graph():
    x = mx.nd.ones((1,))
    x.attach_grad()
    with autograd.record():
        y = x * x + 2 * x - 1
    assert autograd.get_symbol(y).list_arguments() == ["var0"]

    z = mx.nd.ones((1,))
    z.attach_grad()
    c = mx.nd.array([3.0])  # not marked: a leaf input
    with autograd.record():
        y = x * x + 2 * z - c
    sym = autograd.get_symbol(y)
    assert sym.list_arguments() == ["var0", "var1", "null0"]
    # The symbol computes what was recorded, and survives a JSON round trip.
    again = mx.sym.load_json(sym.tojson())
    out = again.eval(var0=mx.nd.array([2.0]), var1=mx.nd.array([5.0]), null0=mx.nd.array([1.0]))
    np.testing.assert_allclose(out[0].asnumpy(), [2.0 * 2.0 + 2 * 5.0 - 1.0])


def test_get_symbol_keeps_parameters_and_needs_a_recorded_array():
    x = mx.nd.array([[1.0, -2.0], [3.0, 0.5]])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.sum(mx.nd.clip(x, a_min=-1, a_max=2), axis=1)
    sym = autograd.get_symbol(y)
    attrs = sym.attr_dict()
    clip = [v for v in attrs.values() if "a_min" in v][0]
    assert float(clip["a_min"]) == -1 and float(clip["a_max"]) == 2
    np.testing.assert_allclose(sym.eval(var0=x)[0].asnumpy(), [1.0 - 1.0, 2.0 + 0.5])
    with pytest.raises(MXNetError, match="recorded graph"):
        autograd.get_symbol(mx.nd.ones((2,)))


def test_fresh_grad_flags_variables_that_backward_wrote():
    x, y = mx.nd.ones((2, 2)), mx.nd.ones((2, 2))
    dx, dy = mx.nd.zeros((2, 2)), mx.nd.zeros((2, 2))
    autograd.mark_variables([x, y], [dx, dy])
    assert x._fresh_grad is False and y._fresh_grad is False
    with autograd.record():
        (x + 2 + y).backward()
    assert x._fresh_grad and y._fresh_grad
    x._fresh_grad = False
    y._fresh_grad = False
    assert not x._fresh_grad and not y._fresh_grad
    with autograd.record():
        ((x + 2).detach() + y).backward()  # x is cut off: its gradient is not written
    assert y._fresh_grad and not x._fresh_grad
    z = mx.nd.ones(2)
    z.attach_grad(grad_req="null")
    with autograd.record():
        (z * 2).backward()
    assert not z._fresh_grad  # grad_req 'null' writes nothing


def test_fresh_grad_of_a_plain_array():
    a = mx.nd.ones(2)
    assert a._fresh_grad is False
    with pytest.raises(MXNetError, match="not been marked as a variable"):
        a._fresh_grad = True
    assert (a + 1).sum().asscalar() == 4  # the process keeps working


def test_outputs_of_a_freed_graph_are_constants_in_a_new_recording():
    # MXNet clears a graph's autograd info after backward without
    # retain_graph: its outputs may then feed a new recording as constants.
    w, b = mx.nd.ones(3), mx.nd.ones(3)
    w.attach_grad()
    b.attach_grad()
    with autograd.record():
        b2 = b + 1
        (w * b2 * 2).backward()
    with autograd.record():
        b3 = b2 + 1  # b2 is a constant now: b gets no gradient through it
        out = w * b3 * 2
    out.backward(retain_graph=True)
    out.backward()
    np.testing.assert_array_equal(w.grad.asnumpy(), [6, 6, 6])
    np.testing.assert_array_equal(b.grad.asnumpy(), [2, 2, 2])  # from the first pass only
    with pytest.raises(MXNetError, match="retain_graph"):
        out.backward()  # the second graph is freed now
