"""MXNet's la_op operators beyond the products (test_linalg.py): Cholesky
(_linalg_potrf, _linalg_potri), triangular products and solves
(_linalg_trmm, _linalg_trsm), _linalg_syrk, _linalg_sumlogdiag,
_linalg_det, _linalg_slogdet, _linalg_inverse, the diagonal / triangle
copies and the factorizations _linalg_gelqf and _linalg_syevd, against float64 numpy; their gradients against finite differences.

Exports HARNESS / ALIASES (test_coverage.py) and GRAD_HARNESS / NO_GRADIENT
(test_gradient_coverage.py).
"""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order
from _mxref import DTYPES, canonical_name, op_function, seeded_rng

# MXNet 1.9's la_op takes float32 and float64 only (no float16, no integers).
LA_DTYPES = (np.float32, np.float64)
TOL = {np.float32: 2e-4, np.float64: 1e-10}

NAMES = ["potrf", "potri", "trmm", "trsm", "syrk", "sumlogdiag", "det", "slogdet", "inverse", "extractdiag",
         "makediag", "extracttrian", "maketrian", "gelqf", "syevd"]


def function(name):
    return getattr(mx.nd.linalg, name[len("_linalg_"):])


def nd(x, dtype):
    return mx.nd.array(x, dtype=dtype)


def close(result, expected, dtype):
    assert result.dtype is dtype, (result.dtype, dtype)
    got = result.asnumpy()
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_allclose(got.astype(np.float64), expected, rtol=TOL[dtype], atol=TOL[dtype])


def spd(rng, shape):
    """Well-conditioned symmetric positive-definite matrices of shape (..., n, n)."""
    a = rng.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def triangular(rng, shape, lower):
    """Triangular matrices with a diagonal away from zero (|d| >= 2)."""
    a = rng.standard_normal(shape)
    a = np.tril(a) if lower else np.triu(a)
    diagonal = np.diagonal(a, axis1=-2, axis2=-1)
    return a + np.eye(shape[-1]) * (2 * np.sign(diagonal) + (diagonal == 0))[..., None]


def transpose(x):
    return np.swapaxes(x, -1, -2)


SQUARE = [(3, 3), (2, 4, 4), (2, 1, 3, 3), (1, 1), (0, 2, 2)]


def rejects(fn, dtype, *arrays, **params):
    with pytest.raises(MXNetError):
        out = fn(*[nd(np.ones(a) if isinstance(a, tuple) else a, dtype) for a in arrays], **params)
        (out[0] if isinstance(out, (list, tuple)) else out).asnumpy()


# -- Cholesky ------------------------------------------------------------------

def potrf_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, np.eye(3))
    rng = seeded_rng("potrf", np.dtype(dtype).name)
    for shape in SQUARE:
        a = spd(rng, shape)
        lower = np.linalg.cholesky(a) if a.size else np.zeros(shape)
        close(fn(nd(a, dtype)), lower, dtype)
        close(fn(A=nd(a, dtype), lower=False), transpose(lower), dtype)


def potri_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, np.eye(3))
    rng = seeded_rng("potri", np.dtype(dtype).name)
    for shape in SQUARE:
        for lower in (True, False):
            factor = triangular(rng, shape, lower)
            a = factor @ transpose(factor) if lower else transpose(factor) @ factor
            # only the factor's triangle is read: noise in the other one changes nothing
            noisy = factor + (np.triu if lower else np.tril)(rng.standard_normal(shape), 1 if lower else -1)
            close(fn(nd(noisy, dtype), lower=lower), np.linalg.inv(a) if a.size else a, dtype)


# -- triangular products and solves ------------------------------------------------

TRIANGULAR_CASES = [  # A, B, rightside
    ((3, 3), (3, 4), False), ((3, 3), (4, 3), True), ((2, 4, 4), (2, 4, 2), False), ((2, 4, 4), (2, 3, 4), True),
    ((2, 1, 2, 2), (2, 1, 2, 3), False), ((0, 3, 3), (0, 3, 2), False), ((3, 3), (3, 0), False),
]


