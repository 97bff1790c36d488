"""Element-wise kernels against numpy float64 references, over dtypes,
broadcasting, strides and edge sizes."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _run import TOLERANCE, rounded, run_op  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
FLOATS = ["float32", "float64", "float16", "bfloat16"]
INTS = ["int32", "int8", "uint8", "int64"]
RNG = np.random.default_rng(0)


def _rint(x):  # MXNet's rint: the nearer of floor and ceil, floor on a tie
    f, c = np.floor(x), np.ceil(x)
    return np.where(x - f <= c - x, f, c)


def _round(x):  # halves away from zero
    r = np.trunc(x)
    return r + np.where(np.abs(x - r) >= 0.5, np.sign(x), 0)


UNARY = {
    "abs": np.abs, "sign": np.sign, "square": np.square, "sqrt": np.sqrt, "exp": np.exp, "log": np.log,
    "sin": np.sin, "tanh": np.tanh, "arcsinh": np.arcsinh, "floor": np.floor, "ceil": np.ceil, "round": _round,
    "rint": _rint, "trunc": np.trunc, "fix": np.trunc, "relu": lambda x: np.where(x > 0, x, np.zeros_like(x)),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "softsign": lambda x: x / (1 + np.abs(x)),
    "reciprocal": lambda x: 1 / x, "rsqrt": lambda x: 1 / np.sqrt(x), "degrees": np.degrees,
    "logical_not": lambda x: (x == 0).astype(np.float64), "negative": np.negative, "expm1": np.expm1,
    "log_sigmoid": lambda x: -np.logaddexp(0, -x), "mish": lambda x: x * np.tanh(np.logaddexp(0, x)),
}


@pytest.mark.parametrize("op", sorted(UNARY))
@pytest.mark.parametrize("dtype", FLOATS)
def test_unary_floats(op, dtype):
    x = rounded(np.concatenate([RNG.uniform(0.1, 3, 37) * RNG.choice([-1, 1], 37), [0.5, -1.5, 2.5, 0]]), dtype)
    with np.errstate(all="ignore"):
        expected = UNARY[op](x)
    got = run_op(op, [(x, dtype)], [(x.shape, dtype)])
    np.testing.assert_allclose(got, rounded(expected, dtype), rtol=TOLERANCE[dtype], atol=1e-6 if dtype == "float32" else 0)


def _saturate(values, dtype):
    """float64 -> integer as MX converts: truncated, saturated, NaN -> 0."""
    info = np.iinfo(dtype)
    v = np.trunc(np.nan_to_num(values, nan=0.0))
    high, low = v >= info.max, v <= info.min
    result = np.where(high | low, 0, v).astype(dtype)
    result[high] = info.max
    result[low] = info.min
    return result


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("op", ["abs", "sign", "square", "relu", "negative", "floor", "exp", "sqrt", "reciprocal"])
def test_unary_integers_exact_or_through_float64(op, dtype):
    info = np.iinfo(dtype)
    x = np.array([0, 1, 2, 5, info.max, info.min, 3 if info.min == 0 else -7], dtype)
    with np.errstate(all="ignore"):
        if op in ("abs", "square", "negative"):  # wrap around, as numpy's integer arithmetic
            expected = UNARY[op](x)
        elif op in ("sign", "relu", "floor"):
            expected = UNARY[op](x).astype(dtype)
        else:
            expected = _saturate(UNARY[op](x.astype(np.float64)), dtype)
    np.testing.assert_array_equal(run_op(op, [(x, dtype)], [(x.shape, dtype)]), expected)


@pytest.mark.parametrize("n", [0, 1, 4097])
def test_unary_edge_sizes(n):
    x = RNG.standard_normal(n)
    np.testing.assert_allclose(run_op("exp", [(x, "float64")], [((n,), "float64")]), np.exp(x), rtol=1e-14)


def test_clip_and_smooth_l1():
    x = np.array([-3, -0.5, 0.2, 4, np.nan])
    np.testing.assert_array_equal(run_op("clip", [(x, "float64")], [((5,), "float64")], {"a_min": -1, "a_max": 2}),
                                  [-1, -0.5, 0.2, 2, np.nan])
    xi = np.array([-100, 5, 100], np.int8)
    np.testing.assert_array_equal(run_op("clip", [(xi, "int8")], [((3,), "int8")], {"a_min": -1e9, "a_max": 7.9}),
                                  [-100, 5, 7])
    sigma = 2.0
    expected = np.where(np.abs(x) < 1 / sigma**2, 0.5 * (sigma * x) ** 2, np.abs(x) - 0.5 / sigma**2)
    np.testing.assert_allclose(run_op("smooth_l1", [(x, "float64")], [((5,), "float64")], {"scalar": sigma}),
                               expected)


BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "mod": np.mod, "power": np.power,
    "maximum": np.maximum, "minimum": np.minimum, "hypot": np.hypot, "equal": np.equal, "greater": np.greater,
    "lesser_equal": np.less_equal, "logical_and": np.logical_and, "logical_xor": np.logical_xor,
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("shapes", [((3, 1, 5), (4, 1)), ((2, 3), (2, 3)), ((1,), (7, 2)), ((0, 3), (3,))])
def test_broadcast_floats(name, dtype, shapes):
    a = rounded(RNG.uniform(0.5, 2, shapes[0]) * RNG.choice([-1, 1], shapes[0]), dtype)
    b = rounded(RNG.uniform(0.5, 2, shapes[1]) * RNG.choice([-1, 1], shapes[1]), dtype)
    with np.errstate(all="ignore"):
        expected = BINARY[name](a, b).astype(np.float64)
    got = run_op(f"broadcast_{name}", [(a, dtype), (b, dtype)], [(expected.shape, dtype)])
    np.testing.assert_allclose(got, rounded(expected, dtype), rtol=TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", INTS)
def test_integer_division_modulo_and_wrap(dtype):
    info = np.iinfo(dtype)
    a = np.array([7, info.max, 6, info.min, 9, 0] if info.min else [7, 255, 6, 0, 9, 0], dtype)
    b = np.array([2, 1, 0, 3, 0 if info.min == 0 else -2, 5], dtype)
    safe = np.where(b == 0, 1, b)
    quotients = [0 if y == 0 else abs(x) // abs(y) * (1 if (x < 0) == (y < 0) else -1) for x, y in zip(a.tolist(), b.tolist())]
    div = np.array([(q + 2**63) % 2**64 - 2**63 for q in quotients]).astype(dtype)  # wraps, as C
    with np.errstate(all="ignore"):
        mod = np.where(b == 0, 0, np.mod(a, safe)).astype(dtype)
        added = (a + b).astype(dtype)
    np.testing.assert_array_equal(run_op("elemwise_div", [(a, dtype), (b, dtype)], [(a.shape, dtype)]), div)
    np.testing.assert_array_equal(run_op("_mod", [(a, dtype), (b, dtype)], [(a.shape, dtype)]), mod)
    np.testing.assert_array_equal(run_op("_plus", [(a, dtype), (b, dtype)], [(a.shape, dtype)]), added)


def test_nan_propagates_through_maximum():
    a = np.array([1.0, np.nan, 3.0])
    b = np.array([np.nan, 2.0, 1.0])
    np.testing.assert_array_equal(run_op("_maximum", [(a, "float64"), (b, "float64")], [((3,), "float64")]),
                                  [np.nan, np.nan, 3.0])


@pytest.mark.parametrize("op, reference", [
    ("_plus_scalar", lambda x, s: x + s), ("_rminus_scalar", lambda x, s: s - x), ("_rdiv_scalar", lambda x, s: s / x),
    ("_power_scalar", lambda x, s: x ** s), ("_rpower_scalar", lambda x, s: s ** x),
    ("_greater_scalar", lambda x, s: (x > s).astype(float))])
@pytest.mark.parametrize("dtype", ["float64", "float32", "bfloat16"])
def test_scalar_forms(op, reference, dtype):
    x = rounded(RNG.uniform(0.5, 3, 9), dtype)
    s = rounded(1.7, dtype)[()] if dtype != "bfloat16" else float(rounded(np.array([1.7]), dtype)[0])
    got = run_op(op, [(x, dtype)], [(x.shape, dtype)], {"scalar": 1.7})
    np.testing.assert_allclose(got, rounded(reference(x, s), dtype), rtol=TOLERANCE[dtype])


def test_scalar_converted_to_the_integer_dtype_first():
    x = np.array([1, 2, 3], np.int32)
    np.testing.assert_array_equal(run_op("_mul_scalar", [(x, "int32")], [((3,), "int32")], {"scalar": 2.9}), [2, 4, 6])


def test_where_full_and_per_row_condition():
    x, y = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    cond = RNG.integers(0, 2, (3, 4))
    np.testing.assert_array_equal(run_op("where", [(cond, "int32"), (x, "float64"), (y, "float64")],
                                         [((3, 4), "float64")]), np.where(cond != 0, x, y))
    rows = np.array([1.0, 0.0, 2.0])
    np.testing.assert_array_equal(run_op("where", [(rows, "float32"), (x, "float64"), (y, "float64")],
                                         [((3, 4), "float64")]), np.where(rows[:, None] != 0, x, y))


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_hard_sigmoid(dtype):
    x = rounded(np.array([-9, -2.5, -1, 0, 0.5, 2.4, 2.6, 9, np.nan]), dtype)
    got = run_op("hard_sigmoid", [(x, dtype)], [(x.shape, dtype)], {"alpha": 0.2, "beta": 0.5})
    np.testing.assert_allclose(got, rounded(np.clip(0.2 * x + 0.5, 0, 1), dtype), rtol=TOLERANCE[dtype])


@pytest.mark.parametrize("op", ["BlockGrad", "make_loss", "MakeLoss"])
def test_gradient_control_identities_copy(op):
    x = np.arange(-3, 3).reshape(2, 3)
    np.testing.assert_array_equal(run_op(op, [(x, "int8")], [((2, 3), "int8")]), x)


@pytest.mark.parametrize("to", ["int8", "uint8", "int32", "int64", "bool", "float16", "bfloat16", "float64"])
def test_cast_truncates_saturates_and_maps_nan_to_zero(to):
    x = np.array([1.7, -2.5, 300.0, -1e20, np.nan, 0.0, 1e20])
    got = run_op("Cast", [(x, "float64")], [((7,), to)], {"dtype": to})
    if to == "bool":
        expected = x != 0
    elif to in ("float16", "bfloat16", "float64"):
        expected = rounded(x, to)
    else:
        expected = _saturate(x, to)
    if to == "bfloat16":  # Triton's interpreter truncates to bfloat16 where GPUs round: one ulp
        np.testing.assert_allclose(got, expected, rtol=2**-7)
    else:
        np.testing.assert_array_equal(got, expected)


def test_fill_and_arange():
    np.testing.assert_array_equal(run_op("_full", [], [((2, 3), "int8")], {"value": 7.9}), np.full((2, 3), 7))
    np.testing.assert_array_equal(run_op("ones_like", [(np.zeros(4), "float16")], [((4,), "float16")]), 1)
    got = run_op("_arange", [], [((6,), "float32")], {"start": 1.0, "stop": 4.0, "step": 0.5, "repeat": 2})
    np.testing.assert_array_equal(got, [1, 1, 1.5, 1.5, 2, 2])
    got = run_op("_arange", [], [((4,), "int32")], {"start": 0.0, "stop": None, "step": 1.5, "repeat": 1})
    np.testing.assert_array_equal(got, [0, 1, 2, 3])  # the step converted to int32 first, as MXNet


def test_amp_casts_convert_each_input():
    x, y, i = np.array([1.5, -2.25, 65504.0]), np.array([0.1, 3.0]), np.array([7, -8])
    np.testing.assert_array_equal(run_op("amp_cast", [(x, "float32")], [((3,), "float16")], {"dtype": "float16"}),
                                  rounded(x, "float16"))
    got = run_op("amp_multicast", [(x, "float16"), (y, "float32"), (i, "int32")],
                 [((3,), "float32"), ((2,), "float32"), ((2,), "int32")], {"num_outputs": 3, "cast_narrow": False},
                 req=["write", "null", "write"])
    np.testing.assert_array_equal(got[0], rounded(x, "float16"))
    np.testing.assert_array_equal(got[1], [0, 0])  # req=null: untouched
    np.testing.assert_array_equal(got[2], i)
