"""Matrix products -- batch_dot, _linalg_gemm2, _linalg_gemm, FullyConnected,
khatri_rao -- against float64 numpy.

Exports HARNESS (canonical op name -> checker(fn, dtype)) and ALIASES
(MXNet alias -> canonical name) for test_coverage.py.  dot's entry stays in
test_foundation_ops.py; the larger dot cases here check the BLAS path.

Inputs are multiples of 1/2 in [-4, 4] (_mxref.gen), so every product and
sum below is exact in float16 as in float64: results compare exactly.
"""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import DTYPES, canonical_name, check, gen, op_function

# MXNet 1.9 on the CPU: la_op (_linalg_*) takes float32 / float64; dot,
# batch_dot and FullyConnected also float16 here (MXNet 1.9's CPU float16 gemm
# aborts).
GEMM_DTYPES = (np.float32, np.float64)
HALF_TOO = (np.float32, np.float64, np.float16)


def nd(x, dtype):
    return mx.nd.array(x, dtype=dtype)


def rng_for(*key):
    return np.random.default_rng(abs(hash(tuple(str(k) for k in key))) % (2 ** 32))


def function(name):
    """mx.nd.linalg.<x> for _linalg_<x>, else mx.nd.<name> / mx.nd._internal.<name>."""
    if name.startswith("_linalg_"):
        return getattr(mx.nd.linalg, name[len("_linalg_"):])
    return op_function(name)


def rejects_dtype(fn, dtype, *shapes, **params):
    """An unsupported dtype raises MXNetError."""
    with pytest.raises(MXNetError):
        fn(*[nd(np.ones(s), dtype) for s in shapes], **params).asnumpy()


def swap_last(x, transpose):
    return np.swapaxes(x, -1, -2) if transpose else x


def matmul_rows_at(a, b, axis, ta, tb):
    """float64 reference of gemm2: matrices with rows along `axis`, columns last."""
    a = np.moveaxis(a.astype(np.float64), axis, -2)
    b = np.moveaxis(b.astype(np.float64), axis, -2)
    return np.moveaxis(swap_last(a, ta) @ swap_last(b, tb), -2, axis)


# ---------------------------------------------------------------------------
# batch_dot
# ---------------------------------------------------------------------------

BATCH_DOT_CASES = [  # lhs, rhs, transpose_a, transpose_b
    ((2, 3, 4), (2, 4, 5), False, False),
    ((2, 4, 3), (2, 4, 5), True, False),
    ((2, 3, 4), (2, 5, 4), False, True),
    ((3, 4, 3), (3, 5, 4), True, True),
    ((2, 3, 2, 4), (2, 3, 4, 1), False, False),   # N-D: two batch dims
    ((1, 1, 1), (1, 1, 1), False, False),
    ((0, 3, 4), (0, 4, 5), False, False),         # empty batch
    ((2, 0, 4), (2, 4, 5), False, False),         # no rows
    ((2, 3, 0), (2, 0, 5), False, False),         # empty sum: zeros
]


def batch_dot_checker(fn, dtype):
    if dtype not in HALF_TOO:
        return rejects_dtype(fn, dtype, (2, 3, 4), (2, 4, 5))
    rng = rng_for("batch_dot", dtype)
    for ls, rs, ta, tb in BATCH_DOT_CASES:
        x, y = gen(ls, dtype, rng), gen(rs, dtype, rng)
        expected = swap_last(x.astype(np.float64), ta) @ swap_last(y.astype(np.float64), tb)
        check(fn(nd(x, dtype), nd(y, dtype), transpose_a=ta, transpose_b=tb), expected.astype(dtype), dtype)
    x, y = gen((2, 3, 4), dtype, rng), gen((2, 4, 5), dtype, rng)
    out = mx.nd.zeros((2, 3, 5), dtype=dtype)
    assert fn(lhs=nd(x, dtype), rhs=nd(y, dtype), out=out) is out
    check(out, (x.astype(np.float64) @ y).astype(dtype), dtype)


# ---------------------------------------------------------------------------
# _linalg_gemm2 and _linalg_gemm
# ---------------------------------------------------------------------------

GEMM_CASES = [  # A, B, transpose_a, transpose_b, axis
    ((3, 4), (4, 5), False, False, -2),
    ((4, 3), (4, 5), True, False, -2),
    ((3, 4), (5, 4), False, True, -2),
    ((4, 3), (5, 4), True, True, 0),
    ((2, 3, 4), (2, 4, 5), False, False, -2),
    ((2, 3, 6, 4), (2, 4, 6, 5), False, False, 1),   # rows on axis 1: matrices A[i, :, j, :]
    ((2, 4, 6, 3), (2, 5, 6, 4), True, True, -3),
    ((3, 6, 4), (4, 6, 5), False, False, 0),
    ((0, 3, 4), (0, 4, 5), False, False, -2),
    ((2, 3, 0), (2, 0, 5), False, False, -2),        # empty sum
    ((2, 3, 0, 4), (2, 4, 0, 5), False, False, 1),   # empty inner batch
]


