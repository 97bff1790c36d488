"""MXNet 1.9's AdamW ops (ops/optimizer/adamw.cc) against the float64 numpy
reference of tests/_optimizer_ref.py over several steps: _adamw_update,
_mp_adamw_update and their _multi_ forms, through mx.nd.contrib's functions
as MXNet 1.9 exposes them; mean, var (and weight32) updated in place; an
update skipped when rescale_grad is 0, inf or NaN; bad inputs."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import seeded_rng
from _optimizer_ref import adamw

TOL = {np.float16: 3e-3, np.float32: 2e-5, np.float64: 1e-12}
SHAPES = [(3, 5), (7,), (2, 2, 2)]
STEPS = 3
PARAMS = [{}, {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6, "clip_gradient": 0.3}]
LRS, WDS, ETAS = (0.1, 0.05, 0.2), (0.0, 0.01, 0.1), (1.0, 0.5, 0.25)


def _check_close(got, expected, dtype, what):
    tol = TOL[np.dtype(dtype).type]
    np.testing.assert_allclose(np.asarray(got, np.float64), expected, rtol=tol, atol=tol, err_msg=what)


def _update(mixed, multi, weights, grads, means, vars_, weights32, rescale_grad, params):
    """One call of the op under test through mx.nd.contrib, out=weights."""
    contrib = mx.nd.contrib
    if multi:
        states = [means, vars_] + ([weights32] if mixed else [])
        fn = contrib.multi_mp_adamw_update if mixed else contrib.multi_adamw_update
        return fn(weights, grads, *states, rescale_grad, LRS[:len(weights)], WDS[:len(weights)], ETAS[:len(weights)],
                  out=weights, **params)
    states = [means[0], vars_[0]] + ([weights32[0]] if mixed else [])
    fn = contrib.mp_adamw_update if mixed else contrib.adamw_update
    return [fn(weights[0], grads[0], *states, rescale_grad, lr=LRS[0], eta=ETAS[0], wd=WDS[0], out=weights[0],
               **params)]


def _run_steps(mixed, multi, dtype, params, rescale_grads):
    """Steps with the given rescale_grads; every weight and state against the
    reference applied to the arrays' values before the step."""
    rng = seeded_rng("adamw", mixed, multi, np.dtype(dtype).name, sorted(params.items()))
    shapes = SHAPES if multi else SHAPES[:1]
    state_dtype = np.float32 if mixed else dtype
    weights = [mx.nd.array(rng.standard_normal(s), dtype=dtype) for s in shapes]
    weights32 = [w.astype("float32") for w in weights]
    means = [mx.nd.array(rng.standard_normal(s) * 0.1, dtype=state_dtype) for s in shapes]
    vars_ = [mx.nd.array(rng.uniform(0.5, 1.0, s), dtype=state_dtype) for s in shapes]
    for rescale_grad in rescale_grads:
        grads = [mx.nd.array(rng.standard_normal(s) * 2, dtype=dtype) for s in shapes]
        before = [[a.asnumpy() for a in arrays] for arrays in (weights, grads, means, vars_, weights32)]
        outs = _update(mixed, multi, weights, grads, means, vars_, weights32, rescale_grad, params)
        for k, out in enumerate(outs):
            w, g, m, v, w32 = (arrays[k] for arrays in before)
            want, want_states = adamw(w, g, m, v, *([w32] if mixed else []), rescale_grad=rescale_grad, lr=LRS[k],
                                      eta=ETAS[k], wd=WDS[k], **params)
            assert out is weights[k] and out.dtype == np.dtype(dtype) and out.shape == shapes[k]
            _check_close(out.asnumpy(), want, dtype, "weight %d" % k)
            for state, want_state in zip([means[k], vars_[k]] + ([weights32[k]] if mixed else []), want_states):
                _check_close(state.asnumpy(), want_state, state_dtype, "state of weight %d" % k)
            np.testing.assert_array_equal(grads[k].asnumpy(), g)  # MXNet 1.9 rescales grad in place; MX does not


def _checker(mixed, multi):
    def check(dtype):
        for params in PARAMS:
            _run_steps(mixed, multi, dtype, params, [0.5] * STEPS)
    return check


HARNESS = {"_adamw_update": _checker(False, False), "_mp_adamw_update": _checker(True, False),
           "_multi_adamw_update": _checker(False, True), "_multi_mp_adamw_update": _checker(True, True)}
ALIASES = {}
NO_GRADIENT = set(HARNESS)  # MXNet registers no gradient for optimizer updates

