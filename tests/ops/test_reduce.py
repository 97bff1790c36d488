"""Reductions (sum, mean, prod, nansum, nanprod, max, min, norm) and index
searches (argmax, argmin, argmax_channel) against numpy float64 references.

MXNet 1.9's legacy rules the references encode: a full reduction gives shape
(1,), never a 0-d array; axis=() means every axis; exclude reduces the axes
not listed; every result keeps the input dtype (argmax's indices too), except
norm with out_dtype; integer sums and products wrap in the dtype; integer
mean truncates toward zero.
"""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import check, is_float, is_unsigned

# (shape, axis, keepdims, exclude)
AXES_CASES = [
    ((2, 3, 4), None, False, False),
    ((2, 3, 4), None, True, False),
    ((2, 3, 4), (), False, False),
    ((2, 3, 4), 0, False, False),
    ((2, 3, 4), 1, True, False),
    ((2, 3, 4), -1, False, False),
    ((2, 3, 4), (0, 2), False, False),
    ((2, 3, 4), (2, 0), True, False),
    ((2, 3, 4), (0, 1, 2), False, False),
    ((2, 3, 4), 1, False, True),
    ((2, 3, 4), (0, 2), True, True),
    ((5,), 0, False, False),
    ((5,), 0, True, False),
    ((1, 1), None, False, False),
    ((3, 1, 2), 1, False, False),
    ((4, 1, 3, 5), (1, 3), False, False),
    ((2, 5, 3, 4), (0, 2), False, False),
    ((64, 257), 0, False, False),     # wide rows: the tiled column path
    ((257, 64), 1, False, False),
    ((3, 40000), None, False, False),  # one output, reduced in parallel pieces
    ((300, 2, 300), (0, 2), False, False),
]

# empty inputs: (shape, axis)
EMPTY_CASES = [((0, 3), 0), ((0, 3), 1), ((2, 0, 3), (0, 1)), ((0,), None)]


def nd(x, dtype):
    return mx.nd.array(x, dtype=dtype)


def rng_for(*key):
    return np.random.default_rng(abs(hash(tuple(str(k) for k in key))) % (2 ** 32))


def values(shape, dtype, rng, kind):
    """Small values that keep every op in range; floats are multiples of 1/2
    (so ties and exact float16 sums occur) or near 1 for products."""
    if kind == "prod":
        if is_float(dtype):
            return rng.choice([0.5, 1.0, 1.5, -1.0, 2.0], size=shape).astype(dtype)
        return rng.choice([1, 2] if is_unsigned(dtype) else [1, -1, 2], size=shape).astype(dtype)
    if is_float(dtype):
        return (rng.integers(-8, 9, size=shape) / 2.0).astype(dtype)
    low = 0 if is_unsigned(dtype) else -6
    return rng.integers(low, 7, size=shape).astype(dtype)


def reduced_axes(ndim, axis, exclude):
    if axis is None or axis == ():
        return tuple(range(ndim))
    axes = {a % ndim for a in ((axis,) if np.isscalar(axis) else axis)}
    if exclude:
        axes = set(range(ndim)) - axes
    return tuple(sorted(axes))


def legacy_shape(result):
    """MXNet 1.x has no 0-d arrays: a full reduction is (1,)."""
    return result.reshape((1,)) if result.ndim == 0 else result


def ref_reduce(name, x, axis, keepdims, exclude):
    axes = reduced_axes(x.ndim, axis, exclude)
    dtype = x.dtype
    if is_float(dtype):
        v = x.astype(np.float64)
        fn = {"sum": np.sum, "mean": np.mean, "prod": np.prod, "nansum": np.nansum,
              "nanprod": np.nanprod, "max": np.max, "min": np.min}[name]
        with np.errstate(all="ignore"):
            r = fn(v, axis=axes, keepdims=keepdims)
    else:
        v = x.astype(np.int64)
        count = int(np.prod([x.shape[a] for a in axes]))
        if name in ("sum", "nansum"):
            r = v.sum(axis=axes, keepdims=keepdims)
        elif name == "mean":
            s = v.sum(axis=axes, keepdims=keepdims)
            r = np.fix(s / count).astype(np.int64) if count else np.zeros_like(s)
        elif name in ("prod", "nanprod"):
            r = v.prod(axis=axes, keepdims=keepdims)
        else:
            r = (np.max if name == "max" else np.min)(v, axis=axes, keepdims=keepdims)
    return legacy_shape(np.asarray(r)).astype(dtype)  # integer results wrap like C