def gemm2_checker(fn, dtype):
    if dtype not in GEMM_DTYPES:
        return rejects_dtype(fn, dtype, (3, 4), (4, 5))
    rng = rng_for("gemm2", dtype)
    for ash, bsh, ta, tb, axis in GEMM_CASES:
        a, b = gen(ash, dtype, rng), gen(bsh, dtype, rng)
        r = fn(nd(a, dtype), nd(b, dtype), transpose_a=ta, transpose_b=tb, alpha=0.5, axis=axis)
        check(r, (0.5 * matmul_rows_at(a, b, axis, ta, tb)).astype(dtype), dtype)
    a, b = gen((3, 4), dtype, rng), gen((4, 2), dtype, rng)
    check(fn(A=nd(a, dtype), B=nd(b, dtype)), (a.astype(np.float64) @ b).astype(dtype), dtype)  # defaults


def gemm_checker(fn, dtype):
    if dtype not in GEMM_DTYPES:
        return rejects_dtype(fn, dtype, (3, 4), (4, 5), (3, 5))
    rng = rng_for("gemm", dtype)
    for ash, bsh, ta, tb, axis in GEMM_CASES:
        a, b = gen(ash, dtype, rng), gen(bsh, dtype, rng)
        product = matmul_rows_at(a, b, axis, ta, tb)
        c = gen(product.shape, dtype, rng)
        r = fn(nd(a, dtype), nd(b, dtype), nd(c, dtype), transpose_a=ta, transpose_b=tb, alpha=0.5,
               beta=2.0, axis=axis)
        check(r, (0.5 * product + 2.0 * c).astype(dtype), dtype)
    a, b, c = gen((3, 4), dtype, rng), gen((4, 2), dtype, rng), gen((3, 2), dtype, rng)
    expected = (a.astype(np.float64) @ b + c).astype(dtype)  # alpha = beta = 1 by default
    check(fn(nd(a, dtype), nd(b, dtype), nd(c, dtype)), expected, dtype)
    out = mx.nd.zeros((3, 2), dtype=dtype)
    assert fn(nd(a, dtype), nd(b, dtype), nd(c, dtype), out=out) is out
    check(out, expected, dtype)
    c_nd = nd(c, dtype)  # out may be C itself
    fn(nd(a, dtype), nd(b, dtype), c_nd, out=c_nd)
    check(c_nd, expected, dtype)


# ---------------------------------------------------------------------------
# FullyConnected
# ---------------------------------------------------------------------------

FC_CASES = [  # data, num_hidden, flatten, bias shape
    ((4, 6), 5, True, (5,)),
    ((4, 2, 3), 5, True, (5,)),
    ((2, 3, 4), 5, False, (5,)),
    ((3,), 2, True, (2,)),          # 1-D data: each element is a row
    ((4, 6), 5, True, (5, 1)),      # MXNet also takes a (num_hidden, 1) bias
    ((0, 6), 5, True, (5,)),
    ((4, 0), 3, True, (3,)),        # empty input: out = bias
    ((2, 0, 4), 3, False, (3,)),
]


def fully_connected_checker(fn, dtype):
    if dtype not in HALF_TOO:
        return rejects_dtype(fn, dtype, (4, 6), (5, 6), (5,), num_hidden=5)
    rng = rng_for("FullyConnected", dtype)
    for dshape, hidden, flatten, bshape in FC_CASES:
        x = gen(dshape, dtype, rng)
        input_dim = int(np.prod(dshape[1:])) if flatten else dshape[-1]
        out_shape = (dshape[0], hidden) if flatten else dshape[:-1] + (hidden,)
        rows = x.reshape(int(np.prod(out_shape[:-1])), input_dim)
        w, b = gen((hidden, input_dim), dtype, rng), gen(bshape, dtype, rng)
        expected = rows.astype(np.float64) @ w.T.astype(np.float64) + b.reshape(-1)
        expected = expected.reshape(out_shape)
        r = fn(nd(x, dtype), nd(w, dtype), nd(b, dtype), num_hidden=hidden, flatten=flatten)
        check(r, expected.astype(dtype), dtype)
    x, w, b = gen((2, 3), dtype, rng), gen((4, 3), dtype, rng), gen((4,), dtype, rng)
    out = mx.nd.zeros((2, 4), dtype=dtype)
    assert fn(data=nd(x, dtype), weight=nd(w, dtype), bias=nd(b, dtype), num_hidden=4, out=out) is out
    check(out, (x.astype(np.float64) @ w.T + b).astype(dtype), dtype)


