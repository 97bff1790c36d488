"""The sequence ops against numpy references.

SequenceMask: both sequence axes, ranks 2 to 4, lengths of every numeric
dtype (truncated toward zero; negative masks the whole sequence, beyond
max_len masks nothing), the mask value converted to the data's dtype, the
identity without lengths, 0-size dims, views, out= and in place, and the
error cases.  SequenceLast (lengths clipped to [1, max_len]) and its
adjoint _backward_SequenceLast, SequenceReverse (axis 0 only; lengths
clipped to [0, max_len], the steps past them kept), likewise."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _adjoint import adjoint_checker, check_index_gets_no_gradient, check_linear_gradient
from _mxref import DTYPES, check, gen, is_float, seeded_rng

LENGTH_DTYPES = [np.float32, np.float64, np.float16, np.int32, np.int64, np.int8, np.uint8]

# (data shape, axis)
CASES = [((5, 3, 4), 0), ((5, 3, 4), 1), ((4, 3), 0), ((4, 3), 1), ((3, 2, 2, 3), 1), ((1, 1), 0),
         ((0, 3), 0), ((3, 0, 2), 0), ((3, 0, 2), 1), ((2, 3, 0), 1), ((200, 64, 32), 0), ((64, 200, 32), 1)]


def nd(x, dtype):
    return mx.nd.array(x, dtype=dtype)


def fill_value(value, dtype):
    """value as the op converts it: integers truncate toward zero and wrap."""
    if is_float(dtype):
        return np.asarray(value).astype(dtype)
    return np.asarray(np.trunc(value)).astype(np.int64).astype(dtype)


def ref_sequence_mask(x, lengths, value, axis):
    steps = np.arange(x.shape[axis])
    limits = np.trunc(lengths.astype(np.float64))
    keep = steps[:, None] < limits[None, :] if axis == 0 else steps[None, :] < limits[:, None]
    keep = keep.reshape(keep.shape + (1,) * (x.ndim - 2))
    return np.where(keep, x, fill_value(value, x.dtype))


def random_lengths(batch, max_len, dtype, rng):
    """Lengths from below 0 to beyond max_len; fractional ones for floats."""
    low = 0 if np.dtype(dtype).kind == "u" else -1
    lengths = rng.integers(low, max_len + 3, size=batch).astype(np.float64)
    if is_float(dtype):
        lengths += rng.choice([0.0, 0.5, 0.75], size=batch)
    return lengths.astype(dtype)


def sequence_mask_checker(fn, dtype):
    rng = seeded_rng("SequenceMask", dtype)
    for shape, axis in CASES:
        x = gen(shape, dtype, rng)
        # without lengths: an identity copy
        check(fn(nd(x, dtype), axis=axis), x, dtype)
        for length_dtype in LENGTH_DTYPES:
            lengths = random_lengths(shape[1 - axis], shape[axis], length_dtype, rng)
            for value in (0.0, 1.0, -1.5):
                r = fn(nd(x, dtype), nd(lengths, length_dtype), use_sequence_length=True, value=value, axis=axis)
                check(r, ref_sequence_mask(x, lengths, value, axis), dtype)
    x = gen((4, 3, 2), dtype, rng)
    lengths = np.array([1, 4, 0], np.float32)
    expected = ref_sequence_mask(x, lengths, 0.0, 0)
    check(fn(nd(x, dtype), sequence_length=nd(lengths, np.float32), use_sequence_length=True), expected, dtype)
    out = mx.nd.zeros((4, 3, 2), dtype=dtype)
    assert fn(nd(x, dtype), nd(lengths, np.float32), use_sequence_length=True, out=out) is out
    check(out, expected, dtype)
    a = nd(x, dtype)
    fn(a, nd(lengths, np.float32), use_sequence_length=True, out=a)  # in place
    check(a, expected, dtype)
    error_cases(fn, dtype)


def error_cases(fn, dtype):
    x = nd(np.ones((4, 3, 2)), dtype)
    lengths = mx.nd.array([1, 2, 3])
    for axis in (2, -1):
        with pytest.raises(MXNetError, match="axis"):
            fn(x, lengths, use_sequence_length=True, axis=axis)
    with pytest.raises(MXNetError, match="rank 2"):
        fn(nd(np.ones((4,)), dtype), mx.nd.array([1]), use_sequence_length=True)
    for bad in (mx.nd.array([1, 2]), mx.nd.array([[1, 2, 3]]), mx.nd.array([1, 2, 3, 4])):
        with pytest.raises(MXNetError, match="sequence_length must have shape"):
            fn(x, bad, use_sequence_length=True)
    with pytest.raises(MXNetError, match="sequence_length must have shape"):
        fn(x, lengths, use_sequence_length=True, axis=1)  # axis 1: the batch is dim 0
    with pytest.raises(MXNetError, match="input"):
        fn(x, use_sequence_length=True)  # the lengths are missing
    with pytest.raises(MXNetError, match="input"):
        fn(x, lengths)  # lengths given without use_sequence_length
    with pytest.raises(MXNetError, match="bool"):
        fn(x, mx.nd.array([1, 0, 1], dtype="bool"), use_sequence_length=True)
    with pytest.raises(MXNetError, match="bool"):
        fn(mx.nd.array(np.ones((2, 3)), dtype="bool"))


def as_steps(x, lengths, axis, low):
    """x as (max_len, batch, ...) and each sequence's length, truncated and
    clipped to [low, max_len] (max_len without lengths)."""
    seq = np.moveaxis(x, axis, 0)
    if lengths is None:
        return seq, np.full(seq.shape[1], seq.shape[0], dtype=np.int64)
    return seq, np.clip(np.trunc(lengths.astype(np.float64)).astype(np.int64), low, seq.shape[0])


def ref_sequence_last(x, lengths, axis):
    seq, n = as_steps(x, lengths, axis, 1)
    return seq[n - 1, np.arange(seq.shape[1])]


def ref_sequence_reverse(x, lengths):
    seq, n = as_steps(x, lengths, 0, 0)
    out = seq.copy()
    for b, k in enumerate(n):
        out[:k, b] = seq[:k, b][::-1]
    return out


def sequence_error_cases(fn, dtype, axes=(0, 1)):
    """The input errors the sequence ops share (SequenceMask's own are above)."""
    x = nd(np.ones((4, 3, 2)), dtype)
    lengths = mx.nd.array([1, 2, 3])
    with pytest.raises(MXNetError, match="axis"):
        fn(x, lengths, use_sequence_length=True, axis=2)
    with pytest.raises(MXNetError, match="rank 2"):
        fn(nd(np.ones((4,)), dtype), mx.nd.array([1]), use_sequence_length=True)
    for axis in axes:
        with pytest.raises(MXNetError, match="sequence_length must have shape"):
            fn(x, mx.nd.array([1, 2]), use_sequence_length=True, axis=axis)
    with pytest.raises(MXNetError, match="input"):
        fn(x, use_sequence_length=True)
    with pytest.raises(MXNetError, match="bool"):
        fn(x, mx.nd.array([1, 0, 1], dtype="bool"), use_sequence_length=True)
    check(fn(x), fn(x).asnumpy(), dtype)  # the process keeps working


def sequence_last_checker(fn, dtype):
    rng = seeded_rng("SequenceLast", dtype)
    for shape, axis in CASES:
        if shape[axis] == 0:
            with pytest.raises(MXNetError, match="no steps"):
                fn(nd(np.zeros(shape), dtype), axis=axis)
            continue
        x = gen(shape, dtype, rng)
        check(fn(nd(x, dtype), axis=axis), ref_sequence_last(x, None, axis), dtype)
        for length_dtype in LENGTH_DTYPES:
            lengths = random_lengths(shape[1 - axis], shape[axis], length_dtype, rng)
            r = fn(nd(x, dtype), nd(lengths, length_dtype), use_sequence_length=True, axis=axis)
            check(r, ref_sequence_last(x, lengths, axis), dtype)
    x = gen((4, 3, 2), dtype, rng)
    out = mx.nd.zeros((3, 2), dtype=dtype)
    assert fn(nd(x, dtype), mx.nd.array([1, 4, 2]), use_sequence_length=True, out=out) is out
    check(out, ref_sequence_last(x, np.array([1, 4, 2]), 0), dtype)
    sequence_error_cases(fn, dtype)


def sequence_reverse_checker(fn, dtype):
    rng = seeded_rng("SequenceReverse", dtype)
    for shape, axis in CASES:
        if axis:
            continue
        x = gen(shape, dtype, rng)
        check(fn(nd(x, dtype)), ref_sequence_reverse(x, None), dtype)
        for length_dtype in LENGTH_DTYPES:
            lengths = random_lengths(shape[1], shape[0], length_dtype, rng)
            r = fn(nd(x, dtype), nd(lengths, length_dtype), use_sequence_length=True)
            check(r, ref_sequence_reverse(x, lengths), dtype)
    with pytest.raises(MXNetError, match="only axis=0"):
        fn(nd(np.ones((3, 4)), dtype), axis=1)
    sequence_error_cases(fn, dtype, axes=(0,))


LAST_ADJOINT_CASES = [((4, 3, 2), [np.array([1, 4, 2])], {"use_sequence_length": True, "axis": 0},
                       lambda x: ref_sequence_last(x, np.array([1, 4, 2]), 0)),
                      ((3, 5), [np.array([5, 0, 2.5])], {"use_sequence_length": True, "axis": 1},
                       lambda x: ref_sequence_last(x, np.array([5, 0, 2.5]), 1)),
                      ((2, 3), [], {"axis": 0}, lambda x: ref_sequence_last(x, None, 0))]

HARNESS = {"SequenceMask": sequence_mask_checker, "SequenceLast": sequence_last_checker,
           "SequenceReverse": sequence_reverse_checker,
           "_backward_SequenceLast": adjoint_checker(LAST_ADJOINT_CASES, "_backward_SequenceLast")}
ALIASES = {"_npx_SequenceMask": "SequenceMask", "_npx_SequenceLast": "SequenceLast",
           "_npx_SequenceReverse": "SequenceReverse"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    fn = getattr(mx.nd._internal, name) if name.startswith("_") else getattr(mx.nd, name)
    HARNESS[name](fn, dtype)


def test_documented_examples():
    x = mx.nd.array(np.arange(1, 19, dtype=np.float32).reshape(3, 2, 3))
    np.testing.assert_array_equal(mx.nd.SequenceLast(x).asnumpy(), [[13, 14, 15], [16, 17, 18]])
    np.testing.assert_array_equal(
        mx.nd.SequenceLast(x, sequence_length=mx.nd.array([1, 1]), use_sequence_length=True).asnumpy(),
        [[1, 2, 3], [4, 5, 6]])
    r = mx.nd.SequenceReverse(x, sequence_length=mx.nd.array([2, 3]), use_sequence_length=True).asnumpy()
    np.testing.assert_array_equal(r[:, 0], [[7, 8, 9], [1, 2, 3], [13, 14, 15]])
    np.testing.assert_array_equal(r[:, 1], [[16, 17, 18], [10, 11, 12], [4, 5, 6]])


def test_mxnet_documented_example():
    x = mx.nd.array(np.arange(1, 19, dtype=np.float32).reshape(3, 2, 3))
    r = mx.nd.SequenceMask(x, sequence_length=mx.nd.array([2, 3]), use_sequence_length=True, value=1)
    np.testing.assert_array_equal(r.asnumpy()[2], [[1, 1, 1], [16, 17, 18]])
    np.testing.assert_array_equal(r.asnumpy()[:2], x.asnumpy()[:2])


def test_views_as_inputs():
    x = gen((6, 4, 3), np.float32, seeded_rng("views"))
    a = mx.nd.array(x)
    lengths = mx.nd.array([0, 1, 2, 3, 4, 5, 6, 7])
    check(mx.nd.SequenceMask(a[1:5], lengths[2:6], use_sequence_length=True, axis=1),
          ref_sequence_mask(x[1:5], np.array([2, 3, 4, 5]), 0.0, 1))


# -- gradients: masked steps are constants ---------------------------------------------------

X = np.random.default_rng(6).standard_normal((4, 3, 2))


def _sequence_mask_gradient():
    check_linear_gradient(lambda x: mx.nd.SequenceMask(x), X)
    for axis, lengths in ((0, np.array([1, 4, 0])), (1, np.array([2, 3, 1, 0]))):
        check_linear_gradient(
            lambda x, n: mx.nd.SequenceMask(x, n, use_sequence_length=True, value=-2, axis=axis), X, lengths)
    check_index_gets_no_gradient(lambda x, n: mx.nd.SequenceMask(x, n, use_sequence_length=True),
                                 X, np.array([1, 2, 3]))


def _sequence_last_gradient():
    for axis in (0, 1):
        check_linear_gradient(lambda x: mx.nd.SequenceLast(x, axis=axis), X)
    for axis, lengths in ((0, np.array([1, 4, 2])), (1, np.array([2, 3, 1, 0]))):
        check_linear_gradient(lambda x, n: mx.nd.SequenceLast(x, n, use_sequence_length=True, axis=axis), X, lengths)
    check_index_gets_no_gradient(lambda x, n: mx.nd.SequenceLast(x, n, use_sequence_length=True),
                                 X, np.array([1, 2, 3]))


def _backward_sequence_last_gradient():
    # the adjoint of SequenceLast is linear in ograd; its gradient is SequenceLast
    og = np.random.default_rng(7).standard_normal((3, 2))
    like = mx.nd.zeros((4, 3, 2), dtype=np.float64)
    lengths = mx.nd.array([1, 4, 2], dtype=np.float64)
    check_linear_gradient(lambda g: mx.nd._internal._backward_SequenceLast(g, like, lengths, use_sequence_length=True),
                          og)


def _sequence_reverse_gradient():
    check_linear_gradient(lambda x: mx.nd.SequenceReverse(x), X)
    check_linear_gradient(lambda x, n: mx.nd.SequenceReverse(x, n, use_sequence_length=True), X, np.array([1, 4, 0]))
    check_index_gets_no_gradient(lambda x, n: mx.nd.SequenceReverse(x, n, use_sequence_length=True),
                                 X, np.array([1, 2, 3]))


GRAD_HARNESS = {"SequenceMask": _sequence_mask_gradient, "SequenceLast": _sequence_last_gradient,
                "_backward_SequenceLast": _backward_sequence_last_gradient,
                "SequenceReverse": _sequence_reverse_gradient}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
