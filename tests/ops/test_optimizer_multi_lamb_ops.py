"""MXNet 1.9's multi-tensor LAMB ops (ops/optimizer/multi_lamb.cc) against
the float64 numpy reference of tests/_optimizer_ref.py over several steps:
_multi_lamb_update and _multi_mp_lamb_update, through mx.nd.contrib's
multi_lamb_update / multi_mp_lamb_update; mean, var (and weight32) updated
in place; bad inputs."""
import inspect

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import seeded_rng
from _optimizer_ref import multi_lamb

TOL = {np.float16: 3e-3, np.float32: 2e-5, np.float64: 1e-12}
SHAPES = [(3, 5), (7,), (2, 2, 2)]
STEPS = 3
PARAMS = [{}, {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-4, "rescale_grad": 0.5, "clip_gradient": 0.3,
               "lower_bound": 0.5, "upper_bound": 2.0},
          {"bias_correction": False, "upper_bound": 0.0}]
LRS, WDS = [0.1, 0.05, 0.2], [0.0, 0.01, 0.1]


def _check_close(got, expected, dtype, what):
    tol = TOL[np.dtype(dtype).type]
    np.testing.assert_allclose(np.asarray(got, np.float64), expected, rtol=tol, atol=tol, err_msg=what)


def _run_steps(mixed, dtype, params):
    rng = seeded_rng("multi_lamb", mixed, np.dtype(dtype).name, sorted(params.items()))
    state_dtype = np.float32 if mixed else dtype
    weights = [mx.nd.array(rng.standard_normal(s), dtype=dtype) for s in SHAPES]
    weights32 = [w.astype("float32") + 0.01 for w in weights]
    means = [mx.nd.array(rng.standard_normal(s) * 0.1, dtype=state_dtype) for s in SHAPES]
    vars_ = [mx.nd.array(rng.uniform(0.5, 1.0, s), dtype=state_dtype) for s in SHAPES]
    step_count = [1, 3, 5]
    for step in range(STEPS):
        grads = [mx.nd.array(rng.standard_normal(s) * 2, dtype=dtype) for s in SHAPES]
        arrays = [weights, grads, means, vars_] + ([weights32] if mixed else [])
        groups = [[a[k].asnumpy() for a in arrays] for k in range(len(SHAPES))]
        expected = multi_lamb(groups, LRS, WDS, step_count, **params)
        fn = mx.nd.contrib.multi_mp_lamb_update if mixed else mx.nd.contrib.multi_lamb_update
        out = weights if step else None  # a new output first, then in place
        outs = fn(*arrays[:2], *arrays[2:], step_count, LRS, WDS, out=out, **params)
        for k, (want, want_states) in enumerate(expected):
            assert outs[k].dtype == np.dtype(dtype) and outs[k].shape == SHAPES[k]
            _check_close(outs[k].asnumpy(), want, dtype, "weight %d" % k)
            for state, want_state in zip([means[k], vars_[k]] + ([weights32[k]] if mixed else []), want_states):
                _check_close(state.asnumpy(), want_state, state_dtype, "state of weight %d" % k)
        weights = outs
        step_count = [t + 1 for t in step_count]


def _checker(mixed):
    def check(dtype):
        for params in PARAMS:
            _run_steps(mixed, dtype, params)
    return check


HARNESS = {"_multi_lamb_update": _checker(False), "_multi_mp_lamb_update": _checker(True)}
ALIASES = {}
NO_GRADIENT = set(HARNESS)  # MXNet registers no gradient for optimizer updates


def _ids(dtype):
    return np.dtype(dtype).name


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16], ids=_ids)
def test_multi_lamb(dtype):
    HARNESS["_multi_lamb_update"](dtype)


@pytest.mark.parametrize("dtype", [np.float16, np.float32], ids=_ids)
def test_multi_mp_lamb(dtype):
    HARNESS["_multi_mp_lamb_update"](dtype)


def test_trust_ratio_is_one_when_a_norm_is_zero():
    out = mx.nd.contrib.multi_lamb_update([mx.nd.zeros((2,))], [mx.nd.array([1.0, -2.0])], [mx.nd.zeros((2,))],
                                          [mx.nd.zeros((2,))], [1], [0.1], [0.0])
    # d = mean_hat / (sqrt(var_hat) + eps) = sign(grad) up to eps; ||weight|| = 0 keeps lr
    np.testing.assert_allclose(out.asnumpy(), [-0.1, 0.1], rtol=1e-5)  # one tensor: one NDArray


