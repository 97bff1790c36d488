"""NDArray indexing (a[key], a[key] = value) against numpy, with MXNet 1.9's
views: ints, first-axis step-1 slices and other contiguous boxes share memory;
other keys copy.  A key of only ints gives shape (1,), as in MXNet."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

DTYPES = [np.float32, np.float64, np.float16, np.int32, np.int64, np.int8, np.uint8]

X = np.arange(120).reshape(2, 3, 4, 5)
MASK = X[:, :, 0, 0] % 40 == 0

BASIC_KEYS = [
    1, -1, slice(1, 2), slice(None), slice(None, None, -1), slice(0, 2, 2), slice(5, 9),
    (1, 2), (1, 2, 3), (1, 2, 3, 4), (-1, -3, -4, -5), (slice(None), 1), (Ellipsis, 2),
    (1, Ellipsis, slice(1, None, 2)), (None,), (None, 1, None), (slice(None), None, 0),
    (1, slice(None, None, -2), slice(3, 0, -1)), (slice(-100, 100), slice(2, -1)),
    (0, 1, slice(1, 3)), (0, slice(1, 2), slice(None), slice(2, 3)), (Ellipsis,), (),
    (slice(1, 1),),
]

ADVANCED_KEYS = [
    [0, 1], [1], [-1, 0, 1], np.array([1, 0]), (slice(None), [2, 0, 2]), ([0, 1], [2, 1]),
    ([1, 0], slice(None), [2, 3]), (slice(None), [[0, 1]], [1]), (1, [0, 2], None, slice(1, 3)),
    (np.array([0, -1]), Ellipsis, [1, 4]), ([[1]], slice(None), None, [0, 2]),
    ([1], slice(None), slice(1, 3), [0, 2]), (0, [0, 2], 1), (MASK,), (1, MASK[0]),
    (slice(None), slice(None), [3, 1]), (np.zeros((0,), np.int64),), ([0, 1], slice(None, None, -2)),
]


def reference(x, key):
    r = x[key]
    return np.asarray(r).reshape((1,)) if np.ndim(r) == 0 else r


def shares_memory(a, b):
    b.asnumpy()  # the write must not be pending
    before = a.asnumpy().copy()
    b[:] = 0
    changed = not np.array_equal(a.asnumpy(), before)
    return changed


@pytest.mark.parametrize("key", BASIC_KEYS + ADVANCED_KEYS, ids=repr)
def test_getitem_matches_numpy(key):
    a = mx.nd.array(X, dtype=np.int64)
    np.testing.assert_array_equal(a[key].asnumpy(), reference(X, key))
    assert a[key].dtype is np.int64


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_getitem_dtypes(dtype):
    x = (X % 50).astype(dtype)
    a = mx.nd.array(x, dtype=dtype)
    for key in ((1, slice(None, None, -1)), ([0, 1], 2), (slice(None), 1, slice(0, 4, 3))):
        r = a[key]
        assert r.dtype is np.dtype(dtype).type
        np.testing.assert_array_equal(r.asnumpy(), x[key])


@pytest.mark.parametrize("key,view", [
    (1, True), (slice(1, 2), True), (slice(None), True), ((1, 2), True), ((1, slice(1, 3)), True),
    ((0, 1, slice(1, 3)), True), ((1, 2, 3, 4), True), ((None, 1), True), ((Ellipsis, 2), False),
    ((slice(None), 1), False), (slice(None, None, -1), False), ((0, slice(None, None, 2)), False),
    ([0, 1], False), ((0, 0, slice(0, 4, 2)), False),
])
def test_views_share_memory_like_mxnet(key, view):
    a = mx.nd.array(X)
    assert shares_memory(a, a[key]) is view


def test_index_ndarray_of_any_dtype():
    a = mx.nd.array(X)
    for dtype in ("float32", "int32", "int64", "uint8", "float16"):
        idx = mx.nd.array([1, 0, 1], dtype=dtype)
        np.testing.assert_array_equal(a[idx].asnumpy(), X[[1, 0, 1]])
    np.testing.assert_array_equal(a[:, mx.nd.array([[2.7, 0.2]])].asnumpy(), X[:, [[2, 0]]])


@pytest.mark.parametrize("key", BASIC_KEYS + ADVANCED_KEYS, ids=repr)
def test_setitem_scalar_and_array_match_numpy(key):
    for value in (7, None):
        expected = X.copy()
        target_shape = np.shape(expected[key])
        v = value if value is not None else np.arange(int(np.prod(target_shape))).reshape(target_shape) + 500
        expected[key] = v
        a = mx.nd.array(X, dtype=np.int64)
        a[key] = v if value is not None else mx.nd.array(v, dtype=np.int64)
        np.testing.assert_array_equal(a.asnumpy(), expected)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_setitem_broadcasts_values(dtype):
    x = (X % 50).astype(dtype)
    cases = [
        ((slice(None), 1), np.arange(5)),                  # (2, 4, 5) <- (5,)
        ((Ellipsis, slice(None, None, 2)), np.arange(3).reshape(3, 1, 1)),
        ((1, 2), np.ones((1, 1, 5))),                      # extra leading unit axes
        ([0, 1], np.arange(5)),                            # advanced, broadcast
        (slice(None), np.arange(4).reshape(4, 1)),
        ((0, 1, 2, 3), 3),
    ]
    for key, value in cases:
        expected = x.copy()
        expected[key] = np.asarray(value).astype(dtype)
        for v in (value, mx.nd.array(value, dtype=dtype) if np.ndim(value) else value,
                  mx.nd.array(value, dtype="float64") if np.ndim(value) else value):
            a = mx.nd.array(x, dtype=dtype)
            a[key] = v
            np.testing.assert_array_equal(a.asnumpy(), expected)


def test_setitem_writes_through_views_and_lists():
    a = mx.nd.zeros((3, 4))
    v = a[1]
    v[:] = 5
    a[2, 1:3] = [1, 2]
    a[0, ::3] = mx.nd.array([8, 9])
    expected = np.zeros((3, 4))
    expected[1] = 5
    expected[2, 1:3] = [1, 2]
    expected[0, ::3] = [8, 9]
    np.testing.assert_array_equal(a.asnumpy(), expected)
    a[:] = a  # assigning an array to itself is a no-op
    np.testing.assert_array_equal(a.asnumpy(), expected)
    a[[0, 0], [1, 1]] = mx.nd.array([3, 4])  # repeated indices: the last write wins
    assert a.asnumpy()[0, 1] == 4


def test_zero_size_and_zero_dim():
    z = mx.nd.zeros((0, 3))
    assert z[:, 1:].shape == (0, 2)
    assert z[::-1].shape == (0, 3)
    z[:, 1] = 5
    assert z[[], :].shape == (0, 3)
    s = mx.nd.array(np.array(3.0))
    assert s[()].shape == () and s[...].asnumpy() == 3
    s[()] = 4
    assert s.asnumpy() == 4


@pytest.mark.parametrize("key", [
    2, -3, (0, 3), (0, 0, -5), (1, 1, 1, 1, 0), [0, 2], ([0], [5]), (slice(None), [-4]),
    np.array([[2]]), (0, 0, 0, 0, 0), np.zeros((3, 3), bool),
])
def test_index_out_of_range_raises_index_error(key):
    a = mx.nd.array(X)
    with pytest.raises(IndexError):
        a[key]
    with pytest.raises(IndexError):
        a[key] = 1


def test_errors_are_mxnet_index_errors_where_libmx_checks():
    a = mx.nd.array(X)
    for key in (2, (0, 3), [0, 2]):
        with pytest.raises(MXNetError):
            a[key]


def test_bad_keys():
    a = mx.nd.array(X)
    with pytest.raises(ValueError):
        a[::0]
    with pytest.raises(ValueError):
        a[0, ::0] = 1
    with pytest.raises(IndexError):
        a[..., 0, ...]
    with pytest.raises(IndexError):
        a["x"]
    with pytest.raises(IndexError):
        a[1.5]
    with pytest.raises(IndexError):
        a[[0, 1], [[0, 1, 2]]]   # shapes do not broadcast
    with pytest.raises(ValueError):
        a[0] = np.ones((2, 2))   # value does not broadcast
    r = a[1:2]
    r.writable = False
    with pytest.raises(ValueError):
        r[0] = 1