def triangular_reference(a, b, transpose_a, rightside, lower, alpha, solve):
    op_a = np.tril(a) if lower else np.triu(a)
    op_a = transpose(op_a) if transpose_a else op_a
    if solve:
        op_a = np.linalg.inv(op_a) if op_a.size else op_a
    return alpha * (b @ op_a if rightside else op_a @ b)


def triangular_checker(solve):
    def checker(fn, dtype):
        if dtype not in LA_DTYPES:
            return rejects(fn, dtype, np.eye(3), (3, 2))
        rng = seeded_rng("trsm" if solve else "trmm", np.dtype(dtype).name)
        for ashape, bshape, rightside in TRIANGULAR_CASES:
            for lower in (True, False):
                for t in (False, True):
                    a = triangular(rng, ashape, lower) + (np.triu if lower else np.tril)(
                        rng.standard_normal(ashape), 1 if lower else -1)  # the other triangle is ignored
                    b = rng.standard_normal(bshape)
                    got = fn(nd(a, dtype), nd(b, dtype), transpose=t, rightside=rightside, lower=lower, alpha=-1.5)
                    close(got, triangular_reference(a, b, t, rightside, lower, -1.5, solve), dtype)
        a, b = triangular(rng, (3, 3), True), rng.standard_normal((3, 2))
        close(fn(A=nd(a, dtype), B=nd(b, dtype)), triangular_reference(a, b, False, False, True, 1.0, solve), dtype)
    return checker


def syrk_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, (3, 2))
    rng = seeded_rng("syrk", np.dtype(dtype).name)
    for shape in [(3, 4), (2, 4, 3), (2, 1, 2, 5), (3, 0), (0, 2, 3)]:
        a = rng.standard_normal(shape)
        close(fn(nd(a, dtype)), a @ transpose(a), dtype)
        got = fn(nd(a, dtype), transpose=True, alpha=0.5)
        close(got, 0.5 * transpose(a) @ a, dtype)
        np.testing.assert_array_equal(got.asnumpy(), transpose(got.asnumpy()))  # exactly symmetric


# -- one value per matrix, and the inverse ---------------------------------------------

def per_matrix(values, shape):
    """MXNet 1.x gives a single matrix's value the shape (1,)."""
    return values.reshape((1,) if len(shape) == 2 else shape[:-2])


def sumlogdiag_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, np.eye(3))
    rng = seeded_rng("sumlogdiag", np.dtype(dtype).name)
    for shape in SQUARE:
        a = spd(rng, shape)
        expected = np.log(np.diagonal(a, axis1=-2, axis2=-1)).sum(-1)
        close(fn(nd(a, dtype)), per_matrix(expected, shape), dtype)


def det_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, np.eye(3))
    rng = seeded_rng("det", np.dtype(dtype).name)
    for shape in SQUARE:
        a = rng.standard_normal(shape)
        close(fn(nd(a, dtype)), per_matrix(np.linalg.det(a), shape), dtype)
    close(fn(nd(np.ones((2, 3, 3)), dtype)), np.zeros(2), dtype)  # singular


def slogdet_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, np.eye(3))
    rng = seeded_rng("slogdet", np.dtype(dtype).name)
    for shape in SQUARE:
        a = rng.standard_normal(shape)
        sign, logabs = np.linalg.slogdet(a)
        got = fn(nd(a, dtype))
        assert len(got) == 2
        close(got[0], per_matrix(sign, shape), dtype)
        close(got[1], per_matrix(logabs, shape), dtype)
    sign, logabs = fn(nd(np.ones((3, 3)), dtype))  # singular: sign 0, log |det| -inf
    assert sign.asnumpy()[0] == 0 and logabs.asnumpy()[0] == -np.inf


def inverse_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, np.eye(3))
    rng = seeded_rng("inverse", np.dtype(dtype).name)
    for shape in SQUARE:
        a = spd(rng, shape) + rng.standard_normal(shape)  # well conditioned, not symmetric
        close(fn(nd(a, dtype)), np.linalg.inv(a) if a.size else a, dtype)


