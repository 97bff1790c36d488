"""Device functions the kernels share."""
import triton
import triton.language as tl


@triton.jit
def offset_of(idx, shape, strides):
    """The offset (elements) of row-major linear index `idx` over `shape`
    for an operand with `strides`; shape and strides are tuples whose length
    is known at compile time."""
    off = idx * 0
    for d in tl.static_range(len(shape) - 1, 0, -1):
        off += (idx % shape[d]) * strides[d]
        idx = idx // shape[d]
    return off + idx * strides[0]


@triton.jit
def element_offset(idx, shape, strides, FLAT: tl.constexpr):
    """offset_of, or idx itself when FLAT (every operand of the kernel is
    compact and in index order: no division per element)."""
    if FLAT:
        return idx
    return offset_of(idx, shape, strides)


@triton.jit
def block_indices(n, BLOCK: tl.constexpr, IDX: tl.constexpr):
    """This program's BLOCK linear indices (in IDX) and their mask."""
    idx = tl.program_id(0).to(IDX) * BLOCK + tl.arange(0, BLOCK).to(IDX)
    return idx, idx < n


@triton.constexpr_function
def compute_type(dtype):
    """What arithmetic on `dtype` runs in: float16/bfloat16 in float32."""
    if dtype == tl.float16 or dtype == tl.bfloat16:
        return tl.float32
    return dtype


@triton.jit
def cast_to(x, dtype: tl.constexpr):
    """x converted to `dtype` as MX converts: float to integer truncates
    toward zero, saturates out of range and maps NaN to 0; anything to bool
    is x != 0."""
    if dtype == tl.int1:
        return x != 0
    elif dtype == tl.bfloat16 or x.dtype == tl.bfloat16:
        # through float32, the conversions every backend has (float64 to
        # bfloat16 rounds twice: MX has no bfloat16 arrays of float64 data)
        return cast_to(x.to(tl.float32), dtype) if dtype != tl.bfloat16 else x.to(tl.float32).to(dtype)
    elif dtype.is_int() and x.dtype.is_floating():
        if dtype == tl.int8:
            lo: tl.constexpr = -128
            hi: tl.constexpr = 127
        elif dtype == tl.uint8:
            lo: tl.constexpr = 0
            hi: tl.constexpr = 255
        elif dtype == tl.int32:
            lo: tl.constexpr = -2147483648
            hi: tl.constexpr = 2147483647
        else:
            lo: tl.constexpr = -9223372036854775808
            hi: tl.constexpr = 9223372036854775807
        above = x >= hi
        below = x <= lo
        y = tl.where((x != x) | above | below, 0, x).to(dtype)
        y = tl.where(above, tl.full(x.shape, hi, dtype), y)
        return tl.where(below, tl.full(x.shape, lo, dtype), y)
    else:
        return x.to(dtype)


@triton.jit
def scalar_from_bits(bits, T: tl.constexpr, C: tl.constexpr):
    """A scalar parameter of an array of dtype T, passed as int64 by
    scalars.as_bits (already converted to T), as a value of type C.  Launch
    with the argument in do_not_specialize (Triton would make a 1 a
    constant); it arrives as int32 when small, so widen it first."""
    bits = bits.to(tl.int64)
    if T.is_floating():
        return bits.to(tl.float64, bitcast=True).to(C)
    return bits.to(C)


@triton.jit
def div_rn(a, b):
    """a / b rounded to nearest, as IEEE (and the CPU kernels): float32 `/`
    in Triton is an approximate division."""
    if a.dtype == tl.float32:
        return tl.math.div_rn(a, b)
    return a / b


@triton.jit
def sqrt_rn(x):
    """sqrt(x) rounded to nearest (float32 tl.sqrt is approximate)."""
    if x.dtype == tl.float32:
        return tl.math.sqrt_rn(x)
    return tl.sqrt(x)