def reduce_checker(name):
    kind = "prod" if "prod" in name else "sum"

    def run(fn, dtype):
        rng = rng_for(name, dtype)
        for shape, axis, keepdims, exclude in AXES_CASES:
            x = values(shape, dtype, rng, kind)
            r = fn(nd(x, dtype), axis=axis, keepdims=keepdims, exclude=exclude)
            check(r, ref_reduce(name, x, axis, keepdims, exclude), dtype)
        # defaults (every axis), positional axis, out=
        x = values((3, 4), dtype, rng, kind)
        check(fn(nd(x, dtype)), ref_reduce(name, x, None, False, False), dtype)
        check(fn(nd(x, dtype), 1), ref_reduce(name, x, 1, False, False), dtype)
        out = mx.nd.zeros((4,), dtype=dtype)
        assert fn(nd(x, dtype), axis=0, out=out) is out
        check(out, ref_reduce(name, x, 0, False, False), dtype)
        # empty inputs: the identity (mean: NaN, or 0 for integers); max and
        # min have none, so MXNet rejects them
        for shape, axis in EMPTY_CASES:
            x = np.zeros(shape, dtype=dtype)
            if name in ("max", "min"):
                with pytest.raises(MXNetError, match="size should be > 0"):
                    fn(nd(x, dtype), axis=axis)
            else:
                check(fn(nd(x, dtype), axis=axis), ref_reduce(name, x, axis, False, False), dtype)
        # bad axes
        for axis in (3, -4, (0, 0), (1, -2)):
            with pytest.raises(MXNetError):
                fn(nd(np.ones((2, 3, 4)), dtype), axis=axis)
    return run


def norm_reference(x, ord, axis, keepdims, out_dtype):
    axes = reduced_axes(x.ndim, axis, False)
    v = np.abs(x.astype(np.float64))
    r = v.sum(axis=axes, keepdims=keepdims) if ord == 1 else \
        np.sqrt((v * v).sum(axis=axes, keepdims=keepdims))
    r = legacy_shape(np.asarray(r))
    target = np.dtype(out_dtype or x.dtype)
    return (r if is_float(target) else np.trunc(r)).astype(target)


def norm_checker(fn, dtype):
    rng = rng_for("norm", dtype)
    for shape, axis, keepdims, exclude in AXES_CASES:
        if exclude:
            continue  # norm has no exclude
        x = values(shape, dtype, rng, "sum")
        for ord in (1, 2):
            r = fn(nd(x, dtype), ord=ord, axis=axis, keepdims=keepdims)
            check(r, norm_reference(x, ord, axis, keepdims, None), dtype)
    x = values((3, 4), dtype, rng, "sum")
    check(fn(nd(x, dtype)), norm_reference(x, 2, None, False, None), dtype)
    for out_dtype in ("float32", "float64", "float16", "int32", "int64", "int8"):
        r = fn(nd(x, dtype), axis=1, out_dtype=out_dtype)
        assert r.dtype is np.dtype(out_dtype).type
        # computed in the input's precision, then converted
        expected = norm_reference(x, 2, 1, False, out_dtype)
        tol = 0 if not is_float(out_dtype) else 2e-3 if np.float16 in (dtype, np.dtype(out_dtype)) else 1e-6
        np.testing.assert_allclose(r.asnumpy().astype(np.float64), expected.astype(np.float64), rtol=tol, atol=tol)
    check(fn(nd(np.zeros((0, 3), dtype), dtype), axis=0), np.zeros((3,), dtype), dtype)
    with pytest.raises(MXNetError, match="ord"):
        fn(nd(x, dtype), ord=3)
    with pytest.raises(MXNetError):
        fn(nd(x, dtype), axis=2)


def ref_search(name, x, axis, keepdims):
    fn = np.argmax if name in ("argmax", "argmax_channel") else np.argmin
    if axis is None or x.ndim == 1:
        r = np.asarray(fn(x.astype(np.float64))).reshape((1,) * x.ndim if keepdims else (1,))
    else:
        r = fn(x.astype(np.float64), axis=axis)
        if keepdims:
            r = np.expand_dims(r, axis)
    return r.astype(x.dtype)


SEARCH_CASES = [((2, 3, 4), None, False), ((2, 3, 4), None, True), ((2, 3, 4), 0, False),
                ((2, 3, 4), 1, True), ((2, 3, 4), -1, False), ((7,), 0, False), ((7,), None, True),
                ((1, 1), 1, False), ((3, 0), 0, False), ((40, 300), 1, False)]


