"""The random ops (_random_<dist>, _sample_<dist>, _sample_multinomial,
_shuffle) and mx.nd.random, against the distributions' moments and scipy's
distribution functions.

Every draw is seeded, so these statistical checks are deterministic: the
sample sizes make a wrong distribution (a swapped scale and rate, a variance
off by a few percent) fail while the right one passes with a wide margin.
Reproducibility is checked across seeds, engines (NaiveEngine and the
threaded one, in child processes), kernel thread counts and concurrent work.
"""
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
from scipy import stats

import mxnet as mx
from mxnet.base import MXNetError
from mxnet.ndarray import register

from _adjoint import has_gradient
from _gradcheck import check_gradient

FLOATS = [np.float32, np.float64, np.float16]
N = 100000  # samples per moment check


def op(name):
    """The generated function of any op name or alias."""
    return register.make_op_function(name, name)


def check_moments(x, mean, var, what):
    """Sample mean within 6 standard errors; variance within 4%."""
    x = np.asarray(x, dtype=np.float64).ravel()
    assert np.all(np.isfinite(x)), what
    assert abs(x.mean() - mean) <= 6 * np.sqrt(var / x.size) + 1e-12, (what, x.mean(), mean)
    assert abs(x.var() - var) <= 0.04 * var + 1e-12, (what, x.var(), var)


def check_fits(x, dist, what):
    """Kolmogorov-Smirnov against a continuous scipy distribution, or a
    chi-square of the counts against a discrete one's pmf."""
    x = np.asarray(x, dtype=np.float64).ravel()
    if hasattr(dist, "pdf"):
        assert stats.kstest(x[:20000], dist.cdf).pvalue > 1e-4, what
        return
    values, counts = np.unique(x, return_counts=True)
    assert np.all(values == np.round(values)) and values.min() >= 0, what
    edges = np.arange(values.max() + 2)
    observed = np.histogram(x, bins=edges - 0.5)[0]
    expected = dist.pmf(edges[:-1]) * x.size
    keep = expected >= 20  # chi-square wants 5+ per cell; the rest pooled
    obs = np.append(observed[keep], observed[~keep].sum())
    exp = np.append(expected[keep], x.size - expected[keep].sum())
    chi2 = ((obs - exp) ** 2 / np.maximum(exp, 1e-9)).sum()
    assert stats.chi2.sf(chi2, len(obs) - 1) > 1e-4, (what, chi2, len(obs))


# distribution -> (scalar params, scipy distribution of them,
#                  per-row params for _sample_ (two rows), scipy of a row)
def _nb(k, p):
    return stats.nbinom(k, p)


def _gnb(mu, alpha):
    return stats.nbinom(1 / alpha, 1 / (1 + alpha * mu))


DISTRIBUTIONS = {
    "uniform": (dict(low=-2.0, high=3.0), lambda low, high: stats.uniform(low, high - low),
                dict(low=[0.0, 2.5], high=[1.0, 3.7])),
    "normal": (dict(loc=1.5, scale=2.0), lambda loc, scale: stats.norm(loc, scale),
               dict(mu=[0.0, -3.0], sigma=[1.0, 0.5])),
    "gamma": (dict(alpha=0.5, beta=3.0), lambda alpha, beta: stats.gamma(alpha, scale=beta),
              dict(alpha=[2.5, 9.0], beta=[0.7, 0.5])),
    "exponential": (dict(lam=4.0), lambda lam: stats.expon(scale=1 / lam),
                    dict(lam=[1.0, 8.5])),
    "poisson": (dict(lam=4.0), lambda lam: stats.poisson(lam), dict(lam=[0.5, 40.0])),
    "negative_binomial": (dict(k=3, p=0.4), _nb, dict(k=[20.0, 2.0], p=[0.4, 0.77])),
    "generalized_negative_binomial": (dict(mu=2.0, alpha=0.3), _gnb,
                                      dict(mu=[2.0, 25.0], alpha=[1.0, 0.1])),
}

