"""BatchNorm, LayerNorm, LRN and their backward ops against numpy float64
references.
BatchNorm:
inference (moving statistics) and training (batch statistics, moving
statistics updated in place), use_global_stats, fix_gamma,
output_mean_var, the channel axis, float16 data with float32 parameters;
shape inference of the auxiliary states; gradients against finite
differences in training and inference mode.  LayerNorm: any axis, mean and
std outputs, gradients.  LRN: windows of odd and even size, gradients."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, numeric_gradient
from _mxref import seeded_rng
from _nnref import assert_close, batch_norm_forward, batch_stats

DTYPES = [np.float32, np.float64, np.float16]

# (data shape, parameters)
CASES = [
    ((4, 3, 5, 2), dict()),
    ((4, 3, 5, 2), dict(fix_gamma=False, eps=1e-5, momentum=0.7)),
    ((6, 4), dict(fix_gamma=False)),
    ((3, 5, 4), dict(axis=-1, fix_gamma=False)),
    ((5, 2, 3), dict(axis=0, fix_gamma=False, eps=0.1)),
    ((2, 3, 2, 2, 3), dict(fix_gamma=False)),
    ((7,), dict(axis=0, fix_gamma=False)),
]


def param_dtype(dtype):
    return np.float32 if dtype == np.float16 else dtype


def inputs(shape, p, dtype, rng):
    c = shape[p.get("axis", 1)]
    x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
    pd = param_dtype(dtype)
    gamma = rng.uniform(0.5, 1.5, c).astype(pd)
    beta = rng.standard_normal(c).astype(pd)
    moving_mean = rng.standard_normal(c).astype(pd)
    moving_var = rng.uniform(0.5, 2.0, c).astype(pd)
    return x, gamma, beta, moving_mean, moving_var


def nd_inputs(values, dtype):
    return [mx.nd.array(v, dtype=(dtype if i == 0 else param_dtype(dtype))) for i, v in enumerate(values)]


def batch_norm_checker(dtype):
    rng = seeded_rng("BatchNorm", np.dtype(dtype).name)
    for shape, p in CASES:
        axis = p.get("axis", 1) % len(shape)
        eps, momentum, fix_gamma = p.get("eps", 1e-3), p.get("momentum", 0.9), p.get("fix_gamma", True)
        values = inputs(shape, p, dtype, rng)
        x, gamma, beta, mm, mv = values
        # inference: the moving statistics, which stay as they are
        arrays = nd_inputs(values, dtype)
        out = mx.nd.BatchNorm(*arrays, **p)
        assert_close(out, batch_norm_forward(x, gamma, beta, mm.astype(np.float64), mv.astype(np.float64), eps,
                                             fix_gamma, axis), dtype, scale=4.0)
        assert_close(arrays[3], mm.astype(np.float64), param_dtype(dtype))
        # training: the batch statistics; the moving ones move toward them
        mean, var = batch_stats(x, axis)
        arrays = nd_inputs(values, dtype)
        with mx.autograd.train_mode():
            out, out_mean, out_invstd = mx.nd.BatchNorm(*arrays, output_mean_var=True, **p)
        assert_close(out, batch_norm_forward(x, gamma, beta, mean, var, eps, fix_gamma, axis), dtype, scale=4.0)
        assert_close(out_mean, mean, param_dtype(dtype), scale=4.0)
        assert_close(out_invstd, 1 / np.sqrt(var + eps), param_dtype(dtype), scale=4.0)
        assert_close(arrays[3], mm * momentum + mean * (1 - momentum), param_dtype(dtype), scale=4.0)
        assert_close(arrays[4], mv * momentum + var * (1 - momentum), param_dtype(dtype), scale=4.0)
        # use_global_stats: the moving statistics even in training, unchanged
        arrays = nd_inputs(values, dtype)
        with mx.autograd.train_mode():
            out, out_mean, out_invstd = mx.nd.BatchNorm(*arrays, use_global_stats=True, output_mean_var=True, **p)
        assert_close(out, batch_norm_forward(x, gamma, beta, mm.astype(np.float64), mv.astype(np.float64), eps,
                                             fix_gamma, axis), dtype, scale=4.0)
        assert_close(out_invstd, 1 / np.sqrt(mv.astype(np.float64) + eps), param_dtype(dtype), scale=4.0)
        assert_close(arrays[4], mv.astype(np.float64), param_dtype(dtype))


def reference_gradients(dy, x, gamma, mean, invstd, axis, fix_gamma, training):
    axes = tuple(i for i in range(x.ndim) if i != axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    dy, x = dy.astype(np.float64), x.astype(np.float64)
    mean, invstd = mean.astype(np.float64).reshape(shape), invstd.astype(np.float64).reshape(shape)
    w = (np.ones(gamma.shape) if fix_gamma else gamma.astype(np.float64)).reshape(shape)
    xhat = (x - mean) * invstd
    if training:
        n = x.size / x.shape[axis]
        dx = (dy - dy.sum(axes, keepdims=True) / n - xhat * (dy * xhat).sum(axes, keepdims=True) / n) * invstd * w
    else:
        dx = dy * invstd * w
    dgamma = np.zeros(gamma.shape) if fix_gamma else (dy * xhat).sum(axes)
    return dx, dgamma, dy.sum(axes)


def backward_checker(dtype):
    rng = seeded_rng("_backward_BatchNorm", np.dtype(dtype).name)
    for shape, p in CASES:
        axis = p.get("axis", 1) % len(shape)
        x, gamma, _, mean, var = inputs(shape, p, dtype, rng)
        invstd = (1 / np.sqrt(var.astype(np.float64) + 0.01)).astype(param_dtype(dtype))
        dy = rng.standard_normal(shape).astype(dtype)
        for training in (False, True):
            arrays = nd_inputs([dy, gamma, mean, invstd], dtype)
            arrays.insert(1, mx.nd.array(x, dtype=dtype))
            with mx.autograd.train_mode() if training else mx.autograd.predict_mode():
                grads = mx.nd._internal._backward_BatchNorm(*arrays, **p)
            expected = reference_gradients(dy, x, gamma, mean, invstd, axis, p.get("fix_gamma", True), training)
            for got, want, dt in zip(grads, expected, (dtype, param_dtype(dtype), param_dtype(dtype))):
                assert_close(got, want, dt, scale=np.sqrt(x.size))


LAYER_NORM_CASES = [((3, 5), dict()), ((2, 4, 3), dict(axis=1, eps=0.1)), ((2, 3, 4), dict(axis=0)),
                    ((6,), dict(axis=0)), ((2, 3, 2, 5), dict(axis=-2)), ((0, 4), dict())]


def layer_norm_reference(x, gamma, beta, axis=-1, eps=1e-5):
    x = x.astype(np.float64)
    mean = x.mean(axis=axis, keepdims=True)
    std = np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    shape = [1] * x.ndim
    shape[axis] = -1
    return (x - mean) / std * gamma.astype(np.float64).reshape(shape) + beta.astype(np.float64).reshape(shape), \
        mean, std


def layer_norm_inputs(shape, axis, dtype, rng):
    c = shape[axis]
    return ((rng.standard_normal(shape) * 2 + 1).astype(dtype), rng.uniform(0.5, 1.5, c).astype(dtype),
            rng.standard_normal(c).astype(dtype))


def layer_norm_checker(dtype):
    rng = seeded_rng("LayerNorm", np.dtype(dtype).name)
    for shape, p in LAYER_NORM_CASES:
        x, gamma, beta = layer_norm_inputs(shape, p.get("axis", -1), dtype, rng)
        arrays = [mx.nd.array(a, dtype=dtype) for a in (x, gamma, beta)]
        out, mean, std = layer_norm_reference(x, gamma, beta, **p)
        assert_close(mx.nd.LayerNorm(*arrays, **p), out, dtype, scale=4.0)
        got = mx.nd.LayerNorm(*arrays, output_mean_var=True, **p)
        for g, want in zip(got, (out, mean, std)):
            assert_close(g, want, dtype, scale=4.0)


def layer_norm_gradients(dy, x, gamma, axis=-1, eps=1e-5):
    x, dy, gamma = x.astype(np.float64), dy.astype(np.float64), gamma.astype(np.float64)
    shape = [1] * x.ndim
    shape[axis] = -1
    mean = x.mean(axis=axis, keepdims=True)
    std = np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    xhat = (x - mean) / std
    g = dy * gamma.reshape(shape)
    dx = (g - g.mean(axis=axis, keepdims=True) - xhat * (g * xhat).mean(axis=axis, keepdims=True)) / std
    others = tuple(i for i in range(x.ndim) if i != axis % x.ndim)
    return dx, (dy * xhat).sum(axis=others), dy.sum(axis=others), mean, std


def layer_norm_backward_checker(dtype):
    rng = seeded_rng("_backward_LayerNorm", np.dtype(dtype).name)
    for shape, p in LAYER_NORM_CASES:
        x, gamma, _ = layer_norm_inputs(shape, p.get("axis", -1), dtype, rng)
        dy = rng.standard_normal(shape).astype(dtype)
        dx, dgamma, dbeta, mean, std = layer_norm_gradients(dy, x, gamma, **p)
        grads = mx.nd._internal._backward_LayerNorm(*[mx.nd.array(a, dtype=dtype) for a in (dy, x, gamma, mean, std)],
                                                   **p)
        for got, want in zip(grads, (dx, dgamma, dbeta)):
            assert_close(got, want, dtype, scale=np.sqrt(x.size + 1))


LRN_CASES = [dict(nsize=5), dict(nsize=3, alpha=0.01, beta=0.5, knorm=1.0), dict(nsize=1), dict(nsize=4, alpha=0.1),
             dict(nsize=9, alpha=0.2)]


def lrn_windows(channels, nsize):
    """(c, channels of c's window) for every channel c."""
    return [(c, slice(max(c - nsize // 2, 0), min(c - nsize // 2 + nsize, channels))) for c in range(channels)]


def lrn_reference(x, nsize, alpha=1e-4, beta=0.75, knorm=2.0):
    x = x.astype(np.float64)
    norm = np.empty_like(x)
    for c, window in lrn_windows(x.shape[1], nsize):
        norm[:, c] = knorm + alpha / nsize * (x[:, window] ** 2).sum(axis=1)
    return x * norm ** -beta, norm


def lrn_gradient(dy, x, nsize, alpha=1e-4, beta=0.75, knorm=2.0):
    dy, x = dy.astype(np.float64), x.astype(np.float64)
    _, norm = lrn_reference(x, nsize, alpha, beta, knorm)
    t = dy * x * norm ** (-beta - 1)
    dx = dy * norm ** -beta
    for c, window in lrn_windows(x.shape[1], nsize):  # out[c] depends on x[window]
        dx[:, window] += -2 * alpha * beta / nsize * x[:, window] * t[:, c:c + 1]
    return dx, norm


def lrn_checker(dtype):
    rng = seeded_rng("LRN", np.dtype(dtype).name)
    for p in LRN_CASES:
        x = (rng.standard_normal((2, 7, 3, 4)) * 3).astype(dtype)
        out, _ = lrn_reference(x, **p)
        assert_close(mx.nd.LRN(mx.nd.array(x, dtype=dtype), **p), out, dtype, scale=3.0)


def lrn_backward_checker(dtype):
    rng = seeded_rng("_backward_LRN", np.dtype(dtype).name)
    for p in LRN_CASES:
        x = (rng.standard_normal((2, 7, 2, 3)) * 3).astype(dtype)
        dy = rng.standard_normal(x.shape).astype(dtype)
        dx, norm = lrn_gradient(dy, x, **p)
        grad = mx.nd._internal._backward_LRN(*[mx.nd.array(a, dtype=dtype) for a in (dy, x, norm)], **p)
        assert_close(grad, dx, dtype, scale=3.0)


HARNESS = {"BatchNorm": batch_norm_checker, "_backward_BatchNorm": backward_checker,
           "LayerNorm": layer_norm_checker, "_backward_LayerNorm": layer_norm_backward_checker,
           "LRN": lrn_checker, "_backward_LRN": lrn_backward_checker}
ALIASES = {"_npx_batch_norm": "BatchNorm", "_npx_layer_norm": "LayerNorm"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_symbol_inputs_outputs_and_aux_states():
    bn = mx.sym.BatchNorm(mx.sym.Variable("data"), name="bn")
    assert bn.list_arguments() == ["data", "bn_gamma", "bn_beta"]
    assert bn.list_auxiliary_states() == ["bn_moving_mean", "bn_moving_var"]
    assert bn.list_outputs() == ["bn_output"]
    args, outs, aux = bn.infer_shape(data=(2, 5, 3))
    assert args == [(2, 5, 3), (5,), (5,)] and outs == [(2, 5, 3)] and aux == [(5,), (5,)]
    both = mx.sym.BatchNorm(mx.sym.Variable("data"), output_mean_var=True, name="bn")
    assert both.list_outputs() == ["bn_output", "bn_mean", "bn_var"]
    arg_types, types, aux_types = bn.infer_type(data=np.float16)
    assert arg_types == [np.float16, np.float32, np.float32]
    assert types == [np.float16] and aux_types == [np.float32, np.float32]


def test_executor_training_updates_aux_states():
    rng = seeded_rng("bn executor")
    bn = mx.sym.BatchNorm(mx.sym.Variable("data"), fix_gamma=False, momentum=0.5, name="bn")
    ex = bn.simple_bind(mx.cpu(), data=(4, 2, 3))
    x = rng.standard_normal((4, 2, 3))
    ex.arg_dict["data"][:] = x
    ex.arg_dict["bn_gamma"][:] = 1.0
    ex.arg_dict["bn_beta"][:] = 0.0
    ex.aux_dict["bn_moving_mean"][:] = 0.0
    ex.aux_dict["bn_moving_var"][:] = 1.0
    ex.forward(is_train=False)
    np.testing.assert_allclose(ex.aux_dict["bn_moving_mean"].asnumpy(), 0.0)
    ex.forward(is_train=True)
    mean, var = batch_stats(x)
    np.testing.assert_allclose(ex.aux_dict["bn_moving_mean"].asnumpy(), 0.5 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ex.aux_dict["bn_moving_var"].asnumpy(), 0.5 + 0.5 * var, rtol=1e-5)


@pytest.mark.parametrize("kwargs,shapes,match", [
    (dict(axis=3), [(2, 3, 4)] + [(3,)] * 4, "axis"),
    (dict(), [(2, 3, 4), (4,), (3,), (3,), (3,)], "gamma"),
    (dict(), [(2, 3, 4), (3,), (3,), (3,), (2,)], "moving_var"),
])
def test_errors(kwargs, shapes, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.BatchNorm(*[mx.nd.ones(s) for s in shapes], **kwargs)


def test_dtype_errors():
    with pytest.raises(MXNetError, match="int32"):
        mx.nd.BatchNorm(*[mx.nd.ones(s, dtype="int32") for s in [(2, 3)] + [(3,)] * 4])
    with pytest.raises(MXNetError, match="float32"):  # float16 data takes float32 parameters
        mx.nd.BatchNorm(*[mx.nd.ones(s, dtype="float16") for s in [(2, 3)] + [(3,)] * 4])


def test_layer_norm_symbol_and_errors():
    ln = mx.sym.LayerNorm(mx.sym.Variable("data"), axis=1, name="ln")
    assert ln.list_arguments() == ["data", "ln_gamma", "ln_beta"] and ln.list_outputs() == ["ln_output"]
    args, outs, _ = ln.infer_shape(data=(2, 5, 3))
    assert args == [(2, 5, 3), (5,), (5,)] and outs == [(2, 5, 3)]
    both = mx.sym.LayerNorm(mx.sym.Variable("data"), output_mean_var=True, name="ln")
    assert both.list_outputs() == ["ln_output", "ln_mean", "ln_std"]
    assert both.infer_shape(data=(2, 5, 3))[1] == [(2, 5, 3), (2, 5, 1), (2, 5, 1)]
    with pytest.raises(MXNetError, match="axis"):
        mx.nd.LayerNorm(mx.nd.ones((2, 3)), mx.nd.ones((3,)), mx.nd.ones((3,)), axis=2)
    with pytest.raises(MXNetError, match="gamma"):
        mx.nd.LayerNorm(mx.nd.ones((2, 3)), mx.nd.ones((2,)), mx.nd.ones((3,)))


def test_lrn_symbol_and_errors():
    lrn = mx.sym.LRN(mx.sym.Variable("data"), nsize=3, name="lrn")
    assert lrn.list_outputs() == ["lrn_output"]
    assert lrn.infer_shape(data=(2, 4, 3, 3))[1] == [(2, 4, 3, 3)]
    with pytest.raises(MXNetError, match="4-D"):
        mx.nd.LRN(mx.nd.ones((2, 3, 4)), nsize=3)
    with pytest.raises(MXNetError, match="nsize"):
        mx.nd.LRN(mx.nd.ones((2, 3, 4, 4)))
    with pytest.raises(MXNetError, match="nsize"):
        mx.nd.LRN(mx.nd.ones((2, 3, 4, 4)), nsize=0)


# -- gradients ----------------------------------------------------------------------
RNG = np.random.default_rng(3)


def check_predict_mode_gradient(fn, inputs):
    """check_gradient for a forward and backward pass in predict mode (the
    backward pass, as MXNet's, takes the statistics as constants then)."""
    values = [np.array(v, dtype=np.float64) for v in inputs]
    arrays = [mx.nd.array(v, dtype=np.float64) for v in values]
    for a in arrays:
        a.attach_grad()
    with mx.autograd.record(train_mode=False):
        out = fn(*arrays)
    head = RNG.standard_normal(out.shape)
    mx.autograd.backward([out], [mx.nd.array(head, dtype=np.float64)], train_mode=False)

    def objective(v):
        return float((fn(*[mx.nd.array(a, dtype=np.float64) for a in v]).asnumpy() * head).sum())

    numeric = numeric_gradient(objective, values, range(len(values)), 1e-6)
    for i, (a, n) in enumerate(zip(arrays, numeric)):
        np.testing.assert_allclose(a.grad.asnumpy(), n, rtol=1e-5, atol=1e-7, err_msg="input %d" % i)


def _bn_grad(shape, p, training):
    def check():
        c = shape[p.get("axis", 1)]
        x = RNG.standard_normal(shape) * 2 + 1
        gamma, beta = RNG.uniform(0.5, 1.5, c), RNG.standard_normal(c)
        stats = [RNG.standard_normal(c), RNG.uniform(0.5, 2.0, c)]

        def fn(data, g, b):
            moving = [mx.nd.array(s, dtype=np.float64) for s in stats]
            if not training:
                return mx.nd.BatchNorm(data, g, b, *moving, **p)
            with mx.autograd.train_mode():  # the finite differences too
                return mx.nd.BatchNorm(data, g, b, *moving, **p)

        if training:
            check_gradient(fn, [x, gamma, beta], rtol=1e-4, atol=1e-6)
        else:
            check_predict_mode_gradient(fn, [x, gamma, beta])
    return check


GRAD_CASES = [
    ((4, 3, 2), dict(fix_gamma=False), True),
    ((4, 3, 2), dict(fix_gamma=False), False),
    ((4, 3, 2), dict(), True),
    ((5, 3), dict(fix_gamma=False, axis=-1, eps=0.01), True),
    ((3, 2, 2, 2), dict(fix_gamma=False, use_global_stats=True), True),
]

LAYER_NORM_GRAD_CASES = [((3, 4), dict()), ((2, 3, 2), dict(axis=1, eps=0.01)), ((3, 2, 2), dict(axis=0))]


def _layer_norm_grad(shape, p):
    def check():
        x, gamma, beta = layer_norm_inputs(shape, p.get("axis", -1), np.float64, RNG)
        check_gradient(lambda *a: mx.nd.LayerNorm(*a, **p), [x, gamma, beta])
        check_gradient(lambda *a: mx.nd.LayerNorm(*a, output_mean_var=True, **p)[0], [x, gamma, beta])
    return check


GRAD_HARNESS = {"BatchNorm": lambda: [_bn_grad(*case)() for case in GRAD_CASES],
                "LayerNorm": lambda: [_layer_norm_grad(*case)() for case in LAYER_NORM_GRAD_CASES]}
def _lrn_grad(p):
    def check():
        check_gradient(lambda x: mx.nd.LRN(x, **p), [RNG.standard_normal((2, 5, 2, 2)) * 2])
    return check


LRN_GRAD_CASES = [dict(nsize=3, alpha=0.5, beta=0.75, knorm=1.0), dict(nsize=4, alpha=0.3), dict(nsize=1, alpha=1.0)]
GRAD_HARNESS["LRN"] = lambda: [_lrn_grad(p)() for p in LRN_GRAD_CASES]
NO_GRADIENT = ["_backward_BatchNorm", "_backward_LayerNorm", "_backward_LRN"]


@pytest.mark.parametrize("case", GRAD_CASES, ids=str)
def test_gradient(case):
    _bn_grad(*case)()


@pytest.mark.parametrize("case", LAYER_NORM_GRAD_CASES, ids=str)
def test_layer_norm_gradient(case):
    _layer_norm_grad(*case)()


@pytest.mark.parametrize("case", LRN_GRAD_CASES, ids=str)
def test_lrn_gradient(case):
    _lrn_grad(case)()
