"""MXNet 1.9's element-wise unary math (abs, exp, sin, floor, relu, ...),
negative, clip, smooth_l1 and hard_sigmoid: one kernel, the op a
compile-time constant.

dtypes as plugins/cpu: the output has the input's dtype; float16 and
bfloat16 compute in float32; integers use an exact integer form where the op
has one (abs, sign, square, rounding, relu, logical_not) and otherwise
compute in float64 and convert back truncating and saturating.
"""
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..elementwise import BLOCK, NUM_WARPS, plan
from ..jit_helpers import block_indices, cast_to, compute_type, div_rn, element_offset, scalar_from_bits, sqrt_rn
from ..launch import launch
from ..registry import NUMERIC, register
from ..scalars import as_bits
from ..strides import write_request

# name -> the op code the kernel switches on at compile time.
UNARY_OPS = {name: code for code, name in enumerate((
    "abs", "sign", "reciprocal", "square", "sqrt", "rsqrt", "cbrt", "rcbrt", "exp", "expm1", "log", "log1p",
    "log2", "log10", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
    "arccosh", "arctanh", "degrees", "radians", "floor", "ceil", "round", "rint", "trunc", "fix", "relu",
    "sigmoid", "softsign", "softrelu", "erf", "erfinv", "gamma", "gammaln", "logical_not", "negative",
    "clip", "smooth_l1", "log_sigmoid", "mish", "hard_sigmoid"))}
# Ops computed exactly on integers (the rest go through float64).
INTEGER_FORM = {UNARY_OPS[n] for n in ("abs", "sign", "square", "floor", "ceil", "round", "rint", "trunc", "fix",
                                       "relu", "logical_not", "negative", "clip")}
# Ops with their own parameters, read by the launcher.
PARAMETRIC = ("clip", "smooth_l1", "hard_sigmoid")


@triton.jit
def _float_op(x, OP: tl.constexpr, a, b):
    """OP on float x (float32 or float64); a, b: clip's bounds, smooth_l1's sigma."""
    if OP == 0:
        y = tl.abs(x)
    elif OP == 1:
        y = tl.where(x < 0, -1.0, tl.where(x > 0, 1.0, 0.0)).to(x.dtype)  # NaN -> 0, as MXNet
    elif OP == 2:
        y = div_rn(tl.full(x.shape, 1.0, x.dtype), x)
    elif OP == 3:
        y = x * x
    elif OP == 4:
        y = sqrt_rn(x)
    elif OP == 5:
        y = div_rn(tl.full(x.shape, 1.0, x.dtype), sqrt_rn(x))
    elif OP == 6:
        y = libdevice.cbrt(x)
    elif OP == 7:
        y = libdevice.rcbrt(x)
    elif OP == 8:
        y = libdevice.exp(x)
    elif OP == 9:
        y = libdevice.expm1(x)
    elif OP == 10:
        y = libdevice.log(x)
    elif OP == 11:
        y = libdevice.log1p(x)
    elif OP == 12:
        y = libdevice.log2(x)
    elif OP == 13:
        y = libdevice.log10(x)
    elif OP == 14:
        y = libdevice.sin(x)
    elif OP == 15:
        y = libdevice.cos(x)
    elif OP == 16:
        y = libdevice.tan(x)
    elif OP == 17:
        y = libdevice.asin(x)
    elif OP == 18:
        y = libdevice.acos(x)
    elif OP == 19:
        y = libdevice.atan(x)
    elif OP == 20:
        y = libdevice.sinh(x)
    elif OP == 21:
        y = libdevice.cosh(x)
    elif OP == 22:
        y = libdevice.tanh(x)
    elif OP == 23:
        y = libdevice.asinh(x)
    elif OP == 24:
        y = libdevice.acosh(x)
    elif OP == 25:
        y = libdevice.atanh(x)
    elif OP == 26:
        y = x * 57.295779513082320876798154814105
    elif OP == 27:
        y = x * 0.017453292519943295769236907684886
    elif OP == 28:
        y = libdevice.floor(x)
    elif OP == 29:
        y = libdevice.ceil(x)
    elif OP == 30:
        y = libdevice.round(x)  # halves away from zero
    elif OP == 31:
        f = libdevice.floor(x)  # MXNet's rint: the nearer of floor and ceil, floor on a tie
        c = libdevice.ceil(x)
        y = tl.where(x - f <= c - x, f, c)
    elif OP == 32 or OP == 33:
        y = libdevice.trunc(x)
    elif OP == 34:
        y = tl.where((x > 0) | (x != x), x, 0.0).to(x.dtype)
    elif OP == 35:
        y = div_rn(tl.full(x.shape, 1.0, x.dtype), 1.0 + libdevice.exp(-x))
    elif OP == 36:
        y = div_rn(x, 1.0 + tl.abs(x))
    elif OP == 37:
        y = tl.where(x > 20.0, x, libdevice.log1p(libdevice.exp(x)))  # MXNet's cut-off
    elif OP == 38:
        y = libdevice.erf(x)
    elif OP == 39:
        y = libdevice.erfinv(x)
    elif OP == 40:
        y = libdevice.tgamma(x)
    elif OP == 41:
        y = libdevice.lgamma(x)
    elif OP == 42:
        y = tl.where(x != 0, 0.0, 1.0).to(x.dtype)
    elif OP == 43:
        y = -x
    elif OP == 44:
        y = tl.where(x > b, b, tl.where(x < a, a, x))  # NaN stays NaN
    elif OP == 45:
        bsq = b * b  # smooth_l1, b = sigma
        ibsq = 1.0 / bsq
        y = tl.where(x > ibsq, x - 0.5 * ibsq, tl.where(x < -ibsq, -x - 0.5 * ibsq, 0.5 * x * x * bsq))
    elif OP == 46:  # log(sigmoid(x)) = -softplus(-x), without overflow
        y = tl.minimum(x, 0.0) - libdevice.log1p(libdevice.exp(-tl.abs(x)))
    elif OP == 47:  # mish
        y = x * libdevice.tanh(tl.maximum(x, 0.0) + libdevice.log1p(libdevice.exp(-tl.abs(x))))
    else:  # hard_sigmoid: a = alpha, b = beta; NaN stays NaN
        z = a * x + b
        y = tl.where(z > 1.0, 1.0, tl.where(z < 0.0, 0.0, z)).to(x.dtype)
    return y