def search_checker(name):
    def run(fn, dtype):
        rng = rng_for(name, dtype)
        for shape, axis, keepdims in SEARCH_CASES:
            x = values(shape, dtype, rng, "sum")
            check(fn(nd(x, dtype), axis=axis, keepdims=keepdims), ref_search(name, x, axis, keepdims), dtype)
        if is_float(dtype):  # a NaN is the extreme, its first occurrence wins
            x = np.array([[1, np.nan, 3, np.nan], [4, 2, 1, 0]], dtype=dtype)
            check(fn(nd(x, dtype), axis=1), np.array([1, 0 if name == "argmax" else 3], dtype), dtype)
        for axis in (2, -3):
            with pytest.raises(MXNetError, match="out of range"):
                fn(nd(np.ones((2, 3)), dtype), axis=axis)
        with pytest.raises(MXNetError, match="empty"):
            fn(nd(np.ones((2, 0)), dtype), axis=1)
    return run


def argmax_channel_checker(fn, dtype):
    rng = rng_for("argmax_channel", dtype)
    for shape in ((3, 5), (2, 4, 3), (6,), (1, 1)):
        x = values(shape, dtype, rng, "sum")
        check(fn(nd(x, dtype)), ref_search("argmax_channel", x, 1 if x.ndim > 1 else None, False), dtype)


HARNESS = {name: reduce_checker(name) for name in ("sum", "mean", "prod", "nansum", "nanprod", "max", "min")}
HARNESS.update({
    "norm": norm_checker,
    "argmax": search_checker("argmax"),
    "argmin": search_checker("argmin"),
    "argmax_channel": argmax_channel_checker,
})

ALIASES = {"sum_axis": "sum", "max_axis": "max", "min_axis": "min"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32, np.int64, np.int8, np.uint8],
                         ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd, name), dtype)


@pytest.mark.parametrize("alias,canonical", sorted(ALIASES.items()))
def test_alias_computes_the_same(alias, canonical):
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(getattr(mx.nd, alias)(mx.nd.array(x), axis=1).asnumpy(),
                                  getattr(mx.nd, canonical)(mx.nd.array(x), axis=1).asnumpy())


def test_nan_handling():
    x = np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, 3.0]], dtype=np.float32)
    a = mx.nd.array(x)
    np.testing.assert_array_equal(mx.nd.nansum(a, axis=1).asnumpy(), [3, 3])
    np.testing.assert_array_equal(mx.nd.nanprod(a, axis=1).asnumpy(), [2, 3])
    np.testing.assert_array_equal(mx.nd.nansum(a, axis=0).asnumpy(), [1, 0, 5])
    assert np.isnan(mx.nd.sum(a, axis=1).asnumpy()).all()
    np.testing.assert_array_equal(mx.nd.max(a, axis=0).asnumpy(), [np.nan, np.nan, 3])
    np.testing.assert_array_equal(mx.nd.min(a, axis=1).asnumpy(), [np.nan, np.nan])


def test_float16_accumulates_in_float32():
    # a float16 running sum of ones stops at 2048
    for shape, axis in (((4096, 3), 0), ((3, 4096), 1), ((4096,), None)):
        r = mx.nd.sum(mx.nd.ones(shape, dtype="float16"), axis=axis)
        assert r.dtype is np.float16
        assert (r.asnumpy() == 4096).all()
    assert mx.nd.mean(mx.nd.ones((1, 5000), dtype="float16")).asscalar() == 1


def test_large_float32_sums_against_float64():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((512, 1024)).astype(np.float32)
    a = mx.nd.array(x)
    for axis in (0, 1, None):
        r = mx.nd.sum(a, axis=axis).asnumpy()
        np.testing.assert_allclose(r, legacy_shape(np.asarray(x.astype(np.float64).sum(axis=axis))),
                                   rtol=1e-4, atol=1e-3)


