"""The Triton kernels of the LAPACK-style la_ops (_linalg_syrk, trmm, trsm,
sumlogdiag, potrf, potri, inverse, det, slogdet, gelqf, syevd) against numpy float64 references: both
triangles, transposes and sides, batches (empty too), NaN in the triangle
that must not be read, and NaN for what the CPU kernel reports as an error."""
import numpy as np
import pytest

pytest.importorskip("triton")
import mx_triton  # noqa: E402
from _run import run_op  # noqa: E402

# NaN inputs and failing factorisations: the interpreter's numpy warns as it computes them
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

RNG = np.random.default_rng(3)
TOL = {"float32": 2e-5, "float64": 1e-11}


def close(result, expected, dtype):
    np.testing.assert_allclose(result, expected, rtol=TOL[dtype], atol=TOL[dtype])


def op_of(a, transpose):
    return np.swapaxes(a, -1, -2) if transpose else a


def triangular(shape, lower, dtype, other=np.nan):
    """A well-conditioned triangular matrix with `other` in the triangle
    that must not be read."""
    a = RNG.uniform(-1, 1, shape) + 3 * np.eye(shape[-1])
    keep = np.tril(np.ones(shape[-2:], bool)) if lower else np.triu(np.ones(shape[-2:], bool))
    return np.where(keep, a, 0.0), np.where(keep, a, other).astype(dtype)


def spd(shape):
    a = RNG.uniform(-1, 1, shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


SIDES = [(lower, transpose, right) for lower in (True, False) for transpose in (False, True)
         for right in (False, True)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("lower,transpose,right", SIDES)
@pytest.mark.parametrize("op", ["_linalg_trmm", "_linalg_trsm"])
def test_triangular_multiply_and_solve(op, dtype, lower, transpose, right):
    shape_b = (2, 3, 5)
    n = shape_b[-1] if right else shape_b[-2]
    a, stored = triangular((2, n, n), lower, dtype)
    b = RNG.uniform(-1, 1, shape_b)
    m = op_of(a, transpose)
    if op == "_linalg_trsm":
        m = np.linalg.inv(m)
    expected = 1.5 * (b @ m if right else m @ b)
    attrs = {"lower": lower, "transpose": transpose, "rightside": right, "alpha": 1.5}
    close(run_op(op, [(stored, dtype), (b, dtype)], [(shape_b, dtype)], attrs), expected, dtype)


@pytest.mark.parametrize("op", ["_linalg_trmm", "_linalg_trsm"])
def test_triangular_over_empty_batches_and_one_by_one(op):
    assert run_op(op, [(np.zeros((0, 3, 3)), "float64"), (np.zeros((0, 3, 2)), "float64")],
                  [((0, 3, 2), "float64")], {"alpha": 1.0}).shape == (0, 3, 2)
    out = run_op(op, [(np.array([[4.0]]), "float64"), (np.array([[2.0, 8.0]]), "float64")], [((1, 2), "float64")],
                 {"alpha": 1.0})
    np.testing.assert_array_equal(out, [[8.0, 32.0]] if op == "_linalg_trmm" else [[0.5, 2.0]])


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("right", [False, True])
def test_trmm_over_several_tiles_skips_only_zero_blocks(lower, right):
    a, stored = triangular((70, 70), lower, "float64")
    b = RNG.uniform(-1, 1, (35, 70) if right else (70, 35))
    out = run_op("_linalg_trmm", [(stored, "float64"), (b, "float64")], [(b.shape, "float64")],
                 {"lower": lower, "rightside": right, "alpha": 1.0})
    close(out, b @ a if right else a @ b, "float64")


def test_trsm_with_many_rows_and_columns_uses_several_column_blocks():
    a, stored = triangular((40, 40), True, "float64")
    b = RNG.uniform(-1, 1, (40, 150))
    close(run_op("_linalg_trsm", [(stored, "float64"), (b, "float64")], [(b.shape, "float64")], {"alpha": 1.0}),
          np.linalg.solve(a, b), "float64")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("shape", [(2, 3, 5), (33, 4), (1, 0)])
def test_syrk_is_exactly_symmetric(dtype, transpose, shape):
    a = RNG.uniform(-1, 1, shape)
    m = op_of(a, transpose)
    expected = 0.5 * m @ np.swapaxes(m, -1, -2)
    out = run_op("_linalg_syrk", [(a, dtype)], [(expected.shape, dtype)], {"transpose": transpose, "alpha": 0.5})
    close(out, expected, dtype)
    np.testing.assert_array_equal(out, np.swapaxes(out, -1, -2))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(2, 3, 3), (4, 4), (1, 0, 0), (0, 2, 2)])
