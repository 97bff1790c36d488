"""The samplers: _random_uniform / _random_normal / _random_exponential
(scalar parameters) and _sample_uniform / _sample_normal /
_sample_exponential (one distribution per element of the parameter arrays).

The same numbers as plugins/cpu (philox.h, random_distributions.h): output
element i draws from Philox4x32-10 with key = the call's seed and counter =
(i, draw number); a uniform takes 53 bits of two words, a normal is
Box-Muller's cosine half.  tl.philox is that generator.  Values are
computed in float64 and rounded to the output dtype; a uniform that rounds
up to `high` is redrawn (twice at most; the CPU loops, which only matters
with probability ~2^-48).
"""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, scalar_from_bits
from ..launch import launch
from ..registry import FLOATS, NUMERIC, register
from ..scalars import as_bits
from ..strides import INT32_LIMIT, write_request

DISTRIBUTIONS = {"uniform": 0, "normal": 1, "exponential": 2}
PARAMETERS = {"uniform": ("low", "high"), "normal": ("loc", "scale"), "exponential": ("lam",)}


@triton.jit
def _uniforms(seed, i, draw):
    """The two [0, 1) doubles of Philox block `draw` of element i."""
    c0, c1, c2, c3 = tl.philox(seed, i.to(tl.uint32), (i >> 32).to(tl.uint32), tl.full(i.shape, draw, tl.uint32),
                               tl.zeros(i.shape, tl.uint32))
    first = ((c0.to(tl.uint64) << 32) | c1.to(tl.uint64)) >> 11
    second = ((c2.to(tl.uint64) << 32) | c3.to(tl.uint64)) >> 11
    return first.to(tl.float64) * 1.1102230246251565e-16, second.to(tl.float64) * 1.1102230246251565e-16


@triton.jit(do_not_specialize=["seed", "p0_bits", "p1_bits", "per_param"])
def sample_kernel(out_ptr, p0_ptr, p1_ptr, n, seed, p0_bits, p1_bits, per_param, DIST: tl.constexpr,
                  ARRAYS: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = out_ptr.dtype.element_ty
    if ARRAYS:  # element i samples the distribution of parameter element i // per_param
        p0 = tl.load(p0_ptr + i // per_param, mask=mask, other=0).to(tl.float64)
        p1 = tl.load(p1_ptr + i // per_param, mask=mask, other=0).to(tl.float64)
    else:
        p0 = scalar_from_bits(p0_bits, tl.float64, tl.float64)
        p1 = scalar_from_bits(p1_bits, tl.float64, tl.float64)
    i64 = i.to(tl.int64)
    u0, u1 = _uniforms(seed, i64, 0)
    if DIST == 0:
        y = (p0 + (p1 - p0) * u0).to(T)
        high = p1.to(T)
        # high - low > 0 in T (the CPU's low < high after rounding)
        spread = (high.to(tl.float64) - p0.to(T).to(tl.float64)) > 0
        y = tl.where(tl.where(spread, y >= high, False), (p0 + (p1 - p0) * u1).to(T), y)
        u2, u3 = _uniforms(seed, i64, 1)
        y = tl.where(tl.where(spread, y >= high, False), (p0 + (p1 - p0) * u2).to(T), y)
    elif DIST == 1:
        radius = tl.sqrt(-2.0 * tl.log(1.0 - u0))
        y = (p0 + p1 * (radius * tl.cos(6.283185307179586 * u1))).to(T)
    else:
        y = (-tl.log(1.0 - u0) / p0).to(T)
    tl.store(out_ptr + i, y, mask=mask)


def _sample(call, dist, arrays):
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    names = PARAMETERS[dist]
    if arrays:
        params = list(call.inputs) + [call.inputs[0]] * (2 - len(call.inputs))
        bits = (0, 0)
        per_param = out.numel // max(call.inputs[0].numel, 1)
    else:
        params = [out, out]
        values = [call.attrs[k] for k in names] + [0.0]
        bits = (as_bits(values[0], "float64"), as_bits(values[1], "float64"))
        per_param = 1
    seed = call.seed & 0xFFFFFFFFFFFFFFFF
    launch(sample_kernel, (triton.cdiv(out.numel, BLOCK),), out, params[0], params[1], out.numel,
           seed - 2**64 if seed >= 2**63 else seed, *bits, per_param, DIST=DISTRIBUTIONS[dist], ARRAYS=arrays,
           IDX=tl.int64 if out.numel >= INT32_LIMIT else tl.int32, BLOCK=BLOCK, num_warps=NUM_WARPS)


def _register(dist):
    register(f"_random_{dist}", f"random_{dist}", *((dist,) if dist != "exponential" else ()),
             dtypes=FLOATS)(lambda call: _sample(call, dist, False))
    register(f"_sample_{dist}", f"sample_{dist}", dtypes=NUMERIC)(lambda call: _sample(call, dist, True))


for _dist in DISTRIBUTIONS:
    _register(_dist)
