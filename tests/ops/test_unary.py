"""Element-wise unary ops, activations and where, against numpy / scipy.

MXNet 1.9 semantics checked here:
- every unary math op keeps the input dtype and takes every numeric dtype:
  an integer input is computed in floating point and truncated toward zero
  (exp([1, 2]) on int32 is [2, 7]); abs, sign, square, relu, floor, ... are
  exact on integers; bool has no kernel;
- Activation and LeakyReLU take float16/32/64 only;
- sign(NaN) = 0 and logical_not(NaN) = 0, relu keeps NaN, round rounds halves
  away from zero and rint rounds them down (rint(1.5) = 1, rint(-1.5) = -2);
- clip / smooth_l1 convert their scalar parameters to the array's dtype.

Also here: the accuracy of the vectorised float32 exp and sigmoid (ulp
distance to the correctly rounded result), the multi-threaded paths of the
element-wise kernels (big arrays, views, in-place, concurrent callers, fork)
-- binary ones included, as they share the thread pool and loop machinery.

scipy (a test extra) is the reference for erf, erfinv, gamma and gammaln.
"""
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import DTYPES, FLOAT_DTYPES, RTOL, is_float, is_unsigned, op_function

special = pytest.importorskip("scipy.special")


def nd(x, dtype=None):
    return mx.nd.array(x, dtype=dtype if dtype is not None else np.asarray(x).dtype)


def rng_for(*key):
    return np.random.default_rng(abs(hash(tuple(str(k) for k in key))) % (2 ** 32))


# ---------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------

def _rint_mxnet(x):
    f, c = np.floor(x), np.ceil(x)
    return np.where(x - f <= c - x, f, c)


def _round_half_away(x):
    return np.copysign(np.floor(np.abs(x) + 0.5), x)


def _sign_mxnet(x):
    return np.where(x < 0, -1.0, np.where(x > 0, 1.0, 0.0))


def _relu(x):
    return np.where((x > 0) | np.isnan(x), x, 0.0)


def _gamma(x):
    return special.gamma(x)


# name -> (float64 reference, input domain for floats, input domain for integers)
# Domains: (low, high) uniform reals; integers: (low, high) inclusive, chosen
# so results fit every integer dtype tested (int8 / uint8 included).
UNARY = {
    "abs": (np.abs, (-4, 4), (-6, 6)),
    "sign": (_sign_mxnet, (-4, 4), (-6, 6)),
    "reciprocal": (lambda x: 1 / x, "nonzero", "nonzero"),
    "square": (np.square, (-4, 4), (-6, 6)),
    "sqrt": (np.sqrt, (0, 9), (0, 100)),
    "rsqrt": (lambda x: 1 / np.sqrt(x), (0.1, 9), (1, 100)),
    "cbrt": (np.cbrt, (-9, 9), (-100, 100)),
    "rcbrt": (lambda x: 1 / np.cbrt(x), "nonzero", "nonzero"),
    "exp": (np.exp, (-6, 6), (-3, 4)),
    "expm1": (np.expm1, (-6, 6), (-3, 4)),
    "log": (np.log, (0.01, 9), (1, 100)),
    "log1p": (np.log1p, (-0.9, 9), (0, 100)),
    "log2": (np.log2, (0.01, 9), (1, 100)),
    "log10": (np.log10, (0.01, 9), (1, 100)),
    "sin": (np.sin, (-6, 6), (-10, 10)),
    "cos": (np.cos, (-6, 6), (-10, 10)),
    "tan": (np.tan, (-1.5, 1.5), (-1, 1)),
    "arcsin": (np.arcsin, (-1, 1), (-1, 1)),
    "arccos": (np.arccos, (-1, 1), (-1, 1)),
    "arctan": (np.arctan, (-6, 6), (-10, 10)),
    "sinh": (np.sinh, (-4, 4), (-4, 4)),
    "cosh": (np.cosh, (-4, 4), (-4, 4)),
    "tanh": (np.tanh, (-4, 4), (-10, 10)),
    "arcsinh": (np.arcsinh, (-6, 6), (-100, 100)),
    "arccosh": (np.arccosh, (1, 9), (1, 100)),
    "arctanh": (np.arctanh, (-0.99, 0.99), (0, 0)),
    "degrees": (np.degrees, (-6, 6), (-2, 2)),
    "radians": (np.radians, (-360, 360), (-100, 100)),
    "floor": (np.floor, (-4, 4), (-6, 6)),
    "ceil": (np.ceil, (-4, 4), (-6, 6)),
    "round": (_round_half_away, (-4, 4), (-6, 6)),
    "rint": (_rint_mxnet, (-4, 4), (-6, 6)),
    "trunc": (np.trunc, (-4, 4), (-6, 6)),
    "fix": (np.fix, (-4, 4), (-6, 6)),
    "relu": (_relu, (-4, 4), (-6, 6)),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), (-8, 8), (-6, 6)),
    "softsign": (lambda x: x / (1 + np.abs(x)), (-4, 4), (-6, 6)),
    "log_sigmoid": (lambda x: -np.logaddexp(0, -x), (-8, 8), (-6, 6)),
    "mish": (lambda x: x * np.tanh(np.logaddexp(0, x)), (-6, 6), (-6, 6)),
    "erf": (special.erf, (-3, 3), (-3, 3)),
    "erfinv": (special.erfinv, (-1, 1), (-1, 1)),
    "gamma": (_gamma, "gamma", (1, 5)),
    "gammaln": (special.gammaln, (0.05, 9), (1, 20)),
    "logical_not": (lambda x: (x == 0).astype(np.float64), (-2, 2), (-3, 3)),
}

