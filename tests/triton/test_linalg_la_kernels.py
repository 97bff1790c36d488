"""The Triton kernels of the LAPACK-style la_ops (_linalg_syrk, trmm, trsm,
sumlogdiag, potrf, potri) against numpy float64 references: both
triangles, transposes and sides, batches (empty too), NaN in the triangle
that must not be read, and NaN for what the CPU kernel reports as an error."""
import numpy as np
import pytest

pytest.importorskip("triton")
import mx_triton  # noqa: E402
from _run import run_op  # noqa: E402

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
