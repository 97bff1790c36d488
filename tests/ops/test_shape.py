"""Shape ops (expand_dims, squeeze, Flatten, reshape_like, shape_array,
size_array) and the creation ops _arange / _eye with mx.nd.arange / eye,
against numpy.

Exports HARNESS (canonical op name -> checker(fn, dtype)) and ALIASES (MXNet
alias -> canonical name) like every tests/ops/test_<family>.py; also the small
helpers test_layout.py shares.
"""
import warnings

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError
from mxnet.ndarray.creation import arange, eye

from _adjoint import check_linear_gradient, check_zero_gradient, has_gradient
from _mxref import DTYPES, check, gen, op_function

# bool is not in _mxref.DTYPES, but layout ops must move it too.
LAYOUT_DTYPES = DTYPES + [np.bool_]


def nd(x, dtype):
    return mx.nd.array(x, dtype=dtype)


def rng_for(*key):
    return np.random.default_rng(abs(hash(tuple(str(k) for k in key))) % (2 ** 32))


def check_cases(fn, dtype, cases, reference, key):
    """For (shape, kwargs) cases: fn(x, **kwargs) equals reference(x, **kwargs)."""
    rng = rng_for(key, dtype)
    for shape, kwargs in cases:
        x = gen(shape, dtype, rng)
        check(fn(nd(x, dtype), **kwargs), reference(x, **kwargs), dtype)


def check_out(fn, dtype, x, expected, **kwargs):
    """out= receives the result and is returned."""
    out = mx.nd.zeros(expected.shape, dtype=dtype)
    assert fn(nd(x, dtype), out=out, **kwargs) is out
    check(out, expected, dtype)


def raises(fn, *args, **kwargs):
    with pytest.raises(MXNetError):
        fn(*args, **kwargs).asnumpy()


# ---------------------------------------------------------------------------
# checkers
# ---------------------------------------------------------------------------

def expand_dims_checker(fn, dtype):
    cases = [((2, 3), dict(axis=0)), ((2, 3), dict(axis=2)), ((2, 3), dict(axis=-1)),
             ((2, 3), dict(axis=-3)), ((0, 4), dict(axis=1)), ((1,), dict(axis=0))]
    check_cases(fn, dtype, cases, lambda x, axis: np.expand_dims(x, axis), "expand_dims")
    check_out(fn, dtype, np.ones((2, 3)).astype(dtype), np.ones((2, 1, 3)).astype(dtype), axis=1)
    raises(fn, nd(np.ones((2, 3)), dtype), axis=3)
    raises(fn, nd(np.ones((2, 3)), dtype), axis=-4)


def _np_squeeze(x, axis=None):
    r = np.squeeze(x, axis=axis)
    return r.reshape((1,)) if r.ndim == 0 else r


def squeeze_checker(fn, dtype):
    cases = [((1, 3, 1), {}), ((1, 3, 1), dict(axis=0)), ((1, 3, 1), dict(axis=(0, 2))),
             ((1, 3, 1), dict(axis=-1)), ((1, 1), {}), ((0, 1), {}), ((2, 3), {})]
    check_cases(fn, dtype, cases, _np_squeeze, "squeeze")
    raises(fn, nd(np.ones((1, 3)), dtype), axis=1)   # size 3 is not 1
    raises(fn, nd(np.ones((1, 3)), dtype), axis=2)   # out of range


def flatten_checker(fn, dtype):
    cases = [((2, 3, 4), {}), ((5,), {}), ((2, 0, 3), {}), ((1, 1, 1, 1), {}), ((3, 2), {})]
    check_cases(fn, dtype, cases, lambda x: x.reshape(x.shape[0], -1) if x.shape[0] else
                x.reshape(0, int(np.prod(x.shape[1:]))), "Flatten")


def reshape_like_checker(fn, dtype):
    rng = rng_for("reshape_like", dtype)
    cases = [  # lhs shape, rhs shape, kwargs, expected shape
        ((30, 7), (15, 2, 4), dict(), None),
        ((30, 7), (15, 2, 4), dict(lhs_begin=0, lhs_end=1, rhs_begin=0, rhs_end=2), (15, 2, 7)),
        ((30, 12), (4, 2, 2, 3), dict(lhs_begin=-1, lhs_end=None, rhs_begin=1, rhs_end=None), (30, 2, 2, 3)),
        ((2, 3), (6,), dict(), (6,)),
        ((0, 3), (3, 0), dict(), (3, 0)),
    ]
    for ls, rs, kwargs, shape in cases:
        rs_data = gen(rs, dtype, rng) if shape is not None else gen((7, 30), dtype, rng)
        x = gen(ls, dtype, rng)
        expected = x.reshape(shape if shape is not None else rs_data.shape)
        check(fn(nd(x, dtype), nd(rs_data, np.float32), **kwargs), expected, dtype)
    raises(fn, nd(np.ones((2, 3)), dtype), nd(np.ones((4,)), dtype))
    raises(fn, nd(np.ones((2, 3)), dtype), nd(np.ones((6,)), dtype), lhs_begin=3)


def shape_array_checker(fn, dtype):
    for shape in ((2, 3, 4), (5,), (0, 2), (1, 1, 1, 1, 1)):
        check(fn(nd(np.zeros(shape), dtype)), np.array(shape, dtype=np.int64), np.int64)


def size_array_checker(fn, dtype):
    for shape in ((2, 3, 4), (5,), (0, 2)):
        check(fn(nd(np.zeros(shape), dtype)), np.array([np.prod(shape)], dtype=np.int64), np.int64)