# Ops whose integer form is exact (the others go through floating point).
INT_EXACT = {"abs", "sign", "square", "floor", "ceil", "round", "rint", "trunc", "fix", "relu",
             "logical_not"}


def float_input(name, shape, dtype, rng):
    domain = UNARY[name][1]
    if domain == "nonzero":
        x = rng.uniform(0.2, 4, shape) * rng.choice([-1, 1], shape)
    elif domain == "gamma":  # positive, and negative away from the poles
        x = np.where(rng.random(shape) < 0.7, rng.uniform(0.05, 6, shape),
                     -rng.integers(0, 4, shape) - rng.uniform(0.1, 0.9, shape))
    else:
        x = rng.uniform(domain[0], domain[1], shape)
    if name in ("round", "rint", "fix", "floor", "ceil", "trunc"):
        x = np.round(x * 2) / 2  # halves: the tie rules matter
    return x.astype(dtype)


def int_input(name, shape, dtype, rng):
    domain = UNARY[name][2]
    lo, hi = (-4, 4) if domain == "nonzero" else domain
    if is_unsigned(dtype):
        lo = max(lo, 0)
    x = rng.integers(lo, hi + 1, shape)
    if domain == "nonzero":
        x = np.where(x == 0, 1, x)
    return x.astype(dtype)


def reference(name, x):
    """MXNet's result of a unary op on x (in x's dtype)."""
    fn = UNARY[name][0]
    dt = x.dtype
    with np.errstate(all="ignore"):
        if dt.kind == "f":
            return np.asarray(fn(x.astype(np.float64))).astype(dt)
        if name == "abs":
            return np.abs(x)  # wraps at the minimum, as numpy
        if name == "square":
            return (x.astype(np.int64) * x.astype(np.int64)).astype(dt)
        return np.asarray(fn(x.astype(np.float64)))  # float64: check_int truncates


def check_float(got, expected, dtype):
    assert got.dtype == np.dtype(dtype), (got.dtype, dtype)
    tol = RTOL[np.dtype(dtype).type]
    np.testing.assert_allclose(got.astype(np.float64), expected.astype(np.float64),
                               rtol=tol, atol=tol, equal_nan=True)


def check_int(got, ref, dtype):
    """got (integer dtype) is ref truncated toward zero and saturated; where
    ref is within rounding of an integer, either neighbour is accepted (the
    reference's libm and ours may differ in the last bit)."""
    assert got.dtype == np.dtype(dtype), (got.dtype, dtype)
    if ref.dtype.kind != "f":
        np.testing.assert_array_equal(got, ref)
        return
    info = np.iinfo(dtype)
    ref = np.where(np.isnan(ref), 0, ref)  # NaN converts to 0
    tol = np.where(np.isfinite(ref), 1e-9 * np.maximum(1, np.abs(ref)), 0)
    lo = np.clip(np.trunc(ref - tol), info.min, info.max)
    hi = np.clip(np.trunc(ref + tol), info.min, info.max)
    g = got.astype(np.float64)
    bad = ~((g >= lo) & (g <= hi))
    assert not bad.any(), "got %s, want %s" % (got[bad][:8], ref[bad][:8])


def unary_checker(name):
    def run(fn, dtype):
        rng = rng_for("unary", name, dtype)
        for shape in ((7,), (3, 4), (2, 3, 5), (0,), (1, 0, 2), ()):
            x = float_input(name, shape, dtype, rng) if is_float(dtype) else int_input(name, shape, dtype, rng)
            r = fn(nd(x, dtype))
            assert r.shape == x.shape and r.dtype is np.dtype(dtype).type
            if is_float(dtype):
                check_float(r.asnumpy(), reference(name, x), dtype)
            else:
                check_int(r.asnumpy(), reference(name, x), dtype)
        # out= and in place
        x = float_input(name, (4, 5), dtype, rng) if is_float(dtype) else int_input(name, (4, 5), dtype, rng)
        want = reference(name, x)
        out = mx.nd.zeros((4, 5), dtype=dtype)
        assert fn(nd(x, dtype), out=out) is out
        a = nd(x, dtype)
        assert fn(a, out=a) is a
        for got in (out, a):
            if is_float(dtype):
                check_float(got.asnumpy(), want, dtype)
            else:
                check_int(got.asnumpy(), want, dtype)
    return run


# ---------------------------------------------------------------------------
# ops with parameters, zeros_like / ones_like, activations, where
# ---------------------------------------------------------------------------

