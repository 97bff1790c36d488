"""mx.nd.random: random sampling (MXNet 1.9's wrappers).

Each distribution function takes either numbers, and calls the scalar op
``_random_<dist>`` (``shape`` samples, default 1), or NDArrays, and calls
``_sample_<dist>`` (``shape`` samples per parameter element: the output shape
is the parameters' shape followed by ``shape``).  Every other ``_random_<name>``
op is exposed here under ``<name>`` as generated from the registry.

Draws are reproducible: after ``mx.random.seed(s)`` the same calls give the
same arrays on every engine.
"""
import textwrap

from ..base import numeric_types
from ..context import current_context
from . import _internal
from .ndarray import NDArray
from .register import OpNamespace, _Null

__all__ = ["uniform", "normal", "randn", "poisson", "exponential", "gamma", "multinomial",
           "negative_binomial", "generalized_negative_binomial", "shuffle", "randint"]

_ops = OpNamespace("random")
_generated = {}  # name -> the generated function of _random_<name>, made on first use


def _random_op(name):
    fn = _generated.get(name)
    if fn is None:
        fn = _generated[name] = _ops.make(name)
    return fn


_SHARED_PARAMS = """shape : int or tuple of ints, optional, default=_Null
    The output shape for numeric parameters (one sample by default); the
    samples per distribution for NDArray parameters.
dtype : {'None', %s}, optional, default='None'
    Data type of the output; %s by default.
ctx : Context, optional, default=None
    Device of the output for numeric parameters; the current context by default.
out : NDArray, optional
    Store the samples here.

Returns
-------
NDArray
    Of shape `shape`, or the parameters' shape followed by `shape`.
"""


def _documented(summary, params, dtypes="'float16', 'float32', 'float64'", default="float32"):
    """Gives a wrapper its NumPy-style docstring: summary, the distribution's
    parameters, then those every sampler shares."""
    def attach(fn):
        fn.__doc__ = "%s\n\nParameters\n----------\n%s%s" % (
            summary, textwrap.dedent(params).lstrip("\n"), _SHARED_PARAMS % (dtypes, default))
        return fn
    return attach


def _random_helper(distribution, params, shape, dtype, ctx, out, kwargs, sample_op=True):
    """Calls _random_<distribution> for numeric params, _sample_<distribution>
    for NDArray params (all params must be of one kind)."""
    if isinstance(params[0], NDArray):
        for p in params[1:]:
            if not isinstance(p, NDArray):
                raise TypeError("Distribution parameters must all have the same type, but got both "
                                "%s and %s." % (type(params[0]).__name__, type(p).__name__))
        if not sample_op:
            raise TypeError("%s takes numbers as parameters, not NDArrays" % distribution)
        sampler = getattr(_internal, "_sample_" + distribution)
        return sampler(*params, shape=shape, dtype=dtype, out=out, **kwargs)
    if isinstance(params[0], numeric_types):
        for p in params[1:]:
            if not isinstance(p, numeric_types):
                raise TypeError("Distribution parameters must all have the same type, but got both "
                                "%s and %s." % (type(params[0]).__name__, type(p).__name__))
        if ctx is None:
            ctx = current_context()
        if shape is _Null:
            # MXNet draws one sample by default; with out= the output's shape rules.
            shape = 1 if out is None else out.shape
        return _random_op(distribution)(*params, shape=shape, dtype=dtype, ctx=ctx, out=out,
                                        **kwargs)
    raise ValueError("Distribution parameters must be either NDArray or numbers, but got %s."
                     % type(params[0]).__name__)


@_documented("Draws samples from uniform distributions on [low, high).", """
    low : float or NDArray, optional, default=0
        Lower bound (inclusive); an NDArray gives one distribution per element.
    high : float or NDArray, optional, default=1
        Upper bound (exclusive).
    """)
