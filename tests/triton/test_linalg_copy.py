"""The Triton kernels of _linalg_extractdiag / makediag / extracttrian /
maketrian against numpy: every offset, both triangles, batches (empty too)."""
import numpy as np
import pytest

pytest.importorskip("triton")
from _run import run_op  # noqa: E402


def triangle(n, offset, lower):
    below = offset < 0 or (offset == 0 and lower)
    return np.tril(np.ones((n, n), bool), offset) if below else np.triu(np.ones((n, n), bool), offset)


def diagonal(n, offset):
    return np.eye(n, k=offset, dtype=bool)


CASES = [(shape, offset) for shape in [(4, 4), (2, 3, 4, 4), (0, 3, 3), (1, 1)] for offset in (-2, -1, 0, 1, 3)
         if abs(offset) < shape[-1]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,offset", CASES)
def test_diagonal_both_ways(dtype, shape, offset):
    a = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    d = np.ascontiguousarray(np.diagonal(a, offset, -2, -1))
    np.testing.assert_array_equal(run_op("_linalg_extractdiag", [(a, dtype)], [(d.shape, dtype)],
                                         {"offset": offset}), d)
    expected = np.where(diagonal(shape[-1], offset), a, 0).astype(dtype)
    np.testing.assert_array_equal(run_op("_linalg_makediag", [(d, dtype)], [(shape, dtype)], {"offset": offset}),
                                  expected)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("shape,offset", CASES)
def test_triangle_both_ways(dtype, lower, shape, offset):
    a = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    mask = triangle(shape[-1], offset, lower)
    packed = np.ascontiguousarray(a[..., mask])  # row by row, as MXNet packs it
    attrs = {"offset": offset, "lower": lower}
    np.testing.assert_array_equal(run_op("_linalg_extracttrian", [(a, dtype)], [(packed.shape, dtype)], attrs),
                                  packed)
    np.testing.assert_array_equal(run_op("_linalg_maketrian", [(packed, dtype)], [(shape, dtype)], attrs),
                                  np.where(mask, a, 0).astype(dtype))
