"""mx.test_utils: the helpers MXNet 1.9's own tests are written with."""
import os

import numpy as np
import pytest

import mxnet as mx
from mxnet import test_utils as tu


def test_tolerances_follow_the_dtypes():
    assert tu.get_rtol(None, np.float16) == 1e-2 and tu.get_atol(None, np.float32) == 1e-3
    assert tu.get_rtol(0.5) == 0.5
    a = np.array([1.0, 2.0], dtype=np.float16)
    assert tu.almost_equal(a, a + np.float16(0.004))       # float16 tolerance
    assert not tu.almost_equal(a.astype(np.float64), a.astype(np.float64) + 0.004)
    assert tu.almost_equal(mx.nd.array([1, 2]), np.array([1, 2.00001], dtype=np.float32))


def test_assert_almost_equal_names_the_worst_element():
    a = np.zeros((2, 3), dtype=np.float32)
    b = a.copy()
    b[1, 2] = 1.0
    b[0, 0] = 0.01
    tu.assert_almost_equal(a, a + 1e-5)
    with pytest.raises(AssertionError) as info:
        tu.assert_almost_equal(mx.nd.array(a), b, names=("got", "want"))
    text = str(info.value)
    assert "(1, 2)" in text and "got=" in text and "want=1.0" in text
    assert "mismatch 33.3" in text
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(a, a[:1], use_broadcast=False)
    tu.assert_almost_equal_with_err(a, b, etol=0.5)
    with pytest.raises(AssertionError):
        tu.assert_almost_equal_with_err(a, b, etol=0.1)
    nan = np.array([np.nan, 1.0])
    tu.assert_almost_equal_ignore_nan(nan, np.array([5.0, 1.0]))
    assert tu.almost_equal(nan, nan, equal_nan=True) and not tu.almost_equal(nan, nan)
    assert tu.same(mx.nd.array([1, 2]), np.array([1, 2])) and not tu.same([1, 2], [1, 3])


def test_random_helpers():
    for _ in range(20):
        shape = tu.rand_shape_nd(3, dim=4)
        assert len(shape) == 3 and all(1 <= d <= 4 for d in shape)
        assert all(0 <= d <= 2 for d in tu.rand_shape_3d(2, 2, 2, allow_zero_size=True))
    x = tu.rand_ndarray((3, 4), dtype="float64")
    assert isinstance(x, mx.nd.NDArray) and x.shape == (3, 4) and x.dtype == np.float64
    with pytest.raises(NotImplementedError):
        tu.rand_ndarray((2, 2), stype="csr")
    a, b = tu.random_arrays((2, 3), (4,))
    assert a.shape == (2, 3) and b.shape == (4,) and a.dtype == np.float32
    u = tu.random_uniform_arrays((1000,), low=2, high=3)
    assert u.min() >= 2 and u.max() < 3
    assert sorted(tu.random_sample(range(5), 5)) == list(range(5))


def test_reductions_and_collapse():
    x = np.random.rand(2, 3, 4)
    np.testing.assert_allclose(tu.np_reduce(x, (0, 2), True, np.sum),
                               x.sum(axis=(0, 2), keepdims=True))
    np.testing.assert_allclose(tu.np_reduce(x, None, False, np.max), x.max())
    np.testing.assert_allclose(tu.collapse_sum_like(x, (3, 1)), x.sum(axis=(0, 2))[:, None])


def test_numeric_gradient_checks_a_correct_symbol_and_catches_a_wrong_expectation():
    data = mx.sym.Variable("data")
    net = mx.sym.tanh(mx.sym.FullyConnected(data, num_hidden=3, name="fc"))
    location = {"data": np.random.randn(2, 4), "fc_weight": np.random.randn(3, 4) * 0.5,
                "fc_bias": np.random.randn(3)}
    tu.check_numeric_gradient(net, location, numeric_eps=1e-3, rtol=1e-2, atol=1e-3,
                              dtype=np.float64)
    tu.check_numeric_gradient(net, location, grad_nodes=["fc_weight"], dtype=np.float64)

    x = mx.sym.Variable("x")
    exe = (x * x).simple_bind(mx.cpu(), x=(3,))
    point = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    grads = tu.numeric_grad(exe, {"x": point}, eps=1e-2)
    np.testing.assert_allclose(grads["x"], 2 * point, rtol=1e-3)


def test_numeric_gradient_honours_each_grad_req():
    # MXNet's contract: 'write' compares the gradient, 'add' what was added to
    # the (random) initial gradient, 'null' that the initial gradient is untouched.
    x, w = mx.sym.Variable("x"), mx.sym.Variable("w")
    net = mx.sym.tanh(x * w)
    location = {"x": np.random.randn(5), "w": np.random.randn(5)}
    for reqs in ({"x": "write", "w": "add"}, {"x": "add", "w": "null"}, {"x": "null"}):
        tu.check_numeric_gradient(net, location, grad_nodes=reqs, numeric_eps=1e-4, rtol=1e-3,
                                  atol=1e-5, dtype=np.float64)
    with pytest.raises(ValueError, match="Invalid grad_req inplace"):
        tu.check_numeric_gradient(net, location, grad_nodes={"x": "inplace"}, dtype=np.float64)


