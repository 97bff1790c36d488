"""sort, argsort and topk against a numpy reference: every axis and None,
both directions, ties, NaN and infinities, every index dtype, topk's four
return types, 0-size and size-1 dims, views, out=, and the error cases.

The order the references encode: equal values keep their input order (the
smaller index first, ascending or descending), -0 equals +0, and NaN orders
above +inf (last when ascending, first when descending).
"""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _adjoint import adjoint_checker, check_zero_gradient, has_gradient
from _gradcheck import check_gradient
from _mxref import DTYPES, gen, op_function, seeded_rng

INDEX_DTYPES = ["float16", "float32", "float64", "int32", "int64", "uint8"]

# (shape, axis): ties are frequent in gen's values
CASES = [((2, 3, 4), -1), ((2, 3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), None), ((5,), 0),
         ((1, 1), -1), ((3, 1), 1), ((1, 6), 0), ((0, 4), -1), ((4, 0), 0), ((4, 0), 1),
         ((7, 1000), -1), ((300, 3, 50), 1), ((20, 40), None)]


def nd(x, dtype):
    return mx.nd.array(x, dtype=dtype)


def permutation(x, axis, ascending):
    """The stable ordering permutation along axis (of the flattened x for None)."""
    v = x.astype(np.float64)
    if axis is None:
        v, axis = v.reshape(-1), 0
    nan = np.isnan(v)
    value = np.where(nan, 0.0, v)
    if not ascending:
        nan, value = ~nan, -value
    return np.lexsort((value, nan), axis=axis)  # the last key is the primary one


def flat(x, axis):
    return x.reshape(-1) if axis is None else x


def ref_sort(x, axis, ascending):
    return np.take_along_axis(flat(x, axis), permutation(x, axis, ascending), axis or 0)


def ref_topk(x, axis, k, ret_typ, ascending, dtype):
    n = x.size if axis is None else x.shape[axis]
    k = n if k < 1 else k
    perm = np.take(permutation(x, axis, ascending), np.arange(k), axis=axis or 0)
    values = np.take_along_axis(flat(x, axis), perm, axis or 0)
    if ret_typ == "value":
        return values
    if ret_typ == "indices":
        return perm.astype(dtype)
    if ret_typ == "both":
        return [values, perm.astype(dtype)]
    mask = np.zeros_like(flat(x, axis))
    np.put_along_axis(mask, perm, 1, axis or 0)
    return mask.reshape(x.shape)


def assert_equal(result, expected):
    """Exact values and dtype: ordering moves values, it computes none."""
    assert result.dtype is expected.dtype.type, (result.dtype, expected.dtype)
    np.testing.assert_array_equal(result.asnumpy(), expected)


def shared_error_cases(fn, dtype):
    a = nd(np.ones((2, 3, 4)), dtype)
    for axis in (3, -4):
        with pytest.raises(MXNetError, match="out of range"):
            fn(a, axis=axis)
    with pytest.raises(MXNetError, match="bool"):
        fn(mx.nd.array([1, 0], dtype="bool"))


def sort_checker(fn, dtype):
    rng = seeded_rng("sort", dtype)
    for shape, axis in CASES:
        x = gen(shape, dtype, rng)
        for ascending in (True, False):
            assert_equal(fn(nd(x, dtype), axis=axis, is_ascend=ascending), ref_sort(x, axis, ascending))
    x = gen((4, 6), dtype, rng)
    assert_equal(fn(nd(x, dtype)), ref_sort(x, -1, True))  # defaults: last axis, ascending
    assert_equal(fn(nd(x, dtype), 0, False), ref_sort(x, 0, False))  # positional parameters
    out = mx.nd.zeros((4, 6), dtype=dtype)
    assert fn(nd(x, dtype), out=out) is out
    assert_equal(out, ref_sort(x, -1, True))
    a = nd(x, dtype)
    fn(a, axis=0, out=a)  # in place
    assert_equal(a, ref_sort(x, 0, True))
    shared_error_cases(fn, dtype)


def argsort_checker(fn, dtype):
    rng = seeded_rng("argsort", dtype)
    for shape, axis in CASES:
        x = gen(shape, dtype, rng)
        for ascending in (True, False):
            expected = permutation(x, axis, ascending).astype(np.float32)
            assert_equal(fn(nd(x, dtype), axis=axis, is_ascend=ascending), expected)
    x = gen((5, 7), dtype, rng)
    for index_dtype in INDEX_DTYPES:
        r = fn(nd(x, dtype), dtype=index_dtype)
        assert_equal(r, permutation(x, -1, True).astype(index_dtype))
    # the index dtype must hold every index exactly: uint8 up to 255, float16 up to 2048
    for index_dtype, n in (("uint8", 256), ("float16", 2049)):
        x_long = gen((n,), dtype, rng)
        assert_equal(fn(nd(x_long, dtype), dtype=index_dtype), permutation(x_long, -1, True).astype(index_dtype))
    for index_dtype, n in (("uint8", 257), ("float16", 2050)):
        with pytest.raises(MXNetError, match="cannot represent"):
            fn(nd(np.zeros((2, n)), dtype), dtype=index_dtype)
    for bad in ("int8", "bool", "float128"):
        with pytest.raises(MXNetError):
            fn(nd(x, dtype), dtype=bad)
    shared_error_cases(fn, dtype)