def clip_checker(fn, dtype):
    rng = rng_for("clip", dtype)
    if is_float(dtype):
        x = rng.uniform(-4, 4, (5, 6)).astype(dtype)
        bounds = [(-1.5, 2.25), (0, 0), (-10, 10), (1, 0.5)]
    else:
        x = rng.integers(0 if is_unsigned(dtype) else -6, 7, (5, 6)).astype(dtype)
        bounds = [(1, 4), (2, 2), (-100, 300)]  # out of int8's range: saturated
    for a_min, a_max in bounds:
        lo = np.asarray(a_min).astype(np.float64)
        hi = np.asarray(a_max).astype(np.float64)
        if not is_float(dtype):
            info = np.iinfo(dtype)
            lo, hi = np.clip(lo, info.min, info.max), np.clip(hi, info.min, info.max)
        lo, hi = lo.astype(dtype), hi.astype(dtype)
        want = np.where(x > hi, hi, np.where(x < lo, lo, x)).astype(dtype)
        got = fn(nd(x, dtype), a_min=a_min, a_max=a_max)
        assert got.dtype is np.dtype(dtype).type
        np.testing.assert_array_equal(got.asnumpy(), want)
        np.testing.assert_array_equal(fn(nd(x, dtype), a_min, a_max).asnumpy(), want)
    if is_float(dtype):  # NaN stays NaN; the bounds are converted to the dtype
        got = fn(nd(np.array([np.nan, -np.inf, np.inf, 0.3]), dtype), a_min=-1, a_max=1).asnumpy()
        np.testing.assert_array_equal(got, np.array([np.nan, -1, 1, 0.3], dtype=dtype))
    with pytest.raises(MXNetError):
        fn(nd(x, dtype), a_min=0)  # a_max is required


def smooth_l1_checker(fn, dtype):
    rng = rng_for("smooth_l1", dtype)
    for sigma in (1.0, 2.0, 0.5):
        if is_float(dtype):
            x = rng.uniform(-3, 3, (4, 7)).astype(dtype)
        else:
            x = rng.integers(0 if is_unsigned(dtype) else -6, 7, (4, 7)).astype(dtype)
        s = float(np.asarray(sigma).astype(dtype))  # MXNet converts sigma to the dtype first
        v = x.astype(np.float64)
        with np.errstate(all="ignore"):
            bsq = np.float64(s) * s  # 0 for an integer dtype and sigma 0.5: 1 / 0 = inf, as MXNet
            want = np.where(v > 1 / bsq, v - 0.5 / bsq,
                            np.where(v < -1 / bsq, -v - 0.5 / bsq, 0.5 * v * v * bsq))
        got = fn(nd(x, dtype), scalar=sigma)
        if is_float(dtype):
            check_float(got.asnumpy(), want.astype(dtype), dtype)
        else:
            check_int(got.asnumpy(), want, dtype)
    # the default sigma is 1: MXNet's own example
    got = fn(nd(np.array([1, 2, 3, 4]), dtype)).asnumpy()
    want = np.array([0.5, 1.5, 2.5, 3.5]).astype(dtype) if is_float(dtype) else np.array([0, 1, 2, 3])
    np.testing.assert_array_equal(got, want.astype(dtype))


def hard_sigmoid_checker(fn, dtype):
    if not is_float(dtype):  # floats only, as MXNet 1.9
        with pytest.raises(MXNetError, match="float"):
            fn(nd(np.array([1, 2]), dtype))
        return
    rng = rng_for("hard_sigmoid", dtype)
    x = rng.uniform(-6, 6, (4, 7)).astype(dtype)
    for kwargs in ({}, {"alpha": 0.5, "beta": 0.25}, {"alpha": -1.0, "beta": 0.0}):
        alpha, beta = kwargs.get("alpha", 0.2), kwargs.get("beta", 0.5)
        want = np.clip(alpha * x.astype(np.float64) + beta, 0, 1)
        check_float(fn(nd(x, dtype), **kwargs).asnumpy(), want.astype(dtype), dtype)
    got = fn(nd(np.array([np.nan, -np.inf, np.inf, 0.0]), dtype)).asnumpy()
    np.testing.assert_array_equal(got, np.array([np.nan, 0, 1, 0.5], dtype=dtype))
    a = nd(x, dtype)
    assert fn(a, out=a) is a  # in place
    check_float(a.asnumpy(), np.clip(0.2 * x.astype(np.float64) + 0.5, 0, 1).astype(dtype), dtype)
    with pytest.raises(MXNetError, match="alpha"):
        fn(nd(x, dtype), alpha="steep")


def fill_like_checker(value):
    def run(fn, dtype):
        rng = rng_for("fill_like", value, dtype)
        for shape in ((3, 4), (0, 2), (1,), ()):
            x = rng.integers(0, 5, shape).astype(dtype)
            r = fn(nd(x, dtype))
            assert r.dtype is np.dtype(dtype).type and r.shape == x.shape
            np.testing.assert_array_equal(r.asnumpy(), np.full(shape, value, dtype))
        a = nd(np.arange(6).reshape(2, 3), dtype)
        assert fn(a, out=a) is a
        np.testing.assert_array_equal(a.asnumpy(), np.full((2, 3), value, dtype))
    return run


ACT_REFS = {
    "relu": _relu,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "softrelu": lambda x: np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20)))),
    "softsign": lambda x: x / (1 + np.abs(x)),
}


def activation_checker(fn, dtype):
    if not is_float(dtype):
        with pytest.raises(MXNetError, match="not supported"):
            fn(nd(np.array([1, 2]), dtype), act_type="relu")
        return
    rng = rng_for("Activation", dtype)
    x = rng.uniform(-6, 6, (3, 4, 5)).astype(dtype)
    x.flat[:4] = [0, 25, -25, 21]
    for act, ref in ACT_REFS.items():
        check_float(fn(nd(x, dtype), act_type=act).asnumpy(), ref(x.astype(np.float64)).astype(dtype), dtype)
        a = nd(x, dtype)
        assert fn(a, act_type=act, out=a) is a
        check_float(a.asnumpy(), ref(x.astype(np.float64)).astype(dtype), dtype)
    with pytest.raises(MXNetError):
        fn(nd(x, dtype))  # act_type is required
    with pytest.raises(MXNetError):
        fn(nd(x, dtype), act_type="swish")


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946


