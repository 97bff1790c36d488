"""Binary arithmetic, comparison and logic: broadcast_* (numpy
broadcasting, any rank, strided operands), the equal-shape elemwise forms
and the scalar forms (_<op>_scalar, reflected _r<op>_scalar), with MXNet
1.9's names and aliases.  One kernel; the op a compile-time constant.

Semantics as plugins/cpu: the output has the inputs' dtype; float16 and
bfloat16 compute in float32; integer + - * wrap, integer division and modulo
by 0 give 0; mod takes the divisor's sign (numpy); maximum / minimum
propagate NaN; hypot is computed in float64; comparisons and logic give 1 or
0 in the input dtype.  A scalar is first converted to the array's dtype.
"""
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..elementwise import BLOCK, NUM_WARPS, plan
from ..jit_helpers import block_indices, cast_to, compute_type, div_rn, element_offset, scalar_from_bits
from ..launch import launch
from ..registry import NUMERIC, register
from ..scalars import as_bits
from ..strides import write_request

# (code, broadcast name + aliases, elemwise name + aliases, scalar + aliases, reflected scalar + aliases)
FAMILIES = [
    (0, ("broadcast_add", "broadcast_plus"), ("elemwise_add", "_add", "_plus", "_Plus"),
     ("_plus_scalar", "_PlusScalar"), None),
    (1, ("broadcast_sub", "broadcast_minus"), ("elemwise_sub", "_sub", "_minus", "_Minus"),
     ("_minus_scalar", "_MinusScalar"), ("_rminus_scalar", "_RMinusScalar")),
    (2, ("broadcast_mul",), ("elemwise_mul", "_mul", "_Mul"), ("_mul_scalar", "_MulScalar"), None),
    (3, ("broadcast_div",), ("elemwise_div", "_div", "_Div"), ("_div_scalar", "_DivScalar"),
     ("_rdiv_scalar", "_RDivScalar")),
    (4, ("broadcast_mod",), ("_mod", "_Mod"), ("_mod_scalar", "_ModScalar"), ("_rmod_scalar", "_RModScalar")),
    (5, ("broadcast_power",), ("_power", "_Power"), ("_power_scalar", "_PowerScalar"),
     ("_rpower_scalar", "_RPowerScalar")),
    (6, ("broadcast_maximum",), ("_maximum", "_Maximum"), ("_maximum_scalar", "_MaximumScalar"), None),
    (7, ("broadcast_minimum",), ("_minimum", "_Minimum"), ("_minimum_scalar", "_MinimumScalar"), None),
    (8, ("broadcast_hypot",), ("_hypot", "_Hypot"), ("_hypot_scalar", "_HypotScalar"), None),
    (9, ("broadcast_equal",), ("_equal",), ("_equal_scalar", "_EqualScalar"), None),
    (10, ("broadcast_not_equal",), ("_not_equal",), ("_not_equal_scalar", "_NotEqualScalar"), None),
    (11, ("broadcast_greater",), ("_greater",), ("_greater_scalar", "_GreaterScalar"), None),
    (12, ("broadcast_greater_equal",), ("_greater_equal",), ("_greater_equal_scalar", "_GreaterEqualScalar"), None),
    (13, ("broadcast_lesser",), ("_lesser",), ("_lesser_scalar", "_LesserScalar"), None),
    (14, ("broadcast_lesser_equal",), ("_lesser_equal",), ("_lesser_equal_scalar", "_LesserEqualScalar"), None),
    (15, ("broadcast_logical_and",), ("_logical_and",), ("_logical_and_scalar",), None),
    (16, ("broadcast_logical_or",), ("_logical_or",), ("_logical_or_scalar",), None),
    (17, ("broadcast_logical_xor",), ("_logical_xor",), ("_logical_xor_scalar",), None),
]

# Operand sources: both arrays, or the scalar on the right / on the left.
ARRAYS, SCALAR_RHS, SCALAR_LHS = 0, 1, 2


@triton.jit
def _int_power(a, b):
    """a ** b for integers, wrapping; a negative b gives 0 but for a = +-1."""
    result = tl.full(a.shape, 1, a.dtype)
    base = a
    e = b
    BITS: tl.constexpr = a.dtype.primitive_bitwidth
    for _ in tl.static_range(BITS):
        result = tl.where((e & 1) != 0, result * base, result)
        e = e >> 1
        base = base * base
    if a.dtype.is_int_signed():
        negative = tl.where(a == 1, 1, tl.where(a == -1, tl.where((b & 1) != 0, -1, 1), 0)).to(a.dtype)
        result = tl.where(b < 0, negative, result)
    return result


