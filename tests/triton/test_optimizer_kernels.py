"""The optimizer update kernels (mx_triton/ops/optimizer.py, multi_array.py)
against the float64 references of MXNet 1.9's formulas (tests/_optimizer_ref.py):
the new weight and every state updated in place; multi_sum_sq, all_finite,
reset_arrays, LAMB's phases, multi_lars, AdamW (adamw.py) and multi-tensor
LAMB (multi_lamb.py)."""
import numpy as np
import pytest

pytest.importorskip("triton")

from _optimizer_ref import (MIXED, MULTI, OPS, adamw, all_finite, initial_states, lamb_phase1,  # noqa: E402
                            lamb_phase2, multi_lamb, multi_lars, multi_reference, param_sets, reference, sum_sq)
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


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("op", sorted(MULTI))
def test_multi_update(op, dtype):
    single = MULTI[op]
    state_dtype = "float32" if single in MIXED else dtype
    params = dict({"momentum": 0.9} if "mom" in op else {}, rescale_grad=0.5, clip_gradient=0.3)
    shapes, lrs, wds = [(37,), (5, 3)], [0.1, 0.2], [0.01, 0.0]
    groups = []
    for shape in shapes:
        weight = rounded(RNG.standard_normal(shape), dtype)
        grad = rounded(RNG.standard_normal(shape) * 2, dtype)
        groups.append([weight, grad] + [rounded(s, state_dtype) for s in initial_states(single, weight, RNG)])
    expected = multi_reference(op, groups, lrs, wds, **params)
    inputs = [(a, dtype if j < 2 else state_dtype) for group in groups for j, a in enumerate(group)]
    attrs = dict(params, num_weights=len(shapes))
    if op.startswith("preloaded_"):
        inputs += [(np.array(lrs), "float32"), (np.array(wds), "float32")]
    else:
        attrs.update(lrs=tuple(lrs), wds=tuple(wds))
    outs, updated = run_op(op, inputs, [(s, dtype) for s in shapes], attrs, read_inputs=True)
    tol = max(TOLERANCE[dtype], TOLERANCE[state_dtype]) * 10
    stride = len(groups[0])
    for k, (want, want_states) in enumerate(expected):
        np.testing.assert_allclose(outs[k], want, rtol=tol, atol=tol)
        for got, want_state in zip(updated[k * stride + 2:(k + 1) * stride], want_states):
            np.testing.assert_allclose(got, want_state, rtol=TOLERANCE[state_dtype] * 10,
                                       atol=TOLERANCE[state_dtype] * 10)


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
def test_multi_sum_sq(dtype):
    arrays = [rounded(RNG.standard_normal(shape), dtype) for shape in [(37,), (2500,), (3, 4)]]
    out = run_op("multi_sum_sq", [(a, dtype) for a in arrays], [((3,), "float32")], {"num_arrays": 3})
    np.testing.assert_allclose(out, sum_sq(arrays), rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("op", ["all_finite", "multi_all_finite"])
def test_all_finite(op, dtype):
    for bad in (None, np.inf, -np.inf, np.nan):
        arrays = [rounded(RNG.standard_normal(shape), dtype) for shape in ([(2100,)] if op == "all_finite"
                                                                           else [(5,), (2100,)])]
        if bad is not None:
            arrays[-1][2050] = bad
        inputs = [(a, dtype) for a in arrays]
        for init, start in ((True, 0.0), (False, 1.0), (False, 0.0)):
            out = run_op(op, inputs, [((1,), "float32")], {"init_output": init, "num_arrays": len(arrays)},
                         initial=[np.array([start])])
            want = all_finite(arrays) if init else all_finite(arrays) * start
            np.testing.assert_array_equal(out, want)


@pytest.mark.parametrize("dtype", ["float32", "float16", "int32", "uint8", "bool"])
def test_reset_arrays(dtype):
    arrays = [np.ones(shape) for shape in [(37,), (3, 4)]]
    out, updated = run_op("reset_arrays", [(a, dtype) for a in arrays], [], {"num_arrays": 2}, read_inputs=True)
    assert out == []
    for got, a in zip(updated, arrays):
        np.testing.assert_array_equal(got, np.zeros_like(a))


LAMB1 = {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6, "t": 3, "wd": 0.01, "rescale_grad": 0.5, "clip_gradient": 0.3}


@pytest.mark.parametrize("bias_correction", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("mixed", [False, True], ids=["plain", "mp"])
def test_lamb_phase1(mixed, dtype, bias_correction):
    state = "float32" if mixed else dtype
    weight, grad = rounded(RNG.standard_normal((37,)), dtype), rounded(RNG.standard_normal((37,)) * 2, dtype)
    mean, var = rounded(RNG.standard_normal((37,)) * 0.1, state), rounded(RNG.uniform(0.5, 1, (37,)), state)
    extra = [(rounded(weight + 0.25, "float32"), "float32")] if mixed else []
    params = dict(LAMB1, bias_correction=bias_correction)
    want, want_mean, want_var = lamb_phase1(weight, grad, mean, var, *[a for a, _ in extra], **params)
    op = ("mp_" if mixed else "") + "lamb_update_phase1"
    g, updated = run_op(op, [(weight, dtype), (grad, dtype), (mean, state), (var, state)] + extra,
                        [((37,), state)], params, read_inputs=True)
    tol = TOLERANCE[state] * 10
    np.testing.assert_allclose(g, want, rtol=tol, atol=tol)
    np.testing.assert_allclose(updated[2], want_mean, rtol=tol, atol=tol)
    np.testing.assert_allclose(updated[3], want_var, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("mixed", [False, True], ids=["plain", "mp"])
def test_lamb_phase2(mixed, dtype):
    state = "float32" if mixed else dtype
    for bounds, r1, r2 in [({}, 2.0, 4.0), ({}, 0.0, 4.0), ({}, 2.0, 0.0), ({"lower_bound": 3.0}, 2.0, 4.0),
                           ({"upper_bound": 1.0}, 2.0, 4.0)]:
        weight, g = rounded(RNG.standard_normal((37,)), dtype), rounded(RNG.standard_normal((37,)), state)
        extra = [(rounded(weight + 0.25, "float32"), "float32")] if mixed else []
        params = dict({"lr": 0.1, "lower_bound": -1.0, "upper_bound": -1.0}, **bounds)
        want = lamb_phase2(weight, g, [r1], [r2], *[a for a, _ in extra], **params)
        out = run_op(("mp_" if mixed else "") + "lamb_update_phase2",
                     [(weight, dtype), (g, state), (np.array([r1]), state), (np.array([r2]), state)] + extra,
                     [((37,), dtype)], params)
        tol = max(TOLERANCE[dtype], TOLERANCE[state]) * 10  # mp_: the float32 master weight
        np.testing.assert_allclose(out, want, rtol=tol, atol=tol)


def test_multi_lars():
    lrs, wds = RNG.uniform(0.01, 0.1, 6), RNG.uniform(0, 0.01, 6)
    weights_sum_sq, grads_sum_sq = RNG.uniform(0.5, 4, 6), RNG.uniform(0.5, 4, 6)
    weights_sum_sq[1] = grads_sum_sq[2] = 0
    arrays = [rounded(a, "float32") for a in (lrs, weights_sum_sq, grads_sum_sq, wds)]
    params = {"eta": 0.01, "eps": 1e-3, "rescale_grad": 0.5}
    out = run_op("multi_lars", [(a, "float32") for a in arrays], [((6,), "float32")], params)
    np.testing.assert_allclose(out, multi_lars(*arrays, **params), rtol=1e-6)


ADAMW = {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6, "clip_gradient": 0.3}


@pytest.mark.parametrize("rescale_grad", [0.5, 0.0, np.inf, np.nan])
@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("multi", [False, True], ids=["single", "multi"])
@pytest.mark.parametrize("mixed", [False, True], ids=["plain", "mp"])
def test_adamw(mixed, multi, dtype, rescale_grad):
    state = "float32" if mixed else dtype
    shapes, lrs, wds, etas = ([(37,), (5, 3)], [0.1, 0.2], [0.01, 0.0], [1.0, 0.5]) if multi else \
        ([(37,)], [0.1], [0.01], [0.5])
    groups = []
    for shape in shapes:
        weight = rounded(RNG.standard_normal(shape), dtype)
        grad = rounded(RNG.standard_normal(shape) * 2, dtype)
        mean, var = rounded(RNG.standard_normal(shape) * 0.1, state), rounded(RNG.uniform(0.5, 1, shape), state)
        groups.append([weight, grad, mean, var] + [rounded(weight + 0.25, "float32")] * mixed)
    inputs = [(a, dtype if j < 2 else state if j < 4 else "float32") for group in groups for j, a in enumerate(group)]
    inputs.append((np.array([rescale_grad]), "float32"))
    if multi:
        attrs = dict(ADAMW, lrs=tuple(lrs), wds=tuple(wds), etas=tuple(etas), num_weights=len(shapes))
    else:
        attrs = dict(ADAMW, lr=lrs[0], wd=wds[0], eta=etas[0])
    op = "_%s%sadamw_update" % ("multi_" if multi else "", "mp_" if mixed else "")
    outs, updated = run_op(op, inputs, [(s, dtype) for s in shapes], attrs, read_inputs=True)
    outs = outs if multi else [outs]
    stride = len(groups[0])
    tol = max(TOLERANCE[dtype], TOLERANCE[state]) * 10
    for k, group in enumerate(groups):
        want, want_states = adamw(*group[:4], *group[4:], rescale_grad=rescale_grad, lr=lrs[k], wd=wds[k],
                                  eta=etas[k], **ADAMW)
        if not np.isfinite(rescale_grad) or rescale_grad == 0:
            want = group[0]  # skipped: the output is the weight, not weight32
        np.testing.assert_allclose(outs[k], want, rtol=tol, atol=tol)
        for got, want_state in zip(updated[k * stride + 2:(k + 1) * stride], want_states):
            np.testing.assert_allclose(got, want_state, rtol=TOLERANCE[state] * 10, atol=TOLERANCE[state] * 10)


LAMB = [{}, {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-4, "rescale_grad": 0.5, "clip_gradient": 0.3,
             "lower_bound": 0.5, "upper_bound": 2.0},
        {"bias_correction": False, "upper_bound": 0.0}]
LAMB_DEFAULTS = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-6, "rescale_grad": 1.0, "lower_bound": -1.0,
                 "upper_bound": -1.0, "clip_gradient": -1.0, "bias_correction": True}


@pytest.mark.parametrize("params", LAMB, ids=["defaults", "bounded", "no_bias_correction"])
@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("mixed", [False, True], ids=["plain", "mp"])
def test_multi_lamb(mixed, dtype, params):
    state = "float32" if mixed else dtype
    shapes, lrs, wds, steps = [(2500,), (5, 3)], [0.1, 0.05], [0.01, 0.0], [1, 4]
    groups = []
    for shape in shapes:
        weight = rounded(RNG.standard_normal(shape), dtype)
        grad = rounded(RNG.standard_normal(shape) * 2, dtype)
        mean, var = rounded(RNG.standard_normal(shape) * 0.1, state), rounded(RNG.uniform(0.5, 1, shape), state)
        groups.append([weight, grad, mean, var] + [rounded(weight + 0.25, "float32")] * mixed)
    inputs = [(a, dtype if j < 2 else "float32" if j == 4 else state) for group in groups for j, a in enumerate(group)]
    attrs = dict(LAMB_DEFAULTS, **params, learning_rates=tuple(lrs), wds=tuple(wds), step_count=tuple(steps),
                 num_tensors=len(shapes))
    op = "_multi_mp_lamb_update" if mixed else "_multi_lamb_update"
    outs, updated = run_op(op, inputs, [(s, dtype) for s in shapes], attrs, read_inputs=True)
    expected = multi_lamb(groups, lrs, wds, steps, **params)
    stride = len(groups[0])
    tol = max(TOLERANCE[dtype], TOLERANCE[state]) * 10
    for k, (want, want_states) in enumerate(expected):
        np.testing.assert_allclose(outs[k], want, rtol=tol, atol=tol)
        for got, want_state in zip(updated[k * stride + 2:(k + 1) * stride], want_states):
            np.testing.assert_allclose(got, want_state, rtol=tol, atol=tol)
