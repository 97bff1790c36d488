"""The indexing ops (slice, slice_axis, slice_like, take, pick, batch_take,
fill_element_0index, gather_nd, scatter_nd, one_hot and the internal assignment ops NDArray indexing runs)
against numpy.  Exports HARNESS and ALIASES (see test_coverage.py)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _adjoint import (adjoint_checker, check_index_gets_no_gradient, check_linear_gradient,
                      check_zero_gradient)
from _gradcheck import check_gradient, check_second_order
from _mxref import DTYPES, canonical_name, check, op_function, op_handle

INDEX_DTYPES = [np.int32, np.int64, np.float32, np.uint8]


def data(shape, dtype):
    return (np.arange(int(np.prod(shape))) % 100).reshape(shape).astype(dtype)


def nd(x, dtype=None):
    return mx.nd.array(x, dtype=dtype or x.dtype)


def to_slices(begin, end, step):
    step = step or (None,) * len(begin)
    return tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))


SLICE_CASES = [
    ((5,), (1,), (4,), None),
    ((5,), (None,), (None,), (-1,)),
    ((5,), (-2,), (None,), (-2,)),
    ((5,), (10,), (-10,), (-1,)),
    ((5,), (3,), (1,), None),                 # empty
    ((3, 4), (1, None), (None, 3), None),
    ((3, 4), (None, 3), (None, 0), (2, -1)),
    ((2, 3, 4), (0,), (1,), None),            # trailing axes whole
    ((2, 3, 4), (None, 2, -1), (None, None, 0), (1, -1, -2)),
    ((0, 3), (None, 1), (None, 3), None),     # 0-size dim
]


def slice_checker(fn, dtype):
    for shape, begin, end, step in SLICE_CASES:
        x = data(shape, dtype)
        kwargs = {} if step is None else {"step": step}
        check(fn(nd(x), begin=begin, end=end, **kwargs), x[to_slices(begin, end, step)], dtype)
    x = data((3, 4), dtype)
    for bad in (dict(begin=(0,), end=(1, 2)), dict(begin=(0, 0, 0), end=(1, 1, 1)),
                dict(begin=(0,), end=(2,), step=(0,)), dict(begin=(0, 1), end=(2, 3), step=(1,))):
        with pytest.raises(MXNetError):
            fn(nd(x), **bad)


def slice_axis_checker(fn, dtype):
    x = data((3, 4, 5), dtype)
    for axis, begin, end in ((0, 1, 3), (1, -3, None), (2, 0, -1), (-1, 2, 5), (-2, 0, 1)):
        expected = x[(slice(None),) * (axis % 3) + (slice(begin, end),)]
        check(fn(nd(x), axis=axis, begin=begin, end=end), expected, dtype)
    check(fn(nd(data((2, 0), dtype)), axis=1, begin=0, end=None), np.zeros((2, 0), dtype), dtype)
    for bad in (dict(axis=3, begin=0, end=1), dict(axis=0, begin=2, end=1),
                dict(axis=0, begin=0, end=4), dict(axis=0, begin=-5, end=None)):
        with pytest.raises(MXNetError):
            fn(nd(x), **bad)


def slice_like_checker(fn, dtype):
    x = data((3, 4, 5), dtype)
    like = mx.nd.zeros((2, 3, 4))
    check(fn(nd(x), like), x[:2, :3, :4], dtype)
    check(fn(nd(x), like, axes=(0, -1)), x[:2, :, :4], dtype)
    check(fn(nd(x), mx.nd.zeros((1, 0)), axes=(1,)), x[:, :0], dtype)
    with pytest.raises(MXNetError):
        fn(nd(x), mx.nd.zeros((2, 3)))          # ndim differs without axes
    with pytest.raises(MXNetError):
        fn(nd(x), mx.nd.zeros((4, 3, 4)))       # larger than the data
    with pytest.raises(MXNetError):
        fn(nd(x), like, axes=(3,))


def take_checker(fn, dtype):
    x = data((3, 4, 2), dtype)
    for idt in INDEX_DTYPES:
        for axis in (0, 1, -1):
            n = x.shape[axis]
            idx = np.array([[0, n - 1], [1, 0]], dtype=idt)
            check(fn(nd(x), nd(idx), axis=axis), np.take(x, idx.astype(np.int64), axis=axis), dtype)
    raw = np.array([-2, 0, 5, 3])
    check(fn(nd(x), nd(raw, np.float32)), np.take(x, raw, axis=0, mode="clip"), dtype)
    check(fn(nd(x), nd(raw, np.float32), mode="wrap"), np.take(x, raw, axis=0, mode="wrap"), dtype)
    check(fn(nd(x), nd(np.array([1.7, -2.0]), np.float32), mode="raise"), x[[1, -2]], dtype)
    check(fn(nd(x), nd(np.zeros((0,), np.int32)), axis=1), x[:, :0], dtype)
    with pytest.raises(MXNetError):
        fn(nd(x), nd(raw, np.int32), mode="raise").asnumpy()
    for bad in (dict(axis=3), dict(mode="nearest")):
        with pytest.raises(MXNetError):
            fn(nd(x), nd(np.array([0]), np.int32), **bad)


def pick_checker(fn, dtype):
    x = data((3, 4, 2), dtype)
    rng = np.random.default_rng(0)
    for axis in (0, 1, 2, -1):
        n = x.shape[axis]
        for keepdims in (False, True):
            oshape = list(x.shape)
            oshape[axis] = 1
            idx = rng.integers(-2, n + 2, size=oshape)
            expected = np.take_along_axis(x, np.clip(idx, 0, n - 1), axis=axis)
            wrapped = np.take_along_axis(x, idx % n, axis=axis)
            if not keepdims:
                idx, expected, wrapped = (np.squeeze(a, axis) for a in (idx, expected, wrapped))
            check(fn(nd(x), nd(idx, np.float32), axis=axis, keepdims=keepdims), expected, dtype)
            check(fn(nd(x), nd(idx, np.int64), axis=axis, keepdims=keepdims, mode="wrap"),
                  wrapped, dtype)
            # the index may keep the axis whatever keepdims says
            kept = np.expand_dims(idx, axis) if not keepdims else idx
            check(fn(nd(x), nd(kept, np.int32), axis=axis, keepdims=keepdims), expected, dtype)
    check(fn(nd(data((0, 3), dtype)), nd(np.zeros((0,), np.int32)), axis=1), np.zeros((0,), dtype), dtype)
    with pytest.raises(MXNetError):
        fn(nd(x), nd(np.zeros((3, 4)), np.int32), axis=1)   # index shape != output shape
    with pytest.raises(MXNetError):
        fn(nd(x), nd(np.zeros((3, 4, 2)), np.int32), axis=1)
    with pytest.raises(MXNetError):
        fn(nd(x), nd(np.zeros((3, 4)), np.int32), axis=None)


def gather_nd_checker(fn, dtype):
    x = data((3, 4, 2), dtype)
    for idt in INDEX_DTYPES:
        idx = np.array([[0, 2, 1], [3, 0, 1]], dtype=idt)
        check(fn(nd(x), nd(idx)), x[idx[0].astype(int), idx[1].astype(int)], dtype)
    idx = np.array([[[2, -1]], [[0, -4]], [[1, -2]]])   # M = ndim, negative coordinates
    check(fn(nd(x), nd(idx, np.int64)), x[idx[0], idx[1], idx[2]], dtype)
    check(fn(nd(x), nd(np.zeros((1, 0)), np.int32)), x[:0], dtype)
    with pytest.raises(MXNetError):
        fn(nd(x), nd(np.zeros((4, 2)), np.int32))      # M > ndim
    with pytest.raises(MXNetError):
        fn(nd(x), nd(np.array([[3]]), np.int32)).asnumpy()


def scatter_nd_checker(fn, dtype):
    idx = np.array([[0, 2, 1], [3, 0, 1]])
    values = data((3, 2), dtype) + 1
    expected = np.zeros((3, 4, 2), dtype)
    expected[idx[0], idx[1]] = values
    for idt in INDEX_DTYPES:
        check(fn(nd(values), nd(idx.astype(idt)), shape=(3, 4, 2)), expected, dtype)
    with pytest.raises(MXNetError):
        fn(nd(values), nd(idx, np.int32), shape=(3, 4, 3))   # data shape mismatch
    with pytest.raises(MXNetError):
        fn(nd(values), nd(np.array([[5, 0, 0], [0, 0, 0]]), np.int32), shape=(3, 4, 2)).asnumpy()


def scatter_set_nd_checker(fn, dtype):
    x = data((3, 4), dtype)
    idx = np.array([[0, 2, -1], [1, 1, 0]])
    values = data((3,), dtype) + 5
    expected = x.copy()
    expected[idx[0], idx[1]] = values
    check(fn(nd(x), nd(values), nd(idx, np.int32), shape=(3, 4)), expected, dtype)
    a = nd(x)
    fn(a, nd(values), nd(idx, np.float32), shape=(3, 4), out=a)   # in place
    check(a, expected, dtype)
    with pytest.raises(MXNetError):
        fn(nd(x), nd(values), nd(idx, np.int32), shape=(4, 4))


def slice_assign_checker(fn, dtype):
    for shape, begin, end, step in SLICE_CASES:
        x = data(shape, dtype)
        key = to_slices(begin, end, step)
        rhs = (data(x[key].shape, dtype) + 7).astype(dtype)
        expected = x.copy()
        expected[key] = rhs
        kwargs = {} if step is None else {"step": step}
        check(fn(nd(x), nd(rhs), begin=begin, end=end, **kwargs), expected, dtype)
        a = nd(x)
        assert fn(a, nd(rhs), begin=begin, end=end, out=a, **kwargs) is a
        check(a, expected, dtype)
    with pytest.raises(MXNetError):
        fn(nd(data((3, 4), dtype)), nd(data((2, 2), dtype)), begin=(0,), end=(1,))


def slice_assign_scalar_checker(fn, dtype):
    for shape, begin, end, step in SLICE_CASES:
        x = data(shape, dtype)
        expected = x.copy()
        expected[to_slices(begin, end, step)] = 9
        kwargs = {} if step is None else {"step": step}
        check(fn(nd(x), scalar=9, begin=begin, end=end, **kwargs), expected, dtype)
    x = data((4,), dtype)
    check(fn(nd(x), begin=(1,), end=(3,)), np.array([0, 0, 0, 3], dtype), dtype)  # scalar=0
    if np.dtype(dtype).kind == "i":
        check(fn(nd(x), scalar=-2.7, begin=(0,), end=(1,)), np.array([-2, 1, 2, 3], dtype), dtype)


def one_hot_checker(fn, dtype):
    idx = np.array([[0, 2], [5, 1]]).astype(dtype)
    eye = np.eye(3)
    expected = np.stack([eye[i] if 0 <= i < 3 else np.zeros(3) for i in idx.ravel().astype(int)])
    expected = expected.reshape(2, 2, 3)
    check(fn(nd(idx), depth=3), expected.astype(np.float32), np.float32)
    for out_dtype in ("float16", "float64", "int32", "int64", "int8", "uint8"):
        r = fn(nd(idx), depth=3, on_value=4, off_value=2, dtype=out_dtype)
        check(r, (expected * 2 + 2).astype(out_dtype), np.dtype(out_dtype).type)
    check(fn(nd(np.zeros((0,), dtype)), depth=2), np.zeros((0, 2), np.float32), np.float32)
    if np.dtype(dtype).kind != "u":
        neg = nd(np.array([-1, 1]).astype(dtype))
        check(fn(neg, depth=2), np.array([[0, 0], [0, 1]], np.float32), np.float32)
    with pytest.raises(MXNetError):
        fn(nd(idx), depth=3, dtype="bfloat16")
    with pytest.raises(MXNetError):
        fn(nd(idx), depth=-1)


# -- the gradient ops (adjoints) -------------------------------------------------------

def _axis_slice(axis, begin, end):
    return lambda x: x[(slice(None),) * (axis % x.ndim) + (slice(begin, end),)]


backward_slice_axis_checker = adjoint_checker(
    [((3, 4, 5), [], dict(axis=axis, begin=begin, end=end), _axis_slice(axis, begin, end))
     for axis, begin, end in ((0, 1, 3), (1, -3, None), (2, 0, -1), (-1, 2, 5))], "_backward_slice_axis")

backward_slice_like_checker = adjoint_checker(
    [((3, 4, 5), [np.zeros((2, 3, 4))], {}, lambda x: x[:2, :3, :4]),
     ((3, 4, 5), [np.zeros((2, 3, 4))], dict(axes=(0, -1)), lambda x: x[:2, :, :4]),
     ((3, 4, 5), [np.zeros((1, 0))], dict(axes=(1,)), lambda x: x[:, :0])], "_backward_slice_like")

_RAW = np.array([[-2, 0], [5, 0], [3, 3]])   # out of range and repeated

backward_take_checker = adjoint_checker(
    [((3, 4, 2), [_RAW], dict(axis=axis, mode=mode),
      lambda x, a=axis, m=mode: np.take(x, _RAW, axis=a, mode=m))
     for axis in (0, 1, -1) for mode in ("clip", "wrap")] +
    [((3, 4, 2), [np.array([2, -1, 2])], dict(axis=1, mode="raise"), lambda x: x[:, [2, -1, 2]])],
    "_backward_take")


def _pick_case(axis, keepdims, mode):
    shape = (3, 4, 2)
    kept = list(shape)
    kept[axis] = 1
    idx = np.random.default_rng(axis % 3).integers(-2, shape[axis] + 2, size=kept)
    squeezed = idx if keepdims else np.squeeze(idx, axis)
    valid = np.clip(idx, 0, shape[axis] - 1) if mode == "clip" else idx % shape[axis]

    def forward(x):
        out = np.take_along_axis(x, valid, axis=axis)
        return out if keepdims else np.squeeze(out, axis)
    return shape, [squeezed], dict(axis=axis, keepdims=keepdims, mode=mode), forward


backward_pick_checker = adjoint_checker(
    [_pick_case(axis, keepdims, mode) for axis in (0, 1, -1) for keepdims in (False, True)
     for mode in ("clip", "wrap")], "_backward_pick")

_ND_INDICES = np.array([[0, 2, 0], [3, 0, 3]])   # repeated coordinates accumulate

backward_gather_nd_checker = adjoint_checker(
    [((3, 4, 2), [_ND_INDICES], {}, lambda x: x[_ND_INDICES[0], _ND_INDICES[1]]),
     ((3, 4, 2), [np.array([[[2, -1]], [[0, -4]], [[1, -2]]])], {}, lambda x: x[[[2, -1]], [[0, -4]], [[1, -2]]]),
     ((3, 4, 2), [np.zeros((1, 0))], {}, lambda x: x[:0])], "_backward_gather_nd")


def batch_take_checker(fn, dtype):
    """pick along the last axis, indices int32 and clipped (MXNet 1.9)."""
    rng = np.random.default_rng(1)
    for shape, index_shape in (((3, 2), (3,)), ((2, 3, 4), (6,)), ((2, 3, 4), (2, 3)), ((0, 3), (0,))):
        x = data(shape, dtype)
        idx = rng.integers(-2, shape[-1] + 2, size=index_shape).astype(np.int32)
        rows = x.reshape(-1, shape[-1])
        expected = rows[np.arange(rows.shape[0]), np.clip(idx.ravel(), 0, shape[-1] - 1)].reshape(index_shape)
        check(fn(nd(x), nd(idx)), expected, dtype)
    x = nd(data((3, 2), dtype))
    check(fn(x, nd(np.array([0, 1, 0], np.int32))), data((3, 2), dtype)[[0, 1, 2], [0, 1, 0]], dtype)
    with pytest.raises(MXNetError, match="int32"):
        fn(x, nd(np.array([0, 1, 0], np.float32)))
    with pytest.raises(MXNetError, match="one entry per row"):
        fn(x, nd(np.array([0, 1], np.int32)))
    with pytest.raises(MXNetError, match="at least 2 dimensions"):
        fn(nd(data((3,), dtype)), nd(np.array([0, 1, 0], np.int32)))
    with pytest.raises(MXNetError, match="one entry per row"):
        fn(nd(data((2, 0), dtype)), nd(np.array([0, 0], np.int32)))  # no element to take


def fill_element_0index_checker(fn, dtype):
    """out = lhs with out[i, rhs[i]] = mhs[i]; a row whose index is outside it
    stays unchanged, float indices truncate (MXNet's legacy function)."""
    rng = np.random.default_rng(3)
    for shape in ((4, 3), (1, 5), (3, 1), (0, 2), (2, 0)):
        lhs, values = data(shape, dtype), rng.integers(100, 128, size=shape[0]).astype(dtype)  # unlike lhs's
        index = rng.integers(-2, shape[1] + 2, size=shape[0])
        expected = lhs.copy()
        inside = (index >= 0) & (index < shape[1])
        expected[np.arange(shape[0])[inside], index[inside]] = values[inside]
        check(fn(nd(lhs), nd(values), nd(index.astype(dtype))), expected, dtype)
    lhs = data((3, 4), dtype)
    if np.issubdtype(dtype, np.floating):
        expected = lhs.copy()
        expected[[0, 1], [1, 3]] = [7, 8]
        check(fn(nd(lhs), nd(np.array([7, 8, 9], dtype)), nd(np.array([1.9, 3.2, -1.5], dtype))), expected, dtype)
    x, row = nd(lhs), nd(np.zeros(3, dtype))
    inplace = nd(lhs)
    assert fn(inplace, nd(np.array([7, 8, 9], dtype)), nd(np.array([3, 0, 9], dtype)), out=inplace) is inplace
    check(inplace, np.where(np.arange(4) == [[3], [0], [-1]], [[7], [8], [9]], lhs).astype(dtype), dtype)
    with pytest.raises(MXNetError, match="one entry per row"):
        fn(x, nd(np.zeros(2, dtype)), row)
    with pytest.raises(MXNetError, match="one entry per row"):
        fn(x, row, nd(np.zeros(4, dtype)))
    with pytest.raises(MXNetError, match="2-D lhs"):
        fn(nd(data((3, 4, 1), dtype)), row, row)
    with pytest.raises(MXNetError, match="2-D lhs"):
        fn(x, nd(np.zeros((3, 1), dtype)), row)
    with pytest.raises(MXNetError):
        fn(x, nd(np.zeros(3, np.float64 if dtype != np.float64 else np.float32)), row)  # dtypes differ
    check(fn(x, row, row), np.where(np.arange(4) == 0, 0, lhs).astype(dtype), dtype)  # still working


def ravel_checker(fn, dtype):
    """numpy's ravel_multi_index, columns as multi-indices; a leading -1 is unbounded."""
    rng = np.random.default_rng(2)
    for shape in ((7, 6), (-1, 6), (2, 3, 4), (5,), (3, 1, 2)):  # flat indices fit int8
        bounds = [4 if d == -1 else d for d in shape]
        index = np.stack([rng.integers(0, d, size=5) for d in bounds])
        expected = np.ravel_multi_index(tuple(index), bounds)
        check(fn(nd(index.astype(dtype)), shape=shape), expected.astype(dtype), dtype)
    check(fn(nd(np.zeros((2, 0), dtype)), shape=(3, 3)), np.zeros((0,), dtype), dtype)
    index_space_errors(fn, nd(np.array([[3, 6, 6], [4, 5, 1]], dtype)))
    with pytest.raises(MXNetError, match=r"must be \(2, N\)"):
        fn(nd(np.zeros((3, 2), dtype)), shape=(7, 6))
    with pytest.raises(MXNetError, match=r"must be \(2, N\)"):
        fn(nd(np.zeros((2,), dtype)), shape=(7, 6))


def unravel_checker(fn, dtype):
    rng = np.random.default_rng(3)
    for shape in ((7, 6), (-1, 6), (2, 3, 4), (5,)):
        bounds = [4 if d == -1 else d for d in shape]
        flat = rng.integers(0, min(np.prod(bounds), 100), size=(2, 3))
        expected = np.stack(np.unravel_index(flat, bounds))
        check(fn(nd(flat.astype(dtype)), shape=shape), expected.astype(dtype), dtype)
    # out of range: the leading coordinate wraps (MXNet's remainders), unless it is -1
    np.testing.assert_array_equal(fn(nd(np.array([45, 7], dtype)), shape=(7, 6)).asnumpy(), [[0, 1], [3, 1]])
    np.testing.assert_array_equal(fn(nd(np.array([45, 7], dtype)), shape=(-1, 6)).asnumpy(), [[7, 1], [3, 1]])
    index_space_errors(fn, nd(np.array([22, 41, 37], dtype)))


def index_space_errors(fn, x):
    for bad in ((), (7, -1), (0, 6), (-2, 6)):
        with pytest.raises(MXNetError, match="shape"):
            fn(x, shape=bad)
    with pytest.raises(MXNetError, match="shape parameter must be given"):
        fn(x)


HARNESS = {
    "_ravel_multi_index": ravel_checker,
    "_unravel_index": unravel_checker,
    "batch_take": batch_take_checker,
    "fill_element_0index": fill_element_0index_checker,
    "_backward_slice_axis": backward_slice_axis_checker,
    "_backward_slice_like": backward_slice_like_checker,
    "_backward_take": backward_take_checker,
    "_backward_pick": backward_pick_checker,
    "_backward_gather_nd": backward_gather_nd_checker,
    "slice": slice_checker,
    "slice_axis": slice_axis_checker,
    "slice_like": slice_like_checker,
    "take": take_checker,
    "pick": pick_checker,
    "gather_nd": gather_nd_checker,
    "scatter_nd": scatter_nd_checker,
    "_scatter_set_nd": scatter_set_nd_checker,
    "_slice_assign": slice_assign_checker,
    "_slice_assign_scalar": slice_assign_scalar_checker,
    "one_hot": one_hot_checker,
}

ALIASES = {
    "ravel_multi_index": "_ravel_multi_index",
    "unravel_index": "_unravel_index",
    "crop": "slice",
    "choose_element_0index": "pick",
    "_crop_assign": "_slice_assign",
    "_crop_assign_scalar": "_slice_assign_scalar",
}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](op_function(name), dtype)