@triton.jit
def binary_op(a, b, OP: tl.constexpr):
    """OP on a and b of the compute type (float32, float64 or an integer)."""
    IS_INT: tl.constexpr = a.dtype.is_int()
    if OP == 0:
        y = a + b
    elif OP == 1:
        y = a - b
    elif OP == 2:
        y = a * b
    elif OP == 3:
        if IS_INT:
            if a.dtype.is_int_signed():
                y = tl.where(b == 0, 0, tl.where(b == -1, 0 - a, a // tl.where((b == 0) | (b == -1), 1, b)))
            else:
                y = tl.where(b == 0, 0, a // tl.where(b == 0, 1, b))
            y = y.to(a.dtype)
        else:
            y = div_rn(a, b)
    elif OP == 4:
        if IS_INT:
            if a.dtype.is_int_signed():
                bad = (b == 0) | (b == -1)
            else:
                bad = b == 0
            r = a % tl.where(bad, 1, b)
            r = tl.where((r != 0) & ((r < 0) != (b < 0)), r + b, r)
            y = tl.where(bad, 0, r).to(a.dtype)
        else:
            r = a % tl.where(b == 0, 1.0, b)
            r = tl.where((r != 0) & ((r < 0) != (b < 0)), r + b, r)
            y = tl.where(b == 0, 0.0, r).to(a.dtype)
    elif OP == 5:
        if IS_INT:
            y = _int_power(a, b)
        else:
            y = libdevice.pow(a, b)
    elif OP == 6:
        if IS_INT:
            y = tl.maximum(a, b)
        else:
            y = tl.where((a > b) | (a != a), a, b)  # a NaN on either side wins
    elif OP == 7:
        if IS_INT:
            y = tl.minimum(a, b)
        else:
            y = tl.where((a < b) | (a != a), a, b)
    elif OP == 8:
        y = libdevice.hypot(a.to(tl.float64), b.to(tl.float64))
    elif OP == 9:
        y = a == b
    elif OP == 10:
        y = a != b
    elif OP == 11:
        y = a > b
    elif OP == 12:
        y = a >= b
    elif OP == 13:
        y = a < b
    elif OP == 14:
        y = a <= b
    elif OP == 15:
        y = (a != 0) & (b != 0)
    elif OP == 16:
        y = (a != 0) | (b != 0)
    else:
        y = (a != 0) != (b != 0)
    return y


@triton.jit(do_not_specialize=["scalar_bits"])
def binary_kernel(a_ptr, b_ptr, out_ptr, scalar_bits, n, shape, a_strides, b_strides, out_strides,
                  OP: tl.constexpr, SOURCES: tl.constexpr, FLAT: tl.constexpr, IDX: tl.constexpr,
                  BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = out_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    a_off = element_offset(idx, shape, a_strides, FLAT)
    b_off = element_offset(idx, shape, b_strides, FLAT)
    out_off = element_offset(idx, shape, out_strides, FLAT)
    if SOURCES == 0:
        a = tl.load(a_ptr + a_off, mask=mask).to(C)
        b = tl.load(b_ptr + b_off, mask=mask).to(C)
    elif SOURCES == 1:
        a = tl.load(a_ptr + a_off, mask=mask).to(C)
        b = scalar_from_bits(scalar_bits, T, C)
    else:
        a = scalar_from_bits(scalar_bits, T, C)
        b = tl.load(b_ptr + b_off, mask=mask).to(C)
    tl.store(out_ptr + out_off, cast_to(binary_op(a, b, OP), T), mask=mask)


def _launch(call, code, lhs, rhs, sources, scalar=0.0):
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    p = plan(out, lhs, rhs)
    launch(binary_kernel, p.grid, lhs, rhs, out, as_bits(scalar, out.dtype), p.numel, p.shape, p.strides[1],
           p.strides[2], p.strides[0], OP=code, SOURCES=sources, FLAT=p.flat, IDX=p.index, BLOCK=BLOCK,
           num_warps=NUM_WARPS)


def _register_family(code, broadcast, elemwise, scalar, rscalar):
    def arrays(call):
        _launch(call, code, call.inputs[0], call.inputs[1], ARRAYS)

    register(*broadcast, dtypes=NUMERIC)(arrays)
    register(*elemwise, dtypes=NUMERIC)(arrays)

    @register(*scalar, dtypes=NUMERIC)
    def with_scalar(call):
        x = call.inputs[0]
        _launch(call, code, x, x, SCALAR_RHS, call.attrs["scalar"])

    if rscalar:
        @register(*rscalar, dtypes=NUMERIC)
        def with_reflected_scalar(call):
            x = call.inputs[0]
            _launch(call, code, x, x, SCALAR_LHS, call.attrs["scalar"])


for _family in FAMILIES:
    _register_family(*_family)
