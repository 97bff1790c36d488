"""Gradients across devices: a copy (`copyto`, `as_in_context`, the op
`_copyto`) recorded by autograd is differentiable, its gradient a copy back
to the source's device (MXNet 1.9).  Each program runs once with copies
between devices and once on the CPU alone; outputs and gradients must agree.
"""
import importlib.util

import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd
from mxnet.base import MXNetError

if importlib.util.find_spec("triton") is None:  # not imported at collection: see conftest.py
    pytest.skip("triton is not installed", allow_module_level=True)

nd = mx.nd
NUM_GPUS = mx.context.num_gpus()
two_gpus = pytest.mark.skipif(NUM_GPUS < 2, reason="needs two GPUs")
RNG = np.random.default_rng(5)


def still_works():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal((nd.array(x) + 1).asnumpy(), x + 1)


def f(y):
    """Some differentiable work with GPU kernels."""
    return nd.sin(y) * y + nd.exp(-y * y)


def run(x, chain, grad_req="write", passes=1):
    """The output and x's gradient array for f applied after each copy of x
    along the devices of `chain` (x starts on chain[0])."""
    a = nd.array(x, ctx=chain[0])
    a.attach_grad(grad_req=grad_req)
    head = np.linspace(-1, 1, x.size, dtype=np.float32).reshape(x.shape)
    for _ in range(passes):
        with autograd.record():
            y = a
            for ctx in chain[1:]:
                y = f(y.as_in_context(ctx))
            out = y * 3
        out.backward(nd.array(head, ctx=out.context))
    return out.asnumpy(), a.grad


def reference(x, grad_req="write", passes=1):
    """run's result for one f on the CPU alone (as_in_context copies nothing)."""
    out, grad = run(x, [mx.cpu(), mx.cpu()], grad_req, passes)
    return out, grad.asnumpy()


DIRECTIONS = {
    "cpu_to_gpu": lambda: [mx.cpu(), mx.gpu(0)],
    "gpu_to_cpu": lambda: [mx.gpu(0), mx.cpu()],
    "gpu0_to_gpu1": lambda: [mx.gpu(0), mx.gpu(NUM_GPUS - 1)],
}


@pytest.mark.parametrize("direction", sorted(DIRECTIONS))
def test_gradient_of_a_copy_is_a_copy_back(direction):
    chain = DIRECTIONS[direction]()
    x = RNG.uniform(-2, 2, (3, 4)).astype(np.float32)
    out, grad = run(x, chain)
    ref_out, ref_grad = reference(x)
    assert grad.context == chain[0]
    np.testing.assert_allclose(out, ref_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad.asnumpy(), ref_grad, rtol=1e-5, atol=1e-6)


def test_the_mxnet_example():
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = x.as_in_context(mx.gpu(0))
        z = (y * y).sum()
    z.backward()
    assert x.grad.context == mx.cpu(0)
    np.testing.assert_array_equal(x.grad.asnumpy(), [2, 4, 6])


def test_copyto_an_existing_array_is_recorded():
    x = nd.array([0.5, -1.0, 2.0], ctx=mx.gpu(0))
    x.attach_grad()
    target = nd.zeros((3,))
    with autograd.record():
        y = x.copyto(target)
        z = (y * y * y).sum()
    assert y is target
    z.backward()
    assert x.grad.context == mx.gpu(0)
    np.testing.assert_allclose(x.grad.asnumpy(), 3 * np.array([0.5, -1.0, 2.0]) ** 2, rtol=1e-6)


@pytest.mark.parametrize("direction", sorted(DIRECTIONS))
def test_grad_req_add_accumulates(direction):
    chain = DIRECTIONS[direction]()
    x = RNG.uniform(-2, 2, (5,)).astype(np.float32)
    _, grad = run(x, chain, grad_req="add", passes=3)
    _, ref_grad = reference(x, grad_req="add", passes=3)
    _, once = reference(x)
    assert grad.context == chain[0]
    np.testing.assert_allclose(grad.asnumpy(), ref_grad, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad.asnumpy(), 3 * once, rtol=1e-5, atol=1e-6)


@two_gpus
def test_a_chain_through_two_gpus_and_back():
    x = RNG.uniform(-2, 2, (2, 3)).astype(np.float32)
    chain = [mx.cpu(), mx.gpu(0), mx.gpu(1), mx.cpu()]
    out, grad = run(x, chain)
    ref_out, ref_grad = run(x, [mx.cpu()] * 4)
    assert grad.context == mx.cpu()
    np.testing.assert_allclose(out, ref_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad.asnumpy(), ref_grad.asnumpy(), rtol=1e-5, atol=1e-6)


def test_gradients_from_several_devices_are_summed():
    # x feeds work on its own device and on every GPU: the contributions
    # come back to x's device and add up.
    x_np = RNG.uniform(-1, 1, (4,)).astype(np.float32)

    def program(devices):
        x = nd.array(x_np)
        x.attach_grad()
        with autograd.record():
            total = f(x)
            for ctx in devices:
                total = total + f(x.as_in_context(ctx)).as_in_context(mx.cpu()) * 2
            total = total.sum()
        total.backward()
        return total.asnumpy(), x.grad.asnumpy()

    gpus = [mx.gpu(i) for i in range(NUM_GPUS)]
    out, grad = program(gpus)
    ref_out, ref_grad = program([mx.cpu()] * NUM_GPUS)
    np.testing.assert_allclose(out, ref_out, rtol=1e-5)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("direction", sorted(DIRECTIONS))
def test_autograd_grad_and_second_order(direction):
    chain = DIRECTIONS[direction]()
    x_np = RNG.uniform(-2, 2, (4,)).astype(np.float32)

    def program(src, dst):
        x = nd.array(x_np, ctx=src)
        x.attach_grad()
        with autograd.record():
            y = x.as_in_context(dst)
            z = (y * y * y).sum()
            dx = autograd.grad(z, [x], create_graph=True)[0]
        assert dx.context == src
        first = dx.asnumpy()
        dx.backward()
        return first, x.grad

    first, second = program(*chain)
    assert second.context == chain[0]
    np.testing.assert_allclose(first, 3 * x_np ** 2, rtol=1e-5)
    np.testing.assert_allclose(second.asnumpy(), 6 * x_np, rtol=1e-5)
    ref_first, ref_second = program(mx.cpu(), mx.cpu())
    np.testing.assert_allclose(first, ref_first, rtol=1e-6)
    np.testing.assert_allclose(second.asnumpy(), ref_second.asnumpy(), rtol=1e-6)


def test_bad_inputs_are_clear_errors():
    x = nd.array([1.0, 2.0], ctx=mx.gpu(0))
    x.attach_grad()
    # A copy that also converts is no device transfer, recorded or not.
    with autograd.record():
        with pytest.raises(MXNetError, match=r"_copyto.*gpu\(0\).*cpu\(0\).*float32.*float64"):
            x.copyto(nd.zeros((2,), dtype=np.float64))
        z = x.as_in_context(mx.cpu()) * 2
    # A head gradient on another device than its output.
    with pytest.raises(MXNetError, match=r"head gradient 0 is on gpu\(0\), its output on cpu\(0\)"):
        z.backward(nd.ones((2,), ctx=mx.gpu(0)), retain_graph=True)
    z.backward(nd.ones((2,)))
    np.testing.assert_array_equal(x.grad.asnumpy(), [2, 2])
    # A gradient array on another device than its variable.
    with pytest.raises(MXNetError, match=r"gradient array on cpu\(0\) for a variable on gpu\(0\)"):
        autograd.mark_variables([x], [nd.zeros((2,))])
    still_works()
