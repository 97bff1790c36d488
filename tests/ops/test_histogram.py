"""_histogram (and mx.nd.histogram over it) against numpy.histogram: equal
bins over a range (widened by 0.5 each side when empty), given edges,
values on the last edge in the last bin, values outside and NaN ignored,
0-size data, every dtype (counts int64, edges in data's dtype); and the
error cases.  Ranges and edges are exact in every dtype, so numpy's float64
edges are the op's."""
import warnings

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import DTYPES, check, gen, is_float, is_unsigned, seeded_rng


def low(dtype):
    return 0 if is_unsigned(dtype) else -4


def histogram_checker(fn, dtype):
    rng = seeded_rng("histogram", np.dtype(dtype).name)
    lo = low(dtype)
    for shape, bins, span in (((3, 4), 8, (lo, lo + 8)), ((20,), 2, (lo, lo + 2)), ((0,), 4, (lo, lo + 4)),
                              ((2, 3, 2), 1, (lo + 1, lo + 1))):
        x = gen(shape, dtype, rng)
        counts, edges = fn(mx.nd.array(x, dtype=dtype), bin_cnt=bins, range=span)
        ref_counts, ref_edges = np.histogram(x.astype(np.float64), bins, span)
        check(counts, ref_counts.astype(np.int64), np.int64)
        check(edges, ref_edges.astype(dtype), dtype)
    x = gen((5, 6), dtype, rng)
    given = np.array([lo, lo + 2, lo + 3, lo + 8], dtype)
    counts, edges = fn(mx.nd.array(x, dtype=dtype), mx.nd.array(given, dtype=dtype))
    check(counts, np.histogram(x.astype(np.float64), given.astype(np.float64))[0].astype(np.int64), np.int64)
    check(edges, given, dtype)
    on_edges = np.array([lo, lo + 1, lo + 2, lo + 3], dtype)  # the last edge is in the last bin
    check(fn(mx.nd.array(on_edges, dtype=dtype), bin_cnt=3, range=(lo, lo + 3))[0], np.array([1, 1, 2]), np.int64)
    repeated = np.array([lo, lo + 1, lo + 1, lo + 3], dtype)  # equal edges are allowed, as in numpy
    check(fn(mx.nd.array(on_edges, dtype=dtype), mx.nd.array(repeated, dtype=dtype))[0],
          np.histogram(on_edges.astype(np.float64), repeated.astype(np.float64))[0], np.int64)


HARNESS = {"_histogram": histogram_checker}
ALIASES = {"_npi_histogram": "_histogram"}
# MXNet 1.9 defines no gradient for _histogram
NO_GRADIENT = {"_histogram"}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(dtype):
    histogram_checker(mx.nd._internal._histogram, dtype)


def test_alias_computes_like_canonical():
    histogram_checker(mx.nd._internal._npi_histogram, np.float32)


def test_nan_and_values_outside_are_ignored():
    x = mx.nd.array([np.nan, -0.5, 0, 0.25, 1, 1.5, np.inf, -np.inf])
    counts, _ = mx.nd.histogram(x, 2, range=(0, 1))
    np.testing.assert_array_equal(counts.asnumpy(), [2, 1])
    counts, _ = mx.nd.histogram(x, mx.nd.array([-1, 0, 2]))
    np.testing.assert_array_equal(counts.asnumpy(), [1, 4])


def test_wrapper_and_documented_example():
    x = mx.nd.array([[0, 1], [2, 2], [3, 4]])
    counts, edges = mx.nd.histogram(x, bins=5, range=(0, 5))
    np.testing.assert_array_equal(counts.asnumpy(), [1, 1, 2, 1, 1])
    np.testing.assert_array_equal(edges.asnumpy(), [0, 1, 2, 3, 4, 5])
    counts, edges = mx.nd.histogram(x, bins=mx.nd.array([0., 2.1, 3.]))
    np.testing.assert_array_equal(counts.asnumpy(), [4, 1])
    with pytest.warns(UserWarning, match="range is not specified"):
        counts, edges = mx.nd.histogram(x, bins=3)  # numpy's, as in MXNet
    ref_counts, ref_edges = np.histogram(x.asnumpy(), bins=3)
    np.testing.assert_array_equal(counts.asnumpy(), ref_counts)
    np.testing.assert_allclose(edges.asnumpy(), ref_edges, rtol=1e-6)
    with pytest.raises(ValueError, match="integer or an NDArray"):
        mx.nd.histogram(x, bins=2.5)


def test_symbol_infers_shapes_and_types():
    s = mx.sym._internal._histogram(mx.sym.var("x"), bin_cnt=4, range=(0, 1))
    _, out_shapes, _ = s.infer_shape(x=(3, 5))
    assert out_shapes == [(4,), (5,)]
    _, out_types, _ = s.infer_type(x=np.float16)
    assert out_types == [np.int64, np.float16]
    given = mx.sym.histogram(mx.sym.var("x"), mx.sym.var("edges"))
    counts, edges = given.eval(x=mx.nd.array([0, 1, 2.5]), edges=mx.nd.array([0, 2, 3]))
    np.testing.assert_array_equal(counts.asnumpy(), [2, 1])
    np.testing.assert_array_equal(edges.asnumpy(), [0, 2, 3])
    counts, _ = mx.sym.histogram(mx.sym.var("x"), 2, range=(0, 2)).eval(x=mx.nd.array([0, 1, 2.5]))
    np.testing.assert_array_equal(counts.asnumpy(), [1, 1])
    with pytest.raises(ValueError, match="null range"):
        mx.sym.histogram(mx.sym.var("x"), 3)


def ones(*shape, dtype=np.float32):
    return mx.nd.ones(shape, dtype=dtype)


BAD_CALLS = {
    "bin_cnt without range": (lambda: mx.nd._internal._histogram(ones(3), bin_cnt=2), "both be given or neither"),
    "range without bin_cnt": (lambda: mx.nd._internal._histogram(ones(3), ones(3), range=(0, 1)),
                              "both be given or neither"),
    "range reversed": (lambda: mx.nd.histogram(ones(3), 2, range=(1, 0)), "must not exceed"),
    "range of three": (lambda: mx.nd.histogram(ones(3), 2, range=(0, 1, 2)), "2 elements"),
    "no bins": (lambda: mx.nd.histogram(ones(3), 0, range=(0, 1)), "at least 1"),
    "2-D edges": (lambda: mx.nd.histogram(ones(3), ones(2, 2)), "1-D array of at least 2 edges"),
    "one edge": (lambda: mx.nd.histogram(ones(3), ones(1)), "1-D array of at least 2 edges"),
    "edges dtype": (lambda: mx.nd.histogram(ones(3), ones(3, dtype=np.float64)), "bins"),
    "edges not increasing": (lambda: mx.nd.histogram(ones(3), mx.nd.array([0, 2, 1])), "increase monotonically"),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_input_raises(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(MXNetError, match=message):
        call()[0].asnumpy()
    counts, _ = mx.nd.histogram(mx.nd.array([0, 1, 1]), 2, range=(0, 1))  # still working
    np.testing.assert_array_equal(counts.asnumpy(), [1, 2])