@triton.jit
def _integer_op(x, OP: tl.constexpr, a, b):
    """OP on integer x, exactly; + - * wrap around (two's complement)."""
    if OP == 0:
        y = tl.where(x < 0, 0 - x, x)
    elif OP == 1:
        y = tl.where(x < 0, -1, tl.where(x > 0, 1, 0)).to(x.dtype)
    elif OP == 3:
        y = x * x
    elif OP == 34:
        y = tl.where(x > 0, x, 0).to(x.dtype)
    elif OP == 42:
        y = tl.where(x != 0, 0, 1).to(x.dtype)
    elif OP == 43:
        y = 0 - x
    elif OP == 44:
        y = tl.where(x > b, b, tl.where(x < a, a, x))
    else:  # floor, ceil, round, rint, trunc, fix
        y = x
    return y


@triton.jit(do_not_specialize=["a_bits", "b_bits"])
def unary_kernel(x_ptr, y_ptr, n, a_bits, b_bits, shape, x_strides, y_strides,
                 OP: tl.constexpr, INTEGER_FORM: tl.constexpr, FLAT: tl.constexpr, IDX: tl.constexpr,
                 BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    x_off = element_offset(idx, shape, x_strides, FLAT)
    y_off = element_offset(idx, shape, y_strides, FLAT)
    x = tl.load(x_ptr + x_off, mask=mask)
    T: tl.constexpr = x_ptr.dtype.element_ty
    if T.is_int() and INTEGER_FORM:
        y = _integer_op(x, OP, scalar_from_bits(a_bits, T, T), scalar_from_bits(b_bits, T, T))
    else:
        if T.is_int():
            C: tl.constexpr = tl.float64
        else:
            C: tl.constexpr = compute_type(T)
        # parameters arrive converted to T; integer ones compute in float64
        a = scalar_from_bits(a_bits, T, C)
        b = scalar_from_bits(b_bits, T, C)
        y = cast_to(_float_op(x.to(C), OP, a, b), T)
    tl.store(y_ptr + y_off, y, mask=mask)


def run_unary(call, name, a=0.0, b=0.0, param_dtype=None):
    """y = name(x) for call's input 0 into output 0; the parameters a, b
    are converted to param_dtype (default: x's dtype) first."""
    x, y = call.inputs[0], call.outputs[0]
    if not write_request(call) or y.numel == 0:
        return
    p = plan(y, x)
    code = UNARY_OPS[name]
    param_dtype = param_dtype or x.dtype
    launch(unary_kernel, p.grid, x, y, p.numel, as_bits(a, param_dtype), as_bits(b, param_dtype), p.shape,
           p.strides[1], p.strides[0], OP=code, INTEGER_FORM=code in INTEGER_FORM, FLAT=p.flat,
           IDX=p.index, BLOCK=BLOCK, num_warps=NUM_WARPS)


def _register(name):
    @register(name, dtypes=NUMERIC)
    def unary(call):
        run_unary(call, name)


for _name in UNARY_OPS:
    if _name not in PARAMETRIC and _name != "softrelu":  # softrelu is Activation's
        _register(_name)


# The straight-through estimators differ from round and sign only in their gradient.
for _name, _forward in (("_contrib_round_ste", "round"), ("_contrib_sign_ste", "sign")):
    register(_name, "_sparse_" + _name, dtypes=NUMERIC)(lambda call, op=_forward: run_unary(call, op))


@register("clip", dtypes=NUMERIC)
def clip(call):
    run_unary(call, "clip", call.attrs["a_min"], call.attrs["a_max"])


@register("smooth_l1", dtypes=NUMERIC)
def smooth_l1(call):
    run_unary(call, "smooth_l1", 0.0, call.attrs["scalar"])


@register("hard_sigmoid", dtypes=("float32", "float64", "float16", "bfloat16"))
def hard_sigmoid(call):
    # MXNet computes with alpha and beta as given (not in the array's dtype): float64 here, the
    # compute type in the kernel, as the CPU's.
    run_unary(call, "hard_sigmoid", call.attrs["alpha"], call.attrs["beta"], param_dtype="float64")