@pytest.mark.parametrize("alias,canonical", sorted(ALIASES.items()))
def test_alias(alias, canonical):
    assert op_handle(alias) == op_handle(canonical) and canonical_name(alias) == canonical
    slice_checker(op_function("crop"), np.float32)


def test_docs_examples():
    x = mx.nd.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    np.testing.assert_array_equal(mx.nd.slice(x, begin=(0, 1), end=(2, 4)).asnumpy(),
                                  [[2, 3, 4], [6, 7, 8]])
    np.testing.assert_array_equal(
        mx.nd.slice(x, begin=(None, 0), end=(None, 3), step=(-1, 2)).asnumpy(),
        [[9, 11], [5, 7], [1, 3]])
    y = mx.nd.array([[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(mx.nd.pick(y, index=mx.nd.array([0, 1]), axis=0).asnumpy(), [1, 4])
    np.testing.assert_array_equal(
        mx.nd.pick(y, index=mx.nd.array([[1], [0], [2]]), axis=1, keepdims=True).asnumpy(),
        [[2], [3], [6]])
    assert mx.nd.slice(x, begin=(1,), end=(2,)).dtype is np.float32


# -- gradients -----------------------------------------------------------------------------

GRAD_RNG = np.random.default_rng(3)
X = GRAD_RNG.standard_normal((3, 4, 2))
BOX = dict(begin=(None, 3, -1), end=(2, None, None), step=(1, -2, -1))


def _take_gradient():
    for mode in ("clip", "wrap"):
        check_linear_gradient(lambda x, i: mx.nd.take(x, i, axis=1, mode=mode), X, _RAW)
    check_index_gets_no_gradient(lambda x, i: mx.nd.take(x, i), X, _RAW)


def _pick_gradient():
    for axis, keepdims, mode in ((1, False, "clip"), (-1, True, "wrap")):
        _, (idx,), kwargs, _ = _pick_case(axis, keepdims, mode)
        check_linear_gradient(lambda x, i: mx.nd.pick(x, i, **kwargs), X, idx)
    check_index_gets_no_gradient(lambda x, i: mx.nd.pick(x, i, axis=0), X, np.zeros((4, 2)))


def _assign_gradient(fn, lhs, rhs):
    """fn(lhs, rhs) overwrites part of lhs: lhs gets the gradient elsewhere, rhs there."""
    lhs_grad, rhs_grad = check_gradient(fn, [lhs, rhs])
    check_second_order(lambda l, r: fn(l, r) * fn(l, r), [lhs, rhs])
    assert (lhs_grad == 0).sum() == rhs.size and rhs_grad.all()


def _scatter_set_nd_gradient():
    idx = mx.nd.array([[0, 2, 1], [3, 0, 3]])
    _assign_gradient(lambda l, r: mx.nd._internal._scatter_set_nd(l, r, idx, shape=(3, 4, 2)),
                     X, GRAD_RNG.standard_normal((3, 2)))


def _slice_assign_gradient():
    _assign_gradient(lambda l, r: mx.nd._internal._slice_assign(l, r, **BOX), X,
                     GRAD_RNG.standard_normal((2, 2, 2)))


def _slice_assign_scalar_gradient():
    grad, = check_gradient(lambda x: mx.nd._internal._slice_assign_scalar(x, scalar=2.5, **BOX), [X])
    assert (grad == 0).sum() == 8
    check_second_order(lambda x: mx.nd._internal._slice_assign_scalar(x * x, scalar=2.5, **BOX), [X])


def _adjoint_gradient(fn, ograd_shape, *constants):
    return lambda: check_linear_gradient(fn, GRAD_RNG.standard_normal(ograd_shape), X, *constants)


# MXNet 1.9 defines no gradient for batch_take (deprecated for pick) nor for
# fill_element_0index (a legacy NDArray function, never recorded)
NO_GRADIENT = {"batch_take", "fill_element_0index"}

GRAD_HARNESS = {
    "slice": lambda: check_linear_gradient(lambda x: mx.nd.slice(x, **BOX), X),
    "slice_axis": lambda: check_linear_gradient(lambda x: mx.nd.slice_axis(x, axis=-2, begin=1, end=-1), X),
    "slice_like": lambda: (check_linear_gradient(lambda x, y: mx.nd.slice_like(x, y, axes=(0, 2)), X,
                                                 np.zeros((2, 5, 1))),
                           check_index_gets_no_gradient(mx.nd.slice_like, X, np.zeros((1, 2, 2)))),
    "take": _take_gradient,
    "pick": _pick_gradient,
    "gather_nd": lambda: (check_linear_gradient(mx.nd.gather_nd, X, _ND_INDICES),
                          check_index_gets_no_gradient(mx.nd.gather_nd, X, _ND_INDICES)),
    "scatter_nd": lambda: check_linear_gradient(lambda x, i: mx.nd.scatter_nd(x, i, shape=(3, 4, 2)),
                                                X[:3, 0], np.array([[0, 2, 1], [3, 0, 3]])),
    "_scatter_set_nd": _scatter_set_nd_gradient,
    "_slice_assign": _slice_assign_gradient,
    "_slice_assign_scalar": _slice_assign_scalar_gradient,
    # Half-integer indices: the finite differences do not move them.
    "_ravel_multi_index": lambda: check_zero_gradient(lambda i: mx.nd.ravel_multi_index(i, shape=(4, 5)),
                                                      [np.array([[0.5, 2.5], [1.5, 3.5]])]),
    "_unravel_index": lambda: check_zero_gradient(lambda i: mx.nd.unravel_index(i, shape=(4, 5)),
                                                  [np.array([0.5, 7.5, 13.5])]),
    "one_hot": lambda: check_zero_gradient(lambda i: mx.nd.one_hot(i, depth=3), [np.array([0.5, 2.5, 1.5])]),
    "_backward_slice_axis": _adjoint_gradient(
        lambda g, x: mx.nd._internal._backward_slice_axis(g, x, axis=1, begin=1, end=3), (3, 2, 2)),
    "_backward_slice_like": _adjoint_gradient(
        lambda g, x, y: mx.nd._internal._backward_slice_like(g, x, y, axes=(1,)), (3, 2, 2), np.zeros((1, 2))),
    "_backward_take": _adjoint_gradient(
        lambda g, x, i: mx.nd._internal._backward_take(g, x, i, axis=-1, mode="wrap"), (3, 4, 3, 2), _RAW),
    "_backward_pick": _adjoint_gradient(
        lambda g, x, i: mx.nd._internal._backward_pick(g, x, i, axis=0), (4, 2), np.array([[0, 2]] * 4)),
    "_backward_gather_nd": _adjoint_gradient(
        lambda g, x, i: mx.nd._internal._backward_gather_nd(g, x, i), (3, 2), _ND_INDICES),
}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
