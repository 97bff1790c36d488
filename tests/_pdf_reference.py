"""float64 references of the _random_pdf_<dist> ops (scipy.stats; Dirichlet
by its formula, as scipy's takes only points of the simplex) and the draws
of samples and parameters the op tests and the Triton tests share."""
import numpy as np
from scipy import special, stats


def _nbinom(x, k, p):
    return stats.nbinom(k, p).logpmf(x)


def _dirichlet(x, alpha):
    """log-density of each vector of x (..., k) under alpha (k,), by its
    formula: scipy.stats.dirichlet takes only points of the simplex (and
    finite differences leave it)."""
    return ((alpha - 1) * np.log(x)).sum(-1) + special.gammaln(alpha.sum()) - special.gammaln(alpha).sum()


# name -> (log-density of float64 samples and parameters, the parameters'
# generators, the sample generator given the parameters, whether the sample
# has a gradient)
DISTRIBUTIONS = {
    "uniform": (lambda x, lo, hi: stats.uniform(lo, hi - lo).logpdf(x),
                [lambda r, s: r.uniform(-2, 0, s), lambda r, s: r.uniform(0.5, 2, s)],
                lambda r, s, lo, hi: lo + (hi - lo) * r.uniform(0.1, 0.9, s), False),
    "normal": (lambda x, mu, sigma: stats.norm(mu, sigma).logpdf(x),
               [lambda r, s: r.uniform(-1, 1, s), lambda r, s: r.uniform(0.5, 2, s)],
               lambda r, s, mu, sigma: r.uniform(-2, 2, s), True),
    "gamma": (lambda x, a, b: stats.gamma(a, scale=1 / b).logpdf(x),
              [lambda r, s: r.uniform(1.5, 4, s), lambda r, s: r.uniform(0.5, 2, s)],
              lambda r, s, a, b: r.uniform(0.5, 3, s), True),
    "exponential": (lambda x, lam: stats.expon(scale=1 / lam).logpdf(x),
                    [lambda r, s: r.uniform(0.5, 2, s)],
                    lambda r, s, lam: r.uniform(0.1, 3, s), True),
    "poisson": (lambda x, lam: stats.poisson(lam).logpmf(x),
                [lambda r, s: r.uniform(0.5, 4, s)],
                lambda r, s, lam: r.integers(0, 6, s).astype(np.float64), False),
    "negative_binomial": (_nbinom,
                          [lambda r, s: r.uniform(0.5, 3, s), lambda r, s: r.uniform(0.2, 0.8, s)],
                          lambda r, s, k, p: r.integers(0, 6, s).astype(np.float64), False),
    "generalized_negative_binomial": (lambda x, mu, alpha: _nbinom(x, 1 / alpha, 1 / (mu * alpha + 1)),
                                      [lambda r, s: r.uniform(0.5, 3, s), lambda r, s: r.uniform(0.3, 2, s)],
                                      lambda r, s, mu, alpha: r.integers(0, 6, s).astype(np.float64), False),
}
# (parameters' shape, sample's shape)
SHAPES = [((3,), (3,)), ((2, 3), (2, 3, 4)), ((2,), (2, 1, 3)), ((1,), (1, 0))]
# Dirichlet: (alpha's shape, sample's shape); a single vector gives shape (1,)
DIRICHLET_SHAPES = [((3,), (3,)), ((3,), (5, 3)), ((2, 4), (2, 3, 4)), ((2, 3), (2, 3)), ((2, 3), (2, 0, 3))]


def shapes_for(name):
    """(parameters' shape, sample's shape) cases of a distribution."""
    return DIRICHLET_SHAPES if name == "dirichlet" else SHAPES


def has_sample_gradient(name):
    """Whether MXNet gives the sample a gradient (not uniform's, not the
    discrete distributions')."""
    return name == "dirichlet" or DISTRIBUTIONS[name][3]


def rounded(values, dtype):
    return np.asarray(values).astype(dtype).astype(np.float64)


def draw(name, param_shape, sample_shape, dtype, rng):
    """(sample, params) as the dtype holds them, in float64."""
    if name == "dirichlet":
        alpha = rounded(rng.uniform(0.5, 3, param_shape), dtype)
        x = rng.uniform(0.2, 1, sample_shape)
        return rounded(x / x.sum(-1, keepdims=True), dtype), [alpha]
    _, param_gens, sample_gen, _ = DISTRIBUTIONS[name]
    params = [rounded(g(rng, param_shape), dtype) for g in param_gens]
    lead = sample_shape[:len(param_shape)]
    wide = [p.reshape(lead + (1,) * (len(sample_shape) - len(param_shape))) for p in params]
    return rounded(sample_gen(rng, sample_shape, *wide), dtype), params


def reference_log_pdf(name, x, params):
    """The float64 log-density of each sample under its distribution."""
    if name == "dirichlet":  # the samples of each distribution are contiguous
        flat_alpha = params[0].reshape(-1, params[0].shape[-1])
        groups = x.reshape(len(flat_alpha), -1, flat_alpha.shape[-1])
        out = np.array([_dirichlet(g, a) for g, a in zip(groups, flat_alpha)])
        return out.reshape((1,) if x.ndim == 1 else x.shape[:-1])
    logpdf = DISTRIBUTIONS[name][0]
    extra = (1,) * (x.ndim - params[0].ndim)
    return logpdf(x, *[p.reshape(p.shape + extra) for p in params])
