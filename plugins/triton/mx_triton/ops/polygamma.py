"""_backward_gammaln: ograd * psi^(n)(data), psi the digamma function and n
the `order` parameter, in float64 as plugins/cpu/polygamma.cc computes it:
  n = 0: reflection to x > 0, psi(x) = psi(x + 1) - 1/x up to x >= 10,
         then the asymptotic series;
  n >= 1: (-1)^(n+1) n! sum_k (x + k)^-(n+1) (Hurwitz zeta): the terms
         below x = n + 11 summed, the tail by Euler-Maclaurin.
Non-positive integers are poles (NaN)."""
import math

import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..elementwise import BLOCK, NUM_WARPS, plan
from ..jit_helpers import block_indices, element_offset
from ..launch import launch
from ..registry import register
from ..strides import write_request

BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)  # B_2j, j = 1..7


@triton.jit
def _digamma(x):
    """psi(x) for x > 0 after the reflection (the caller masks the rest)."""
    result = tl.zeros(x.shape, tl.float64)
    negative = x < 0  # psi(x) = psi(1 - x) - pi / tan(pi x); tan has period pi: reduce first
    result = tl.where(negative, -3.14159265358979323846 / libdevice.tan(3.14159265358979323846 *
                                                                      (x - libdevice.round(x))), result)
    x = tl.where(negative, 1 - x, x)
    for _ in tl.static_range(10):  # x >= 1 here: ten steps reach 10
        step = x < 10
        result -= tl.where(step, 1 / x, 0.0)
        x = tl.where(step, x + 1, x)
    inv2 = 1 / (x * x)  # ln x - 1/(2x) - sum_k B_2k / (2k x^2k), k = 1..5
    series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))))
    return result + tl.log(x) - 0.5 / x - series


@triton.jit
def _hurwitz_zeta(x, active, S: tl.constexpr, COEFFS: tl.constexpr):
    """sum_{k >= 0} (x + k)^-S; COEFFS: Euler-Maclaurin's tail factors."""
    SHIFT: tl.constexpr = 10 + S
    x = tl.where(active, x, SHIFT)
    minus_s = tl.full(x.shape, -S, tl.float64)  # libdevice's pow takes two float64 tensors
    total = tl.zeros(x.shape, tl.float64)
    while tl.min(x) < SHIFT:  # negative x takes more steps
        step = x < SHIFT
        total += tl.where(step, libdevice.pow(x, minus_s), 0.0)
        x = tl.where(step, x + 1, x)
    tail = libdevice.pow(x, minus_s + 1) / (S - 1) + 0.5 * libdevice.pow(x, minus_s)
    power = libdevice.pow(x, minus_s - 1)
    for j in tl.static_range(len(COEFFS)):
        tail += COEFFS[j] * power
        power = power / (x * x)
    return total + tail


@triton.jit
def polygamma_backward_kernel(og_ptr, x_ptr, out_ptr, n, shape, og_strides, x_strides, out_strides,
                              ORDER: tl.constexpr, FACTOR: tl.constexpr, COEFFS: tl.constexpr, FLAT: tl.constexpr,
                              IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    og_off = element_offset(idx, shape, og_strides, FLAT)
    x_off = element_offset(idx, shape, x_strides, FLAT)
    out_off = element_offset(idx, shape, out_strides, FLAT)
    x = tl.load(x_ptr + x_off, mask=mask, other=1).to(tl.float64)
    g = tl.load(og_ptr + og_off, mask=mask).to(tl.float64)
    invalid = (x != x) | ((x <= 0) & (x == libdevice.floor(x)))
    infinite = tl.abs(x) == float("inf")
    if ORDER == 0:
        value = tl.where(infinite, x, _digamma(tl.where(invalid | infinite, 1.0, x)))
    else:
        value = tl.where(infinite, 0.0, FACTOR * _hurwitz_zeta(x, mask & ~invalid & ~infinite, ORDER + 1, COEFFS))
    value = tl.where(invalid, float("nan"), value)
    tl.store(out_ptr + out_off, (g * value).to(out_ptr.dtype.element_ty), mask=mask)


def _tail_coefficients(s):
    """B_2j / (2j)! * s (s+1) ... (s+2j-2), j = 1..7."""
    coeffs, rising, factorial = [], float(s), 2.0
    for j in range(1, 8):
        coeffs.append(BERNOULLI[j - 1] / factorial * rising)
        rising *= (s + 2.0 * j - 1) * (s + 2.0 * j)
        factorial *= (2.0 * j + 1) * (2.0 * j + 2)
    return tuple(coeffs)


@register("_backward_gammaln", dtypes=("float32", "float64", "float16"))
def gammaln_backward(call):
    og, x = call.inputs[:2]
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    order = call.attrs.get("order", 0)
    factor = (1.0 if order % 2 else -1.0) * math.factorial(order) if order else 1.0
    p = plan(out, og, x)
    launch(polygamma_backward_kernel, p.grid, og, x, out, p.numel, p.shape, p.strides[1], p.strides[2],
           p.strides[0], ORDER=order, FACTOR=float(factor), COEFFS=_tail_coefficients(order + 1) if order else (0.0,),
           FLAT=p.flat, IDX=p.index, BLOCK=BLOCK, num_warps=NUM_WARPS)
