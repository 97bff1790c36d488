"""mx.sym.random: MXNet 1.9's sampling wrappers over _random_* / _sample_* ops."""
import numpy as np
import pytest

import mxnet as mx

R = mx.sym.random


def test_numbers_make_the_scalar_samplers():
    mx.random.seed(9)
    got = R.uniform(2, 3, shape=(2000,)).eval()[0].asnumpy()
    assert got.shape == (2000,) and got.dtype == np.float32
    assert got.min() >= 2 and got.max() < 3 and abs(got.mean() - 2.5) < 0.05
    assert R.normal(shape=4, dtype="float64").eval()[0].dtype == np.float64
    # exponential takes the scale (the mean), as in MXNet, not the rate
    assert abs(R.exponential(scale=4, shape=(4000,)).eval()[0].asnumpy().mean() - 4) < 0.4
    for sym in (R.poisson(2, shape=3), R.gamma(2, 2, shape=3), R.negative_binomial(2, 0.5, shape=3),
                R.generalized_negative_binomial(2, 0.5, shape=3)):
        assert sym.eval()[0].shape == (3,)
    ints = R.randint(0, 5, shape=(100,)).eval()[0].asnumpy()
    assert ints.dtype == np.int32 and ints.min() >= 0 and ints.max() < 5


def test_symbols_make_the_per_element_samplers():
    lo, hi = mx.sym.var("lo"), mx.sym.var("hi")
    got = R.uniform(lo, hi, shape=3).eval(lo=mx.nd.array([0, 10]), hi=mx.nd.array([1, 11]))[0]
    assert got.shape == (2, 3)
    assert (got.asnumpy()[0] < 1).all() and (got.asnumpy()[1] >= 10).all()
    scale = mx.sym.var("s")
    assert R.exponential(scale=scale, shape=2).eval(s=mx.nd.ones(3))[0].shape == (3, 2)
    assert R.poisson(lam=mx.sym.var("l"), shape=2).eval(l=mx.nd.ones(2))[0].shape == (2, 2)


def test_multinomial_returns_log_probabilities_by_default_and_shuffle():
    p = mx.sym.var("p")
    both = R.multinomial(p, shape=3)
    samples, logp = both.eval(p=mx.nd.array([[0.0, 1.0]]))
    np.testing.assert_array_equal(samples.asnumpy(), [[1, 1, 1]])
    np.testing.assert_allclose(logp.asnumpy(), np.zeros((1, 3)), atol=1e-6)
    only = R.multinomial(p, get_prob=False).eval(p=mx.nd.array([0.0, 1.0]))
    assert len(only) == 1 and only[0].asnumpy().tolist() == [1]
    perm = R.shuffle(mx.sym.var("d")).eval(d=mx.nd.arange(6))[0].asnumpy()
    assert sorted(perm.tolist()) == list(range(6))


def test_seed_makes_symbol_samples_repeat():
    sym = R.normal(0, 1, shape=(5,))
    mx.random.seed(21)
    first = sym.eval()[0].asnumpy()
    mx.random.seed(21)
    np.testing.assert_array_equal(sym.eval()[0].asnumpy(), first)


def test_bad_parameters():
    lo = mx.sym.var("lo")
    with pytest.raises(TypeError, match="same type"):
        R.uniform(lo, 1)
    with pytest.raises(ValueError, match="Symbol or numbers"):
        R.normal("a", 1)
    with pytest.raises(TypeError, match="numbers"):
        R.randint(lo, lo)
    assert R.uniform(0, 1, shape=2).eval()[0].shape == (2,)  # still working
