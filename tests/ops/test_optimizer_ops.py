"""MXNet's optimizer update ops (ops/optimizer) against float64 numpy
references of MXNet 1.9's formulas (tests/_optimizer_ref.py) over several
steps: the output (a new array, or weight itself with out=weight), the
states updated in place, float16 and the mixed-precision mp_* forms,
rescale_grad / wd / clipping, the symbolic form (states are auxiliary), and
bad inputs."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import seeded_rng
from _optimizer_ref import MIXED, OPS, initial_states, param_sets, reference

TOL = {np.float16: 3e-3, np.float32: 2e-5, np.float64: 1e-12}
SHAPE = (3, 5)
STEPS = 3


def _check_close(got, expected, dtype, what):
    tol = TOL[np.dtype(dtype).type]
    np.testing.assert_allclose(got.astype(np.float64), expected, rtol=tol, atol=tol, err_msg=what)


def _state_dtype(op, dtype):
    return np.float32 if op in MIXED else dtype


def _run_steps(op, dtype, params):
    """STEPS updates of one weight: the first into a new array (weight must
    stay as it was), the rest with out=weight.  Each step is compared with
    the reference applied to the arrays' current values."""
    rng = seeded_rng(op, np.dtype(dtype).name, sorted(params.items()))
    weight_np = rng.standard_normal(SHAPE).astype(dtype)
    weight = mx.nd.array(weight_np, dtype=dtype)
    states = [mx.nd.array(s, dtype=_state_dtype(op, dtype)) for s in initial_states(op, weight_np, rng)]
    for step in range(STEPS):
        grad = mx.nd.array(rng.standard_normal(SHAPE) * 2, dtype=dtype)
        kwargs = dict(params, t=step + 1) if op == "ftml_update" else params
        before = [a.asnumpy() for a in [weight, grad] + states]
        expected, expected_states = reference(op, *before, **kwargs)
        if step == 0:
            out = getattr(mx.nd, op)(weight, grad, *states, **kwargs)
            _check_close(weight.asnumpy(), before[0].astype(np.float64), dtype, "weight changed without out=")
        else:
            out = getattr(mx.nd, op)(weight, grad, *states, out=weight, **kwargs)
            assert out is weight
        assert out.dtype == np.dtype(dtype) and out.shape == SHAPE
        _check_close(out.asnumpy(), expected, dtype, op + " output")
        for k, (state, want) in enumerate(zip(states, expected_states)):
            _check_close(state.asnumpy(), want, _state_dtype(op, dtype), "%s state %s" % (op, OPS[op][0][k]))
        if step == 0:
            weight = out


def _checker(op):
    def check(dtype):
        for params in param_sets(op):
            _run_steps(op, dtype, params)
    return check


HARNESS = {op: _checker(op) for op in OPS}
ALIASES = {}
NO_GRADIENT = set(OPS)  # MXNet registers no gradient for optimizer updates

PLAIN_OPS = sorted(set(OPS) - MIXED)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", PLAIN_OPS)
def test_update(op, dtype):
    HARNESS[op](dtype)


