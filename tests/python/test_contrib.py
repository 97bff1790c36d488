"""mx.nd.contrib's Python functions (MXNet 1.9): the imperative control flow
(foreach, while_loop, cond), isinf/isfinite/isnan and rand_zipfian."""
import math

import numpy as np
import pytest

import mxnet as mx

contrib = mx.nd.contrib


def test_foreach_runs_body_over_the_first_axis_and_stacks_its_outputs():
    rng = np.random.default_rng(0)
    xs, ys = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))

    def body(data, states):
        x, y = data
        (total,), (count,) = states
        return [x * y, [x + total]], [[total + x], [count + 1]]

    outputs, states = contrib.foreach(body, [mx.nd.array(xs), mx.nd.array(ys)],
                                      [[mx.nd.zeros(3)], [mx.nd.zeros(1)]])
    running = np.concatenate([np.zeros((1, 3)), np.cumsum(xs, axis=0)[:-1]])
    np.testing.assert_allclose(outputs[0].asnumpy(), xs * ys, rtol=1e-6)
    np.testing.assert_allclose(outputs[1][0].asnumpy(), xs + running, rtol=1e-6)
    np.testing.assert_allclose(states[0][0].asnumpy(), xs.sum(axis=0), rtol=1e-6)
    assert states[1][0].asscalar() == 4


def test_foreach_is_differentiable_step_by_step():
    # h_t = tanh(x_t * w + h_{t-1}); d(sum of h)/dw against finite differences.
    xs = np.linspace(-1, 1, 5)
    w = mx.nd.array([0.7])
    w.attach_grad()

    def forward(w_value):
        h, total = 0.0, 0.0
        for x in xs:
            h = np.tanh(x * w_value + h)
            total += h
        return total

    with mx.autograd.record():
        outputs, _ = contrib.foreach(lambda x, h: (mx.nd.tanh(x * w + h[0]),) * 2,
                                     mx.nd.array(xs).reshape((5, 1)), [mx.nd.zeros(1)])
        loss = outputs.sum()
    loss.backward()
    eps = 1e-6
    numeric = (forward(0.7 + eps) - forward(0.7 - eps)) / (2 * eps)
    assert loss.asscalar() == pytest.approx(forward(0.7), rel=1e-5)
    assert w.grad.asscalar() == pytest.approx(numeric, rel=1e-4)


def test_while_loop_pads_its_outputs_to_max_iterations():
    outputs, (i, s) = contrib.while_loop(
        cond=lambda i, s: i < 3,
        func=lambda i, s: ([s * 2, i], [i + 1, s + i]),
        loop_vars=[mx.nd.array([0]), mx.nd.array([1])], max_iterations=5)
    assert outputs[0].shape == (5, 1) and outputs[1].shape == (5, 1)
    np.testing.assert_array_equal(outputs[0].asnumpy()[:3, 0], [2, 2, 4])
    np.testing.assert_array_equal(outputs[1].asnumpy()[:3, 0], [0, 1, 2])
    assert i.asscalar() == 3 and s.asscalar() == 4
    # max_iterations stops it; a single NDArray loop variable comes back as one.
    outputs, x = contrib.while_loop(lambda x: x < 100, lambda x: (x, x * 2), mx.nd.array([1]), max_iterations=3)
    np.testing.assert_array_equal(outputs.asnumpy()[:, 0], [1, 2, 4])
    assert isinstance(x, mx.nd.NDArray) and x.asscalar() == 8
    # no step at all: no outputs
    outputs, x = contrib.while_loop(lambda x: x < 0, lambda x: (x, x), mx.nd.array([1]), max_iterations=3)
    assert outputs == [] and x.asscalar() == 1


def test_while_loop_errors():
    one = mx.nd.array([1])
    with pytest.raises(ValueError, match="max_iterations should be specified"):
        contrib.while_loop(lambda x: x < 2, lambda x: (x, x + 1), one)
    with pytest.raises(ValueError, match="at least one element"):
        contrib.while_loop(lambda: True, lambda: ([], []), [], max_iterations=2)
    with pytest.raises(ValueError, match="length of loop_vars"):
        contrib.while_loop(lambda x: x < 2, lambda x: (x, [x, x]), one, max_iterations=2)
    with pytest.raises(ValueError, match="Return value of cond"):
        contrib.while_loop(lambda x: np.ones(2), lambda x: (x, x), one, max_iterations=2)
    with pytest.raises(ValueError):  # not a scalar
        contrib.while_loop(lambda x: mx.nd.ones(2), lambda x: (x, x), one, max_iterations=2)


def test_cond_takes_a_branch_by_a_scalar():
    a, b = mx.nd.array([2]), mx.nd.array([5])
    assert contrib.cond(a < b, lambda: a * 10, lambda: b * 10).asscalar() == 20
    assert contrib.cond(a > b, lambda: a * 10, lambda: b * 10).asscalar() == 50
    assert contrib.cond(0, lambda: "then", lambda: "else") == "else"
    with pytest.raises(ValueError, match="Cannot convert pred"):
        contrib.cond(np.ones(2), lambda: 1, lambda: 2)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_isinf_isfinite_isnan(dtype):
    x = np.array([1.5, np.inf, -np.inf, np.nan, 0, -2], dtype=dtype)
    a = mx.nd.array(x, dtype=dtype)
    for fn, ref in ((contrib.isinf, np.isinf), (contrib.isfinite, np.isfinite), (contrib.isnan, np.isnan)):
        out = fn(a)
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(out.asnumpy(), ref(x).astype(dtype))


def test_rand_zipfian_draws_classes_and_their_expected_counts():
    mx.random.seed(7)
    true_classes = mx.nd.array([0, 3, 9])
    sampled, expected_true, expected_sampled = contrib.rand_zipfian(true_classes, 1000, 10)
    assert sampled.dtype == np.int64 and sampled.shape == (1000,)
    assert expected_true.dtype == np.float64 and expected_sampled.shape == (1000,)
    s = sampled.asnumpy()
    assert s.min() >= 0 and s.max() < 10

    def expected(c):
        return np.log((c + 2.0) / (c + 1.0)) / math.log(11) * 1000

    np.testing.assert_allclose(expected_true.asnumpy(), expected(np.array([0, 3, 9])))
    np.testing.assert_allclose(expected_sampled.asnumpy(), expected(s.astype(np.float64)))
    # Zipfian: class 0 is the most frequent, near its expected count.
    counts = np.bincount(s, minlength=10)
    assert counts.argmax() == 0 and abs(counts[0] - expected(0)) < 60
    mx.random.seed(7)
    np.testing.assert_array_equal(contrib.rand_zipfian(true_classes, 1000, 10)[0].asnumpy(), s)