FORMS = [(False, False), (True, False), (False, True), (True, True)]
FORM_IDS = ["adamw", "mp_adamw", "multi_adamw", "multi_mp_adamw"]


def _ids(dtype):
    return np.dtype(dtype).name


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16], ids=_ids)
@pytest.mark.parametrize("op", ["_adamw_update", "_multi_adamw_update"])
def test_adamw(op, dtype):
    HARNESS[op](dtype)


@pytest.mark.parametrize("dtype", [np.float16, np.float32], ids=_ids)
@pytest.mark.parametrize("op", ["_mp_adamw_update", "_multi_mp_adamw_update"])
def test_mixed_precision_adamw(op, dtype):
    HARNESS[op](dtype)


@pytest.mark.parametrize("mixed, multi", FORMS, ids=FORM_IDS)
def test_update_is_skipped_when_rescale_grad_is_not_finite_or_zero(mixed, multi):
    _run_steps(mixed, multi, np.float16 if mixed else np.float32, PARAMS[1], [0.5, np.inf, 0.0, np.nan, -np.inf, 2.0])


def test_skipped_update_gives_the_weight_in_a_new_output():
    weight, mean, var = mx.nd.array([1.0, 2.0]), mx.nd.ones((2,)), mx.nd.ones((2,))
    out = mx.nd.contrib.adamw_update(weight, mx.nd.ones((2,)), mean, var, float("nan"), lr=0.1, eta=1.0)
    np.testing.assert_array_equal(out.asnumpy(), [1.0, 2.0])
    np.testing.assert_array_equal(mean.asnumpy(), [1.0, 1.0])


def test_rescale_grad_arrays():
    # an array's first value is read, in its own dtype; a number becomes a float32 (1,) array
    for rescale_grad in (mx.nd.array([0.5, 9.0]), mx.nd.array([[0.5]], dtype="float64"),
                         mx.nd.array([0.5], dtype="float16"), 0.5):
        weight, grad = mx.nd.array([1.0, 2.0]), mx.nd.array([1.0, -3.0])
        mean, var = mx.nd.zeros((2,)), mx.nd.zeros((2,))
        out = mx.nd.contrib.adamw_update(weight, grad, mean, var, rescale_grad, lr=0.1, eta=1.0)
        want, _ = adamw([1.0, 2.0], [1.0, -3.0], [0.0, 0.0], [0.0, 0.0], rescale_grad=0.5, lr=0.1, eta=1.0)
        np.testing.assert_allclose(out.asnumpy(), want, rtol=1e-6)


def test_signatures_and_defaults_are_mxnets():
    import inspect
    assert str(inspect.signature(mx.nd.contrib.adamw_update)) == (
        "(weight, grad, mean, var, rescale_grad, lr, eta, beta1=0.9, beta2=0.999, epsilon=1e-08, wd=0, "
        "clip_gradient=-1, out=None, name=None, **kwargs)")
    assert str(inspect.signature(mx.nd.contrib.multi_mp_adamw_update)) == (
        "(weights, grads, mean, var, weights32, rescale_grad, lrs, wds, etas, out=None, name=None, size=0, **kwargs)")
    doc = mx.nd._internal._multi_adamw_update.__doc__
    for line in ("lrs : tuple of <float>, required", "etas : tuple of <float>, required",
                 "beta1 : float, optional, default=0.9", "epsilon : float, optional, default=1e-08",
                 "clip_gradient : float, optional, default=-1", "num_weights : int, optional, default=1"):
        assert line in doc
    assert "eta : float, required" in mx.nd._internal._adamw_update.__doc__