def test_signatures_and_defaults_are_mxnets():
    assert str(inspect.signature(mx.nd.contrib.multi_lamb_update)) == (
        "(weights, grads, mean, var, step_count, lrs, wds, out=None, num_tensors=0, **kwargs)")
    assert str(inspect.signature(mx.nd.contrib.multi_mp_lamb_update)) == (
        "(weights, grads, mean, var, weights32, step_count, lrs, wds, out=None, num_tensors=0, **kwargs)")
    doc = mx.nd._internal._multi_lamb_update.__doc__
    for line in ("learning_rates : tuple of <float>, required", "wds : tuple of <float>, required",
                 "step_count : Shape(tuple), required", "epsilon : float, optional, default=1e-06",
                 "bias_correction : boolean, optional, default=1", "lower_bound : float, optional, default=-1",
                 "num_tensors : int, optional, default=1"):
        assert line in doc


def test_symbolic_states_are_auxiliary():
    names = ["w0", "g0", "m0", "v0", "w1", "g1", "m1", "v1"]
    net = mx.sym._internal._multi_lamb_update(*[mx.sym.Variable(n) for n in names], learning_rates=(0.1, 0.2),
                                              wds=(0.0, 0.1), step_count=(1, 2), num_tensors=2)
    assert net.list_arguments() == ["w0", "g0", "w1", "g1"]
    assert net.list_auxiliary_states() == ["m0", "v0", "m1", "v1"]
    assert net.infer_shape(w0=(3,), w1=(2, 2))[1] == [(3,), (2, 2)]
    mp = mx.sym._internal._multi_mp_lamb_update(*[mx.sym.Variable(n) for n in ("w", "g", "m", "v", "w32")],
                                                learning_rates=(0.1,), wds=(0.0,), step_count=(1,), num_tensors=1)
    assert mp.list_auxiliary_states() == ["m", "v", "w32"]
    assert mp.infer_type(w="float16") == ([np.float16, np.float16], [np.float16], [np.float32] * 3)
    loaded = mx.sym.load_json(net.tojson())
    assert loaded.list_auxiliary_states() == ["m0", "v0", "m1", "v1"]


def _works_after_error():
    out = mx.nd.contrib.multi_lamb_update([mx.nd.zeros((2,))], [mx.nd.array([1.0, -2.0])], [mx.nd.zeros((2,))],
                                          [mx.nd.zeros((2,))], [1], [0.1], [0.0])
    np.testing.assert_allclose(out.asnumpy(), [-0.1, 0.1], rtol=1e-5)  # one tensor: one NDArray


def _zeros(*shapes, dtype="float32"):
    return [mx.nd.zeros(s, dtype=dtype) for s in shapes]


def _lamb(*arrays, **kwargs):
    params = dict(learning_rates=(0.1,), wds=(0.0,), step_count=(1,), num_tensors=1)
    return mx.nd._internal._multi_lamb_update(*arrays, **dict(params, **kwargs))


@pytest.mark.parametrize("call, match", [
    (lambda: _lamb(*_zeros((2,), (3,), (2,), (2,))), "shape"),
    (lambda: _lamb(*_zeros((2,), (2,), (2,), (2,)), num_tensors=2), "takes 8 input"),
    (lambda: _lamb(*_zeros((2,), (2,), (2,), (2,)), num_tensors=0), "num_tensors must be >= 1"),
    (lambda: _lamb(*_zeros((2,), (2,), (2,), (2,)), learning_rates=(0.1, 0.1)), "learning_rates has 2 value"),
    (lambda: _lamb(*_zeros((2,), (2,), (2,), (2,)), step_count=()), "step_count has 0 value"),
    (lambda: _lamb(*_zeros((2,), (2,), (2,), (2,)), wds=(0.0, 0.0, 0.0)), "wds has 3 value"),
    (lambda: mx.nd._internal._multi_lamb_update(*_zeros((2,), (2,), (2,), (2,)), learning_rates=(0.1,), wds=(0.0,)),
     "'step_count'"),
    (lambda: _lamb(*_zeros((2,), (2,)), *_zeros((2,), (2,), dtype="float64")), "_multi_lamb_update"),
    (lambda: _lamb(*_zeros((2,), (2,), (2,), (2,), dtype="int32")), "float16, float32 and float64 only"),
    (lambda: mx.nd._internal._multi_mp_lamb_update(*_zeros((2,), (2,), (2,), (2,), (2,), dtype="float16"),
                                                   learning_rates=(0.1,), wds=(0.0,), step_count=(1,)), "float32"),
])
def test_bad_input_is_an_error(call, match):
    with pytest.raises(MXNetError, match=match):
        out = call()
        for o in out if isinstance(out, list) else [out]:
            o.wait_to_read()
    _works_after_error()