def test_sumlogdiag(dtype, shape):
    a = RNG.uniform(0.5, 2.0, shape)
    expected = np.log(np.diagonal(a, 0, -2, -1)).sum(-1)
    out = run_op("_linalg_sumlogdiag", [(a, dtype)], [(expected.shape, dtype)])
    close(out, expected, dtype)


def test_sumlogdiag_of_a_long_diagonal_and_a_negative_entry():
    a = np.diag(RNG.uniform(0.5, 2.0, 1500))
    close(run_op("_linalg_sumlogdiag", [(a, "float64")], [((), "float64")]), np.log(np.diag(a)).sum(), "float64")
    assert np.isnan(run_op("_linalg_sumlogdiag", [(-np.eye(2), "float64")], [((), "float64")]))


def cholesky(a, lower):
    lower_factor = np.linalg.cholesky(a)
    return lower_factor if lower else np.swapaxes(lower_factor, -1, -2)


def only_triangle(a, lower):
    """a with NaN in the triangle the kernel must not read."""
    keep = np.tril(np.ones(a.shape[-2:], bool)) if lower else np.triu(np.ones(a.shape[-2:], bool))
    return np.where(keep, a, np.nan)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("shape", [(2, 3, 3), (5, 5), (1, 1), (0, 4, 4)])
def test_potrf(dtype, lower, shape):
    a = spd(shape)
    out = run_op("_linalg_potrf", [(only_triangle(a, lower), dtype)], [(shape, dtype)], {"lower": lower})
    close(out, cholesky(a, lower), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("shape", [(2, 3, 3), (20, 20), (1, 1)])
def test_potri_is_exactly_symmetric(dtype, lower, shape):
    a = spd(shape)
    factor = cholesky(a, lower)
    out = run_op("_linalg_potri", [(only_triangle(factor, lower), dtype)], [(shape, dtype)], {"lower": lower})
    close(out, np.linalg.inv(a), dtype)
    np.testing.assert_array_equal(out, np.swapaxes(out, -1, -2))


def test_failures_the_cpu_reports_are_nan_in_that_matrix_only():
    good = spd((3, 3))
    not_positive_definite = np.stack([good, -good])
    out = run_op("_linalg_potrf", [(not_positive_definite, "float64")], [((2, 3, 3), "float64")], {"lower": True})
    close(out[0], cholesky(good, True), "float64")
    assert np.isnan(out[1]).all()
    singular = np.stack([cholesky(good, True), np.diag([1.0, 0.0, 2.0])])
    out = run_op("_linalg_potri", [(singular, "float64")], [((2, 3, 3), "float64")], {"lower": True})
    close(out[0], np.linalg.inv(good), "float64")
    assert np.isnan(out[1]).all()


@pytest.mark.parametrize("op", ["_linalg_potrf", "_linalg_potri", "_linalg_inverse"])
def test_matrices_above_the_cap_are_a_clear_error(op):
    from mx_triton.ops.linalg_cholesky import FACTOR_MAX_N
    n = FACTOR_MAX_N + 1
    with pytest.raises(mx_triton.KernelError, match=rf"operator {op} on gpu\(0\).*{n} x {n}.*up to {FACTOR_MAX_N}"):
        run_op(op, [(np.eye(n), "float32")], [((n, n), "float32")], {"lower": True})


SQUARES = [(2, 3, 3), (5, 5), (1, 1), (2, 0, 0), (0, 2, 2)]


def pivoting_needed(shape):
    """Random matrices whose (0, 0) entry is zero: no LU without row swaps."""
    a = RNG.uniform(-1, 1, shape)
    if shape[-1]:
        a[..., 0, 0] = 0.0
    return a


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SQUARES)
def test_det_and_slogdet(dtype, shape):
    a = pivoting_needed(shape)
    batch = shape[:-2] or (1,)  # MXNet's det of one matrix has shape (1,)
    close(run_op("_linalg_det", [(a, dtype)], [(batch, dtype)]), np.linalg.det(a).reshape(batch), dtype)
    sign, log_abs = run_op("_linalg_slogdet", [(a, dtype)], [(batch, dtype), (batch, dtype)])
    want_sign, want_log = np.linalg.slogdet(a)
    np.testing.assert_array_equal(sign, np.reshape(want_sign, batch))
    close(log_abs, np.reshape(want_log, batch), dtype)