def test_symbolic_states_are_auxiliary():
    v = mx.sym.Variable
    net = mx.sym.contrib.adamw_update(v("w"), v("g"), v("m"), v("v"), v("r"), lr=0.1, eta=1.0)
    assert net.list_arguments() == ["w", "g", "r"] and net.list_auxiliary_states() == ["m", "v"]
    assert net.infer_shape(w=(3, 4), r=(1,))[0] == [(3, 4), (3, 4), (1,)]
    mp = mx.sym.contrib.mp_adamw_update(v("w"), v("g"), v("m"), v("v"), v("w32"), 0.5, lr=0.1, eta=1.0)
    assert mp.list_auxiliary_states() == ["m", "v", "w32"]
    assert mp.infer_type(w="float16")[2] == [np.float32] * 3
    multi = mx.sym._internal._multi_mp_adamw_update(*[v(n) for n in ("w", "g", "m", "v", "w32", "r")],
                                                    lrs=(0.1,), wds=(0.0,), etas=(1.0,), num_weights=1)
    assert multi.list_arguments() == ["w", "g", "r"] and multi.list_auxiliary_states() == ["m", "v", "w32"]
    assert multi.infer_type(w="float16") == ([np.float16, np.float16, np.float32], [np.float16], [np.float32] * 3)
    rng = seeded_rng("symbolic adamw")
    values = {n: rng.uniform(0.5, 1.0, (4,)) for n in ("w", "g", "m", "v")}
    aux = {n: mx.nd.array(values[n]) for n in ("m", "v")}
    ex = net.bind(mx.cpu(), {n: mx.nd.array(values[n]) for n in ("w", "g")} | {"r": mx.nd.array([0.5])},
                  aux_states=aux)
    want, (want_mean, want_var) = adamw(values["w"], values["g"], values["m"], values["v"], rescale_grad=0.5, lr=0.1,
                                        eta=1.0)
    _check_close(ex.forward()[0].asnumpy(), want, np.float32, "symbolic weight")
    _check_close(aux["m"].asnumpy(), want_mean, np.float32, "symbolic mean")
    _check_close(aux["v"].asnumpy(), want_var, np.float32, "symbolic var")


def _works_after_error():
    weight = mx.nd.array([1.0, 2.0])
    mx.nd.contrib.adamw_update(weight, mx.nd.ones((2,)), mx.nd.zeros((2,)), mx.nd.zeros((2,)), 1.0, lr=0.1, eta=1.0,
                               out=weight)
    want, _ = adamw([1.0, 2.0], [1.0, 1.0], [0.0, 0.0], [0.0, 0.0], lr=0.1, eta=1.0)
    np.testing.assert_allclose(weight.asnumpy(), want, rtol=1e-6)


def _zeros(*shapes, dtype="float32"):
    return [mx.nd.zeros(s, dtype=dtype) for s in shapes]


def _multi(*arrays, **kwargs):
    params = dict(lrs=(0.1,), wds=(0.0,), etas=(1.0,), num_weights=1)
    return mx.nd._internal._multi_adamw_update(*arrays, **dict(params, **kwargs))


@pytest.mark.parametrize("call, match", [
    (lambda: mx.nd._internal._adamw_update(*_zeros((2,), (3,), (2,), (2,), (1,)), lr=0.1, eta=1.0), "shape"),
    (lambda: mx.nd._internal._adamw_update(*_zeros((2,), (2,), (2,), (2,), (0,)), lr=0.1, eta=1.0),
     "rescale_grad must hold a value"),
    (lambda: mx.nd._internal._adamw_update(*_zeros((2,), (2,), (2,), (2,), (1,)), lr=0.1), "'eta'"),
    (lambda: mx.nd._internal._adamw_update(*_zeros((2,), (2,), (2,), (2,)), mx.nd.ones((1,), dtype="int32"), lr=0.1,
                                           eta=1.0), "rescale_grad has dtype int32"),
    (lambda: mx.nd._internal._adamw_update(*_zeros((2,), (2,), (2,), (2,), dtype="int32"), mx.nd.ones((1,)), lr=0.1,
                                           eta=1.0), "float16, float32 and float64 only"),
    (lambda: mx.nd._internal._mp_adamw_update(*_zeros((2,), (2,), (2,), (2,), (2,), dtype="float16"),
                                              mx.nd.ones((1,)), lr=0.1, eta=1.0), "float32"),
    (lambda: _multi(*_zeros((2,), (2,), (2,), (3,), (1,))), "shape"),
    (lambda: _multi(*_zeros((2,), (2,), (2,), (2,), (1,)), num_weights=2), "takes 9 input"),
    (lambda: _multi(*_zeros((2,), (2,), (2,), (2,), (1,)), num_weights=0), "num_weights must be >= 1"),
    (lambda: _multi(*_zeros((2,), (2,), (2,), (2,), (1,)), lrs=(0.1, 0.2)), "lrs has 2 value"),
    (lambda: _multi(*_zeros((2,), (2,), (2,), (2,), (1,)), etas=()), "etas has 0 value"),
    (lambda: mx.nd._internal._multi_mp_adamw_update(*_zeros((2,), (2,), (2,), (2,), (2,), (1,)), lrs=(0.1,),
                                                    wds=(0.0,), num_weights=1), "'etas'"),
])
def test_bad_input_is_an_error(call, match):
    with pytest.raises(MXNetError, match=match):
        out = call()
        for o in out if isinstance(out, list) else [out]:
            o.wait_to_read()
    _works_after_error()