def uniform(low=0, high=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _random_helper("uniform", [low, high], shape, dtype, ctx, out, kwargs)


@_documented("Draws samples from normal (Gaussian) distributions.", """
    loc : float or NDArray, optional, default=0
        Mean; an NDArray gives one distribution per element.
    scale : float or NDArray, optional, default=1
        Standard deviation.
    """)
def normal(loc=0, scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _random_helper("normal", [loc, scale], shape, dtype, ctx, out, kwargs)


def randn(*shape, **kwargs):
    """Draws samples of the given shape from a normal distribution.

    Parameters
    ----------
    *shape : ints
        The output shape, e.g. ``randn(2, 3)``.
    loc, scale : float, optional
        Mean (0) and standard deviation (1).
    dtype, ctx, out : optional
        As for `normal`.
    """
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    dtype = kwargs.pop("dtype", _Null)
    ctx = kwargs.pop("ctx", None)
    out = kwargs.pop("out", None)
    if not isinstance(loc, numeric_types) or not isinstance(scale, numeric_types):
        raise TypeError("randn takes numbers for loc and scale")
    return _random_helper("normal", [loc, scale], shape, dtype, ctx, out, kwargs)


@_documented("Draws samples from Poisson distributions, in a floating point dtype.", """
    lam : float or NDArray, optional, default=1
        Rate (the mean); an NDArray gives one distribution per element.
    """)
def poisson(lam=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _random_helper("poisson", [lam], shape, dtype, ctx, out, kwargs)


@_documented("Draws samples from exponential distributions.", """
    scale : float or NDArray, optional, default=1
        Scale, 1 / rate (the mean); an NDArray gives one distribution per element.
    """)
def exponential(scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _random_helper("exponential", [1.0 / scale], shape, dtype, ctx, out, kwargs)


@_documented("Draws samples from gamma distributions.", """
    alpha : float or NDArray, optional, default=1
        Shape; an NDArray gives one distribution per element.
    beta : float or NDArray, optional, default=1
        Scale.
    """)
def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _random_helper("gamma", [alpha, beta], shape, dtype, ctx, out, kwargs)


@_documented("Draws samples from negative binomial distributions (mean k(1-p)/p), in a "
             "floating point dtype.", """
    k : int or NDArray, optional, default=1
        Limit of unsuccessful experiments; an NDArray gives one distribution per element.
    p : float or NDArray, optional, default=1
        Failure probability in each experiment.
    """)
def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _random_helper("negative_binomial", [k, p], shape, dtype, ctx, out, kwargs)


@_documented("Draws samples from generalized negative binomial distributions (variance "
             "mu + alpha mu^2), in a floating point dtype.", """
    mu : float or NDArray, optional, default=1
        Mean; an NDArray gives one distribution per element.
    alpha : float or NDArray, optional, default=1
        Dispersion.
    """)
def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, ctx=None, out=None,
                                  **kwargs):
    return _random_helper("generalized_negative_binomial", [mu, alpha], shape, dtype, ctx, out,
                          kwargs)


def multinomial(data, shape=_Null, get_prob=False, out=None, dtype="int32", **kwargs):
    """Draws category indices from the distributions along the last axis of
    `data` (probabilities that sum to 1).

    Parameters
    ----------
    data : NDArray
        Shape (k,) for one distribution or (n, k) for n of them.
    shape : int or tuple of ints, optional
        Samples per distribution.
    get_prob : bool, optional
        Also return the log-probability of each drawn index.
    out : NDArray, optional
        Store the samples here.
    dtype : {'int32', 'uint8', 'float16', 'float32', 'float64'}, optional
        Data type of the indices.

    Returns
    -------
    NDArray, or a list of two NDArrays (indices, log-probabilities) with get_prob.
    """
    return _internal._sample_multinomial(data, shape, get_prob, out=out, dtype=dtype, **kwargs)


def shuffle(data, **kwargs):
    """Returns `data` randomly permuted along its first axis."""
    return _internal._shuffle(data, **kwargs)


@_documented("Draws integers uniformly from [low, high).", """
    low : int, required
        Lower bound (inclusive); numbers only.
    high : int, required
        Upper bound (exclusive).
    """, dtypes="'int32', 'int64'", default="int32")
def randint(low, high, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _random_helper("randint", [low, high], shape, dtype, ctx, out, kwargs, sample_op=False)


def __getattr__(name):
    fn = _ops.make(name)
    if fn is None:
        raise AttributeError("module 'mxnet.ndarray.random' has no attribute %r" % name)
    globals()[name] = fn
    return fn


def __dir__():
    return sorted(set(globals()) | set(_ops.names()))
