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
def philox_uniforms(seed, i, draw):
    """The two [0, 1) doubles of Philox block `draw` of element i."""
    c0, c1, c2, c3 = tl.philox(seed, i.to(tl.uint32), (i >> 32).to(tl.uint32), tl.full(i.shape, draw, tl.uint32),
                               tl.zeros(i.shape, tl.uint32))
    first = ((c0.to(tl.uint64) << 32) | c1.to(tl.uint64)) >> 11
    second = ((c2.to(tl.uint64) << 32) | c3.to(tl.uint64)) >> 11
    return first.to(tl.float64) * 1.1102230246251565e-16, second.to(tl.float64) * 1.1102230246251565e-16


@triton.jit
def philox_u64(seed, i, t):
    """The t-th 64-bit word (per lane) of element i's stream, as the CPU's
    PhiloxStream::NextU64: words 0-1 or 2-3 of Philox block t // 2."""
    c0, c1, c2, c3 = tl.philox(seed, i.to(tl.uint32), (i >> 32).to(tl.uint32), (t // 2).to(tl.uint32),
                               tl.zeros(i.shape, tl.uint32))
    first = t % 2 == 0
    return (tl.where(first, c0, c2).to(tl.uint64) << 32) | tl.where(first, c1, c3).to(tl.uint64)


@triton.jit
def philox_uniform(seed, i, t):
    """The t-th [0, 1) double (per lane) of element i's stream (53 bits)."""
    return (philox_u64(seed, i, t) >> 11).to(tl.float64) * 1.1102230246251565e-16


@triton.jit
def load_parameter(ptr, bits, i, per_param, mask, ARRAYS: tl.constexpr):
    """A distribution parameter as float64: element i // per_param of an
    array, or a scalar passed as bits."""
    if ARRAYS:
        return tl.load(ptr + i // per_param, mask=mask, other=0).to(tl.float64)
    return tl.zeros(i.shape, tl.float64) + scalar_from_bits(bits, tl.float64, tl.float64)  # a lane each


def seed_argument(call):
    """The call's 64-bit seed as the int64 Triton passes (philox keys on its bits)."""
    seed = call.seed & 0xFFFFFFFFFFFFFFFF
    return seed - 2**64 if seed >= 2**63 else seed


def parameters(call, names, arrays):
    """(pointers, bits, per_param) of a sampler's two parameters: arrays
    (the inputs) or scalars (the attributes `names`)."""
    out = call.outputs[0]
    if arrays:
        return list(call.inputs) + [call.inputs[0]] * (2 - len(call.inputs)), (0, 0), \
            out.numel // max(call.inputs[0].numel, 1)
    values = [call.attrs[k] for k in names] + [0.0]
    return [out, out], (as_bits(values[0], "float64"), as_bits(values[1], "float64")), 1


@triton.jit(do_not_specialize=["seed", "p0_bits", "p1_bits", "per_param"])
def sample_kernel(out_ptr, p0_ptr, p1_ptr, n, seed, p0_bits, p1_bits, per_param, DIST: tl.constexpr,
                  ARRAYS: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = out_ptr.dtype.element_ty
    p0 = load_parameter(p0_ptr, p0_bits, i, per_param, mask, ARRAYS)
    p1 = load_parameter(p1_ptr, p1_bits, i, per_param, mask, ARRAYS)
    i64 = i.to(tl.int64)
    u0, u1 = philox_uniforms(seed, i64, 0)
    if DIST == 0:
        y = (p0 + (p1 - p0) * u0).to(T)
        high = p1.to(T)
        # high - low > 0 in T (the CPU's low < high after rounding)
        spread = (high.to(tl.float64) - p0.to(T).to(tl.float64)) > 0
        y = tl.where(tl.where(spread, y >= high, False), (p0 + (p1 - p0) * u1).to(T), y)
        u2, u3 = philox_uniforms(seed, i64, 1)
        y = tl.where(tl.where(spread, y >= high, False), (p0 + (p1 - p0) * u2).to(T), y)
    elif DIST == 1:
        radius = tl.sqrt(-2.0 * tl.log(1.0 - u0))
        y = (p0 + p1 * (radius * tl.cos(6.283185307179586 * u1))).to(T)
    else:
        y = (-tl.log(1.0 - u0) / p0).to(T)
    tl.store(out_ptr + i, y, mask=mask)


def launch_sampler(call, kernel, dist_code, names, arrays):
    """Runs a sampler kernel of this file's signature (out, two parameters,
    count, seed, parameter bits, per_param; DIST, ARRAYS, IDX, BLOCK) with
    the parameters `names` (scalars, or arrays for the _sample_* ops)."""
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    params, bits, per_param = parameters(call, names, arrays)
    launch(kernel, (triton.cdiv(out.numel, BLOCK),), out, params[0], params[1], out.numel,
           seed_argument(call), *bits, per_param, DIST=dist_code, ARRAYS=arrays,
           IDX=tl.int64 if out.numel >= INT32_LIMIT else tl.int32, BLOCK=BLOCK, num_warps=NUM_WARPS)


def _sample(call, dist, arrays):
    launch_sampler(call, sample_kernel, DISTRIBUTIONS[dist], PARAMETERS[dist], arrays)


def _register(dist):
    register(f"_random_{dist}", f"random_{dist}", *((dist,) if dist != "exponential" else ()),
             dtypes=FLOATS)(lambda call: _sample(call, dist, False))
    register(f"_random_{dist}_like", dtypes=FLOATS)(lambda call: _sample(call, dist, False))
    register(f"_sample_{dist}", f"sample_{dist}", dtypes=NUMERIC)(lambda call: _sample(call, dist, True))


for _dist in DISTRIBUTIONS:
    _register(_dist)


@triton.jit
def _mulhi64(a, b):
    """The high 64 bits of the 128-bit product of uint64 a and b."""
    a_lo = a & 0xFFFFFFFF
    a_hi = a >> 32
    b_lo = b & 0xFFFFFFFF
    b_hi = b >> 32
    cross1 = a_hi * b_lo
    cross2 = a_lo * b_hi
    carry = ((a_lo * b_lo >> 32) + (cross1 & 0xFFFFFFFF) + (cross2 & 0xFFFFFFFF)) >> 32
    return a_hi * b_hi + (cross1 >> 32) + (cross2 >> 32) + carry


@triton.jit
def philox_below(seed, i, t, bound):
    """A uniform integer in [0, bound) from the t-th word of element i's
    stream: Lemire's multiply-shift, as the CPU's PhiloxStream::Below."""
    return _mulhi64(philox_u64(seed, i, t), bound.to(tl.uint64))


@triton.jit(do_not_specialize=["seed", "low", "span"])
def randint_kernel(out_ptr, n, seed, low, span, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """out = low + Below(span) (span = high - low as uint64; 0: low)."""
    i, mask = block_indices(n, BLOCK, IDX)
    i64 = i.to(tl.int64)
    bound = tl.full(i.shape, span, tl.int64).to(tl.uint64, bitcast=True)
    offset = philox_below(seed, i64, tl.zeros(i.shape, tl.int32), bound)
    value = tl.full(i.shape, low, tl.int64).to(tl.uint64, bitcast=True) + offset
    tl.store(out_ptr + i, value.to(tl.int64, bitcast=True).to(out_ptr.dtype.element_ty), mask=mask)


@register("_random_randint", "random_randint", dtypes=("int32", "int64"))
def randint(call):
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    low, high = call.attrs["low"], call.attrs["high"]
    span = (high - low) % 2**64 if high > low else 0
    launch(randint_kernel, (triton.cdiv(out.numel, BLOCK),), out, out.numel, seed_argument(call), low,
           span - 2**64 if span >= 2**63 else span, IDX=tl.int64 if out.numel >= INT32_LIMIT else tl.int32,
           BLOCK=BLOCK, num_warps=NUM_WARPS)
