"""MXNet's multi-array optimizer ops against float64 numpy references
(tests/_optimizer_ref.py): all_finite / multi_all_finite, multi_sum_sq,
reset_arrays, and the multi_* / preloaded_multi_* SGD updates (each
weight's update checked against the single-weight op's reference, states
updated in place), in the imperative and symbolic forms, and bad inputs."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import seeded_rng
from _optimizer_ref import MIXED, MULTI, all_finite, initial_states, multi_reference, sum_sq

TOL = {np.float16: 3e-3, np.float32: 2e-5, np.float64: 1e-12}
SHAPES = [(3, 5), (7,), (2, 2, 2)]
STEPS = 3


def _check_close(got, expected, dtype, what):
    tol = TOL[np.dtype(dtype).type]
    np.testing.assert_allclose(np.asarray(got, np.float64), expected, rtol=tol, atol=tol, err_msg=what)


def _arrays(dtype, rng, shapes=SHAPES):
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def _check_all_finite(op):
    def check(dtype):
        rng = seeded_rng(op, np.dtype(dtype).name)
        shapes = SHAPES[:1] if op == "all_finite" else SHAPES
        for bad in (None, np.inf, -np.inf, np.nan):
            arrays = _arrays(dtype, rng, shapes)
            if bad is not None:
                arrays[-1].flat[3] = bad
            out = getattr(mx.nd, op)(*[mx.nd.array(a, dtype=dtype) for a in arrays])
            assert out.shape == (1,) and out.dtype == np.float32
            np.testing.assert_array_equal(out.asnumpy(), all_finite(arrays))
    return check


def _check_sum_sq(dtype):
    rng = seeded_rng("multi_sum_sq", np.dtype(dtype).name)
    arrays = _arrays(dtype, rng, SHAPES + [(1000,)])
    out = mx.nd.multi_sum_sq(*[mx.nd.array(a, dtype=dtype) for a in arrays], num_arrays=len(arrays))
    assert out.shape == (len(arrays),) and out.dtype == np.float32
    np.testing.assert_allclose(out.asnumpy(), sum_sq(arrays), rtol=1e-6)  # float32 output


def _check_reset(dtype):
    arrays = [mx.nd.ones(s, dtype=dtype) for s in SHAPES]
    for a in arrays:
        a += 1  # pending writes the reset must follow
    assert mx.nd.reset_arrays(*arrays, num_arrays=len(arrays)) == []
    for a, shape in zip(arrays, SHAPES):
        assert a.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(a.asnumpy(), np.zeros(shape))


def _state_dtype(op, dtype):
    return np.float32 if MULTI[op] in MIXED else dtype


def _lrs_wds(op, lrs, wds):
    """The lrs/wds arguments: parameters, or (preloaded_*) float32 arrays."""
    if op.startswith("preloaded_"):
        return [mx.nd.array(lrs, dtype="float32"), mx.nd.array(wds, dtype="float32")], {}
    return [], {"lrs": lrs, "wds": wds}


def _run_multi_steps(op, dtype, params):
    """STEPS updates of len(SHAPES) weights, with out=weights after the
    first; every weight and state against the single-weight reference."""
    single = MULTI[op]
    rng = seeded_rng(op, np.dtype(dtype).name, sorted(params.items()))
    weights = [mx.nd.array(w, dtype=dtype) for w in _arrays(dtype, rng)]
    states = [[mx.nd.array(s, dtype=_state_dtype(op, dtype)) for s in initial_states(single, w.asnumpy(), rng)]
              for w in weights]
    lrs, wds = [0.1, 0.05, 0.2], [0.0, 0.01, 0.1]
    for step in range(STEPS):
        grads = [mx.nd.array(rng.standard_normal(w.shape) * 2, dtype=dtype) for w in weights]
        groups = [[w, g] + s for w, g, s in zip(weights, grads, states)]
        expected = multi_reference(op, [[a.asnumpy() for a in group] for group in groups], lrs, wds, **params)
        tail, kwargs = _lrs_wds(op, lrs, wds)
        flat = [a for group in groups for a in group] + tail
        if step == 0:
            outs = getattr(mx.nd, op)(*flat, num_weights=len(weights), **kwargs, **params)
        else:
            outs = getattr(mx.nd, op)(*flat, num_weights=len(weights), out=weights, **kwargs, **params)
            assert outs is weights
        for k, (out, (want, want_states)) in enumerate(zip(outs, expected)):
            assert out.dtype == np.dtype(dtype) and out.shape == SHAPES[k]
            _check_close(out.asnumpy(), want, dtype, "%s weight %d" % (op, k))
            for state, want_state in zip(states[k], want_states):
                _check_close(state.asnumpy(), want_state, _state_dtype(op, dtype), "%s state of weight %d" % (op, k))
        weights = outs


def _multi_checker(op):
    def check(dtype):
        momentum = {"momentum": 0.9} if "mom" in op else {}
        for params in (momentum, dict(momentum, rescale_grad=0.5, clip_gradient=0.3)):
            _run_multi_steps(op, dtype, params)
    return check


HARNESS = {"all_finite": _check_all_finite("all_finite"), "multi_all_finite": _check_all_finite("multi_all_finite"),
           "multi_sum_sq": _check_sum_sq, "reset_arrays": _check_reset}
HARNESS.update({op: _multi_checker(op) for op in MULTI})
ALIASES = {}
NO_GRADIENT = set(HARNESS)  # MXNet registers no gradient for these

FLOAT_DTYPES = [np.float32, np.float64, np.float16]


def _ids(dtype):
    return np.dtype(dtype).name


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=_ids)
@pytest.mark.parametrize("op", ["all_finite", "multi_all_finite", "multi_sum_sq"])
def test_checks(op, dtype):
    HARNESS[op](dtype)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES + [np.int32, np.uint8], ids=_ids)
def test_reset_arrays(dtype):
    HARNESS["reset_arrays"](dtype)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=_ids)
@pytest.mark.parametrize("op", sorted(op for op in MULTI if MULTI[op] not in MIXED))
def test_multi_update(op, dtype):
    HARNESS[op](dtype)


@pytest.mark.parametrize("dtype", [np.float16, np.float32], ids=_ids)
@pytest.mark.parametrize("op", sorted(op for op in MULTI if MULTI[op] in MIXED))
def test_multi_mixed_precision_update(op, dtype):
    HARNESS[op](dtype)


def test_all_finite_without_init_output_only_clears_the_flag():
    finite, nan = mx.nd.ones((4,)), mx.nd.array([1.0, np.nan])
    for start, arrays, want in [(1.0, [finite], 1.0), (0.0, [finite], 0.0), (1.0, [finite, nan], 0.0)]:
        flag = mx.nd.full((1,), start)
        mx.nd.multi_all_finite(*arrays, init_output=False, out=flag)
        np.testing.assert_array_equal(flag.asnumpy(), [want])
    flag = mx.nd.zeros((1,))
    mx.nd.all_finite(finite, init_output=False, out=flag)
    np.testing.assert_array_equal(flag.asnumpy(), [0.0])
    mx.nd.all_finite(finite, out=flag)
    np.testing.assert_array_equal(flag.asnumpy(), [1.0])


def test_parameters_and_defaults_are_mxnets():
    doc = mx.nd.multi_sgd_mom_update.__doc__
    for line in ("lrs : tuple of <float>, required", "wds : tuple of <float>, required",
                 "momentum : float, optional, default=0", "rescale_grad : float, optional, default=1",
                 "clip_gradient : float, optional, default=-1", "num_weights : int, optional, default=1"):
        assert line in doc
    assert "lrs :" not in mx.nd.preloaded_multi_sgd_update.__doc__
    assert "init_output : boolean, optional, default=1" in mx.nd.multi_all_finite.__doc__
    assert "num_arrays : int, optional, default=1" in mx.nd.multi_all_finite.__doc__


def _pending_product():
    """An array that a large product (run by an engine worker, not inline)
    is still writing when this returns."""
    out = mx.nd.zeros((2100, 2100))
    mx.nd.dot(mx.nd.ones((2100, 256)), mx.nd.ones((256, 2100)), out=out)
    return out


def test_readers_of_mutated_states_wait_for_the_update():
    # The update waits for weight 0, which a large product is writing.  A
    # small op pushed after it that reads weight 1's mom must see the update:
    # the engine must know the update writes mom_1 (the inputs it mutates
    # depend on num_weights), else the reader runs at once on the old mom_1.
    weight0 = _pending_product()
    weight1, grad1, mom1 = mx.nd.ones((3,)), mx.nd.ones((3,)), mx.nd.zeros((3,))
    mx.nd.multi_sgd_mom_update(weight0, mx.nd.zeros_like(weight0), mx.nd.zeros_like(weight0), weight1, grad1, mom1,
                               num_weights=2, lrs=(0.5, 0.5), wds=(0.0, 0.0), out=[weight0, weight1])
    np.testing.assert_array_equal((mom1 + 0).asnumpy(), np.full((3,), -0.5))
    np.testing.assert_array_equal(weight0.asnumpy()[:2, :2], np.full((2, 2), 256.0))
    arrays = [_pending_product(), mx.nd.ones((3,))]
    mx.nd.reset_arrays(*arrays)
    np.testing.assert_array_equal((arrays[1] + 0).asnumpy(), np.zeros((3,)))
    assert arrays[0].asnumpy().max() == 0


def test_symbolic_multi_update_states_are_auxiliary():
    names = ["w0", "g0", "m0", "w1", "g1", "m1"]
    net = mx.sym.multi_sgd_mom_update(*[mx.sym.Variable(n) for n in names], num_weights=2, lrs=(0.5, 0.1),
                                      wds=(0.0, 0.1), momentum=0.9)
    assert net.list_arguments() == ["w0", "g0", "w1", "g1"]
    assert net.list_auxiliary_states() == ["m0", "m1"]
    rng = seeded_rng("symbolic multi")
    values = {n: rng.standard_normal((4,)) for n in names}
    aux = {n: mx.nd.array(values[n]) for n in ("m0", "m1")}
    args = {n: mx.nd.array(values[n]) for n in ("w0", "g0", "w1", "g1")}
    ex = net.bind(mx.cpu(), args, aux_states=aux)
    moms = [values["m0"], values["m1"]]
    for _ in range(2):
        groups = [[values["w%d" % i], values["g%d" % i], moms[i]] for i in range(2)]
        expected = multi_reference("multi_sgd_mom_update", groups, (0.5, 0.1), (0.0, 0.1), momentum=0.9)
        outs = ex.forward()
        for i, (want, (want_mom,)) in enumerate(expected):
            np.testing.assert_allclose(outs[i].asnumpy(), want, rtol=1e-5)
            np.testing.assert_allclose(aux["m%d" % i].asnumpy(), want_mom, rtol=1e-5)
            moms[i] = want_mom
    mp = mx.sym.multi_mp_sgd_update(*[mx.sym.Variable(n) for n in ("w", "g", "w32")], num_weights=1, lrs=(0.1,),
                                    wds=(0.0,))
    assert mp.infer_type(w="float16") == ([np.float16, np.float16], [np.float16], [np.float32])
    sums = mx.sym.multi_sum_sq(mx.sym.Variable("a"), mx.sym.Variable("b"), num_arrays=2)
    assert sums.infer_shape(a=(3, 4), b=(5,))[1] == [(2,)]
    loaded = mx.sym.load_json(net.tojson())
    assert loaded.list_arguments() == ["w0", "g0", "w1", "g1"] and loaded.list_auxiliary_states() == ["m0", "m1"]


def test_reset_arrays_has_no_symbolic_form():
    with pytest.raises(MXNetError, match="no outputs, so it has no symbolic form"):
        mx.sym.reset_arrays(mx.sym.Variable("a"), mx.sym.Variable("b"))
    _works_after_error()


def _works_after_error():
    outs = mx.nd.multi_sgd_update(mx.nd.ones((2,)), mx.nd.ones((2,)), num_weights=1, lrs=(0.5,), wds=(0.0,))
    np.testing.assert_allclose(outs.asnumpy(), [0.5, 0.5])
    np.testing.assert_allclose(mx.nd.multi_sum_sq(mx.nd.ones((3,)), num_arrays=1).asnumpy(), [3.0])


def _zeros(*shapes, dtype="float32"):
    return [mx.nd.zeros(s, dtype=dtype) for s in shapes]


@pytest.mark.parametrize("call, match", [
    (lambda: mx.nd.multi_sgd_update(*_zeros((2,), (3,)), num_weights=1, lrs=(0.1,), wds=(0.0,)), "shape"),
    (lambda: mx.nd.multi_sgd_mom_update(*_zeros((2,), (2,), (2,), (3,), (3,), (4,)), num_weights=2, lrs=(0.1, 0.1),
                                        wds=(0.0, 0.0)), "shape"),
    (lambda: mx.nd.multi_sgd_update(*_zeros((2,), (2,), (2,)), num_weights=2, lrs=(0.1, 0.1), wds=(0.0, 0.0)),
     "takes 4 input"),
    (lambda: mx.nd.multi_sgd_update(*_zeros((2,), (2,), (2,), (2,)), num_weights=1, lrs=(0.1,), wds=(0.0,)),
     "takes 2 input"),
    (lambda: mx.nd.multi_sgd_update(*_zeros((2,), (2,), (2,), (2,)), num_weights=2, lrs=(0.1,), wds=(0.0, 0.0)),
     "lrs has 1 value"),
    (lambda: mx.nd.multi_sgd_update(*_zeros((2,), (2,)), num_weights=1, lrs=(0.1,), wds=(0.0, 0.1)),
     "wds has 2 value"),
    (lambda: mx.nd.multi_sgd_update(num_weights=0, lrs=(), wds=()), "num_weights must be >= 1"),
    (lambda: mx.nd.multi_sgd_update(*_zeros((2,), (2,)), num_weights=1, wds=(0.0,)), "lrs"),
    (lambda: mx.nd.multi_mp_sgd_update(*_zeros((2,), (2,), (2,), dtype="float16"), num_weights=1, lrs=(0.1,),
                                       wds=(0.0,)), "float32"),
    (lambda: mx.nd.multi_sgd_update(*_zeros((2,), (2,)), mx.nd.zeros((2,), dtype="float64"), mx.nd.zeros((2,)),
                                    num_weights=2, lrs=(0.1, 0.1), wds=(0.0, 0.0)), "multi_sgd_update"),
    (lambda: mx.nd.multi_sgd_update(*_zeros((2,), (2,), dtype="int32"), num_weights=1, lrs=(0.1,), wds=(0.0,)),
     "float16, float32 and float64 only"),
    (lambda: mx.nd.preloaded_multi_sgd_update(*_zeros((2,), (2,), (2,), (1,)), num_weights=1),
     r"lrs must have shape \(1,\) \(num_weights=1\), got \(2,\)"),
    (lambda: mx.nd.preloaded_multi_sgd_update(*_zeros((2,), (2,), (1,), (1,)), num_weights=2), "takes 6 input"),
    (lambda: mx.nd.multi_sum_sq(*_zeros((2,), (3,)), num_arrays=3), "takes 3 input"),
    (lambda: mx.nd.multi_sum_sq(mx.nd.zeros((2,)), mx.nd.zeros((2,), dtype="float16")), "multi_sum_sq"),
    (lambda: mx.nd.multi_sum_sq(mx.nd.zeros((2,), dtype="int32")), "float16, float32 and float64 only"),
    (lambda: mx.nd.multi_all_finite(mx.nd.zeros((2,), dtype="uint8")), "float16, float32 and float64 only"),
    (lambda: mx.nd.all_finite(mx.nd.zeros((2,)), out=mx.nd.zeros((2,))), "all_finite"),
    (lambda: mx.nd.multi_all_finite(num_arrays=0), "num_arrays must be >= 1"),
])
def test_bad_input_is_an_error(call, match):
    with pytest.raises(MXNetError, match=match):
        out = call()
        for o in out if isinstance(out, list) else [out]:
            o.wait_to_read()
    _works_after_error()