def leaky_reference(x, act_type="leaky", slope=0.25, lower_bound=0.125, upper_bound=0.334, gamma=None):
    with np.errstate(all="ignore"):
        if act_type == "leaky":
            return np.where(x > 0, x, x * slope)
        if act_type == "rrelu":
            return np.where(x > 0, x, x * (lower_bound + upper_bound) / 2)
        if act_type == "elu":
            return np.where(x > 0, x, slope * np.expm1(x))
        if act_type == "selu":
            return SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))
        if act_type == "gelu":
            return 0.5 * x * (1 + special.erf(x / np.sqrt(2)))
        if act_type == "prelu":
            if gamma.size == 1 or gamma.shape == x.shape:
                g = gamma.reshape(gamma.shape if gamma.shape == x.shape else ())
            else:  # one slope per channel: axis 1 (axis 0 of a 1-D input)
                g = gamma.reshape((-1,) + (1,) * (x.ndim - 2)) if x.ndim > 1 else gamma
            return np.where(x > 0, x, x * g)
    raise ValueError(act_type)


def test_rrelu_lists_its_mask_output_as_mxnet():
    s = mx.sym.LeakyReLU(mx.sym.var("x"), act_type="rrelu", name="lr")
    assert s.list_outputs() == ["lr_output", "lr_mask"]
    assert s.infer_shape(x=(2, 3))[1] == [(2, 3), (2, 3)]
    assert mx.sym.LeakyReLU(mx.sym.var("x"), name="lr").list_outputs() == ["lr_output"]


def leaky_relu_checker(fn, dtype):
    if not is_float(dtype):
        with pytest.raises(MXNetError, match="not supported"):
            fn(nd(np.array([1, -2]), dtype))
        return
    rng = rng_for("LeakyReLU", dtype)
    x = rng.uniform(-4, 4, (2, 3, 4, 5)).astype(dtype)
    x64 = x.astype(np.float64)
    # defaults: leaky with slope 0.25
    check_float(fn(nd(x, dtype)).asnumpy(), leaky_reference(x64).astype(dtype), dtype)
    for act, kwargs in [("leaky", dict(slope=0.1)), ("elu", dict(slope=1.0)), ("elu", dict(slope=0.3)),
                        ("selu", {}), ("gelu", {}), ("rrelu", {}),
                        ("rrelu", dict(lower_bound=0.2, upper_bound=0.4))]:
        got = fn(nd(x, dtype), act_type=act, **kwargs)
        if act == "rrelu":  # MXNet 1.9's [output, mask]: the mask holds the slope used
            got, mask = got
            slope = (kwargs.get("lower_bound", 0.125) + kwargs.get("upper_bound", 0.334)) / 2
            assert mask.shape == x.shape and mask.dtype == dtype
            check_float(mask.asnumpy(), np.full(x.shape, slope).astype(dtype), dtype)
        check_float(got.asnumpy(), leaky_reference(x64, act, **kwargs).astype(dtype), dtype)
    # prelu: gamma per channel (axis 1), a single slope, one per element
    for data_shape, gamma_shape in [((2, 3, 4, 5), (3,)), ((2, 3, 4, 5), (1,)), ((4, 3), (3,)),
                                    ((6,), (6,)), ((6,), (1,)), ((2, 3), (2, 3)), ((2, 3, 0), (3,))]:
        xd = rng.uniform(-4, 4, data_shape).astype(dtype)
        g = rng.uniform(0, 1, gamma_shape).astype(dtype)
        got = fn(nd(xd, dtype), nd(g, dtype), act_type="prelu")
        assert got.shape == data_shape
        want = leaky_reference(xd.astype(np.float64), "prelu", gamma=g.astype(np.float64))
        check_float(got.asnumpy(), want.astype(dtype), dtype)
        check_float(fn(data=nd(xd, dtype), gamma=nd(g, dtype), act_type="prelu").asnumpy(),
                    want.astype(dtype), dtype)
    with pytest.raises(MXNetError):  # prelu needs gamma
        fn(nd(x, dtype), act_type="prelu")
    with pytest.raises(MXNetError, match="gamma"):  # gamma fits no rule
        fn(nd(x, dtype), nd(np.ones(4), dtype), act_type="prelu")
    with pytest.raises(MXNetError):  # only prelu takes gamma
        fn(nd(x, dtype), nd(np.ones(3), dtype), act_type="leaky")
    with pytest.raises(MXNetError):
        fn(nd(x, dtype), act_type="gelu_tanh")  # MXNet 2.0's, not 1.9's


