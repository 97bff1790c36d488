"""The contrib ops of MXNet 1.9 (mx.nd.contrib / mx.sym.contrib):
arange_like, index_array, index_copy, allclose, div_sqrt_dim, quadratic,
gradientmultiplier, round_ste and sign_ste against numpy float64 references
(values checked against MXNet 1.9.1 while writing them), their gradients
against finite differences, and their errors."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order
from _mxref import DTYPES, FLOAT_DTYPES, seeded_rng
from _nnref import assert_close

ALL_DTYPES = DTYPES  # float32, float64, float16, int32, int64, int8, uint8
ALIASES = {"_npx_arange_like": "_contrib_arange_like", "_sparse__contrib_round_ste": "_contrib_round_ste",
           "_sparse__contrib_sign_ste": "_contrib_sign_ste"}


def nd(x, dtype=None):
    x = np.asarray(x)
    return mx.nd.array(x, dtype=dtype or x.dtype)


def assert_exact(result, expected, dtype):
    got = result.asnumpy()
    assert got.dtype == np.dtype(dtype) and got.shape == expected.shape, (got.dtype, got.shape, expected.shape)
    np.testing.assert_array_equal(got, expected)


def still_works():
    np.testing.assert_array_equal(mx.nd.contrib.arange_like(mx.nd.zeros((2,))).asnumpy(), [0, 1])


# -- arange_like ------------------------------------------------------------------------

def arange_ref(n, start, step, repeat, dtype):
    """MXNet's range kernel: start and step converted to the dtype first."""
    first, delta = np.asarray(start).astype(dtype).item(), np.asarray(step).astype(dtype).item()
    return (first + (np.arange(n) // repeat) * delta).astype(dtype)


def arange_like_checker(dtype):
    data = np.zeros((2, 3, 4), dtype)
    for kwargs in [{}, dict(start=1, step=2, repeat=3, axis=1), dict(axis=-1, repeat=2), dict(repeat=5),
                   dict(start=-2.5, step=0.5), dict(start=3, step=0)]:
        if np.dtype(dtype).kind == "u" and kwargs.get("start", 0) < 0:
            continue  # a negative start has no uint8 value
        out = mx.nd.contrib.arange_like(nd(data), **kwargs)
        n = data.size if "axis" not in kwargs else data.shape[kwargs["axis"]]
        want = arange_ref(n, kwargs.get("start", 0), kwargs.get("step", 1), kwargs.get("repeat", 1), dtype)
        assert_close(out, want.reshape(data.shape if "axis" not in kwargs else (n,)).astype(np.float64), dtype) \
            if dtype in FLOAT_DTYPES else assert_exact(out, want.reshape(out.shape), dtype)


def test_arange_like_mxnet_values():
    x = mx.nd.zeros((2, 3, 4))
    np.testing.assert_array_equal(mx.nd.contrib.arange_like(x, start=1, step=2, repeat=3, axis=1).asnumpy(),
                                  [1, 1, 1])
    np.testing.assert_array_equal(mx.nd.contrib.arange_like(x, axis=-1, repeat=2).asnumpy(), [0, 0, 1, 1])
    # start and step in float32 first: 1e7 + 0.1 * i rounds back to 1e7
    np.testing.assert_array_equal(mx.nd.contrib.arange_like(x, start=1e7, step=0.1).asnumpy()[0, 0], [1e7] * 4)
    assert mx.nd.contrib.arange_like(x.astype("int32")).dtype == np.int32


def test_arange_like_symbol_infers_shape():
    s = mx.sym.contrib.arange_like(mx.sym.var("x"), axis=0)
    assert s.infer_shape(x=(5, 2))[1] == [(5,)]
    assert mx.sym.contrib.arange_like(mx.sym.var("x")).infer_shape(x=(5, 2))[1] == [(5, 2)]


# -- index_array ------------------------------------------------------------------------

def index_array_ref(shape, axes=None):
    grids = np.indices(shape) if shape else np.zeros((0,), np.int64)
    axes = range(len(shape)) if axes is None else [a % len(shape) for a in axes]
    return np.stack([grids[a] for a in axes], axis=-1).astype(np.int64) if list(axes) else \
        np.zeros(tuple(shape) + (0,), np.int64)


def index_array_checker(dtype):
    for shape, axes in [((2, 3, 4), None), ((2, 3, 4), (1,)), ((2, 3, 4), (-1, 0)), ((5,), None),
                        ((2, 3), (1, 1)), ((2, 3), ()), ((0, 3), None)]:
        kwargs = {} if axes is None else dict(axes=axes)
        out = mx.nd.contrib.index_array(nd(np.zeros(shape, dtype)), **kwargs)
        assert_exact(out, index_array_ref(shape, axes), np.int64)


# -- index_copy -------------------------------------------------------------------------

def index_copy_ref(old, index, new):
    out = old.copy()
    for i, row in enumerate(np.trunc(index).astype(np.int64)):
        out[row] = new[i]
    return out


def index_copy_checker(dtype):
    rng = seeded_rng("index_copy", np.dtype(dtype).name)
    old = rng.integers(0, 100, (5, 3, 2)).astype(dtype)
    new = rng.integers(0, 100, (4, 3, 2)).astype(dtype)
    for index in [np.array([4, 1, 0, 2]), np.array([1, 1, 3, 1]), np.array([1.7, 3.2, 0, 4.9])]:
        for index_dtype in ("float32", "int32", "int64"):
            out = mx.nd.contrib.index_copy(nd(old), nd(index, index_dtype), nd(new))
            assert_exact(out, index_copy_ref(old, index.astype(index_dtype), new), dtype)
    assert_exact(mx.nd.contrib.index_copy(nd(old[:, 0, 0]), nd([4, 1], "int32"), nd(new[:2, 0, 0])),
                 index_copy_ref(old[:, 0, 0], np.array([4, 1]), new[:2, 0, 0]), dtype)


# -- allclose ---------------------------------------------------------------------------

def allclose_ref(a, b, rtol=1e-5, atol=1e-8, equal_nan=True):
    """MXNet's test, asymmetric in a and b: equal values (infinities too) are
    close; otherwise |a - b| <= atol + rtol |b|."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    with np.errstate(invalid="ignore"):
        close = (a == b) | (np.abs(a - b) <= np.float32(atol) + np.float32(rtol) * np.abs(b))
    if equal_nan:
        close |= np.isnan(a) & np.isnan(b)
    return np.array(close.all(), np.uint8)


def allclose_checker(dtype):
    rng = seeded_rng("allclose", np.dtype(dtype).name)
    a = rng.integers(0, 50, (3, 4)).astype(dtype)
    cases = [(a, a.copy(), {}), (a, a + np.ones_like(a), {}), (a, a + np.ones_like(a), dict(atol=1.5)),
             (a, a + np.ones_like(a), dict(atol=0.5)), (a + np.ones_like(a), a, dict(rtol=0.02, atol=0))]
    if dtype in FLOAT_DTYPES:
        nan = np.array([1, 2, np.nan], dtype)
        cases += [(nan, nan, {}), (nan, nan, dict(equal_nan=False)),
                  (np.array([1, 2.0001], dtype), np.array([1, 2], dtype), dict(rtol=1e-3)),
                  (np.array([np.inf], dtype), np.array([np.inf], dtype), {}),
                  (np.array([np.inf], dtype), np.array([1], dtype), {}),
                  (np.array([1], dtype), np.array([np.inf], dtype), {})]
    for x, y, kwargs in cases:
        assert_exact(mx.nd.contrib.allclose(nd(x), nd(y), **kwargs), allclose_ref(x, y, **kwargs), np.uint8)


def test_allclose_mxnet_values():
    a, b = mx.nd.array([1, 2, np.nan]), mx.nd.array([1, 2.00001, np.nan])
    assert mx.nd.contrib.allclose(a, b).asnumpy().item() == 1
    assert mx.nd.contrib.allclose(a, b, equal_nan=False).asnumpy().item() == 0
    assert mx.nd.contrib.allclose(a, b, rtol=0).asnumpy().item() == 0
    assert mx.nd.contrib.allclose(mx.nd.array([1.0]), mx.nd.array([1.0000099]), atol=0).asnumpy().item() == 1
    s = mx.sym.contrib.allclose(mx.sym.var("a"), mx.sym.var("b"))
    assert s.infer_shape(a=(2, 3), b=(2, 3))[1] == [()]
    assert s.infer_type(a=np.float32, b=np.float32)[1] == [np.uint8]


# -- element-wise -----------------------------------------------------------------------

def div_sqrt_dim_checker(dtype):
    for shape in [(2, 3, 4), (3, 3), (5,), (2, 1)]:
        x = np.arange(-6, -6 + np.prod(shape)).reshape(shape).astype(dtype)
        out = mx.nd.contrib.div_sqrt_dim(nd(x))
        divisor = np.asarray(np.sqrt(shape[-1])).astype(dtype)
        if dtype in FLOAT_DTYPES:
            assert_close(out, x.astype(np.float64) / divisor.astype(np.float64), dtype, scale=4)
        else:  # integers divide by the truncated root, truncating
            assert_exact(out, np.trunc(x.astype(np.float64) / divisor).astype(dtype), dtype)


def quadratic_checker(dtype):
    x = np.arange(-4, 8).reshape(3, 4).astype(dtype)
    for a, b, c in [(1, 2, 3), (1.5, -2, 0.25), (0, 0, 0), (-0.5, 0, 7)]:
        out = mx.nd.contrib.quadratic(nd(x), a=a, b=b, c=c)
        v = x.astype(np.float64)
        want = a * v * v + b * v + c
        if dtype in FLOAT_DTYPES:
            assert_close(out, want, dtype, scale=100)
        else:  # computed in float32, truncated to the integer dtype
            assert_exact(out, np.trunc(want).astype(dtype), dtype)


def gradientmultiplier_checker(dtype):
    x = np.arange(-5, 7).reshape(3, 4).astype(dtype)
    assert_exact(mx.nd.contrib.gradientmultiplier(nd(x), scalar=-2.5), x, dtype)


STE_INPUT = [-2.5, -1.5, -0.5, 0, 0.5, 1.5, 2.5, 0.2, 7, -3]


def round_ste_checker(dtype):
    x = np.array(STE_INPUT, np.float64).astype(dtype)
    want = np.where(x >= 0, np.floor(x.astype(np.float64) + 0.5), np.ceil(x.astype(np.float64) - 0.5))  # halves away
    assert_exact(mx.nd.contrib.round_ste(nd(x)), want.astype(dtype), dtype)


def sign_ste_checker(dtype):
    x = np.array(STE_INPUT, np.float64).astype(dtype)
    assert_exact(mx.nd.contrib.sign_ste(nd(x)), np.sign(x), dtype)


def test_ste_nan():
    x = mx.nd.array([np.nan, 1.5])
    np.testing.assert_array_equal(mx.nd.contrib.round_ste(x).asnumpy(), [np.nan, 2])
    np.testing.assert_array_equal(mx.nd.contrib.sign_ste(x).asnumpy(), [0, 1])  # NaN -> 0, as MXNet


HARNESS = {
    "_contrib_arange_like": arange_like_checker,
    "_contrib_index_array": index_array_checker,
    "_contrib_index_copy": index_copy_checker,
    "_contrib_allclose": allclose_checker,
    "_contrib_div_sqrt_dim": div_sqrt_dim_checker,
    "_contrib_quadratic": quadratic_checker,
    "_contrib_gradientmultiplier": gradientmultiplier_checker,
    "_contrib_round_ste": round_ste_checker,
    "_contrib_sign_ste": sign_ste_checker,
}
UNSIGNED_SKIP = {"_contrib_div_sqrt_dim", "_contrib_quadratic", "_contrib_round_ste", "_contrib_sign_ste",
                 "_contrib_gradientmultiplier"}  # their inputs are negative


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    if np.dtype(dtype).kind == "u" and name in UNSIGNED_SKIP:
        pytest.skip("negative inputs")
    HARNESS[name](dtype)


def test_symbols_infer():
    x = mx.sym.var("x")
    assert mx.sym.contrib.div_sqrt_dim(x).infer_shape(x=(2, 4))[1] == [(2, 4)]
    assert mx.sym.contrib.index_array(x, axes=(0,)).infer_type(x=np.float16)[1] == [np.int64]


# -- gradients --------------------------------------------------------------------------

X = np.random.default_rng(3).uniform(-2, 2, (3, 4))


def _zero_gradient(fn):
    def check():
        x = mx.nd.array(X, dtype=np.float64)
        x.attach_grad()
        with mx.autograd.record():
            y = fn(x)
        y.backward()
        np.testing.assert_array_equal(x.grad.asnumpy(), np.zeros_like(X))
    return check


def _index_copy_grad():
    old, new = X.copy(), np.random.default_rng(4).uniform(-1, 1, (2, 4))
    # distinct indices: with a repeated one MXNet gives every repeat the row's gradient, though only the last
    # row lands (test_index_copy_gradient_values)
    check_gradient(lambda o, n: mx.nd.contrib.index_copy(o, mx.nd.array([2, 0], dtype="int64"), n), [old, new])


def _scaled_identity(fn, scale):
    """fn's forward is x's (rounded) value: its gradient is scale * out_grad."""
    def check():
        x = mx.nd.array(X, dtype=np.float64)
        x.attach_grad()
        head = np.random.default_rng(5).standard_normal(X.shape)
        with mx.autograd.record():
            y = fn(x)
        y.backward(mx.nd.array(head, dtype=np.float64))
        np.testing.assert_allclose(x.grad.asnumpy(), scale * head, rtol=1e-15)
    return check


def _quadratic_grad():
    f = lambda x: mx.nd.contrib.quadratic(x, a=1.5, b=-2, c=0.5)  # noqa: E731
    check_gradient(f, [X])
    check_second_order(f, [X])


def _div_sqrt_dim_grad():
    check_gradient(mx.nd.contrib.div_sqrt_dim, [X])
    check_second_order(lambda x: mx.nd.contrib.div_sqrt_dim(x) * x, [X])


GRAD_HARNESS = {
    "_contrib_arange_like": _zero_gradient(lambda x: mx.nd.contrib.arange_like(x, start=1, step=3)),
    "_contrib_index_array": _zero_gradient(lambda x: mx.nd.contrib.index_array(x).astype("float64")),
    "_contrib_index_copy": _index_copy_grad,
    "_contrib_div_sqrt_dim": _div_sqrt_dim_grad,
    "_contrib_quadratic": _quadratic_grad,
    "_contrib_gradientmultiplier": _scaled_identity(lambda x: mx.nd.contrib.gradientmultiplier(x, scalar=-2.5), -2.5),
    "_contrib_round_ste": _scaled_identity(mx.nd.contrib.round_ste, 1.0),
    "_contrib_sign_ste": _scaled_identity(mx.nd.contrib.sign_ste, 1.0),
}
NO_GRADIENT = ["_contrib_allclose"]


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()


def test_index_copy_gradient_values():
    """MXNet 1.9.1's gradients for a repeated index."""
    old, new, index = mx.nd.zeros((5, 3)), mx.nd.arange(6).reshape((2, 3)), mx.nd.array([1, 1])
    old.attach_grad()
    new.attach_grad()
    with mx.autograd.record():
        y = mx.nd.contrib.index_copy(old, index, new)
    y.backward(mx.nd.arange(15).reshape((5, 3)))
    np.testing.assert_array_equal(old.grad.asnumpy(), [[0, 1, 2], [0, 0, 0], [6, 7, 8], [9, 10, 11], [12, 13, 14]])
    np.testing.assert_array_equal(new.grad.asnumpy(), [[3, 4, 5], [3, 4, 5]])


def test_allclose_is_not_differentiable():
    a = mx.nd.ones((2,))
    a.attach_grad()
    with pytest.raises(MXNetError):
        with mx.autograd.record():
            y = mx.nd.contrib.allclose(a, a)
        y.backward()
    still_works()


# -- errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("call,match", [
    (lambda: mx.nd.contrib.arange_like(mx.nd.zeros((2, 3)), axis=2), "axis"),
    (lambda: mx.nd.contrib.arange_like(mx.nd.zeros((2, 3)), repeat=0), "repeat"),
    (lambda: mx.nd.contrib.index_array(mx.nd.zeros((2, 3)), axes=(2,)), "axis"),
    (lambda: mx.nd.contrib.index_array(mx.nd.zeros((2, 3)), axes=(-3,)), "axis"),
    (lambda: mx.nd.contrib.index_copy(mx.nd.zeros((5, 3)), mx.nd.array([[4, 1]]), mx.nd.ones((2, 3))), "1-D"),
    (lambda: mx.nd.contrib.index_copy(mx.nd.zeros((5, 3)), mx.nd.array([4, 1]), mx.nd.ones((3, 3))), "one row"),
    (lambda: mx.nd.contrib.index_copy(mx.nd.zeros((5, 3)), mx.nd.array([4, 1]), mx.nd.ones((2, 2))), "rows"),
    (lambda: mx.nd.contrib.index_copy(mx.nd.zeros((5, 3)), mx.nd.array([4, 1]), mx.nd.ones((2,))), "dimensions"),
    (lambda: mx.nd.contrib.index_copy(mx.nd.zeros((5, 3), dtype="float64"), mx.nd.array([4, 1]), mx.nd.ones((2, 3))),
     "float"),
    (lambda: mx.nd.contrib.index_copy(mx.nd.zeros((5, 3)), mx.nd.array([5, 1]), mx.nd.ones((2, 3))), "out of range"),
    (lambda: mx.nd.contrib.index_copy(mx.nd.zeros((5, 3)), mx.nd.array([-1, 1]), mx.nd.ones((2, 3))), "out of range"),
    (lambda: mx.nd.contrib.allclose(mx.nd.ones((2, 3)), mx.nd.ones((3,))), "same shape"),
    (lambda: mx.nd.contrib.allclose(mx.nd.ones((2, 3)), mx.nd.ones((1, 3))), "same shape"),
    (lambda: mx.nd.contrib.allclose(mx.nd.ones((2,)), mx.nd.ones((2,), dtype="float64")), "float"),
    (lambda: mx.nd.contrib.div_sqrt_dim(mx.nd.array(1.0).reshape(())), "0-d"),
    (lambda: mx.nd.contrib.quadratic(mx.nd.ones((2,)), d=1), "d"),
])
def test_errors(call, match):
    with pytest.raises(MXNetError, match=match):
        call().asnumpy()
    still_works()


def test_symbolic_shape_errors():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    with pytest.raises(MXNetError, match="same shape"):
        mx.sym.contrib.allclose(a, b).infer_shape(a=(2, 3), b=(3, 2))
    with pytest.raises(MXNetError, match="one row"):
        mx.sym.contrib.index_copy(a, mx.sym.var("i"), b).infer_shape(a=(5, 3), i=(2,), b=(3, 3))
    still_works()
