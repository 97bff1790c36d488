"""MXNet's layer-wise trust-ratio optimizer ops (ops/optimizer/trust_ratio.cc)
against float64 numpy references (tests/_optimizer_ref.py): LAMB's two
phases and their mixed-precision forms (mean and var updated in place),
multi_lars, and bad inputs."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import seeded_rng
from _optimizer_ref import lamb_phase1, lamb_phase2, multi_lars

TOL = {np.float16: 3e-3, np.float32: 2e-5, np.float64: 1e-12}
SHAPE = (3, 5)
PHASE1_PARAMS = [{"t": 1, "wd": 0.0}, {"t": 3, "wd": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-4},
                 {"t": 2, "wd": 0.1, "bias_correction": False, "rescale_grad": 0.5, "clip_gradient": 0.3}]
PHASE2_CASES = [({"lr": 0.1}, 2.0, 4.0), ({"lr": 0.1}, 0.0, 4.0), ({"lr": 0.1}, 2.0, 0.0),
                ({"lr": 0.1, "lower_bound": 3.0}, 2.0, 4.0), ({"lr": 0.1, "upper_bound": 1.0}, 2.0, 4.0),
                ({"lr": 0.1, "lower_bound": 0.5, "upper_bound": 1.5}, 0.0, 4.0)]


def _check_close(got, expected, dtype, what):
    tol = TOL[np.dtype(dtype).type]
    np.testing.assert_allclose(np.asarray(got, np.float64), expected, rtol=tol, atol=tol, err_msg=what)


def _phase1_checker(mixed):
    op = "mp_lamb_update_phase1" if mixed else "lamb_update_phase1"

    def check(dtype):
        state_dtype = np.float32 if mixed else dtype
        for params in PHASE1_PARAMS:
            rng = seeded_rng(op, np.dtype(dtype).name, sorted(params.items()))
            weight = mx.nd.array(rng.standard_normal(SHAPE), dtype=dtype)
            grad = mx.nd.array(rng.standard_normal(SHAPE) * 2, dtype=dtype)
            mean = mx.nd.array(rng.standard_normal(SHAPE) * 0.1, dtype=state_dtype)
            var = mx.nd.array(rng.uniform(0.5, 1.0, SHAPE), dtype=state_dtype)
            extra = [mx.nd.array(weight.asnumpy().astype(np.float32) + 0.25, dtype="float32")] if mixed else []
            want_g, want_mean, want_var = lamb_phase1(*[a.asnumpy() for a in [weight, grad, mean, var] + extra],
                                                      **params)
            g = getattr(mx.nd, op)(weight, grad, mean, var, *extra, **params)
            assert g.dtype == np.dtype(state_dtype) and g.shape == SHAPE
            _check_close(g.asnumpy(), want_g, dtype, op + " g")
            _check_close(mean.asnumpy(), want_mean, state_dtype, op + " mean")
            _check_close(var.asnumpy(), want_var, state_dtype, op + " var")
    return check


def _phase2_checker(mixed):
    op = "mp_lamb_update_phase2" if mixed else "lamb_update_phase2"

    def check(dtype):
        g_dtype = np.float32 if mixed else dtype
        for k, (params, r1, r2) in enumerate(PHASE2_CASES):
            rng = seeded_rng(op, np.dtype(dtype).name, k)
            weight = mx.nd.array(rng.standard_normal(SHAPE), dtype=dtype)
            g = mx.nd.array(rng.standard_normal(SHAPE), dtype=g_dtype)
            norms = [mx.nd.array([r1], dtype=g_dtype), mx.nd.array([r2], dtype=g_dtype)]
            extra = [mx.nd.array(weight.asnumpy().astype(np.float32) + 0.25, dtype="float32")] if mixed else []
            want = lamb_phase2(*[a.asnumpy() for a in [weight, g] + norms + extra], **params)
            out = getattr(mx.nd, op)(weight, g, *norms, *extra, out=weight, **params)
            assert out is weight and out.dtype == np.dtype(dtype)
            _check_close(out.asnumpy(), want, dtype, "%s case %d" % (op, k))
    return check


def _check_multi_lars(dtype):
    rng = seeded_rng("multi_lars")
    lrs, wds = rng.uniform(0.01, 0.1, 6), rng.uniform(0, 0.01, 6)
    weights_sum_sq, grads_sum_sq = rng.uniform(0.5, 4, 6), rng.uniform(0.5, 4, 6)
    weights_sum_sq[1] = grads_sum_sq[2] = weights_sum_sq[3] = grads_sum_sq[3] = 0  # plain lrs there
    arrays = [np.float32(a) for a in (lrs, weights_sum_sq, grads_sum_sq, wds)]
    for params in ({"eta": 0.001, "eps": 1e-8}, {"eta": 0.01, "eps": 1e-3, "rescale_grad": 0.5}):
        out = mx.nd.multi_lars(*[mx.nd.array(a, dtype=dtype) for a in arrays], **params)
        assert out.dtype == np.float32 and out.shape == (6,)
        np.testing.assert_allclose(out.asnumpy(), multi_lars(*arrays, **params), rtol=1e-6)


HARNESS = {"lamb_update_phase1": _phase1_checker(False), "mp_lamb_update_phase1": _phase1_checker(True),
           "lamb_update_phase2": _phase2_checker(False), "mp_lamb_update_phase2": _phase2_checker(True),
           "multi_lars": _check_multi_lars}
ALIASES = {}
NO_GRADIENT = set(HARNESS)  # MXNet registers no gradient for optimizer updates


def _ids(dtype):
    return np.dtype(dtype).name


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16], ids=_ids)
@pytest.mark.parametrize("op", ["lamb_update_phase1", "lamb_update_phase2"])
def test_lamb_phase(op, dtype):
    HARNESS[op](dtype)


@pytest.mark.parametrize("dtype", [np.float16, np.float32], ids=_ids)
@pytest.mark.parametrize("op", ["mp_lamb_update_phase1", "mp_lamb_update_phase2"])
def test_mixed_precision_lamb_phase(op, dtype):
    HARNESS[op](dtype)


def test_multi_lars():
    HARNESS["multi_lars"](np.float32)


def test_mixed_precision_phase2_reads_weight32_without_updating_it():
    weight = mx.nd.array([1.0, 2.0], dtype="float16")
    weight32 = mx.nd.array([1.5, 2.5])
    g, r = mx.nd.array([1.0, -1.0]), mx.nd.array([1.0])
    out = mx.nd.mp_lamb_update_phase2(weight, g, r, r, weight32, lr=0.5)
    np.testing.assert_array_equal(out.asnumpy(), np.float16([1.0, 3.0]))
    np.testing.assert_array_equal(weight32.asnumpy(), [1.5, 2.5])


def test_lamb_step_from_its_phases():
    # the way MXNet's LAMB optimizer chains them: g, the two norms, out=weight
    rng = seeded_rng("lamb step")
    w, grad = rng.standard_normal(SHAPE), rng.standard_normal(SHAPE)
    weight, mean, var = mx.nd.array(w), mx.nd.zeros(SHAPE), mx.nd.zeros(SHAPE)
    g = mx.nd.lamb_update_phase1(weight, mx.nd.array(grad), mean, var, t=1, wd=0.01)
    mx.nd.lamb_update_phase2(weight, g, mx.nd.norm(weight), mx.nd.norm(g), lr=0.1, out=weight)
    want_g = lamb_phase1(w, grad, np.zeros(SHAPE), np.zeros(SHAPE), t=1, wd=0.01)[0]
    want = lamb_phase2(w, want_g, [np.linalg.norm(w)], [np.linalg.norm(want_g)], lr=0.1)
    np.testing.assert_allclose(weight.asnumpy(), want, rtol=1e-5, atol=1e-6)


def test_symbolic_phase1_states_are_auxiliary():
    net = mx.sym.lamb_update_phase1(*[mx.sym.Variable(n) for n in ("w", "g", "m", "v")], t=1, wd=0.0)
    assert net.list_arguments() == ["w", "g"] and net.list_auxiliary_states() == ["m", "v"]
    mp = mx.sym.mp_lamb_update_phase1(*[mx.sym.Variable(n) for n in ("w", "g", "m", "v", "w32")], t=1, wd=0.0)
    assert mp.list_auxiliary_states() == ["m", "v"]
    assert mp.infer_type(w="float16")[1] == [np.float32]
    phase2 = mx.sym.lamb_update_phase2(*[mx.sym.Variable(n) for n in ("w", "g", "r1", "r2")], lr=0.1)
    assert phase2.infer_shape(w=(3, 4))[0] == [(3, 4), (3, 4), (1,), (1,)]


def _works_after_error():
    out = mx.nd.lamb_update_phase2(mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.ones((1,)), mx.nd.ones((1,)), lr=0.5)
    np.testing.assert_allclose(out.asnumpy(), [0.5, 0.5])


def _zeros(*shapes, dtype="float32"):
    return [mx.nd.zeros(s, dtype=dtype) for s in shapes]


@pytest.mark.parametrize("call, match", [
    (lambda: mx.nd.lamb_update_phase1(*_zeros((2,), (2,), (2,), (2,)), wd=0.0), "'t'"),
    (lambda: mx.nd.lamb_update_phase1(*_zeros((2,), (2,), (2,), (2,)), t=1), "'wd'"),
    (lambda: mx.nd.lamb_update_phase1(*_zeros((2,), (2,), (3,), (2,)), t=1, wd=0.0), "lamb_update_phase1"),
    (lambda: mx.nd.mp_lamb_update_phase1(*_zeros((2,), (2,), (2,), (2,), (2,), dtype="float16"), t=1, wd=0.0),
     "float32"),
    (lambda: mx.nd.lamb_update_phase2(*_zeros((2,), (2,), (2,), (1,)), lr=0.1), "r1"),
    (lambda: mx.nd.lamb_update_phase2(*_zeros((2,), (3,), (1,), (1,)), lr=0.1), "lamb_update_phase2"),
    (lambda: mx.nd.lamb_update_phase2(*_zeros((2,), (2,), (1,), (1,))), "'lr'"),
    (lambda: mx.nd.mp_lamb_update_phase2(*_zeros((2,), (2,), (1,), (1,), (3,)), lr=0.1), "mp_lamb_update_phase2"),
    (lambda: mx.nd.multi_lars(*_zeros((3,), (3,), (3,), (3,), dtype="float64"), eta=0.1, eps=0.0), "float32"),
    (lambda: mx.nd.multi_lars(*_zeros((3,), (3,), (2,), (3,)), eta=0.1, eps=0.0), "multi_lars"),
    (lambda: mx.nd.multi_lars(*_zeros((3,), (3,), (3,), (3,)), eps=0.0), "'eta'"),
])
def test_bad_input_is_an_error(call, match):
    with pytest.raises(MXNetError, match=match):
        call().wait_to_read()
    _works_after_error()