def topk_checker(fn, dtype):
    rng = seeded_rng("topk", dtype)
    for shape, axis in CASES:
        x = gen(shape, dtype, rng)
        n = x.size if axis is None else x.shape[axis]
        if n == 0:
            continue
        for k in sorted({1, min(2, n), n, 0}):
            for ret_typ in ("value", "indices", "mask", "both"):
                for ascending in (False, True):
                    r = fn(nd(x, dtype), axis=axis, k=k, ret_typ=ret_typ, is_ascend=ascending)
                    expected = ref_topk(x, axis, k, ret_typ, ascending, np.float32)
                    if ret_typ == "both":
                        assert isinstance(r, list) and len(r) == 2
                        assert_equal(r[0], expected[0])
                        assert_equal(r[1], expected[1])
                    else:
                        assert_equal(r, expected)
    x = gen((4, 9), dtype, rng)
    a = nd(x, dtype)
    assert_equal(fn(a), ref_topk(x, -1, 1, "indices", False, np.float32))  # defaults
    assert_equal(fn(a, k=-3, ret_typ="value"), ref_topk(x, -1, 0, "value", False, None))  # k < 1: all
    for index_dtype in INDEX_DTYPES:
        assert_equal(fn(a, k=3, dtype=index_dtype), ref_topk(x, -1, 3, "indices", False, index_dtype))
        values, indices = fn(a, k=3, ret_typ="both", dtype=index_dtype)
        assert_equal(indices, ref_topk(x, -1, 3, "indices", False, index_dtype))
        assert_equal(values, ref_topk(x, -1, 3, "value", False, None))
    # the index dtype matters only for the return types that carry indices
    assert_equal(fn(nd(np.zeros((2, 300)), dtype), k=2, ret_typ="value", dtype="uint8"),
                 np.zeros((2, 2), dtype))
    with pytest.raises(MXNetError, match="cannot represent"):
        fn(nd(np.zeros((2, 300)), dtype), k=2, ret_typ="both", dtype="uint8")
    outs = [mx.nd.zeros((4, 2), dtype=dtype), mx.nd.zeros((4, 2), dtype="int64")]
    assert fn(a, k=2, ret_typ="both", dtype="int64", out=outs) is outs
    assert_equal(outs[1], ref_topk(x, -1, 2, "indices", False, np.int64))
    for k in (10, 100):
        with pytest.raises(MXNetError, match="k must be"):
            fn(a, k=k)
    for axis in (None, 1):
        with pytest.raises(MXNetError, match="k must be"):
            fn(nd(np.zeros((3, 0)), dtype), axis=axis, k=0)
    for bad in (dict(ret_typ="values"), dict(dtype="int8"), dict(k=1.5)):
        with pytest.raises(MXNetError):
            fn(a, **bad)
    shared_error_cases(fn, dtype)


def _selection_case(shape, axis, k, seed):
    """_backward_topk's inputs for the k first of a random order along axis."""
    order = np.random.default_rng(seed).permutation(int(np.prod(shape)))
    if axis is None:
        indices = order[:k]
        return shape, [indices], dict(axis=None), lambda x: x.ravel()[indices]
    indices = np.take(np.argsort(order.reshape(shape), axis=axis), np.arange(k), axis=axis)
    return shape, [indices], dict(axis=axis), lambda x: np.take_along_axis(x, indices, axis=axis)


# The gradient of topk and sort: ograd goes back to the selected positions.
backward_topk_checker = adjoint_checker(
    [_selection_case((2, 3, 4), -1, 2, 0), _selection_case((2, 3, 4), 0, 2, 1),
     _selection_case((2, 3, 4), 1, 3, 2), _selection_case((2, 3, 4), None, 5, 3),
     _selection_case((3, 0), 0, 1, 4)], "_backward_topk")


HARNESS = {"sort": sort_checker, "argsort": argsort_checker, "topk": topk_checker,
           "_backward_topk": backward_topk_checker}
ALIASES = {"_npx_topk": "topk"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](op_function(name), dtype)


def test_backward_topk_rejects_indices_outside_the_axis():
    with pytest.raises(MXNetError, match="out of bounds"):
        mx.nd._internal._backward_topk(mx.nd.ones((2, 1)), mx.nd.ones((2, 3)), mx.nd.array([[0], [3]]),
                                       axis=1).asnumpy()
    with pytest.raises(MXNetError, match="do not select"):
        mx.nd._internal._backward_topk(mx.nd.ones((2, 4)), mx.nd.ones((2, 3)), mx.nd.zeros((2, 4)), axis=1)


