"""The GroupNorm and InstanceNorm kernels and their gradients against numpy
float64 references: gamma and beta per group, the statistics (GroupNorm's
std, InstanceNorm's var), slices longer than a tile, more samples and groups
than a program of the gamma/beta gradient holds, and outputs not asked for."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _run import TOLERANCE, rounded, run_op  # noqa: E402

RNG = np.random.default_rng(12)

# (op, data shape, groups, eps): InstanceNorm's groups are its channels
CASES = [
    ("GroupNorm", (2, 6, 3, 2), 3, 1e-5),
    ("GroupNorm", (2, 2, 5000), 1, 1e-5),  # one slice spans three tiles
    ("GroupNorm", (40, 4, 3), 2, 0.1),     # the gamma/beta gradient sums 40 samples in two steps
    ("InstanceNorm", (2, 3, 4), 3, 1e-3),
    ("InstanceNorm", (3, 40, 2, 2), 40, 1e-3),  # two programs of groups
    ("InstanceNorm", (2, 3, 1), 3, 1e-3),  # one element a slice: var 0
]


def reference(x, gamma, beta, dy, groups, eps):
    """out, mean, var, dx, dgamma, dbeta in float64."""
    n = x.shape[0]
    slices, dys = x.reshape(n, groups, -1), dy.reshape(n, groups, -1)
    mean, var = slices.mean(axis=-1, keepdims=True), slices.var(axis=-1, keepdims=True)
    std = np.sqrt(var + eps)
    xhat = (slices - mean) / std
    out = xhat * gamma[:, None] + beta[:, None]
    g = dys * gamma[:, None]
    dx = (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True)) / std
    return (out.reshape(x.shape), mean[..., 0], var[..., 0], dx.reshape(x.shape), (dys * xhat).sum(axis=(0, 2)),
            dys.sum(axis=(0, 2)))


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
@pytest.mark.parametrize("op, shape, groups, eps", CASES, ids=lambda c: str(c))
def test_forward_and_gradients(op, shape, groups, eps, dtype):
    x = rounded(RNG.standard_normal(shape) * 2 + 1, dtype)
    gamma, beta = rounded(RNG.uniform(0.5, 1.5, groups), dtype), rounded(RNG.standard_normal(groups), dtype)
    dy = rounded(RNG.standard_normal(shape), dtype)
    out, mean, var, dx, dgamma, dbeta = reference(x, gamma, beta, dy, groups, eps)
    stat = var if op == "InstanceNorm" else np.sqrt(var + eps)
    attrs = {"eps": eps, "num_groups": groups} if op == "GroupNorm" else {"eps": eps}
    stats = ((shape[0], groups), dtype)
    tol = dict(rtol=TOLERANCE[dtype] * 10, atol=TOLERANCE[dtype] * 10)
    got = run_op(op, [(x, dtype), (gamma, dtype), (beta, dtype)], [(shape, dtype), stats, stats], attrs)
    for g, want in zip(got, (out, mean, stat)):
        np.testing.assert_allclose(g, want, **tol)
    inputs = [(dy, dtype), (x, dtype), (gamma, dtype), (mean, dtype), (stat, dtype)]
    grads = run_op(f"_backward_{op}", inputs, [(shape, dtype), ((groups,), dtype), ((groups,), dtype)], attrs)
    scale = np.sqrt(x[0].size)
    for g, want in zip(grads, (dx, dgamma, dbeta)):
        np.testing.assert_allclose(g, want, rtol=tol["rtol"], atol=tol["atol"] * scale)


@pytest.mark.parametrize("req", [["write", "null", "null"], ["null", "write", "write"], ["null", "null", "write"]])
def test_gradients_not_asked_for_stay_untouched(req):
    shape, groups = (3, 4, 5), 2
    x, dy = RNG.standard_normal(shape), RNG.standard_normal(shape)
    gamma = RNG.uniform(0.5, 1.5, groups)
    _, mean, var, *expected = reference(x, gamma, gamma, dy, groups, 1e-5)
    sentinel = [np.full(shape, 7.0), np.full(groups, 7.0), np.full(groups, 7.0)]
    grads = run_op("_backward_GroupNorm", [(a, "float64") for a in (dy, x, gamma, mean, np.sqrt(var + 1e-5))],
                   [(shape, "float64"), ((groups,), "float64"), ((groups,), "float64")],
                   {"eps": 1e-5, "num_groups": groups}, req=req, initial=sentinel)
    for got, want, unset, r in zip(grads, expected, sentinel, req):
        np.testing.assert_allclose(got, want if r == "write" else unset, rtol=1e-10, atol=1e-12)


def test_empty_batch_writes_zero_parameter_gradients():
    grads = run_op("_backward_InstanceNorm", [(np.zeros(s), "float32") for s in [(0, 3, 2), (0, 3, 2), (3,), (0, 3),
                                                                                  (0, 3)]],
                   [((0, 3, 2), "float32"), ((3,), "float32"), ((3,), "float32")], {"eps": 1e-3},
                   initial=[np.zeros((0, 3, 2)), np.full(3, 7.0), np.full(3, 7.0)])
    np.testing.assert_array_equal(grads[1], np.zeros(3))
    np.testing.assert_array_equal(grads[2], np.zeros(3))