# -- diagonal and triangle copies ---------------------------------------------------

def triangle_mask(n, offset, lower):
    below = offset < 0 or (offset == 0 and lower)
    return np.tril(np.ones((n, n), bool), offset) if below else np.triu(np.ones((n, n), bool), offset)


def extractdiag_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, np.eye(3))
    rng = seeded_rng("extractdiag")
    for shape in SQUARE[:4]:
        a = rng.standard_normal(shape)
        for offset in {0, 1, -1, 1 - shape[-1]}:
            if abs(offset) >= shape[-1]:
                continue
            close(fn(nd(a, dtype), offset=offset), np.diagonal(a, offset, -2, -1).astype(dtype), dtype)


def makediag_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, (3,))
    rng = seeded_rng("makediag")
    for shape in [(3,), (2, 4), (2, 1, 2), (0, 2), (2, 0)]:
        v = rng.standard_normal(shape)
        for offset in (0, 2, -1):
            n = shape[-1] + abs(offset)
            expected = np.zeros(shape[:-1] + (n, n))
            for index in np.ndindex(*shape[:-1]):
                expected[index] = np.diag(v[index], offset)
            close(fn(nd(v, dtype), offset=offset), expected.astype(dtype), dtype)


def extracttrian_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, np.eye(3))
    rng = seeded_rng("extracttrian")
    for shape in SQUARE[:4]:
        a = rng.standard_normal(shape)
        n = shape[-1]
        for offset, lower in [(0, True), (0, False), (-1, True), (1, True), (1 - n, False), (n - 1, False)]:
            if abs(offset) >= n:
                continue
            expected = a[..., triangle_mask(n, offset, lower)]  # row-major, as MXNet packs it
            close(fn(nd(a, dtype), offset=offset, lower=lower), expected.astype(dtype), dtype)
    got = fn(nd([[1.0, 2.0], [3.0, 4.0]], dtype), lower=False)  # MXNet's documented example
    close(got, np.array([1.0, 2.0, 4.0]), dtype)


def maketrian_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, (3,))
    rng = seeded_rng("maketrian")
    for shape in [(1,), (2, 6), (2, 1, 3), (0, 3)]:
        v = rng.standard_normal(shape)
        m = int(round((np.sqrt(8 * shape[-1] + 1) - 1) / 2))
        for offset, lower in [(0, True), (0, False), (-1, True), (2, False)]:
            n = m + abs(offset)
            expected = np.zeros(shape[:-1] + (n, n))
            expected[..., triangle_mask(n, offset, lower)] = v
            close(fn(nd(v, dtype), offset=offset, lower=lower), expected.astype(dtype), dtype)
    close(fn(nd([[1.0, 2.0, 3.0]], dtype), offset=1),  # MXNet's documented example
          np.array([[[0.0, 1.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]]]), dtype)


# -- factorizations ------------------------------------------------------------------

def gelqf_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, (2, 3))
    rng = seeded_rng("gelqf", np.dtype(dtype).name)
    for shape in [(3, 5), (2, 4, 4), (2, 1, 2, 3), (1, 1), (0, 2, 3), (2, 0, 3)]:
        a = rng.standard_normal(shape)
        q, lower = fn(nd(a, dtype))
        m = shape[-2]
        assert q.shape == shape and lower.shape == shape[:-1] + (m,)
        q64, l64 = q.asnumpy().astype(np.float64), lower.asnumpy().astype(np.float64)
        np.testing.assert_allclose(l64 @ q64, a, rtol=TOL[dtype], atol=TOL[dtype])
        np.testing.assert_allclose(q64 @ transpose(q64), np.broadcast_to(np.eye(m), shape[:-2] + (m, m)),
                                   atol=TOL[dtype])
        assert not np.triu(l64, 1).any()
        # unique up to the signs of L's columns: |L| is numpy's |R| of A^T, transposed
        r = np.linalg.qr(transpose(a), mode="r") if a.size else np.zeros(shape[:-1] + (m,))
        np.testing.assert_allclose(np.abs(l64), np.abs(transpose(r)), rtol=TOL[dtype], atol=TOL[dtype])