# -- gradients -----------------------------------------------------------------------------

X = np.random.default_rng(4).permutation(24).reshape(2, 3, 4) / 4.0   # distinct values


def _topk_gradient():
    for kwargs in (dict(axis=1, k=2), dict(axis=None, k=5, is_ascend=True), dict(axis=0, k=0)):
        check_gradient(lambda x: mx.nd.topk(x, ret_typ="value", **kwargs), [X])
        check_gradient(lambda x: mx.nd.topk(x, ret_typ="both", **kwargs), [X])
    for ret_typ in ("indices", "mask"):
        check_zero_gradient(lambda x: mx.nd.topk(x, ret_typ=ret_typ, k=2), [X])


GRAD_HARNESS = {
    "sort": lambda: [check_gradient(lambda x: mx.nd.sort(x, **kwargs), [X])
                     for kwargs in (dict(), dict(axis=0, is_ascend=False), dict(axis=None))],
    "topk": _topk_gradient,
    "argsort": lambda: check_zero_gradient(lambda x: mx.nd.argsort(x, axis=1), [X]),
}

# topk's gradient op: its own gradient (a gather along the axis) has no op.
NO_GRADIENT = {"_backward_topk"}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()


@pytest.mark.parametrize("name", sorted(NO_GRADIENT))
def test_no_gradient(name):
    assert not has_gradient(name)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_nan_infinities_and_signed_zeros(dtype):
    x = np.array([[np.nan, 1, -np.inf, np.inf, -0.0, 0.0, np.nan, -2]], dtype=dtype)
    a = nd(x, dtype)
    for ascending in (True, False):
        perm = permutation(x, -1, ascending)
        assert_equal(mx.nd.argsort(a, is_ascend=ascending, dtype="int32"), perm.astype(np.int32))
        got = mx.nd.sort(a, is_ascend=ascending).asnumpy()
        np.testing.assert_array_equal(got, np.take_along_axis(x, perm, -1))
        # the values come back bit for bit: -0 stays -0
        assert np.array_equal(np.signbit(got), np.signbit(np.take_along_axis(x, perm, -1)))
    np.testing.assert_array_equal(mx.nd.topk(a, k=2, ret_typ="indices").asnumpy(), [[0, 6]])


def test_extreme_integers_keep_their_order():
    for dtype in ("int8", "uint8", "int32", "int64"):
        info = np.iinfo(dtype)
        x = np.array([info.max, info.min, 0, -1 if info.min < 0 else 1, info.max, info.min], dtype=dtype)
        np.testing.assert_array_equal(mx.nd.sort(nd(x, dtype)).asnumpy(), np.sort(x, kind="stable"))
        np.testing.assert_array_equal(mx.nd.argsort(nd(x, dtype), is_ascend=False, dtype="int64").asnumpy(),
                                      np.argsort(-x.astype(np.float64), kind="stable"))


def test_views_and_non_contiguous_sources():
    x = gen((6, 8), np.float32, seeded_rng("views"))
    a = mx.nd.array(x)
    assert_equal(mx.nd.sort(a[2:5]), ref_sort(x[2:5], -1, True))
    assert_equal(mx.nd.topk(a[1], k=3, ret_typ="value"), ref_topk(x[1], -1, 3, "value", False, None))
    transposed = x.T  # a strided numpy source
    assert_equal(mx.nd.argsort(mx.nd.array(transposed), axis=0), permutation(transposed, 0, True).astype(np.float32))
    out_base = mx.nd.zeros((6, 8))
    mx.nd.sort(a[0:2], is_ascend=False, out=out_base[3:5])
    expected = np.zeros((6, 8), np.float32)
    expected[3:5] = ref_sort(x[0:2], -1, False)
    assert_equal(out_base, expected)


def test_fluent_methods():
    x = gen((3, 5), np.float32, seeded_rng("fluent"))
    a = mx.nd.array(x)
    assert_equal(a.sort(axis=0, is_ascend=False), ref_sort(x, 0, False))
    assert_equal(a.argsort(axis=None), permutation(x, None, True).astype(np.float32))
    assert_equal(a.topk(k=2, ret_typ="mask"), ref_topk(x, -1, 2, "mask", False, None))


def test_large_rows_in_parallel_match_numpy():
    x = seeded_rng("large").standard_normal((64, 20000)).astype(np.float32)
    a = mx.nd.array(x)
    np.testing.assert_array_equal(mx.nd.sort(a).asnumpy(), np.sort(x, axis=-1))
    np.testing.assert_array_equal(mx.nd.argsort(a, axis=0, dtype="int64").asnumpy(),
                                  np.argsort(x, axis=0, kind="stable"))
    top = mx.nd.topk(a, k=5, ret_typ="value").asnumpy()
    np.testing.assert_array_equal(top, -np.sort(-x, axis=-1)[:, :5])
