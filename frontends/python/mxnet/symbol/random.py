"""mx.sym.random: random sampling symbols (MXNet 1.9's wrappers).

As mx.nd.random: numeric parameters make the scalar op ``_random_<dist>``
(``shape`` samples); Symbol parameters make ``_sample_<dist>`` (``shape``
samples per parameter element, so the output shape is the parameters' shape
followed by ``shape``).  Every other ``_random_<name>`` op is served here
under ``<name>`` as generated from the registry.
"""
from .._registry import _Null, module_getattr
from ..base import numeric_types
from .register import OpNamespace
from .symbol import Symbol

__all__ = ["uniform", "normal", "poisson", "exponential", "gamma", "multinomial",
           "negative_binomial", "generalized_negative_binomial", "shuffle", "randint"]

_ops = OpNamespace("random")
__getattr__, __dir__ = module_getattr(_ops, __name__, globals())


def _internal():
    from . import _internal as ops
    return ops


def _random_helper(distribution, params, shape, dtype, kwargs, sample_op=True):
    """_random_<distribution> for numeric params, _sample_<distribution> for
    Symbol params (all params must be of one kind)."""
    kind = (Symbol if isinstance(params[0], Symbol)
            else numeric_types if isinstance(params[0], numeric_types) else None)
    if kind is None:
        raise ValueError("Distribution parameters must be either Symbol or numbers, but got %s."
                         % type(params[0]).__name__)
    for p in params[1:]:
        if not isinstance(p, kind):
            raise TypeError("Distribution parameters must all have the same type, but got both "
                            "%s and %s." % (type(params[0]).__name__, type(p).__name__))
    if kind is Symbol:
        if not sample_op:
            raise TypeError("%s takes numbers as parameters, not Symbols" % distribution)
        return getattr(_internal(), "_sample_" + distribution)(*params, shape=shape, dtype=dtype,
                                                               **kwargs)
    return _ops.make(distribution)(*params, shape=shape, dtype=dtype, **kwargs)


def uniform(low=0, high=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples of uniform distributions on [low, high) (numbers or Symbols)."""
    return _random_helper("uniform", [low, high], shape, dtype, kwargs)


def normal(loc=0, scale=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples of normal distributions of mean loc and standard deviation scale."""
    return _random_helper("normal", [loc, scale], shape, dtype, kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples of Poisson distributions of rate lam, in a floating point dtype."""
    return _random_helper("poisson", [lam], shape, dtype, kwargs)


def exponential(scale=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples of exponential distributions of scale (mean) `scale`, rate 1 / scale."""
    return _random_helper("exponential", [1.0 / scale], shape, dtype, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples of gamma distributions of shape alpha and scale beta."""
    return _random_helper("gamma", [alpha, beta], shape, dtype, kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples of negative binomial distributions (k failures, failure probability p)."""
    return _random_helper("negative_binomial", [k, p], shape, dtype, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, **kwargs):
    """Samples of generalized negative binomial distributions (mean mu, dispersion alpha)."""
    return _random_helper("generalized_negative_binomial", [mu, alpha], shape, dtype, kwargs)


def multinomial(data, shape=_Null, get_prob=True, dtype="int32", **kwargs):
    """Category indices drawn from the distributions along the last axis of
    `data`; with get_prob (the default for symbols, as in MXNet) a second
    output holds their log-probabilities."""
    return _internal()._sample_multinomial(data, shape, get_prob, dtype=dtype, **kwargs)


def shuffle(data, **kwargs):
    """`data` randomly permuted along its first axis."""
    return _internal()._shuffle(data, **kwargs)


def randint(low, high, shape=_Null, dtype=_Null, **kwargs):
    """Integers drawn uniformly from [low, high) (numbers only)."""
    return _random_helper("randint", [low, high], shape, dtype, kwargs, sample_op=False)