def syevd_checker(fn, dtype):
    if dtype not in LA_DTYPES:
        return rejects(fn, dtype, np.eye(3))
    rng = seeded_rng("syevd", np.dtype(dtype).name)
    for shape in SQUARE:
        a = rng.standard_normal(shape)
        a = a + transpose(a)
        noisy = a + np.triu(rng.standard_normal(shape), 1)  # only the lower triangle is read
        u, lam = fn(nd(noisy, dtype))
        values, vectors = np.linalg.eigh(a, UPLO="L")
        close(lam, values, dtype)
        vectors = transpose(vectors)  # rows, with MXNet's sign: the largest |entry| positive
        if vectors.size:
            biggest = np.take_along_axis(vectors, np.abs(vectors).argmax(-1)[..., None], -1)
            vectors = vectors * np.sign(biggest)
        close(u, vectors, dtype)
    u, lam = fn(nd(np.diag([3.0, -1.0, 2.0]), dtype))
    close(lam, np.array([-1.0, 2.0, 3.0]), dtype)
    close(u, np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]), dtype)


HARNESS = {
    "_linalg_gelqf": gelqf_checker,
    "_linalg_syevd": syevd_checker,
    "_linalg_potrf": potrf_checker,
    "_linalg_potri": potri_checker,
    "_linalg_trmm": triangular_checker(solve=False),
    "_linalg_trsm": triangular_checker(solve=True),
    "_linalg_syrk": syrk_checker,
    "_linalg_sumlogdiag": sumlogdiag_checker,
    "_linalg_det": det_checker,
    "_linalg_slogdet": slogdet_checker,
    "_linalg_inverse": inverse_checker,
    "_linalg_extractdiag": extractdiag_checker,
    "_linalg_makediag": makediag_checker,
    "_linalg_extracttrian": extracttrian_checker,
    "_linalg_maketrian": maketrian_checker,
}

ALIASES = {"linalg_" + name: "_linalg_" + name for name in NAMES}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](function(name), dtype)


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_alias_computes_like_canonical(alias):
    assert canonical_name(alias) == ALIASES[alias]
    HARNESS[ALIASES[alias]](op_function(alias), np.float64)


def test_symbol_api_writes_the_internal_names():
    data = mx.sym.Variable("a")
    graph = mx.sym.linalg.sumlogdiag(mx.sym.linalg.potrf(data))
    assert '"_linalg_potrf"' in graph.tojson() and '"_linalg_sumlogdiag"' in graph.tojson()
    a = spd(seeded_rng("symbol"), (2, 3, 3))
    out = graph.eval(ctx=mx.cpu(), a=mx.nd.array(a, dtype=np.float64))[0]
    close(out, np.log(np.diagonal(np.linalg.cholesky(a), axis1=-2, axis2=-1)).sum(-1), np.float64)


# -- bad input -------------------------------------------------------------------

def ones(*shape, dtype=np.float32):
    return mx.nd.ones(shape, dtype=dtype)