def arange_checker(fn, dtype):
    name = np.dtype(dtype).name
    for kwargs, expected in [
            (dict(start=5), np.arange(5)),
            (dict(start=2, stop=11, step=3), np.arange(2, 11, 3)),
            (dict(start=10, stop=1, step=-2), np.arange(10, 1, -2)),
            (dict(start=0, stop=4, repeat=3), np.repeat(np.arange(4), 3)),
            (dict(start=1, stop=2), np.array([1]))]:
        check(fn(dtype=name, **kwargs), expected.astype(dtype), dtype)
    if np.dtype(dtype).kind == "f":
        check(fn(start=0, stop=1, step=0.25, dtype=name), np.arange(0, 1, 0.25).astype(dtype), dtype)
    r = fn(start=3, ctx=mx.cpu(1))
    assert r.context == mx.cpu(1) and r.dtype is np.float32
    for bad in (dict(start=0, stop=3, step=0), dict(start=3, stop=0), dict(start=0, stop=3, step=-1),
                dict(start=0, stop=3, repeat=0)):
        raises(fn, dtype=name, **bad)


def eye_checker(fn, dtype):
    name = np.dtype(dtype).name
    for kwargs in (dict(N=3), dict(N=2, M=4), dict(N=4, M=3, k=1), dict(N=3, k=-2), dict(N=3, k=5),
                   dict(N=0), dict(N=1)):
        expected = np.eye(kwargs["N"], kwargs.get("M") or None, kwargs.get("k", 0), dtype=dtype)
        check(fn(dtype=name, **kwargs), expected, dtype)
    assert fn(N=2).dtype is np.float32
    raises(fn, N=-1)


HARNESS = {
    "expand_dims": expand_dims_checker,
    "squeeze": squeeze_checker,
    "Flatten": flatten_checker,
    "reshape_like": reshape_like_checker,
    "shape_array": shape_array_checker,
    "size_array": size_array_checker,
    "_arange": arange_checker,
    "_eye": eye_checker,
}

ALIASES = {"flatten": "Flatten"}


@pytest.mark.parametrize("dtype", LAYOUT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", sorted(HARNESS))
def test_op(name, dtype):
    if name in ("_arange", "_eye") and dtype is np.bool_:
        pytest.skip("MXNet's _arange and _eye have no bool dtype")
    HARNESS[name](op_function(name), dtype)


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_alias(alias):
    HARNESS[ALIASES[alias]](op_function(alias), np.float32)


# ---------------------------------------------------------------------------
# gradients
# ---------------------------------------------------------------------------

X = np.random.default_rng(2).standard_normal((2, 1, 3, 1))

GRAD_HARNESS = {
    "Reshape": lambda: (check_linear_gradient(lambda x: mx.nd.Reshape(x, shape=(-1, 0), reverse=True), X),
                        check_linear_gradient(lambda x: mx.nd.Reshape(x, target_shape=(3, 0)), X)),
    "expand_dims": lambda: check_linear_gradient(lambda x: mx.nd.expand_dims(x, axis=-2), X),
    "squeeze": lambda: (check_linear_gradient(mx.nd.squeeze, X),
                        check_linear_gradient(lambda x: mx.nd.squeeze(x, axis=(-1,)), X)),
    "Flatten": lambda: check_linear_gradient(mx.nd.Flatten, X),
    # rhs only gives its shape: no gradient
    "reshape_like": lambda: check_linear_gradient(
        lambda x, y: mx.nd.reshape_like(x, y, lhs_begin=1, rhs_begin=1), X, np.zeros((5, 3))),
    "shape_array": lambda: check_zero_gradient(mx.nd.shape_array, [X]),
    "size_array": lambda: check_zero_gradient(mx.nd.size_array, [X]),
}

# Creation ops have no array inputs to differentiate.
NO_GRADIENT = {"_arange", "_eye", "_zeros", "_ones", "_full"}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()


@pytest.mark.parametrize("name", sorted(NO_GRADIENT))
def test_no_gradient(name):
    assert not has_gradient(name)


# ---------------------------------------------------------------------------
# examples and the Python helpers
# ---------------------------------------------------------------------------

def test_shape_ops_may_share_the_input_memory():
    x = mx.nd.array(np.arange(6).reshape(2, 3))
    y = mx.nd.expand_dims(x, axis=0)
    np.testing.assert_array_equal(y.asnumpy(), np.arange(6).reshape(1, 2, 3))
    np.testing.assert_array_equal(mx.nd.squeeze(y).asnumpy(), np.arange(6).reshape(2, 3))
    assert mx.nd.flatten(mx.nd.zeros((2, 3, 4))).shape == (2, 12)
    assert mx.nd.squeeze(mx.nd.zeros((1, 1))).shape == (1,)


def test_arange_helper():
    np.testing.assert_array_equal(arange(3).asnumpy(), [0, 1, 2])
    r = arange(2, 8, 2, repeat=2, dtype="int32")
    assert r.dtype is np.int32
    np.testing.assert_array_equal(r.asnumpy(), [2, 2, 4, 4, 6, 6])
    assert arange(1, 2, 0.5).dtype is np.float32
    assert arange(0, 4, ctx=mx.cpu(1)).context == mx.cpu(1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.testing.assert_array_equal(arange(0, 3, infer_range=True).asnumpy(), [0, 1, 2])
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    with pytest.raises(MXNetError):
        arange(0, 3, 0)


def test_eye_helper():
    np.testing.assert_array_equal(eye(3).asnumpy(), np.eye(3))
    r = eye(2, 3, 1, dtype="int64")
    assert r.dtype is np.int64
    np.testing.assert_array_equal(r.asnumpy(), np.eye(2, 3, 1))
    assert eye(2, ctx=mx.cpu(1)).context == mx.cpu(1)