def where_checker(fn, dtype):
    rng = rng_for("where", dtype)
    lo = 0 if is_unsigned(dtype) else -5
    for shape in ((2, 3), (7,), (2, 3, 4), (0, 3)):
        x = rng.integers(lo, 6, shape).astype(dtype)
        y = rng.integers(lo, 6, shape).astype(dtype)
        for cdt in (np.float32, np.int32, dtype, np.uint8):
            cond = rng.integers(-1, 2, shape).astype(cdt)
            got = fn(nd(cond, cdt), nd(x, dtype), nd(y, dtype))
            assert got.dtype is np.dtype(dtype).type
            np.testing.assert_array_equal(got.asnumpy(), np.where(cond != 0, x, y))
        # a 1-D condition picks whole rows
        if len(shape) > 1:
            cond = rng.integers(0, 2, shape[0]).astype(np.float32)
            want = np.where(cond.reshape((-1,) + (1,) * (len(shape) - 1)) != 0, x, y)
            np.testing.assert_array_equal(fn(nd(cond), nd(x, dtype), nd(y, dtype)).asnumpy(), want)
    # keyword inputs, out= aliasing x
    x = rng.integers(lo, 6, (3, 4)).astype(dtype)
    y = rng.integers(lo, 6, (3, 4)).astype(dtype)
    cond = rng.integers(0, 2, (3, 4)).astype(np.float32)
    a = nd(x, dtype)
    assert fn(condition=nd(cond), x=a, y=nd(y, dtype), out=a) is a
    np.testing.assert_array_equal(a.asnumpy(), np.where(cond != 0, x, y))
    with pytest.raises(MXNetError):  # x and y differ in shape
        fn(nd(cond), nd(x, dtype), nd(y[:2], dtype))
    with pytest.raises(MXNetError):  # a 1-D condition needs x.shape[0] entries
        fn(nd(np.ones(4)), nd(x, dtype), nd(y, dtype))
    with pytest.raises(MXNetError):  # condition of another shape
        fn(nd(np.ones((4, 3))), nd(x, dtype), nd(y, dtype))
    other = np.float64 if np.dtype(dtype) != np.float64 else np.float32
    with pytest.raises(MXNetError):  # x and y differ in dtype
        fn(nd(cond), nd(x, dtype), nd(y, other))


HARNESS = {name: unary_checker(name) for name in UNARY}
HARNESS.update({
    "clip": clip_checker,
    "smooth_l1": smooth_l1_checker,
    "hard_sigmoid": hard_sigmoid_checker,
    "zeros_like": fill_like_checker(0),
    "ones_like": fill_like_checker(1),
    "Activation": activation_checker,
    "LeakyReLU": leaky_relu_checker,
    "where": where_checker,
})
ALIASES = {}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](op_function(name), dtype)


# ---------------------------------------------------------------------------
# dtype rules and special values
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(UNARY))
def test_bool_input_has_no_kernel(name):
    with pytest.raises(MXNetError, match="bool"):
        op_function(name)(mx.nd.array([1, 0], dtype="bool"))


def test_zeros_like_ones_like_and_where_take_bool():
    b = mx.nd.array([True, False, True], dtype="bool")
    assert mx.nd.zeros_like(b).dtype is np.bool_
    np.testing.assert_array_equal(mx.nd.ones_like(b).asnumpy(), [True] * 3)
    np.testing.assert_array_equal(mx.nd.where(b, mx.nd.array([1, 2, 3]), mx.nd.array([4, 5, 6])).asnumpy(),
                                  [1, 5, 3])


SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 0.5, -0.5, 1.5, -1.5, 2.5])


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
def test_special_values(name, dtype):
    """NaN, infinities, signed zeros and halves, as numpy / scipy give them
    (with MXNet's rules for sign, logical_not, round and rint)."""
    x = SPECIAL.astype(dtype)
    got = op_function(name)(nd(x, dtype)).asnumpy()
    want = reference(name, x)
    if name in ("gamma", "gammaln"):  # at -inf C's tgamma / lgamma give NaN / inf, scipy's others
        keep = ~np.isneginf(x)
        got, want = got[keep], want[keep]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    finite = ~np.isnan(want)
    check_float(got[finite], want[finite], dtype)
    if name in ("abs", "relu", "floor", "ceil", "trunc", "fix", "round", "sign"):
        # signed zeros as MXNet: abs(-0) = 0, relu(-0) = 0, sign(-0) = 0, floor(-0) = -0
        zero = np.flatnonzero((x == 0) & np.signbit(x))
        np.testing.assert_array_equal(np.signbit(got[zero]), np.signbit(want[zero]))


def test_examples_from_mxnet_docs():
    x = mx.nd.array([-2.1, -1.9, 1.5, 1.9, 2.1])
    np.testing.assert_array_equal(mx.nd.floor(x).asnumpy(), [-3, -2, 1, 1, 2])
    np.testing.assert_array_equal(mx.nd.ceil(x).asnumpy(), [-2, -1, 2, 2, 3])
    np.testing.assert_array_equal(mx.nd.trunc(x).asnumpy(), [-2, -1, 1, 1, 2])
    y = mx.nd.array([-1.5, 1.5, -1.9, 1.9, 2.1])
    np.testing.assert_array_equal(mx.nd.round(y).asnumpy(), [-2, 2, -2, 2, 2])
    np.testing.assert_array_equal(mx.nd.rint(y).asnumpy(), [-2, 1, -2, 2, 2])
    np.testing.assert_array_equal(mx.nd.fix(mx.nd.array([-2.1, -1.9, 1.9, 2.1])).asnumpy(), [-2, -1, 1, 2])
    np.testing.assert_array_equal(mx.nd.logical_not(mx.nd.array([-2, 0, 1])).asnumpy(), [0, 1, 0])
    np.testing.assert_array_equal(mx.nd.clip(mx.nd.array(np.arange(10)), 1, 8).asnumpy(),
                                  [1, 1, 2, 3, 4, 5, 6, 7, 8, 8])
    np.testing.assert_array_equal(mx.nd.exp(mx.nd.array([1, 2, 3], dtype="int32")).asnumpy(), [2, 7, 20])
    np.testing.assert_array_equal(mx.nd.sqrt(mx.nd.array([4, 9, 16], dtype="int64")).asnumpy(), [2, 3, 4])
    x = mx.nd.array([[1, 2], [3, 4]])
    y = mx.nd.array([[5, 6], [7, 8]])
    np.testing.assert_array_equal(mx.nd.where(mx.nd.array([[0, 1], [-1, 0]]), x, y).asnumpy(),
                                  [[5, 2], [3, 8]])
    np.testing.assert_array_equal(mx.nd.where(mx.nd.array([0, 1]), x, y).asnumpy(), [[5, 6], [3, 4]])