# Shapes that take every path and split of the kernels: one output cut into
# pieces, few outputs cut into pieces, long rows, short rows, many tiny rows,
# few wide columns cut into row blocks, several tiles, reduced axes on both
# sides of a kept one, few groups of short rows cut into tiles of outputs
# (unevenly, and with reduced runs outside the row).
LARGE_CASES = [((3_000_000,), None), ((2, 700_000), 1), ((700_000, 3), 0), ((300, 9000), 0),
               ((3, 5000, 70), (0, 2)), ((30, 5000, 4), (0, 2)), ((20, 8, 5000), (0, 2)),
               ((5, 4000, 90), 1), ((40, 50_000), 1), ((32, 100_000, 2), 1), ((200_000, 4), 1),
               ((1000, 300), 1), ((7, 3, 500, 200), (1, 3))]


@pytest.mark.parametrize("shape,axis", LARGE_CASES, ids=str)
def test_large_float32_reductions_against_float64(shape, axis):
    # A float32 running sum over these is off by ~1e-5 relative (numpy's own
    # sum over axis 0 is, being sequential); blocked pairwise sums stay
    # within a few float32 ulps.
    x = np.random.default_rng(7).random(shape, dtype=np.float32)
    a = mx.nd.array(x)
    v = x.astype(np.float64)
    expected = {"sum": v.sum(axis=axis), "mean": v.mean(axis=axis), "nansum": v.sum(axis=axis),
                "norm": np.sqrt((v * v).sum(axis=axis))}
    for name, ref in expected.items():
        r = getattr(mx.nd, name)(a, axis=axis).asnumpy()
        np.testing.assert_allclose(r, legacy_shape(np.asarray(ref)), rtol=1e-6, err_msg=name)
    for name, fn in (("max", np.max), ("min", np.min)):
        r = getattr(mx.nd, name)(a, axis=axis).asnumpy()
        np.testing.assert_array_equal(r, legacy_shape(np.asarray(fn(x, axis=axis))), err_msg=name)


def test_sum_of_many_float32_ones_is_exact():
    # A float32 running sum of ones stops growing at 2**24.
    n = (1 << 24) + (1 << 22)
    assert mx.nd.sum(mx.nd.ones((n,))).asscalar() == n
    np.testing.assert_array_equal(mx.nd.sum(mx.nd.ones((10 ** 7 // 2, 2)), axis=0).asnumpy(), [5e6, 5e6])
    assert mx.nd.sum(mx.nd.ones((10 ** 7,))).asscalar() == 1e7


@pytest.mark.parametrize("shape,axis", [((300_000,), None), ((2, 300_000), 1), ((300_000, 3), 0),
                                        ((3, 5, 2500), 1), ((4, 70_000, 2), 1)], ids=str)
def test_large_searches_find_the_first_extreme(shape, axis):
    # Equal extremes in different blocks and pieces: the first one wins.
    rng = np.random.default_rng(3)
    x = rng.random(shape, dtype=np.float32) * 0.5 + 0.25
    length = x.size if axis is None else shape[axis]
    flat = x.reshape(-1) if axis is None else np.moveaxis(x, axis, -1)
    for at, value in ((length * 3 // 4, 1.0), (length // 3, 1.0), (length // 2, 1.0),
                      (length * 2 // 3, 0.0), (length // 5, 0.0), (length - 1, 0.0)):
        flat[..., at] = value
    for name, fn in (("argmax", np.argmax), ("argmin", np.argmin)):
        r = getattr(mx.nd, name)(mx.nd.array(x), axis=axis).asnumpy()
        expected = fn(x, axis=axis)
        np.testing.assert_array_equal(r, legacy_shape(np.asarray(expected)).astype(np.float32), err_msg=name)
    # a NaN late in a long slice beats every number; the first of two NaNs wins
    flat[..., length - 2] = np.nan
    flat[..., length - 1] = np.nan
    for name in ("argmax", "argmin"):
        r = getattr(mx.nd, name)(mx.nd.array(x), axis=axis).asnumpy()
        assert (r == length - 2).all(), name


def test_infinities_and_wrapping():
    a = mx.nd.array([[np.inf, 1.0], [-np.inf, 2.0]])
    np.testing.assert_array_equal(mx.nd.max(a, axis=1).asnumpy(), [np.inf, 2])
    np.testing.assert_array_equal(mx.nd.min(a, axis=0).asnumpy(), [-np.inf, 1])
    # integer sums wrap in the dtype, as MXNet's in-type accumulation does
    r = mx.nd.sum(mx.nd.array([100, 100], dtype="int8"))
    assert r.dtype is np.int8 and r.asscalar() == np.int8(-56)


def test_bool_is_rejected():
    with pytest.raises(MXNetError):
        mx.nd.sum(mx.nd.array([1, 0], dtype="bool")).asnumpy()
