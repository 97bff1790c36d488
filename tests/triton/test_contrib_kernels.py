"""The contrib kernels (mx_triton/ops/contrib.py, and the arange, copy and
unary kernels the other contrib ops share) against numpy float64 references."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _run import TOLERANCE, rounded, run_op  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # masked lanes' casts under the interpreter
RNG = np.random.default_rng(21)
FLOATS = ["float32", "float64", "float16"]
NUMERIC = FLOATS + ["int32", "int8", "uint8", "int64"]


def check(got, want, dtype):
    if dtype in TOLERANCE:
        np.testing.assert_allclose(got, want, rtol=TOLERANCE[dtype] * 10, atol=TOLERANCE[dtype] * 10)
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape", [(2, 3, 4), (5, 3), (7,)])
def test_div_sqrt_dim(dtype, shape):
    x = rounded(np.arange(np.prod(shape)).reshape(shape) - (0 if dtype == "uint8" else 6), dtype)
    divisor = np.asarray(np.sqrt(shape[-1])).astype(dtype).astype(np.float64)
    want = x / divisor if dtype in FLOATS else np.trunc(x / divisor)
    check(run_op("_contrib_div_sqrt_dim", [(x, dtype)], [(shape, dtype)]), want, dtype)


@pytest.mark.parametrize("dtype", NUMERIC)
def test_quadratic(dtype):
    x = rounded(np.arange(12).reshape(3, 4) - (0 if dtype == "uint8" else 5), dtype)
    want = 1.5 * x * x - 2 * x + 0.25
    got = run_op("_contrib_quadratic", [(x, dtype)], [(x.shape, dtype)], dict(a=1.5, b=-2.0, c=0.25))
    check(got, want if dtype in FLOATS else np.trunc(want), dtype)


@pytest.mark.parametrize("dtype", FLOATS + ["int32", "uint8"])
def test_allclose(dtype):
    a = rounded(RNG.integers(0, 50, (30, 70)), dtype)
    attrs = dict(rtol=1e-5, atol=1e-8, equal_nan=True)
    run = lambda x, y, **kw: run_op("_contrib_allclose", [(x, dtype), (y, dtype)], [((), "uint8")],  # noqa: E731
                                    dict(attrs, **kw)).item()
    assert run(a, a) == 1
    b = a.copy()
    b[29, 69] += 1  # one pair far apart, in the last block
    assert run(a, b) == 0 and run(a, b, atol=1.5) == 1
    if dtype in FLOATS:
        nan = np.array([1, np.nan, np.inf])
        assert run(nan, nan) == 1 and run(nan, nan, equal_nan=False) == 0
        assert run(np.array([np.inf]), np.array([1.0])) == 0 and run(np.array([1.0]), np.array([np.inf])) == 1


@pytest.mark.parametrize("dtype", ["float32", "int8"])
@pytest.mark.parametrize("shape,axes", [((2, 3, 4), None), ((2, 3, 4), (-1, 0)), ((3, 5), (1, 1))])
def test_index_array(dtype, shape, axes):
    grids = np.indices(shape)
    picked = range(len(shape)) if axes is None else [a % len(shape) for a in axes]
    want = np.stack([grids[a] for a in picked], axis=-1)
    got = run_op("_contrib_index_array", [(np.zeros(shape), dtype)], [(want.shape, "int64")], dict(axes=axes))
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", ["float32", "float16", "int64", "uint8"])
@pytest.mark.parametrize("index,index_dtype", [([4, 1, 0], "int64"), ([1, 3, 1], "int32"),
                                               ([2.7, 0.2, 2.1], "float32")])
def test_index_copy_keeps_the_last_row_of_a_repeated_index(dtype, index, index_dtype):
    old = rounded(RNG.integers(0, 100, (5, 2, 3)), dtype)
    new = rounded(RNG.integers(0, 100, (3, 2, 3)), dtype)
    want = old.copy()
    for i, row in enumerate(np.trunc(index).astype(int)):
        want[row] = new[i]
    got = run_op("_contrib_index_copy", [(old, dtype), (np.array(index), index_dtype), (new, dtype)],
                 [(old.shape, dtype)])
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", ["float32", "int32", "float16"])
def test_arange_like(dtype):
    attrs = dict(start=1.0, step=0.5 if dtype != "int32" else 2.0, repeat=2, axis=None, ctx="")
    got = run_op("_contrib_arange_like", [(np.zeros((3, 4)), dtype)], [((3, 4), dtype)], attrs)
    np.testing.assert_array_equal(got, (1 + (np.arange(12) // 2) * attrs["step"]).reshape(3, 4))


@pytest.mark.parametrize("op,reference", [("_contrib_round_ste", lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5)),
                                          ("_contrib_sign_ste", np.sign)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_straight_through_forwards(op, reference, dtype):
    x = rounded(np.array([-2.5, -1.5, -0.5, 0, 0.5, 1.5, 2.5, 0.2, 7, -3]), dtype)
    np.testing.assert_array_equal(run_op(op, [(x, dtype)], [(x.shape, dtype)]), reference(x))


def test_gradientmultiplier_forward_is_a_copy():
    x = rounded(RNG.uniform(-1, 1, (4, 5)), "float32")
    np.testing.assert_array_equal(run_op("_contrib_gradientmultiplier", [(x, "float32")], [(x.shape, "float32")],
                                         dict(scalar=3.0, is_int=False)), x)