def test_integer_forms_are_exact_beyond_float_precision():
    """MXNet's floor / abs / square of an int64 went through float and lost
    digits; MX keeps integers exact."""
    v = np.array([2 ** 40 + 1, -(2 ** 41) - 3, 50000001], dtype=np.int64)
    a = mx.nd.array(v, dtype="int64")
    for name in ("floor", "ceil", "round", "rint", "trunc", "fix"):
        np.testing.assert_array_equal(op_function(name)(a).asnumpy(), v)
    np.testing.assert_array_equal(mx.nd.abs(a).asnumpy(), np.abs(v))
    np.testing.assert_array_equal(mx.nd.square(mx.nd.array([3037000499], dtype="int64")).asnumpy(),
                                  [3037000499 ** 2])
    # wrap-around as numpy: abs(int8 -128) = -128, square(int8 16) = 0
    np.testing.assert_array_equal(mx.nd.abs(mx.nd.array([-128], dtype="int8")).asnumpy(), [-128])
    np.testing.assert_array_equal(mx.nd.square(mx.nd.array([16], dtype="int8")).asnumpy(), [0])
    # a float result out of an integer dtype's range saturates
    np.testing.assert_array_equal(mx.nd.exp(mx.nd.array([10, -10], dtype="int8")).asnumpy(), [127, 0])
    np.testing.assert_array_equal(mx.nd.reciprocal(mx.nd.array([0, 1, 2], dtype="int32")).asnumpy(),
                                  [2 ** 31 - 1, 1, 0])


def test_fluent_methods():
    x = np.array([[-1.5, 0.25], [2.0, 4.0]], dtype=np.float32)
    a = mx.nd.array(x)
    np.testing.assert_allclose(a.exp().asnumpy(), np.exp(x), rtol=1e-6)
    np.testing.assert_allclose(a.abs().sqrt().asnumpy(), np.sqrt(np.abs(x)), rtol=1e-6)
    np.testing.assert_array_equal(a.clip(0, 1).asnumpy(), np.clip(x, 0, 1))
    np.testing.assert_array_equal(a.relu().asnumpy(), np.maximum(x, 0))
    np.testing.assert_array_equal(a.zeros_like().asnumpy(), np.zeros_like(x))


def test_signatures_and_docs():
    import inspect
    params = inspect.signature(mx.nd.LeakyReLU).parameters
    assert list(params)[:6] == ["data", "gamma", "act_type", "slope", "lower_bound", "upper_bound"]
    assert "act_type : {'elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu'}, optional, default='leaky'" \
        in mx.nd.LeakyReLU.__doc__
    assert "act_type : {'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}, required" in mx.nd.Activation.__doc__
    assert list(inspect.signature(mx.nd.clip).parameters)[:3] == ["data", "a_min", "a_max"]
    assert list(inspect.signature(mx.nd.where).parameters)[:3] == ["condition", "x", "y"]
    assert "scalar : float, optional, default=1" in mx.nd.smooth_l1.__doc__


# ---------------------------------------------------------------------------
# the vectorised float32 exp and sigmoid
# ---------------------------------------------------------------------------

def _ulp_distance(got, want):
    """|got - want| in float32 units in the last place (want: float64, rounded)."""
    def ordered(v):
        with np.errstate(over="ignore"):  # float64 beyond float32's range rounds to inf
            i = v.astype(np.float32).view(np.int32).astype(np.int64)
        return np.where(i < 0, -(2 ** 31) - i, i)
    return np.abs(ordered(got) - ordered(want))


def test_exp_float32_within_one_ulp():
    rng = np.random.default_rng(7)
    x = np.concatenate([
        rng.uniform(-104, 89, 1 << 20),
        rng.uniform(-1, 1, 1 << 16) * 10.0 ** rng.integers(-30, 1, 1 << 16),  # tiny arguments
        rng.uniform(-104, -87, 1 << 16),  # denormal results
        np.nextafter(np.float32([88.72283, -87.33655, -103.27893, 0]), np.float32(np.inf)),
        [88.72283, 88.7229, 89, 100, -103.9, -104, -110, -1000, 1000, 0, -0.0],
    ]).astype(np.float32)
    got = mx.nd.exp(mx.nd.array(x)).asnumpy()
    with np.errstate(over="ignore"):
        want = np.exp(x.astype(np.float64))
    assert _ulp_distance(got, want).max() <= 1
    np.testing.assert_array_equal(mx.nd.exp(mx.nd.array([np.nan, np.inf, -np.inf])).asnumpy(),
                                  [np.nan, np.inf, 0])