# ---------------------------------------------------------------------------
# khatri_rao
# ---------------------------------------------------------------------------

KHATRI_RAO_CASES = [  # the inputs' shapes
    [(2, 2), (3, 2)],
    [(3, 4)],
    [(2, 3), (1, 3), (4, 3)],
    [(2, 0), (3, 0)],
    [(2, 3), (0, 3)],
]


def khatri_rao_reference(mats, dtype):
    """Column k of the result is the Kronecker product of the columns k, in
    float64 / int64 (integer products wrap in the dtype, as numpy's cast)."""
    wide = np.float64 if np.issubdtype(dtype, np.floating) else np.int64
    result = mats[0].astype(wide)
    for m in mats[1:]:
        result = (result[:, None, :] * m.astype(wide)[None, :, :]).reshape(len(result) * len(m), m.shape[1])
    return result.astype(dtype)


def khatri_rao_checker(fn, dtype):
    rng = rng_for("khatri_rao", dtype)
    for shapes in KHATRI_RAO_CASES:
        mats = [gen(s, dtype, rng) for s in shapes]
        check(fn(*[nd(m, dtype) for m in mats]), khatri_rao_reference(mats, dtype), dtype)
    a = np.array([[1, -1], [2, -3]])  # MXNet's documented example
    b = np.array([[1, 4], [2, 5], [3, 6]])
    expected = np.array([[1, -4], [2, -5], [3, -6], [2, -12], [4, -15], [6, -18]])
    if dtype != np.uint8:
        check(fn(nd(a, dtype), nd(b, dtype)), expected.astype(dtype), dtype)


HARNESS = {
    "khatri_rao": khatri_rao_checker,
    "batch_dot": batch_dot_checker,
    "_linalg_gemm2": gemm2_checker,
    "_linalg_gemm": gemm_checker,
    "FullyConnected": fully_connected_checker,
}

ALIASES = {
    "_npx_batch_dot": "batch_dot",
    "linalg_gemm2": "_linalg_gemm2",
    "linalg_gemm": "_linalg_gemm",
    "_npx_fully_connected": "FullyConnected",
}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](function(name), dtype)


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_alias_computes_like_canonical(alias):
    assert canonical_name(alias) == ALIASES[alias]
    HARNESS[ALIASES[alias]](op_function(alias), np.float32)


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------

def ones(*shape, dtype=np.float32):
    return mx.nd.ones(shape, dtype=dtype)