def test_determinants_of_singular_matrices():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert run_op("_linalg_det", [(singular, "float64")], [((1,), "float64")])[0] == 0
    sign, log_abs = run_op("_linalg_slogdet", [(np.zeros((3, 3)), "float64")], [((1,), "float64")] * 2)
    assert sign[0] == 0 and log_abs[0] == -np.inf


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SQUARES + [(20, 20)])
def test_inverse(dtype, shape):
    # rows of a diagonally dominant matrix reversed: invertible, and pivoting swaps them back
    a = (RNG.uniform(-1, 1, shape) + 3 * np.eye(shape[-1]))[..., ::-1, :]
    close(run_op("_linalg_inverse", [(a, dtype)], [(shape, dtype)]), np.linalg.inv(a), dtype)


def test_a_singular_inverse_is_nan_in_that_matrix_only():
    out = run_op("_linalg_inverse", [(np.stack([2 * np.eye(2), np.ones((2, 2))]), "float64")], [((2, 2, 2), "float64")])
    np.testing.assert_array_equal(out[0], 0.5 * np.eye(2))
    assert np.isnan(out[1]).all()


def lq_reference(a):
    """LAPACK's LQ of a through numpy's QR (geqrf) of a^T: the same reflectors, so the same signs."""
    q, r = np.linalg.qr(np.swapaxes(a, -1, -2))
    return np.swapaxes(q, -1, -2), np.swapaxes(r, -1, -2)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(2, 3, 5), (4, 4), (1, 1), (2, 1, 3), (0, 2, 3)])
def test_gelqf_has_lapacks_signs(dtype, shape):
    a = RNG.uniform(-1, 1, shape)
    q, l = run_op("_linalg_gelqf", [(a, dtype)], [(shape, dtype), (shape[:-1] + shape[-2:-1], dtype)])
    want_q, want_l = lq_reference(a)
    close(q, want_q, dtype)
    close(l, want_l, dtype)


def test_gelqf_of_a_row_already_reduced():
    a = np.array([[2.0, 0.0, 0.0], [1.0, -3.0, 0.0]])  # no reflection needed: H = I, L keeps the signs
    q, l = run_op("_linalg_gelqf", [(a, "float64")], [((2, 3), "float64"), ((2, 2), "float64")])
    np.testing.assert_array_equal(l, [[2.0, 0.0], [1.0, -3.0]])
    np.testing.assert_array_equal(q, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def test_gelqf_above_the_cap_is_a_clear_error():
    from mx_triton.ops.linalg_cholesky import FACTOR_MAX_N
    n = FACTOR_MAX_N + 1
    with pytest.raises(mx_triton.KernelError, match=rf"_linalg_gelqf on gpu\(0\).*1 x {n}.*up to {FACTOR_MAX_N}"):
        run_op("_linalg_gelqf", [(np.ones((1, n)), "float32")], [((1, n), "float32"), ((1, 1), "float32")])


def eigen_reference(a):
    """numpy's eigh with MXNet's sign rule: eigenvectors as rows, each one's first largest |entry| positive."""
    values, vectors = np.linalg.eigh(a)
    rows = np.swapaxes(vectors, -1, -2)
    top = np.take_along_axis(rows, np.abs(rows).argmax(-1)[..., None], -1)
    return np.where(top < 0, -rows, rows), values


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(2, 4, 4), (6, 6), (1, 1), (0, 3, 3)])
def test_syevd_reads_the_lower_triangle(dtype, shape):
    a = RNG.uniform(-1, 1, shape)
    a = a + np.swapaxes(a, -1, -2)
    u, values = run_op("_linalg_syevd", [(only_triangle(a, True), dtype)], [(shape, dtype), (shape[:-1], dtype)])
    want_u, want_values = eigen_reference(a)
    close(values, want_values, dtype)
    np.testing.assert_allclose(u, want_u, rtol=0, atol=50 * TOL[dtype])


def test_syevd_of_a_diagonal_matrix_sorts_it():
    u, values = run_op("_linalg_syevd", [(np.diag([3.0, -1.0, 2.0]), "float64")],
                       [((3, 3), "float64"), ((3,), "float64")])
    np.testing.assert_array_equal(values, [-1.0, 2.0, 3.0])
    np.testing.assert_array_equal(u, [[0, 1, 0], [0, 0, 1], [1, 0, 0]])