def test_sigmoid_float32_within_a_few_ulp():
    """1 / (1 + exp(-x)) with the vector exp: at most 2 ulp off over every
    float32 input with a normal result (checked exhaustively); 3 allowed."""
    rng = np.random.default_rng(8)
    x = np.concatenate([rng.uniform(-30, 30, 1 << 18), rng.uniform(-87, 87, 1 << 14),
                        [0, -0.0, 88, -88, 100, -100]]).astype(np.float32)
    got = mx.nd.sigmoid(mx.nd.array(x)).asnumpy()
    with np.errstate(over="ignore"):
        want = 1 / (1 + np.exp(-x.astype(np.float64)))
    normal = want >= np.finfo(np.float32).tiny  # results in float32's normal range
    assert _ulp_distance(got[normal], want[normal]).max() <= 3
    assert np.all(got[~normal] <= np.finfo(np.float32).tiny)  # 1/(1+inf) = 0, as MXNet's formula
    np.testing.assert_array_equal(mx.nd.sigmoid(mx.nd.array([np.nan, np.inf, -np.inf])).asnumpy(),
                                  [np.nan, 1, 0])


@pytest.mark.parametrize("n", [1, 15, 16, 17, 31, 32, 33, 1000])
def test_exp_tail_lengths(n):
    """The vector body handles 32 floats a turn, the tail one padded vector."""
    x = np.linspace(-5, 5, n).astype(np.float32)
    np.testing.assert_allclose(mx.nd.exp(mx.nd.array(x)).asnumpy(), np.exp(x), rtol=3e-7)
    a = mx.nd.array(np.linspace(-5, 5, n + 3).astype(np.float32))
    v = a[3:]  # a view: unaligned data
    np.testing.assert_allclose(mx.nd.exp(v).asnumpy(), np.exp(v.asnumpy()), rtol=3e-7)


def test_erfinv_double_accuracy():
    x = np.concatenate([np.linspace(-0.999999, 0.999999, 2001), 1 - np.logspace(-15, -1, 50),
                        -1 + np.logspace(-15, -1, 50), np.logspace(-300, -1, 50), [0.0, -0.0]])
    got = mx.nd.erfinv(mx.nd.array(x, dtype="float64")).asnumpy()
    np.testing.assert_allclose(got, special.erfinv(x), rtol=1e-13, atol=0)
    np.testing.assert_array_equal(mx.nd.erfinv(mx.nd.array([1, -1, 1.5, -2], dtype="float64")).asnumpy(),
                                  [np.inf, -np.inf, np.nan, np.nan])


# ---------------------------------------------------------------------------
# multi-threaded paths: big arrays (split across cores), views, concurrency
# ---------------------------------------------------------------------------

BIG = 300_000  # above every kernel's threshold for splitting


@pytest.mark.parametrize("name", ["exp", "sigmoid", "abs", "relu", "sin", "rint", "erfinv"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32])
def test_big_unary(name, dtype):
    rng = rng_for("big", name, dtype)
    x = float_input(name, (BIG,), dtype, rng) if is_float(dtype) else int_input(name, (BIG,), dtype, rng)
    got = op_function(name)(nd(x, dtype)).asnumpy()
    if is_float(dtype):
        check_float(got, reference(name, x), dtype)
    else:
        check_int(got, reference(name, x), dtype)


def test_big_activations_clip_where():
    rng = np.random.default_rng(3)
    x = rng.uniform(-5, 5, (600, 500)).astype(np.float32)
    x64 = x.astype(np.float64)
    for act, ref in ACT_REFS.items():
        check_float(mx.nd.Activation(mx.nd.array(x), act_type=act).asnumpy(), ref(x64).astype(np.float32),
                    np.float32)
    for act in ("leaky", "elu", "selu", "gelu"):
        check_float(mx.nd.LeakyReLU(mx.nd.array(x), act_type=act).asnumpy(),
                    leaky_reference(x64, act).astype(np.float32), np.float32)
    data = rng.uniform(-5, 5, (8, 16, 50, 60)).astype(np.float32)
    gamma = rng.uniform(0, 1, 16).astype(np.float32)
    check_float(mx.nd.LeakyReLU(mx.nd.array(data), mx.nd.array(gamma), act_type="prelu").asnumpy(),
                leaky_reference(data.astype(np.float64), "prelu", gamma=gamma.astype(np.float64)).astype(np.float32),
                np.float32)
    np.testing.assert_array_equal(mx.nd.clip(mx.nd.array(x), -1, 2).asnumpy(), np.clip(x, -1, 2))
    cond = (rng.random(x.shape) < 0.5).astype(np.float32)
    y = rng.uniform(-5, 5, x.shape).astype(np.float32)
    np.testing.assert_array_equal(mx.nd.where(mx.nd.array(cond), mx.nd.array(x), mx.nd.array(y)).asnumpy(),
                                  np.where(cond != 0, x, y))
    rows = (rng.random(600) < 0.5).astype(np.int32)
    np.testing.assert_array_equal(
        mx.nd.where(mx.nd.array(rows, dtype="int32"), mx.nd.array(x), mx.nd.array(y)).asnumpy(),
        np.where(rows[:, None] != 0, x, y))
    np.testing.assert_array_equal(mx.nd.ones_like(mx.nd.array(x)).asnumpy(), np.ones_like(x))