@pytest.mark.parametrize("dtype", [np.float16, np.float32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", sorted(MIXED))
def test_mixed_precision_update(op, dtype):
    HARNESS[op](dtype)


def test_mixed_precision_keeps_what_float16_rounds_away():
    # 1000 steps of 1e-4 on a float16 weight of 1 vanish; the float32 master copy keeps them
    weight = mx.nd.ones((4,), dtype="float16")
    weight32 = mx.nd.ones((4,), dtype="float32")
    grad = mx.nd.full((4,), -1e-4, dtype="float16")
    plain = weight.copy()
    for _ in range(100):
        mx.nd.mp_sgd_update(weight, grad, weight32, lr=1.0, out=weight)
        mx.nd.sgd_update(plain, grad, lr=1.0, out=plain)
    np.testing.assert_allclose(weight32.asnumpy(), 1.01, rtol=1e-4)
    np.testing.assert_allclose(weight.asnumpy(), np.float16(weight32.asnumpy()), rtol=0)
    np.testing.assert_array_equal(plain.asnumpy(), 1.0)


def test_lazy_update_is_accepted_and_ignored_for_dense_arrays():
    w, g = mx.nd.array([1.0, 2.0]), mx.nd.array([0.5, -0.5])
    for lazy in (True, False):
        np.testing.assert_allclose(mx.nd.sgd_update(w, g, lr=0.1, wd=0.1, lazy_update=lazy).asnumpy(),
                                   [0.94, 2.03], rtol=1e-6)


def test_negative_clip_gradient_means_no_clipping():
    w, g = mx.nd.zeros((2,)), mx.nd.array([10.0, -10.0])
    np.testing.assert_allclose(mx.nd.sgd_update(w, g, lr=1.0, clip_gradient=-0.5).asnumpy(), [-10, 10])
    np.testing.assert_allclose(mx.nd.sgd_update(w, g, lr=1.0, clip_gradient=0.5).asnumpy(), [-0.5, 0.5])
    np.testing.assert_allclose(mx.nd.sgd_update(w, g, lr=1.0, clip_gradient=0).asnumpy(), [0, 0])


def test_parameters_and_defaults_are_mxnets():
    doc = mx.nd.adam_update.__doc__
    for line in ("lr : float, required", "beta1 : float, optional, default=0.9",
                 "beta2 : float, optional, default=0.999", "epsilon : float, optional, default=1e-08",
                 "wd : float, optional, default=0", "rescale_grad : float, optional, default=1",
                 "clip_gradient : float, optional, default=-1", "lazy_update : boolean, optional, default=1"):
        assert line in doc
    assert "clip_grad : float, optional, default=-1" in mx.nd.ftml_update.__doc__
    assert "t : int, required" in mx.nd.ftml_update.__doc__
    assert "wd_lh : float, optional, default=0" in mx.nd.signum_update.__doc__


def test_symbolic_update_states_are_auxiliary():
    net = mx.sym.sgd_mom_update(mx.sym.Variable("weight"), mx.sym.Variable("grad"), mx.sym.Variable("mom"),
                                lr=0.5, momentum=0.9)
    assert net.list_arguments() == ["weight", "grad"]
    assert net.list_auxiliary_states() == ["mom"]
    weight, grad, mom = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([0.1, 0.2])
    aux = {"mom": mx.nd.array(mom)}
    ex = net.bind(mx.cpu(), {"weight": mx.nd.array(weight), "grad": mx.nd.array(grad)}, aux_states=aux)
    for _ in range(2):
        expected, (mom,) = reference("sgd_mom_update", weight, grad, mom, lr=0.5, momentum=0.9)
        out = ex.forward()[0]
        np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-6)
        np.testing.assert_allclose(aux["mom"].asnumpy(), mom, rtol=1e-6)
    assert net.infer_type(weight="float16")[2] == [np.float16]
    mp = mx.sym.mp_sgd_update(mx.sym.Variable("w"), mx.sym.Variable("g"), mx.sym.Variable("w32"), lr=0.1)
    assert mp.infer_type(w="float16") == ([np.float16, np.float16], [np.float16], [np.float32])


def _works_after_error():
    np.testing.assert_allclose(mx.nd.sgd_update(mx.nd.ones((2,)), mx.nd.ones((2,)), lr=0.5).asnumpy(), [0.5, 0.5])


@pytest.mark.parametrize("op, shapes", [
    ("sgd_update", [(3, 5), (5, 3)]),
    ("sgd_mom_update", [(3, 5), (3, 5), (15,)]),
    ("mp_sgd_mom_update", [(3, 5), (3, 5), (3, 5), (3, 4)]),
    ("adam_update", [(3, 5), (3, 5), (3, 5), (3, 6)]),
    ("rmspropalex_update", [(3, 5), (3, 5), (3, 5), (3, 5), (2, 5)]),
])
def test_shape_mismatch_is_an_error(op, shapes):
    dtypes = ["float16", "float16"] + ["float32"] * 4 if op in MIXED else ["float32"] * 5
    arrays = [mx.nd.zeros(s, dtype=d) for s, d in zip(shapes, dtypes)]
    kwargs = {"lr": 0.1}
    with pytest.raises(MXNetError, match=op):
        getattr(mx.nd, op)(*arrays, **kwargs).wait_to_read()
    _works_after_error()


def test_out_of_another_shape_is_an_error():
    w = mx.nd.zeros((2, 3))
    with pytest.raises(MXNetError):
        mx.nd.sgd_update(w, w, lr=0.1, out=mx.nd.zeros((3, 2))).wait_to_read()
    _works_after_error()


@pytest.mark.parametrize("call, match", [
    (lambda: mx.nd.sgd_update(mx.nd.zeros((2,), dtype="int32"), mx.nd.zeros((2,), dtype="int32"), lr=0.1),
     "float16, float32 and float64 only"),
    (lambda: mx.nd.sgd_update(mx.nd.zeros((2,)), mx.nd.zeros((2,), dtype="float64"), lr=0.1), "sgd_update"),
    (lambda: mx.nd.mp_sgd_update(mx.nd.zeros((2,), dtype="float16"), mx.nd.zeros((2,), dtype="float16"),
                                 mx.nd.zeros((2,), dtype="float16"), lr=0.1), "float32"),
    (lambda: mx.nd.sgd_update(mx.nd.zeros((2,)), mx.nd.zeros((2,))), "lr"),
    (lambda: mx.nd.ftml_update(*[mx.nd.zeros((2,))] * 5, lr=0.1), "t"),
    (lambda: mx.nd.sgd_update(mx.nd.zeros((2,)), mx.nd.zeros((2,)), lr=0.1, momentum=0.9), "momentum"),
])
def test_bad_input_is_an_error(call, match):
    with pytest.raises(MXNetError, match=match):
        call().wait_to_read()
    _works_after_error()
