"""cpu_pinned(i) arrays behave as CPU arrays: CPU kernels compute on them,
they print and report their own context, and copies, views, autograd and
DLPack work as on cpu(i).  As in MXNet 1.9 an op's result is not pinned (an
op on a cpu_pinned(0) array makes cpu(0) arrays, CPU inputs may mix), only
an op without inputs (zeros, random draws) makes its result where ctx says.
Page-locked memory needs a GPU; without one cpu_pinned memory is the CPU's
(its pool and statistics).  The copies to and from GPUs are in
tests/gpu/test_cpu_pinned_gpu.py."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd
from mxnet.base import MXNetError

nd = mx.nd
PINNED = mx.cpu_pinned(0)
RNG = np.random.default_rng(7)


def pinned(x, dtype=None):
    return nd.array(x, ctx=PINNED, dtype=dtype or x.dtype)


def cpu(x, dtype=None):
    return nd.array(x, dtype=dtype or x.dtype)


def test_context_and_printing():
    a = nd.ones((2, 3), ctx=PINNED)
    assert a.context == mx.cpu_pinned(0) and str(a.context) == "cpu_pinned(0)"
    assert a.context.device_type == "cpu_pinned" and a.context != mx.cpu(0)
    assert repr(a).endswith("<NDArray 2x3 @cpu_pinned(0)>")
    assert repr(nd.zeros((1,), ctx=mx.cpu_pinned(1))).endswith("@cpu_pinned(1)>")


@pytest.mark.parametrize("make", [
    lambda ctx: nd.zeros((2, 3), ctx=ctx),
    lambda ctx: nd.ones((2, 3), ctx=ctx, dtype=np.int32),
    lambda ctx: nd.full((2, 3), 7.5, ctx=ctx),
    lambda ctx: nd.arange(0, 6, ctx=ctx),
    lambda ctx: nd.array([[1, 2], [3, 4]], ctx=ctx, dtype=np.int64),
    lambda ctx: nd.eye(3, ctx=ctx),
], ids=["zeros", "ones", "full", "arange", "array", "eye"])
def test_creation_makes_arrays_where_ctx_says(make):
    p, c = make(PINNED), make(mx.cpu())
    assert p.context == PINNED and p.dtype == c.dtype
    np.testing.assert_array_equal(p.asnumpy(), c.asnumpy())


def test_random_draws_are_cpu_draws():
    # cpu_pinned(0) draws from cpu(0)'s sequence: the same numbers.
    mx.random.seed(3)
    c = [nd.random.uniform(shape=(5,)), nd.random.normal(shape=(2, 2))]
    mx.random.seed(3)
    p = [nd.random.uniform(shape=(5,), ctx=PINNED), nd.random.normal(shape=(2, 2), ctx=PINNED)]
    for a, b in zip(p, c):
        assert a.context == PINNED
        np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    mx.random.seed(4, ctx=PINNED)  # seeds cpu(0)'s sequence
    first = nd.random.uniform(shape=(3,)).asnumpy()
    mx.random.seed(4, ctx=mx.cpu(0))
    np.testing.assert_array_equal(nd.random.uniform(shape=(3,), ctx=PINNED).asnumpy(), first)


X = RNG.standard_normal((3, 4)).astype(np.float32)
Y = RNG.standard_normal((3, 4)).astype(np.float32)
W = RNG.standard_normal((5, 4)).astype(np.float32)
I = np.array([2, 0, 1], dtype=np.float32)

# name -> function of NDArrays (X, Y, W, I)
OPS = {
    "unary": lambda x, y, w, i: nd.exp(nd.sin(x)) + nd.sqrt(nd.abs(x)),
    "binary_broadcast": lambda x, y, w, i: x * y[0:1] - y / 3 + nd.maximum(x, y),
    "scalar": lambda x, y, w, i: (x + 1) ** 2,
    "comparison": lambda x, y, w, i: x > y,
    "reduce": lambda x, y, w, i: nd.sum(x, axis=1) + nd.max(y, axis=1) + nd.mean(x * y, axis=1),
    "dot": lambda x, y, w, i: nd.dot(x, w, transpose_b=True),
    "fully_connected": lambda x, y, w, i: nd.FullyConnected(x, w, num_hidden=5, no_bias=True),
    "softmax": lambda x, y, w, i: nd.softmax(x) + nd.log_softmax(y, axis=0),
    "sort_topk": lambda x, y, w, i: nd.sort(x, axis=1) + nd.topk(y, k=4, axis=1, ret_typ="value"),
    "take_pick_one_hot": lambda x, y, w, i: nd.concat(nd.take(x, i), nd.pick(y, i, axis=1).reshape((3, 1)),
                                                      nd.one_hot(i, 4)[:, 0:1], dim=1),
    "layout": lambda x, y, w, i: nd.concat(nd.transpose(x).reshape((3, 4)), nd.slice(y, (0, 1), (3, 3)),
                                           dim=1).flip(axis=0),
    "cast": lambda x, y, w, i: nd.Cast(x * 10, dtype="int32"),
    "where": lambda x, y, w, i: nd.where(x > 0, x, y),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_ops_compute_as_on_the_cpu(name):
    fn = OPS[name]
    expected = fn(*(cpu(v) for v in (X, Y, W, I)))
    got = fn(*(pinned(v) for v in (X, Y, W, I)))
    assert got.context == mx.cpu(0)  # results are not pinned (MXNet)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got.asnumpy(), expected.asnumpy())
    # Inputs from cpu and cpu_pinned mix, as in MXNet: one address space.
    mixed = fn(pinned(X), cpu(Y), pinned(W), cpu(I))
    np.testing.assert_array_equal(mixed.asnumpy(), expected.asnumpy())


def test_results_go_to_cpu_of_the_first_inputs_id():
    a, b = nd.ones((2,), ctx=mx.cpu_pinned(1)), nd.ones((2,), ctx=mx.cpu(0))
    assert (a + b).context == mx.cpu(1) and (b + a).context == mx.cpu(0)
    assert (nd.ones((2,), ctx=mx.cpu(1)) * b).context == mx.cpu(1)


def test_outputs_given_on_cpu_pinned_stay_there():
    out = nd.zeros((3, 4), ctx=PINNED)
    nd.elemwise_add(cpu(X), cpu(Y), out=out)
    assert out.context == PINNED
    np.testing.assert_allclose(out.asnumpy(), X + Y, rtol=1e-6)
    p = pinned(X)
    p += 1  # in place
    p[1] = 0
    p[0, 1:3] = np.array([5, 6], np.float32)
    expected = X + 1
    expected[1] = 0
    expected[0, 1:3] = [5, 6]
    assert p.context == PINNED
    np.testing.assert_allclose(p.asnumpy(), expected, rtol=1e-6)
    c = nd.zeros((3, 4))
    nd.elemwise_mul(pinned(X), pinned(Y), out=c)
    np.testing.assert_allclose(c.asnumpy(), X * Y, rtol=1e-6)


def test_views_copies_and_conversions():
    p = pinned(X)
    assert p[1:3].context == PINNED and p.reshape((4, 3)).context == PINNED
    np.testing.assert_array_equal(p[1:3].asnumpy(), X[1:3])
    np.testing.assert_array_equal(p[2].asnumpy(), X[2])
    for target, ctx in [(p.copyto(mx.cpu()), mx.cpu()), (p.copy(), PINNED),
                        (cpu(X).copyto(PINNED), PINNED), (cpu(X).as_in_context(PINNED), PINNED),
                        (p.as_in_context(mx.cpu(1)), mx.cpu(1)), (p.astype(np.float64), PINNED)]:
        assert target.context == ctx
        np.testing.assert_array_equal(target.asnumpy(), X.astype(target.dtype))
    assert p.as_in_context(PINNED) is p
    existing = nd.zeros((3, 4), ctx=PINNED)
    assert cpu(Y).copyto(existing) is existing
    np.testing.assert_array_equal(existing.asnumpy(), Y)
    assert p.copyto(existing) is existing  # pinned into pinned
    np.testing.assert_array_equal(existing.asnumpy(), X)
    np.testing.assert_array_equal(np.from_dlpack(p), X)  # DLPack: host memory
    assert p.__dlpack_device__() == (1, 0)


def test_autograd_on_cpu_pinned():
    def grads(ctx):
        x = nd.array(X, ctx=ctx)
        x.attach_grad()
        with autograd.record():
            z = (nd.tanh(x) * x).sum()
        z.backward()
        return x.grad

    g = grads(PINNED)
    assert g.context == mx.cpu(0)  # attach_grad's zeros_like(x) is a result: not pinned (MXNet)
    np.testing.assert_array_equal(g.asnumpy(), grads(mx.cpu()).asnumpy())


def test_save_and_load(tmp_path):
    path = str(tmp_path / "pinned.params")
    nd.save(path, {"p": pinned(X)})
    np.testing.assert_array_equal(nd.load(path)["p"].asnumpy(), X)


@pytest.mark.skipif(mx.context.num_gpus() > 0, reason="with GPUs cpu_pinned memory has a pool of its own")
def test_without_gpus_cpu_pinned_memory_is_the_cpus():
    mx.nd.waitall()
    before = mx.storage.stats(mx.cpu())
    assert mx.storage.stats(PINNED) == before
    a = nd.zeros((1 << 16,), ctx=PINNED)
    a.wait_to_read()
    after = mx.storage.stats(mx.cpu())
    assert after["num_allocs"] == before["num_allocs"] + 1
    assert mx.storage.stats(PINNED) == after
    del a


def test_mixing_with_an_unavailable_gpu_is_a_clear_error():
    gpu = mx.context.num_gpus()  # the first id this process lacks
    with pytest.raises(MXNetError, match=r"gpu\(%d\) is not available" % gpu):
        pinned(X).copyto(mx.gpu(gpu))
    with pytest.raises(MXNetError, match=r"invalid device id"):
        mx.nd.zeros((1,), ctx="cpu_pinned(-1)")
    np.testing.assert_array_equal((pinned(X) + 1).asnumpy(), X + 1)