@pytest.mark.parametrize("lshape,rshape", [((1000, 300), (300,)), ((1000, 300), (1000, 1)),
                                           ((64, 1, 4096), (3, 1)), ((300_000,), (300_000,)),
                                           ((300_000,), (1,)), ((2, 3, 50, 1000), (3, 1, 1))])
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_big_binary_broadcast(lshape, rshape, dtype):
    """The binary kernels split rows (or one flat row) across cores."""
    rng = rng_for("bigbin", lshape, rshape, dtype)
    x = rng.integers(-50, 50, lshape).astype(dtype)
    y = rng.integers(1, 50, rshape).astype(dtype)
    a, b = mx.nd.array(x, dtype=dtype), mx.nd.array(y, dtype=dtype)
    np.testing.assert_array_equal(mx.nd.broadcast_add(a, b).asnumpy(), x + y)
    np.testing.assert_array_equal(mx.nd.broadcast_mul(b, a).asnumpy(), y * x)
    np.testing.assert_array_equal(mx.nd.broadcast_maximum(a, b).asnumpy(), np.maximum(x, y))
    got = mx.nd.broadcast_power(b, mx.nd.array(np.full((1,), 2), dtype=dtype)).asnumpy()
    np.testing.assert_array_equal(got, (y.astype(np.int64) ** 2).astype(dtype))


def test_big_scalar_and_inplace_binary():
    x = np.arange(400_000, dtype=np.float32)
    a = mx.nd.array(x)
    np.testing.assert_array_equal((a * 2 + 1).asnumpy(), x * 2 + 1)
    a += a
    np.testing.assert_array_equal(a.asnumpy(), 2 * x)
    mx.nd.exp(mx.nd.array(x[:10]))  # a small op between big ones
    b = mx.nd.array(np.linspace(-3, 3, 400_000, dtype=np.float32))
    mx.nd.exp(b, out=b)
    np.testing.assert_allclose(b.asnumpy(), np.exp(np.linspace(-3, 3, 400_000, dtype=np.float32)), rtol=3e-7)


def test_views_as_inputs_and_outputs():
    x = np.linspace(-3, 3, 40 * 50_000, dtype=np.float32).reshape(40, 50_000)
    a = mx.nd.array(x)
    np.testing.assert_allclose(mx.nd.exp(a[3:17]).asnumpy(), np.exp(x[3:17]), rtol=3e-7)
    out = mx.nd.zeros((40, 50_000))
    mx.nd.relu(a[10:20], out=out[20:30])
    want = np.zeros_like(x)
    want[20:30] = np.maximum(x[10:20], 0)
    np.testing.assert_array_equal(out.asnumpy(), want)


def test_concurrent_callers():
    """Python threads pushing big ops at once: engine workers share one
    thread pool (a second caller runs its op on its own thread)."""
    rng = np.random.default_rng(5)
    x = rng.uniform(-3, 3, 500_000).astype(np.float32)
    want_exp, want_add = np.exp(x), x + x
    errors = []

    def work():
        try:
            a = mx.nd.array(x)
            for _ in range(20):
                e, s = mx.nd.exp(a), a + a
                np.testing.assert_allclose(e.asnumpy(), want_exp, rtol=3e-7)
                np.testing.assert_array_equal(s.asnumpy(), want_add)
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


_FORK_SCRIPT = textwrap.dedent("""
    import os
    import numpy as np
    import mxnet as mx
    x = np.linspace(-3, 3, 1 << 20, dtype=np.float32)
    a = mx.nd.array(x)
    assert np.allclose(mx.nd.exp(a).asnumpy(), np.exp(x), rtol=1e-6)  # the pool is running
    pid = os.fork()
    if pid == 0:
        ok = np.allclose((mx.nd.exp(a) + a).asnumpy(), np.exp(x) + x, rtol=1e-6, atol=1e-6)
        os._exit(0 if ok else 3)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0, status
    assert np.allclose(mx.nd.sigmoid(a).asnumpy(), 1 / (1 + np.exp(-x)), rtol=1e-6)
    print("OK")
""")


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork()")
def test_big_ops_work_in_a_forked_child():
    """Gluon's DataLoader forks: the kernels' thread pool must work in the
    child (the OpenMP runtime it replaced hung there).  A child process runs
    it, so a hang fails the test instead of stopping the suite.  NaiveEngine:
    kernels run on the calling thread, so this checks the pool alone (the
    threaded engine's own workers are not recreated in a forked child)."""
    import os
    env = dict(os.environ, MXNET_ENGINE_TYPE="NaiveEngine")
    proc = subprocess.run([sys.executable, "-c", _FORK_SCRIPT], capture_output=True, text=True, timeout=120,
                          env=env)
    assert proc.returncode == 0 and "OK" in proc.stdout, proc.stderr[-2000:]


def test_single_thread_setting():
    """OMP_NUM_THREADS=1 (MXNet's knob) keeps every kernel on one thread."""
    script = ("import numpy as np, mxnet as mx\n"
              "x = np.linspace(-3, 3, 1 << 20, dtype=np.float32)\n"
              "a = mx.nd.array(x)\n"
              "assert np.allclose(mx.nd.exp(a).asnumpy(), np.exp(x), rtol=1e-6)\n"
              "assert np.array_equal((a + a).asnumpy(), x + x)\n"
              "print('OK')\n")
    import os
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0 and "OK" in proc.stdout, proc.stderr[-2000:]
