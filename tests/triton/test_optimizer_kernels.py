"""The optimizer update kernels (mx_triton/ops/optimizer.py) against the
float64 references of MXNet 1.9's formulas (tests/_optimizer_ref.py): the
new weight and every state updated in place."""
import numpy as np
import pytest

pytest.importorskip("triton")

from _optimizer_ref import MIXED, OPS, initial_states, param_sets, reference  # noqa: E402
from _run import TOLERANCE, rounded, run_op  # noqa: E402

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("op", sorted(OPS))
def test_update(op, dtype):
    state_dtype = "float32" if op in MIXED else dtype
    for params in param_sets(op):
        weight = rounded(RNG.standard_normal((37,)), dtype)
        grad = rounded(RNG.standard_normal((37,)) * 2, dtype)
        states = [rounded(s, state_dtype) for s in initial_states(op, weight, RNG)]
        expected, expected_states = reference(op, weight, grad, *states, **params)
        attrs = dict(OPS[op][1], **params)  # every parameter, as libmx passes them
        out, updated = run_op(op, [(weight, dtype), (grad, dtype)] + [(s, state_dtype) for s in states],
                              [(weight.shape, dtype)], attrs, read_inputs=True)
        tol = max(TOLERANCE[dtype], TOLERANCE[state_dtype]) * 10  # mp_*: the float32 master weight
        np.testing.assert_allclose(out, expected, rtol=tol, atol=tol)
        for got, want in zip(updated[2:], expected_states):
            state_tol = TOLERANCE[state_dtype] * 10
            np.testing.assert_allclose(got, want, rtol=state_tol, atol=state_tol)