BAD_CALLS = {
    "potrf not square": lambda: mx.nd.linalg.potrf(ones(2, 3)),
    "potrf rank 1": lambda: mx.nd.linalg.potrf(ones(3)),
    "potrf not positive definite": lambda: mx.nd.linalg.potrf(mx.nd.array(-np.eye(3))),
    "potrf one bad matrix of a batch": lambda: mx.nd.linalg.potrf(mx.nd.array(np.stack([np.eye(2), -np.eye(2)]))),
    "potrf float16": lambda: mx.nd.linalg.potrf(ones(2, 2, dtype=np.float16)),
    "potri singular factor": lambda: mx.nd.linalg.potri(mx.nd.zeros((2, 2))),
    "trsm A not square": lambda: mx.nd.linalg.trsm(ones(2, 3), ones(3, 3)),
    "trsm not aligned": lambda: mx.nd.linalg.trsm(ones(3, 3), ones(2, 3)),
    "trmm rightside not aligned": lambda: mx.nd.linalg.trmm(ones(3, 3), ones(3, 2), rightside=True),
    "trmm batch mismatch": lambda: mx.nd.linalg.trmm(ones(2, 3, 3), ones(3, 3, 2)),
    "trmm rank mismatch": lambda: mx.nd.linalg.trmm(ones(3, 3), ones(1, 3, 2)),
    "trmm dtype mismatch": lambda: mx.nd.linalg.trmm(ones(3, 3), ones(3, 2, dtype=np.float64)),
    "syrk rank 1": lambda: mx.nd.linalg.syrk(ones(3)),
    "syrk int32": lambda: mx.nd.linalg.syrk(ones(3, 3, dtype=np.int32)),
    "inverse singular": lambda: mx.nd.linalg.inverse(mx.nd.ones((3, 3))),
    "inverse not square": lambda: mx.nd.linalg.inverse(ones(3, 2)),
    "det not square": lambda: mx.nd.linalg.det(ones(2, 3, 2)),
    "slogdet rank 1": lambda: mx.nd.linalg.slogdet(ones(3))[0],
    "sumlogdiag not square": lambda: mx.nd.linalg.sumlogdiag(ones(3, 2)),
    "extractdiag not square": lambda: mx.nd.linalg.extractdiag(ones(3, 2)),
    "extractdiag offset too large": lambda: mx.nd.linalg.extractdiag(ones(3, 3), offset=3),
    "extracttrian offset too small": lambda: mx.nd.linalg.extracttrian(ones(3, 3), offset=-3),
    "maketrian not a triangle size": lambda: mx.nd.linalg.maketrian(ones(2, 4)),
    "makediag scalar": lambda: mx.nd.linalg.makediag(mx.nd.array(np.float32(1))),
    "gelqf more rows than columns": lambda: mx.nd.linalg.gelqf(ones(3, 2))[0],
    "gelqf rank 1": lambda: mx.nd.linalg.gelqf(ones(3))[0],
    "syevd not square": lambda: mx.nd.linalg.syevd(ones(2, 3))[0],
    "syevd float16": lambda: mx.nd.linalg.syevd(ones(2, 2, dtype=np.float16))[0],
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_input_raises_and_the_process_goes_on(case):
    with pytest.raises(MXNetError):
        BAD_CALLS[case]().asnumpy()
    assert mx.nd.linalg.det(mx.nd.array(2 * np.eye(2))).asnumpy()[0] == 4


def test_error_messages_say_what_is_wrong():
    with pytest.raises(MXNetError, match="not positive definite"):
        mx.nd.linalg.potrf(mx.nd.array(np.stack([np.eye(2), -np.eye(2)]))).asnumpy()
    with pytest.raises(MXNetError, match="square"):
        mx.nd.linalg.potrf(ones(2, 3))
    with pytest.raises(MXNetError, match="singular"):
        mx.nd.linalg.inverse(mx.nd.ones((3, 3))).asnumpy()
    with pytest.raises(MXNetError, match="triangle"):
        mx.nd.linalg.maketrian(ones(2, 4))


# -- gradients: float64 finite differences ------------------------------------------------

RNG = seeded_rng("gradient_linalg_lapack")


def normal(*shape):
    return RNG.standard_normal(shape)


def symmetric(a):
    """potrf and syevd read one triangle of a symmetric A; the checks perturb A through (A + A^T) / 2."""
    return 0.5 * (a + mx.nd.swapaxes(a, -1, -2))


def check_both(fn, inputs, rtol=1e-5):
    check_gradient(fn, inputs, rtol=rtol)
    check_second_order(fn, inputs, rtol=max(rtol, 1e-4))


def potrf_grad():
    for lower in (True, False):
        for shape in [(3, 3), (2, 3, 3)]:
            check_both(lambda a: mx.nd.linalg.potrf(symmetric(a), lower=lower), [spd(RNG, shape)], rtol=1e-4)


def potri_grad():
    for lower in (True, False):
        check_both(lambda a: mx.nd.linalg.potri(a, lower=lower), [triangular(RNG, (2, 3, 3), lower)], rtol=1e-4)


def triangular_grad(op):
    def check():
        for ashape, bshape, rightside in TRIANGULAR_CASES[:4]:
            for lower in (True, False):
                for t in (False, True):
                    fn = lambda a, b: op(a, b, transpose=t, rightside=rightside, lower=lower, alpha=1.3)  # noqa: E731
                    check_both(fn, [triangular(RNG, ashape, lower), normal(*bshape)], rtol=1e-4)
    return check


def syrk_grad():
    for t in (False, True):
        check_both(lambda a: mx.nd.linalg.syrk(a, transpose=t, alpha=0.7), [normal(2, 3, 4)])


def per_matrix_grad(op, make, rtol=1e-4):
    def check():
        for shape in [(3, 3), (2, 3, 3)]:
            check_both(op, [make(shape)], rtol=rtol)
    return check


def copy_grad(op, shapes, cases):
    def check():
        for shape in shapes:
            for params in cases:
                check_gradient(lambda a: op(a, **params), [normal(*shape)])  # linear: no second order
    return check


def gelqf_grad():
    for shape in [(2, 4), (2, 3, 3), (2, 2, 4)]:
        check_both(mx.nd.linalg.gelqf, [normal(*shape)], rtol=1e-4)


def syevd_grad():
    for shape in [(3, 3), (2, 4, 4)]:  # distinct eigenvalues (almost surely)
        check_both(lambda a: mx.nd.linalg.syevd(symmetric(a)), [normal(*shape)], rtol=1e-4)


TRIAN_CASES = [dict(offset=o, lower=lw) for o in (-1, 0, 1) for lw in (True, False)]

GRAD_HARNESS = {
    "_linalg_gelqf": gelqf_grad,
    "_linalg_syevd": syevd_grad,
    "_linalg_potrf": potrf_grad,
    "_linalg_potri": potri_grad,
    "_linalg_trmm": triangular_grad(mx.nd.linalg.trmm),
    "_linalg_trsm": triangular_grad(mx.nd.linalg.trsm),
    "_linalg_syrk": syrk_grad,
    "_linalg_sumlogdiag": per_matrix_grad(mx.nd.linalg.sumlogdiag, lambda s: spd(RNG, s), rtol=1e-5),
    "_linalg_det": per_matrix_grad(mx.nd.linalg.det, lambda s: normal(*s)),
    "_linalg_slogdet": per_matrix_grad(mx.nd.linalg.slogdet, lambda s: normal(*s)),
    "_linalg_inverse": per_matrix_grad(mx.nd.linalg.inverse, lambda s: spd(RNG, s) + normal(*s)),
    "_linalg_extractdiag": copy_grad(mx.nd.linalg.extractdiag, [(3, 3), (2, 3, 3)], [dict(offset=o) for o in (-1, 0, 2)]),
    "_linalg_makediag": copy_grad(mx.nd.linalg.makediag, [(3,), (2, 3)], [dict(offset=o) for o in (-1, 0, 2)]),
    "_linalg_extracttrian": copy_grad(mx.nd.linalg.extracttrian, [(3, 3), (2, 3, 3)], TRIAN_CASES),
    "_linalg_maketrian": copy_grad(mx.nd.linalg.maketrian, [(3,), (2, 6)], TRIAN_CASES),
}
NO_GRADIENT = set()


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()


def test_potrf_gradient_is_symmetric_as_mxnet():
    a = mx.nd.array(spd(RNG, (2, 3, 3)), dtype=np.float64)
    a.attach_grad()
    with mx.autograd.record():
        out = mx.nd.linalg.potrf(a)
    out.backward(mx.nd.array(normal(2, 3, 3), dtype=np.float64))
    np.testing.assert_allclose(a.grad.asnumpy(), transpose(a.grad.asnumpy()), rtol=1e-12, atol=1e-12)