def random_checker(dist_name):
    params, scipy_of, _ = DISTRIBUTIONS[dist_name]

    def run(fn, dtype):
        mx.random.seed(11)
        x = fn(shape=(N,), dtype=np.dtype(dtype).name, **params)
        assert x.shape == (N,) and x.dtype is dtype
        ref = scipy_of(**params)
        values = x.asnumpy()
        if dist_name == "uniform":
            assert values.min() >= params["low"] and values.max() < params["high"]
        if dtype != np.float16:  # float16 rounding shifts the moments
            check_moments(values, ref.mean(), ref.var(), dist_name)
            check_fits(values, ref, dist_name)
        # defaults: float32, the shape given, on the current context
        y = fn(shape=(2, 3))
        assert y.shape == (2, 3) and y.dtype is np.float32 and y.context == mx.cpu()
        out = mx.nd.zeros((4, 5), dtype=dtype)
        assert fn(shape=(4, 5), dtype=np.dtype(dtype).name, out=out, **params) is out
        assert fn(shape=(0, 3), **params).shape == (0, 3)
    return run


def like_checker(dist_name):
    params, scipy_of, _ = DISTRIBUTIONS[dist_name]

    def run(fn, dtype):
        mx.random.seed(13)
        data = mx.nd.ones((N // 100, 100), dtype=dtype)
        x = fn(data, **params)
        assert x.shape == data.shape and x.dtype is dtype
        if dtype != np.float16:
            ref = scipy_of(**params)
            check_moments(x.asnumpy(), ref.mean(), ref.var(), dist_name)
            check_fits(x.asnumpy(), ref, dist_name)
        mx.random.seed(13)
        assert np.array_equal(fn(data, **params).asnumpy(), x.asnumpy())  # seeded
        assert fn(mx.nd.ones((0, 3), dtype=dtype), **params).shape == (0, 3)
        with pytest.raises(MXNetError):  # shaped by floats only, as MXNet
            fn(mx.nd.ones((2,), dtype="int32"), **params).asnumpy()
    return run


def sample_checker(dist_name):
    _, scipy_of, row_params = DISTRIBUTIONS[dist_name]

    def run(fn, dtype):
        mx.random.seed(12)
        arrays = [mx.nd.array(v) for v in row_params.values()]
        x = fn(*arrays, shape=(N // 2,), dtype=np.dtype(dtype).name)
        assert x.shape == (2, N // 2) and x.dtype is dtype
        values = x.asnumpy()
        for row in range(2):
            ref = scipy_of(*[v[row] for v in row_params.values()])  # inputs in parameter order
            if dtype != np.float16:
                check_moments(values[row], ref.mean(), ref.var(), (dist_name, row))
                check_fits(values[row], ref, (dist_name, row))
        # one sample per distribution by default; float32 whatever the params' dtype
        wide = [mx.nd.array(np.tile(v, (3, 1)), dtype="float64") for v in row_params.values()]
        y = fn(*wide)
        assert y.shape == (3, 2) and y.dtype is np.float32
        assert fn(*wide, shape=(4, 5)).shape == (3, 2, 4, 5)
        if len(arrays) == 2:
            with pytest.raises(MXNetError):  # parameter shapes must agree
                fn(mx.nd.ones((2,)), mx.nd.ones((3,)))
        with pytest.raises(MXNetError):  # no distribution to sample
            fn(*[mx.nd.ones((0,))] * len(arrays))
        with pytest.raises(MXNetError):  # sample dims must be positive
            fn(*arrays, shape=(2, 0))
    return run


def randint_checker(fn, dtype):
    mx.random.seed(13)
    x = fn(low=-5, high=7, shape=(N,), dtype=np.dtype(dtype).name)
    assert x.shape == (N,) and x.dtype is dtype
    values = x.asnumpy()
    counts = np.bincount(values + 5, minlength=12)
    assert len(counts) == 12
    assert stats.chisquare(counts).pvalue > 1e-4
    assert fn(low=2, high=3, shape=(3,)).asnumpy().tolist() == [2, 2, 2]
    assert fn(low=0, high=10, shape=(2,)).dtype is np.int32  # the default dtype
    if dtype == np.int64:  # a range wider than int32 (and than int64 itself)
        big = fn(low=-2 ** 62, high=2 ** 62, shape=(1000,), dtype="int64").asnumpy()
        assert big.min() >= -2 ** 62 and big.max() < 2 ** 62 and np.abs(big).max() > 2 ** 60
        full = fn(low=-2 ** 63, high=2 ** 63 - 1, shape=(1000,), dtype="int64").asnumpy()
        assert (full < 0).mean() > 0.4 and (full > 0).mean() > 0.4
    with pytest.raises(MXNetError):
        fn(low=3, high=1, shape=(2,))
    with pytest.raises(MXNetError):
        fn(low=0, high=3, shape=(2,), dtype="float32")


def multinomial_checker(fn, dtype):
    mx.random.seed(14)
    probs = np.array([[0.1, 0.2, 0.0, 0.7], [0.25, 0.25, 0.25, 0.25]])
    data = mx.nd.array(probs, dtype=dtype)
    x = fn(data, shape=(N // 2,))
    assert x.shape == (2, N // 2) and x.dtype is np.int32
    for row in range(2):
        counts = np.bincount(x.asnumpy()[row], minlength=4)
        assert counts[2] == 0 or probs[row, 2] > 0
        keep = probs[row] > 0
        assert stats.chisquare(counts[keep], probs[row, keep] * N // 2).pvalue > 1e-4
    idx, logp = fn(data, shape=(3, 5), get_prob=True, dtype="float32")
    assert idx.shape == logp.shape == (2, 3, 5)
    assert idx.dtype is np.float32 and logp.dtype is dtype
    expected = np.log(probs[np.arange(2)[:, None, None], idx.asnumpy().astype(int)])
    np.testing.assert_allclose(logp.asnumpy(), expected, rtol=2e-3)
    # a single distribution: one draw is shape (1,), `shape` draws are shape
    one = mx.nd.array([0.0, 1.0], dtype=dtype)
    assert fn(one).shape == (1,) and fn(one).asnumpy().tolist() == [1]
    assert fn(one, shape=(2, 3)).shape == (2, 3)
    with pytest.raises(MXNetError):
        fn(mx.nd.array([1, 0], dtype="int32"))


def shuffle_checker(fn, dtype):
    mx.random.seed(15)
    rows = np.arange(60).reshape(20, 3).astype(dtype)
    x = fn(mx.nd.array(rows, dtype=dtype))
    assert x.shape == (20, 3) and x.dtype is dtype
    got = x.asnumpy()
    order = np.argsort(got[:, 0].astype(np.int64))
    np.testing.assert_array_equal(got[order], rows)  # the same rows, each kept whole
    assert not np.array_equal(got, rows)
    # in place, into out=
    a = mx.nd.array(rows, dtype=dtype)
    fn(a, out=a)
    np.testing.assert_array_equal(np.sort(a.asnumpy()[:, 0]), rows[:, 0])
    assert fn(mx.nd.zeros((0, 2), dtype=dtype)).shape == (0, 2)
    if dtype == np.float32:  # every position equally likely for every element
        base = mx.nd.array(np.arange(4), dtype=dtype)
        positions = np.zeros((4, 4))
        for _ in range(2000):
            perm = fn(base).asnumpy().astype(int)
            positions[perm, np.arange(4)] += 1
        assert stats.chisquare(positions.ravel()).pvalue > 1e-4


def backward_multinomial_checker(fn, dtype):
    """ograd / p added at each draw's category: the gradient of log p[draw]."""
    probs = np.array([[0.1, 0.2, 0.0, 0.7], [0.25, 0.25, 0.25, 0.25]])
    draws = np.array([[3, 1, 3], [0, 2, 2]])
    ograd = np.array([[1.0, -2.0, 0.5], [3.0, 1.5, -1.0]])
    expected = np.zeros_like(probs)
    for row, col in np.ndindex(*draws.shape):
        expected[row, draws[row, col]] += ograd[row, col] / probs[row, draws[row, col]]
    got = fn(mx.nd.array(ograd, dtype=dtype), mx.nd.array(probs, dtype=dtype), mx.nd.array(draws, dtype="int32"))
    assert got.dtype is dtype
    np.testing.assert_allclose(got.asnumpy(), expected, rtol=2e-3)
    with pytest.raises(MXNetError, match="outside"):
        fn(mx.nd.array(ograd, dtype=dtype), mx.nd.array(probs, dtype=dtype), mx.nd.array(draws + 2)).asnumpy()
    with pytest.raises(MXNetError, match="distributions"):
        fn(mx.nd.ones((5,), dtype=dtype), mx.nd.array(probs, dtype=dtype), mx.nd.zeros((5,)))


HARNESS = {"_backward_sample_multinomial": backward_multinomial_checker}
for _dist in DISTRIBUTIONS:
    HARNESS["_random_" + _dist] = random_checker(_dist)
    HARNESS["_sample_" + _dist] = sample_checker(_dist)
    HARNESS["_random_%s_like" % _dist] = like_checker(_dist)
HARNESS.update({
    "_random_randint": randint_checker,
    "_sample_multinomial": multinomial_checker,
    "_shuffle": shuffle_checker,
})

ALIASES = {"uniform": "_random_uniform", "normal": "_random_normal",
           "random_randint": "_random_randint", "sample_multinomial": "_sample_multinomial",
           "shuffle": "_shuffle"}
for _dist in DISTRIBUTIONS:
    ALIASES["random_" + _dist] = "_random_" + _dist
    ALIASES["sample_" + _dist] = "_sample_" + _dist

DTYPES_OF = {"_random_randint": [np.int32, np.int64],
             "_shuffle": [np.float32, np.float64, np.float16, np.int32, np.int64, np.int8,
                          np.uint8]}


def _cases():
    for name in HARNESS:
        for dtype in DTYPES_OF.get(name, FLOATS):
            yield pytest.param(name, name, dtype, id="%s-%s" % (name, np.dtype(dtype).name))
    for alias, name in sorted(ALIASES.items()):
        dtype = DTYPES_OF.get(name, FLOATS)[0]
        yield pytest.param(alias, name, dtype, id="%s-%s" % (alias, np.dtype(dtype).name))


@pytest.mark.parametrize("name,canonical,dtype", list(_cases()))
def test_op(name, canonical, dtype):
    HARNESS[canonical](op(name), dtype)


# ---------------------------------------------------------------------------
# bad parameters
# ---------------------------------------------------------------------------

BAD_SCALAR_PARAMS = [
    ("_random_uniform", dict(low=2, high=1)),
    ("_random_normal", dict(scale=0)),
    ("_random_normal", dict(scale=-1)),
    ("_random_gamma", dict(alpha=0)),
    ("_random_gamma", dict(beta=-2)),
    ("_random_exponential", dict(lam=0)),
    ("_random_poisson", dict(lam=-1)),
    ("_random_negative_binomial", dict(k=-1)),
    ("_random_negative_binomial", dict(p=-0.5)),
    ("_random_generalized_negative_binomial", dict(mu=-1)),
    ("_random_generalized_negative_binomial", dict(alpha=-1)),
    ("_random_uniform", dict(shape=(2, -1))),
    ("_random_uniform", dict(dtype="int32")),
]


@pytest.mark.parametrize("name,params", BAD_SCALAR_PARAMS)
def test_bad_parameters_raise(name, params):
    with pytest.raises(MXNetError):
        op(name)(**dict(dict(shape=(3,)), **params)).asnumpy()


@pytest.mark.parametrize("dist", sorted(DISTRIBUTIONS))
def test_like_functions_in_mx_nd_random(dist):
    params = DISTRIBUTIONS[dist][0]
    fn = getattr(mx.nd.random, dist + "_like")
    x = fn(data=mx.nd.ones((2, 3), dtype="float64"), **params)
    assert x.shape == (2, 3) and x.dtype == np.float64
    s = getattr(mx.sym.random, dist + "_like")(mx.sym.var("d"), **params)
    assert s.infer_shape(d=(4, 2))[1] == [(4, 2)]


def test_bad_like_parameters_raise():
    with pytest.raises(MXNetError):
        mx.nd.random.uniform_like(mx.nd.ones((2,)), low=2, high=1).asnumpy()
    with pytest.raises(MXNetError):
        mx.nd.random.normal_like(mx.nd.ones((2,)), scale=-1).asnumpy()


def test_degenerate_parameters_give_the_limit():
    assert np.all(mx.nd.random.poisson(lam=0, shape=(5,)).asnumpy() == 0)
    assert np.all(mx.nd.random.negative_binomial(k=3, p=1, shape=(5,)).asnumpy() == 0)
    assert np.all(mx.nd.random.uniform(2, 2, shape=(5,)).asnumpy() == 2)
    # MXNet's documented sample_gamma example: alpha 0 draws 0
    x = mx.nd.random.gamma(mx.nd.array([0.0, 2.5]), mx.nd.array([1.0, 0.7]), shape=(3,))
    assert np.all(x.asnumpy()[0] == 0) and np.all(x.asnumpy()[1] > 0)


# ---------------------------------------------------------------------------
# reproducibility
# ---------------------------------------------------------------------------

def _draw_all():
    """One draw of every op, in a fixed program order."""
    probs = mx.nd.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    R = mx.nd.random
    return [R.uniform(-1, 1, shape=(300, 7)), R.normal(0, 2, shape=(50,), dtype="float64"),
            R.gamma(2.0, 0.5, shape=(40,)), R.exponential(3.0, shape=(40,)),
            R.poisson(30.0, shape=(40,)), R.negative_binomial(3, 0.5, shape=(40,)),
            R.generalized_negative_binomial(2.0, 0.3, shape=(40,)),
            R.randint(0, 1000, shape=(40,), dtype="int64"),
            R.uniform(mx.nd.array([0, 5]), mx.nd.array([1, 6]), shape=(20,)),
            R.normal(mx.nd.array([0, 5]), mx.nd.array([1, 2]), shape=(20,)),
            R.multinomial(probs, shape=(30,)), R.shuffle(mx.nd.array(np.arange(50))),
            R.uniform(shape=(300000,))]  # big: the kernel splits it across threads


def _numpy(arrays):
    return [a.asnumpy() for a in arrays]


def test_same_seed_same_arrays_different_seed_different():
    mx.random.seed(42)
    first = _numpy(_draw_all())
    mx.random.seed(42)
    again = _numpy(_draw_all())
    mx.random.seed(43)
    other = _numpy(_draw_all())
    for a, b, c in zip(first, again, other):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)
    # successive calls draw different numbers
    mx.random.seed(42)
    x, y = mx.nd.random.uniform(shape=(10,)), mx.nd.random.uniform(shape=(10,))
    assert not np.array_equal(x.asnumpy(), y.asnumpy())


def test_seed_of_one_context_leaves_the_others():
    mx.random.seed(5)
    a = mx.nd.random.uniform(shape=(10,), ctx=mx.cpu(0)).asnumpy()
    mx.random.seed(99)
    mx.random.seed(5, ctx=mx.cpu(0))
    b = mx.nd.random.uniform(shape=(10,), ctx=mx.cpu(0)).asnumpy()
    np.testing.assert_array_equal(a, b)


_ENGINE_SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    import mxnet as mx
    sys.path[:0] = [{here!r}, {tests!r}]  # this folder and tests/ (the shared helpers)
    from test_random import _draw_all, _numpy
    mx.random.seed(7)
    np.savez(sys.argv[1], *_numpy(_draw_all()))
""")


@pytest.mark.parametrize("engine,threads", [("NaiveEngine", "1"), ("ThreadedEngine", "3")])
def test_identical_under_every_engine_and_thread_count(tmp_path, engine, threads):
    """A child process on another engine (and kernel thread count) draws what
    this process, on the default threaded engine, draws."""
    path = str(tmp_path / "draws.npz")
    env = dict(os.environ, MXNET_ENGINE_TYPE=engine, OMP_NUM_THREADS=threads)
    here = os.path.dirname(os.path.abspath(__file__))
    script = _ENGINE_SCRIPT.format(here=here, tests=os.path.dirname(here))
    proc = subprocess.run([sys.executable, "-c", script, path], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    mx.random.seed(7)
    mine = _numpy(_draw_all())
    with np.load(path) as theirs:
        for k, a in enumerate(mine):
            np.testing.assert_array_equal(theirs["arr_%d" % k], a)


def test_identical_with_concurrent_work():
    mx.random.seed(21)
    quiet = _numpy(_draw_all())
    stop = threading.Event()

    def busy():  # other arrays' work, pushed from another thread
        x = mx.nd.ones((300, 300))
        while not stop.is_set():
            mx.nd.dot(x, x).wait_to_read()

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        mx.random.seed(21)
        pending = mx.nd.dot(mx.nd.ones((400, 400)), mx.nd.ones((400, 400)))
        busy_draws = _numpy(_draw_all())
        pending.wait_to_read()
    finally:
        stop.set()
        worker.join()
    for a, b in zip(quiet, busy_draws):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------
# mx.nd.random (the Python wrappers) and the ops' schema
# ---------------------------------------------------------------------------

def test_wrappers_scalar_params():
    R = mx.nd.random
    x = R.uniform()
    assert x.shape == (1,) and x.dtype is np.float32 and x.context == mx.cpu()
    assert R.uniform(0, 1, shape=5).shape == (5,)
    assert R.normal(0, 1, (2, 3), dtype="float64").dtype is np.float64
    assert R.randn(2, 3).shape == (2, 3)
    assert R.randn(4, loc=10, scale=0.1).asnumpy().min() > 9
    assert R.randint(0, 5, shape=(3,)).dtype is np.int32
    assert R.poisson(2, shape=(3,)).dtype is np.float32
    out = mx.nd.zeros((2, 2))
    assert R.uniform(5, 6, out=out) is out and out.asnumpy().min() >= 5
    mx.random.seed(3)
    e = R.exponential(scale=0.25, shape=(N,)).asnumpy()  # scale = 1 / lam
    check_moments(e, 0.25, 0.0625, "exponential scale")


def test_wrappers_ndarray_params():
    R = mx.nd.random
    low, high = mx.nd.array([0, 10]), mx.nd.array([1, 20])
    x = R.uniform(low, high, shape=(3, 4))
    assert x.shape == (2, 3, 4)
    v = x.asnumpy()
    assert v[0].max() < 1 and v[1].min() >= 10
    assert R.normal(low, high).shape == (2,)
    assert R.exponential(mx.nd.array([1.0, 2.0]), shape=(3,)).shape == (2, 3)
    assert R.gamma(low + 1, high, dtype="float64").dtype is np.float64
    with pytest.raises(TypeError):
        R.uniform(low, 1)
    with pytest.raises(TypeError):
        R.randint(low, high)
    with pytest.raises(ValueError):
        R.uniform("a", "b")
    i, p = R.multinomial(mx.nd.array([0.5, 0.5]), shape=4, get_prob=True)
    assert i.shape == p.shape == (4,)
    np.testing.assert_allclose(p.asnumpy(), np.log(0.5), rtol=1e-6)
    s = R.shuffle(mx.nd.array(np.arange(10)))
    assert sorted(s.asnumpy().tolist()) == list(range(10))


def test_generated_functions_still_reachable():
    assert callable(mx.nd.random.uniform) and callable(mx.nd.random.negative_binomial)
    assert "uniform" in dir(mx.nd.random)
    assert mx.nd._internal._sample_uniform(mx.nd.array([0]), mx.nd.array([1])).shape == (1,)
    assert mx.nd.uniform(shape=(2,)).shape == (2,) and mx.nd.random_normal(shape=(2,)).shape == (2,)


def test_schema_as_mxnet():
    def params(name):
        return [(p[0], p[1], p[2]) for p in register.OpInfo(name).params]

    assert params("_random_uniform") == [
        ("low", "float", "0"), ("high", "float", "1"), ("shape", "Shape(tuple)", "()"),
        ("ctx", "string", ""), ("dtype", "{'None', 'float16', 'float32', 'float64'}", "None")]
    assert [p[0] for p in params("_random_negative_binomial")] == ["k", "p", "shape", "ctx", "dtype"]
    assert params("_random_randint")[:2] == [("low", "long", None), ("high", "long", None)]
    assert params("_random_randint")[-1][1] == "{'None', 'int32', 'int64'}"
    assert register.OpInfo("_sample_normal").input_names == ["mu", "sigma"]
    assert register.OpInfo("_sample_negative_binomial").input_names == ["k", "p"]
    assert [p[0] for p in params("_sample_gamma")] == ["shape", "dtype"]
    assert [p[0] for p in params("_sample_multinomial")] == ["shape", "get_prob", "dtype"]
    assert register.OpInfo("_shuffle").input_names == ["data"]


# ---------------------------------------------------------------------------
# gradients (MXNet's: zeros for the parameters of _sample_<dist>; the
# log-probabilities of _sample_multinomial's draws are differentiable)
# ---------------------------------------------------------------------------

def _parameter_gradients(name, inputs, **kwargs):
    arrays = [mx.nd.array(x, dtype="float64") for x in inputs]
    for a in arrays:
        a.attach_grad()
    with mx.autograd.record():
        outs = op(name)(*arrays, **kwargs)
    mx.autograd.backward(outs if isinstance(outs, list) else [outs])
    return [a.grad.asnumpy() for a in arrays]


def _sample_gradient(dist):
    def check():
        _, _, params = DISTRIBUTIONS[dist]
        for g in _parameter_gradients("_sample_" + dist, list(params.values()), shape=(3,)):
            assert not g.any()
    return check


def _multinomial_gradient():
    probs = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.1, 0.1, 0.3]])

    def log_prob(p):
        mx.random.seed(21)  # the same draws for every finite difference
        return mx.nd.random.multinomial(p, shape=(6,), get_prob=True)[1]
    check_gradient(log_prob, [probs], rtol=1e-4, eps=1e-7)
    # the draws themselves get zeros
    assert not _parameter_gradients("_sample_multinomial", [probs], shape=(2,))[0].any()


GRAD_HARNESS = {"_sample_" + _dist: _sample_gradient(_dist) for _dist in DISTRIBUTIONS}
GRAD_HARNESS["_sample_multinomial"] = _multinomial_gradient


def _like_gradient(dist):
    def run():  # the input only lends its shape: a zero gradient, as in MXNet
        x = mx.nd.ones((3, 2))
        x.attach_grad()
        with mx.autograd.record():
            y = getattr(mx.nd.random, dist + "_like")(x, **DISTRIBUTIONS[dist][0])
        y.backward()
        assert x.grad.shape == (3, 2) and not x.grad.asnumpy().any()
    return run


GRAD_HARNESS.update({"_random_%s_like" % _dist: _like_gradient(_dist) for _dist in DISTRIBUTIONS})

# MXNet 1.9 registers no gradient for these: the _random_ ops have no array
# inputs, a shuffle is not differentiable, and the multinomial gradient op is
# not differentiated again.
NO_GRADIENT = {"_random_" + _dist for _dist in DISTRIBUTIONS} | {
    "_random_randint", "_shuffle", "_backward_sample_multinomial"}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()


@pytest.mark.parametrize("name", sorted(NO_GRADIENT))
def test_no_gradient(name):
    assert not has_gradient(name)


def test_shuffle_is_not_differentiable():
    x = mx.nd.ones((3, 2))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.random.shuffle(x)
    with pytest.raises(MXNetError, match="not differentiable"):
        y.backward()
