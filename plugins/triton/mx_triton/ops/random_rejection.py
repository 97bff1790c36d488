"""The samplers drawn by rejection: gamma, Poisson, negative binomial and
generalized negative binomial (_random_* with scalar parameters, _sample_*
with parameter arrays), the same numbers as plugins/cpu/random_distributions.h
for the same seed.

Every element owns its Philox stream (random.py) and consumes uniforms in
the CPU's order, so each lane keeps its own position t in its stream; a
rejection loop runs until every lane of the program has accepted.
  gamma:   Marsaglia and Tsang (alpha < 1: Gamma(alpha + 1) U^(1/alpha));
  Poisson: inversion by sequential search below a mean of 10, Hoermann's
           PTRS above;
  negative binomials: Poisson(Gamma(...)) on one stream.
"""
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..jit_helpers import block_indices
from ..registry import FLOATS, NUMERIC, register
from .random import launch_sampler, load_parameter, philox_uniform

DISTRIBUTIONS = {"gamma": 0, "poisson": 1, "negative_binomial": 2, "generalized_negative_binomial": 3}
PARAMETERS = {"gamma": ("alpha", "beta"), "poisson": ("lam",), "negative_binomial": ("k", "p"),
              "generalized_negative_binomial": ("mu", "alpha")}


@triton.jit
def _any(flags):
    return tl.max(flags.to(tl.int32), 0) > 0


@triton.jit
def _standard_gamma(seed, i, t, alpha, lanes):
    """Gamma(alpha, 1) for the lanes (0 where alpha <= 0), and each lane's
    next stream position."""
    active = lanes & (alpha > 0)
    boost = alpha < 1
    a = tl.where(boost, alpha + 1, alpha)
    a = tl.where(active, a, 1.0)
    d = a - 1.0 / 3.0
    c = 1.0 / tl.sqrt(9.0 * d)
    result = tl.zeros(alpha.shape, tl.float64)
    while _any(active):
        radius = tl.sqrt(-2.0 * tl.log(1.0 - philox_uniform(seed, i, t)))
        x = radius * tl.cos(6.283185307179586 * philox_uniform(seed, i, t + 1))
        v = 1 + c * x
        positive = v > 0
        v = v * v * v
        u = 1.0 - philox_uniform(seed, i, t + 2)
        accept = positive & ((u < 1 - 0.0331 * x * x * x * x) |
                             (tl.log(u) < 0.5 * x * x + d * (1 - v + tl.log(tl.where(positive, v, 1.0)))))
        t = tl.where(active, tl.where(positive, t + 3, t + 2), t)  # v <= 0 draws no u
        result = tl.where(active & accept, d * v, result)
        active = active & ~accept
    boosted = lanes & (alpha > 0) & boost
    u = 1.0 - philox_uniform(seed, i, t)
    result = tl.where(boosted, result * libdevice.pow(u, 1.0 / tl.where(boosted, alpha, 1.0)), result)
    return result, tl.where(boosted, t + 1, t)


@triton.jit
def _poisson(seed, i, t, lam, lanes):
    """Poisson(lam) for the lanes (0 where lam <= 0)."""
    result = tl.zeros(lam.shape, tl.float64)
    small = lanes & (lam > 0) & (lam < 10)
    u = philox_uniform(seed, i, t)
    p = tl.exp(-lam)
    cdf = p
    k = tl.zeros(lam.shape, tl.float64)
    walking = small & (u > cdf)
    while _any(walking):  # the bound stops where the cdf saturates below u by rounding
        k = tl.where(walking, k + 1, k)
        p = tl.where(walking, p * (lam / k), p)
        cdf = tl.where(walking, cdf + p, cdf)
        walking = walking & (u > cdf) & (k < 1000)
    result = tl.where(small, k, result)
    large = lanes & (lam >= 10)
    big = tl.where(large, lam, 10.0)
    slam = tl.sqrt(big)
    loglam = tl.log(big)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    s = t
    active = large
    while _any(active):
        u = philox_uniform(seed, i, s) - 0.5
        v = 1.0 - philox_uniform(seed, i, s + 1)
        s = tl.where(active, s + 2, s)
        us = 0.5 - tl.abs(u)
        k = libdevice.floor((2 * a / us + b) * u + big + 0.43)
        accept = (us >= 0.07) & (v <= vr)
        rejected = (k < 0) | ((us < 0.013) & (v > us))
        accept = accept | (~rejected & (tl.log(v) + tl.log(inv_alpha) - tl.log(a / (us * us) + b) <=
                                        -big + k * loglam - libdevice.lgamma(k + 1)))
        result = tl.where(active & accept, k, result)
        active = active & ~accept
    return result, tl.where(small, t + 1, tl.where(large, s, t))


@triton.jit(do_not_specialize=["seed", "p0_bits", "p1_bits", "per_param"])
def rejection_kernel(out_ptr, p0_ptr, p1_ptr, n, seed, p0_bits, p1_bits, per_param, DIST: tl.constexpr,
                     ARRAYS: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, IDX)
    p0 = load_parameter(p0_ptr, p0_bits, i, per_param, mask, ARRAYS)
    p1 = load_parameter(p1_ptr, p1_bits, i, per_param, mask, ARRAYS)
    i64 = i.to(tl.int64)
    t = tl.zeros(i.shape, tl.int32)
    if DIST == 0:
        g, t = _standard_gamma(seed, i64, t, p0, mask)
        y = g * p1
    elif DIST == 1:
        y, t = _poisson(seed, i64, t, p0, mask)
    elif DIST == 2:  # MXNet's: mean k (1 - p) / p, p >= 1 gives 0
        lanes = mask & (p1 < 1)
        g, t = _standard_gamma(seed, i64, t, p0, lanes)
        y, t = _poisson(seed, i64, t, g * (1 - p1) / tl.where(lanes, p1, 1.0), lanes)
    else:  # mean mu = p0, dispersion alpha = p1; alpha 0: the Poisson limit
        mixed = mask & (p1 != 0)
        g, t = _standard_gamma(seed, i64, t, 1 / tl.where(mixed, p1, 1.0), mixed)
        y, t = _poisson(seed, i64, t, tl.where(mixed, g * p1 * p0, p0), mask)
    tl.store(out_ptr + i, y.to(out_ptr.dtype.element_ty), mask=mask)


def _sample(call, dist, arrays):
    launch_sampler(call, rejection_kernel, DISTRIBUTIONS[dist], PARAMETERS[dist], arrays)


def _register(dist):
    register(f"_random_{dist}", f"random_{dist}", dtypes=FLOATS)(lambda call: _sample(call, dist, False))
    register(f"_random_{dist}_like", dtypes=FLOATS)(lambda call: _sample(call, dist, False))
    register(f"_sample_{dist}", f"sample_{dist}", dtypes=NUMERIC)(lambda call: _sample(call, dist, True))


for _dist in DISTRIBUTIONS:
    _register(_dist)