BAD_CALLS = {
    "batch_dot 2-D": lambda: mx.nd.batch_dot(ones(3, 4), ones(4, 5)),
    "batch_dot rank mismatch": lambda: mx.nd.batch_dot(ones(2, 3, 4), ones(2, 1, 4, 5)),
    "batch_dot batch mismatch": lambda: mx.nd.batch_dot(ones(2, 3, 4), ones(3, 4, 5)),
    "batch_dot not aligned": lambda: mx.nd.batch_dot(ones(2, 3, 4), ones(2, 3, 5)),
    "batch_dot transposed not aligned": lambda: mx.nd.batch_dot(ones(2, 3, 4), ones(2, 4, 5), transpose_a=True),
    "batch_dot dtype mismatch": lambda: mx.nd.batch_dot(ones(2, 3, 4), ones(2, 4, 5, dtype=np.float64)),
    "gemm2 rank 1": lambda: mx.nd.linalg.gemm2(ones(3), ones(3)),
    "gemm2 rank mismatch": lambda: mx.nd.linalg.gemm2(ones(3, 4), ones(1, 4, 5)),
    "gemm2 not aligned": lambda: mx.nd.linalg.gemm2(ones(3, 4), ones(5, 4)),
    "gemm2 batch mismatch": lambda: mx.nd.linalg.gemm2(ones(2, 3, 4), ones(3, 4, 5)),
    "gemm2 axis is the column axis": lambda: mx.nd.linalg.gemm2(ones(3, 4), ones(4, 5), axis=-1),
    "gemm2 axis out of range": lambda: mx.nd.linalg.gemm2(ones(3, 4), ones(4, 5), axis=2),
    "gemm2 axis below range": lambda: mx.nd.linalg.gemm2(ones(3, 4), ones(4, 5), axis=-3),
    "gemm2 dtype mismatch": lambda: mx.nd.linalg.gemm2(ones(3, 4), ones(4, 5, dtype=np.float64)),
    "gemm C shape": lambda: mx.nd.linalg.gemm(ones(3, 4), ones(4, 5), ones(5, 3)),
    "gemm C dtype": lambda: mx.nd.linalg.gemm(ones(3, 4), ones(4, 5), ones(3, 5, dtype=np.float64)),
    "FC weight shape": lambda: mx.nd.FullyConnected(ones(4, 6), ones(5, 5), ones(5), num_hidden=5),
    "FC weight rows": lambda: mx.nd.FullyConnected(ones(4, 6), ones(4, 6), ones(5), num_hidden=5),
    "FC bias shape": lambda: mx.nd.FullyConnected(ones(4, 6), ones(5, 6), ones(4), num_hidden=5),
    "FC num_hidden missing": lambda: mx.nd.FullyConnected(ones(4, 6), ones(5, 6), ones(5)),
    "FC num_hidden 0": lambda: mx.nd.FullyConnected(ones(4, 0), ones(0, 0), ones(0), num_hidden=0),
    "FC scalar data": lambda: mx.nd.FullyConnected(mx.nd.array(np.float32(1)), ones(1, 1), ones(1), num_hidden=1),
    "FC dtype mismatch": lambda: mx.nd.FullyConnected(ones(4, 6), ones(5, 6, dtype=np.float64), ones(5),
                                                      num_hidden=5),
    "khatri_rao column counts differ": lambda: mx.nd.khatri_rao(ones(2, 3), ones(2, 4)),
    "khatri_rao 1-D input": lambda: mx.nd.khatri_rao(ones(2, 3), ones(3)),
    "khatri_rao 3-D input": lambda: mx.nd.khatri_rao(ones(2, 3, 1)),
    "khatri_rao no inputs": lambda: mx.nd.khatri_rao(num_args=0),
    "khatri_rao dtype mismatch": lambda: mx.nd.khatri_rao(ones(2, 3), ones(2, 3, dtype=np.float64)),
    "FC no_bias three inputs": lambda: mx.nd.FullyConnected(ones(4, 6), ones(5, 6), ones(5), num_hidden=5,
                                                            no_bias=True),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_input_raises(case):
    with pytest.raises(MXNetError):
        BAD_CALLS[case]().asnumpy()


def test_error_messages_say_what_is_wrong():
    with pytest.raises(MXNetError, match="leading batch dimensions"):
        mx.nd.batch_dot(ones(2, 3, 4), ones(3, 4, 5))
    with pytest.raises(MXNetError, match="row axis"):
        mx.nd.linalg.gemm2(ones(3, 4), ones(4, 5), axis=-1)
    with pytest.raises(MXNetError, match="weight"):
        mx.nd.FullyConnected(ones(4, 6), ones(5, 5), ones(5), num_hidden=5)
    with pytest.raises(MXNetError, match="same number of columns"):
        mx.nd.khatri_rao(ones(2, 3), ones(2, 4))
    with pytest.raises(MXNetError, match="must be a matrix"):
        mx.nd.khatri_rao(ones(2, 3), ones(3))
    assert mx.nd.khatri_rao(ones(2, 3), ones(2, 3)).shape == (4, 3)  # still working


# ---------------------------------------------------------------------------
# dot through BLAS at sizes where OpenBLAS blocks and threads
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", HALF_TOO, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_dot_large(dtype, ta, tb):
    # float16: the float32 sums are exact, so the one rounding matches numpy's
    rng = rng_for("dot_large", dtype, ta, tb)
    a, b = gen((67, 130), dtype, rng), gen((130, 259), dtype, rng)
    a_in, b_in = (a.T.copy() if ta else a), (b.T.copy() if tb else b)
    r = mx.nd.dot(nd(a_in, dtype), nd(b_in, dtype), transpose_a=ta, transpose_b=tb)
    check(r, (a.astype(np.float64) @ b).astype(dtype), dtype)


def test_batch_dot_matches_dot_per_batch():
    rng = rng_for("batch_vs_dot")
    x, y = gen((3, 40, 50), np.float32, rng), gen((3, 50, 60), np.float32, rng)
    r = mx.nd.batch_dot(nd(x, np.float32), nd(y, np.float32)).asnumpy()
    for i in range(3):
        np.testing.assert_array_equal(r[i], mx.nd.dot(nd(x[i], np.float32), nd(y[i], np.float32)).asnumpy())


def test_fully_connected_no_bias_takes_data_and_weight():
    rng = np.random.RandomState(3)
    x, w = rng.randn(4, 2, 3), rng.randn(5, 6)
    out = mx.nd.FullyConnected(mx.nd.array(x), mx.nd.array(w), num_hidden=5, no_bias=True)
    np.testing.assert_allclose(out.asnumpy(), x.reshape(4, 6) @ w.T, rtol=1e-5, atol=1e-5)