def test_symbolic_forward_and_backward():
    x, y = mx.sym.Variable("x"), mx.sym.Variable("y")
    net = x * y + x
    xv, yv = np.random.rand(2, 3), np.random.rand(2, 3)
    out = tu.check_symbolic_forward(net, [xv, yv], [xv * yv + xv])
    assert isinstance(out[0], np.ndarray)
    with pytest.raises(AssertionError):
        tu.check_symbolic_forward(net, {"x": xv, "y": yv}, [xv * yv])
    head = np.random.rand(2, 3)
    want = {"x": head * (yv + 1), "y": head * xv}
    tu.check_symbolic_backward(net, [xv, yv], [head], want)
    tu.check_symbolic_backward(net, [xv, yv], [head], want, grad_req="add")
    tu.check_symbolic_backward(net, [xv, yv], [head], {"x": want["x"]},
                               grad_req={"x": "write", "y": "null"})
    with pytest.raises(AssertionError):
        tu.check_symbolic_backward(net, [xv, yv], [head], [head * yv, head * xv])
    with pytest.raises(ValueError):
        tu.check_symbolic_forward(net, {"x": xv}, [xv])
    np.testing.assert_allclose(tu.simple_forward(net, x=xv, y=yv), xv * yv + xv, rtol=1e-6)


def test_check_consistency_across_dtypes():
    data = mx.sym.Variable("data")
    net = mx.sym.FullyConnected(data, num_hidden=4, name="fc")
    configs = [{"ctx": mx.cpu(), "data": (3, 5), "type_dict": {"data": np.float64}},
               {"ctx": mx.cpu(), "data": (3, 5), "type_dict": {"data": np.float32}}]
    truth = tu.check_consistency(net, configs)
    assert truth["fc_output"].dtype == np.float64
    assert tu.check_speed(net, ctx=mx.cpu(), N=2, data=(3, 5)) > 0


def test_statistical_checks_accept_a_good_sampler_and_reject_a_bad_one():
    from scipy import stats
    buckets, probs = tu.gen_buckets_probs_with_ppf(stats.norm.ppf, 5)
    assert len(buckets) == 5 and abs(sum(probs) - 1) < 1e-12

    def normal(n):
        return mx.nd.random.normal(0, 1, shape=(n,)).asnumpy()
    tu.verify_generator(normal, buckets, probs, nsamples=20000, nrepeat=3)
    assert tu.mean_check(normal, 0, 1, nsamples=20000)
    assert tu.var_check(normal, 1, nsamples=20000)
    with pytest.raises(AssertionError):
        tu.verify_generator(lambda n: normal(n) + 0.3, buckets, probs, nsamples=20000,
                            nrepeat=3)
    p_value, counts, _ = tu.chi_square_check(
        lambda n: mx.nd.random.randint(0, 3, shape=(n,)).asnumpy(), [0, 1, 2], [1 / 3.0] * 3,
        nsamples=3000)
    assert counts.sum() == 3000 and p_value > 1e-4


def test_environment_and_misc():
    key = "MX_TEST_UTILS_PROBE"
    assert key not in os.environ
    with tu.environment(key, "1"):
        assert os.environ[key] == "1"
        with tu.environment({key: None}):
            assert key not in os.environ
        assert os.environ[key] == "1"
    assert key not in os.environ
    tu.assert_exception(int, ValueError, "x")
    with pytest.raises(AssertionError):
        tu.assert_exception(int, ValueError, "1")
    a = mx.nd.ones((2,))
    assert tu.same_array(a, a) and not tu.same_array(a, a.copy())
    assert tu.list_gpus() == list(range(mx.context.num_gpus()))
    assert tu.default_context() == mx.current_context()
    calls = []

    @tu.retry(3)
    def flaky():
        calls.append(1)
        assert len(calls) == 2
    flaky()
    assert len(calls) == 2


def test_star_import_gives_what_mxnet_test_files_use():
    names = {}
    exec("from mxnet.test_utils import *", names)
    assert names["np"] is np and names["mx"] is mx
    for name in ("assert_almost_equal", "same", "discard_stderr", "rand_ndarray", "effective_dtype"):
        assert callable(names[name])
    names = {}
    exec("from mxnet.autograd import *", names)
    assert names["NDArray"] is mx.nd.NDArray and callable(names["mark_variables"])


def test_discard_stderr_silences_fd_2(capfd):
    with tu.discard_stderr():
        os.write(2, b"hidden\n")
    os.write(2, b"shown\n")
    assert capfd.readouterr().err == "shown\n"


def test_effective_dtype():
    assert tu.effective_dtype(mx.nd.ones(2)) == np.float32
    assert tu.effective_dtype(np.ones(2, dtype=np.float16)) == np.float16


def test_env_manager_restores_the_previous_value():
    os.environ.pop("MX_TEST_ENV_MANAGER", None)
    with tu.EnvManager("MX_TEST_ENV_MANAGER", "42"):
        assert os.environ["MX_TEST_ENV_MANAGER"] == "42"
        with tu.EnvManager("MX_TEST_ENV_MANAGER", "7"):
            assert os.environ["MX_TEST_ENV_MANAGER"] == "7"
        assert os.environ["MX_TEST_ENV_MANAGER"] == "42"
    assert "MX_TEST_ENV_MANAGER" not in os.environ
