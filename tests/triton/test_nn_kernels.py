"""The neural-network layer kernels (activations, loss outputs, CTCLoss,
LayerNorm, BatchNorm, LRN, SequenceMask, Dropout) and their gradients against
numpy / scipy float64 references."""
import numpy as np
import pytest
import scipy.special

pytest.importorskip("triton", reason="triton is not installed")

from _ctc_reference import ctc_reference, reference_gradient  # noqa: E402
from _run import TOLERANCE, rounded, run_op  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
RNG = np.random.default_rng(6)
SELU_ALPHA, SELU_LAMBDA = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_activation_and_leaky_relu(dtype):
    x = rounded(RNG.uniform(-3, 3, (2, 3, 4)), dtype)
    tol = dict(rtol=TOLERANCE[dtype] * 10, atol=TOLERANCE[dtype] * 10)
    for act, f in [("relu", lambda v: np.maximum(v, 0)), ("sigmoid", scipy.special.expit), ("tanh", np.tanh),
                   ("softrelu", lambda v: np.log1p(np.exp(v))), ("softsign", lambda v: v / (1 + np.abs(v)))]:
        np.testing.assert_allclose(run_op("Activation", [(x, dtype)], [(x.shape, dtype)], {"act_type": act}), f(x),
                                   err_msg=act, **tol)
    attrs = {"slope": 0.3, "lower_bound": 0.1, "upper_bound": 0.5}
    for act, f in [("leaky", lambda v: np.where(v > 0, v, 0.3 * v)), ("rrelu", lambda v: np.where(v > 0, v, 0.3 * v)),
                   ("elu", lambda v: np.where(v > 0, v, 0.3 * np.expm1(v))),
                   ("selu", lambda v: SELU_LAMBDA * np.where(v > 0, v, SELU_ALPHA * np.expm1(v))),
                   ("gelu", lambda v: 0.5 * v * (1 + scipy.special.erf(v / np.sqrt(2))))]:
        if act == "rrelu":  # [output, mask]: the mask holds the slope used
            got, mask = run_op("LeakyReLU", [(x, dtype)], [(x.shape, dtype)] * 2, dict(attrs, act_type=act))
            np.testing.assert_allclose(mask, np.full(x.shape, 0.3), **tol)
        else:
            got = run_op("LeakyReLU", [(x, dtype)], [(x.shape, dtype)], dict(attrs, act_type=act))
        np.testing.assert_allclose(got, f(x), err_msg=act, **tol)
    for gamma in [RNG.uniform(0, 1, 3), RNG.uniform(0, 1, 1), RNG.uniform(0, 1, x.shape)]:
        gamma = rounded(gamma, dtype)
        slopes = gamma.reshape(1, 3, 1) if gamma.size == 3 else gamma
        got = run_op("LeakyReLU", [(x, dtype), (gamma, dtype)], [(x.shape, dtype)], dict(attrs, act_type="prelu"))
        np.testing.assert_allclose(got, np.where(x > 0, x, x * slopes), **tol)


def test_relu_and_gammaln_gradients():
    y = np.array([1.5, 0.0, -2.0, np.nan])
    og = np.array([2.0, 3.0, 4.0, 5.0])
    np.testing.assert_array_equal(run_op("_backward_relu", [(og, "float64"), (y, "float64")], [((4,), "float64")]),
                                  [2.0, 0.0, 0.0, np.nan])
    np.testing.assert_array_equal(run_op("_backward_relu", [(np.array([3, 4]), "int32"), (np.array([1, -1]), "int32")],
                                         [((2,), "int32")]), [3, 0])
    x = np.array([0.3, 1.0, 2.5, 12.0, -0.5, -3.7, 1e-3, -40.5, -2.0, 0.0, np.inf])
    for order in (0, 1, 3):
        got = run_op("_backward_gammaln", [(np.full(x.shape, 2.0), "float64"), (x, "float64")], [(x.shape, "float64")],
                     {"order": order})
        expected = 2 * scipy.special.polygamma(order, x)
        expected[-3:-1] = np.nan  # poles
        if order:
            expected[-1] = 0.0
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("normalization", ["null", "batch", "valid"])
def test_softmax_output_and_its_gradient(normalization):
    x = RNG.standard_normal((2, 3, 4))  # multi_output: classes on axis 1, a label per (row, position)
    label = np.array([[0, 1, 2, 1], [1, 1, 0, 2]], np.float64)
    attrs = dict(multi_output=True, use_ignore=True, ignore_label=1.0, normalization=normalization, grad_scale=2.0,
                 smooth_alpha=0.3, out_grad=False)
    out = run_op("SoftmaxOutput", [(x, "float64"), (label, "float64")], [(x.shape, "float64")], attrs)
    np.testing.assert_allclose(out, _softmax(x, 1), rtol=1e-12)
    target = np.where(np.arange(3).reshape(1, 3, 1) == label[:, None, :], 1 - 0.3, 0.3 / 2)
    grad = np.where(label[:, None, :] == 1, 0, out - target) * 2.0
    grad /= {"null": 4, "batch": 2 * 4, "valid": (label != 1).sum()}[normalization]
    got = run_op("_backward_SoftmaxOutput", [(np.ones(x.shape), "float64"), (label, "float64"), (out, "float64")],
                 [(x.shape, "float64")], attrs)
    np.testing.assert_allclose(got, grad, rtol=1e-12)
    probabilities = _softmax(RNG.standard_normal((3, 4)), 1)
    og = RNG.standard_normal((3, 4))
    got = run_op("_backward_SoftmaxOutput", [(og, "float32"), (probabilities, "float32"), (probabilities, "float32")],
                 [((3, 4), "float32")], dict(attrs, multi_output=False, out_grad=True))
    np.testing.assert_allclose(got, np.zeros((3, 4)), atol=1e-7)
    preserved = run_op("SoftmaxOutput", [(x, "float32"), (label, "float32")], [(x.shape, "float32")],
                       dict(attrs, multi_output=False, preserve_shape=True))
    np.testing.assert_allclose(preserved, _softmax(x, 2), rtol=1e-6)


def test_regression_outputs():
    x, label = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    np.testing.assert_allclose(run_op("LogisticRegressionOutput", [(x, "float64"), (label, "float64")],
                                      [((3, 4), "float64")]), scipy.special.expit(x), rtol=1e-12)
    np.testing.assert_array_equal(run_op("LinearRegressionOutput", [(x, "float64"), (label, "float64")],
                                         [((3, 4), "float64")]), x)
    for op, expected in [("_backward_LinearRegressionOutput", (x - label) * 3 / 4),
                         ("_backward_MAERegressionOutput", np.where(x - label > 0, 0.75, -0.75))]:
        got = run_op(op, [(label, "float64"), (x, "float64")], [((3, 4), "float64")], {"grad_scale": 3.0})
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("linear", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_svm_output_and_its_gradient(linear, dtype):
    out = rounded(RNG.integers(-12, 13, (2, 3, 4)) / 4 + 0.125, dtype)
    label = np.array([[0, 3, 1.7], [-1, 4, np.nan]])  # 1.7: class 1; -1, 4 and NaN: no class
    np.testing.assert_array_equal(run_op("SVMOutput", [(out, dtype), (label, dtype)], [(out.shape, dtype)]), out)
    got = run_op("_backward_SVMOutput", [(label, dtype), (out, dtype)], [(out.shape, dtype)],
                 {"margin": 0.5, "regularization_coefficient": 2.0, "use_linear": linear})
    hit = np.arange(4) == np.where(np.isnan(label), -1, np.trunc(np.nan_to_num(label)))[..., None]
    if linear:
        expected = np.where(hit, -2.0 * (0.5 > out), 2.0 * (0.5 > -out))
    else:
        expected = np.where(hit, -4 * np.maximum(0, 0.5 - out), 4 * np.maximum(0, 0.5 + out))
    np.testing.assert_allclose(got, expected, rtol=TOLERANCE[dtype] * 10)


def _ctc(x, label, dtype, lengths=(), **attrs):
    """CTCLoss's two outputs: the loss and its gradient (the hidden output)."""
    frames, batch, _ = x.shape
    attrs = dict(dict(use_data_lengths=False, use_label_lengths=False, blank_label="first"), **attrs)
    inputs = [(x, dtype), (label, "int32")] + [(v, "float32") for v in lengths]
    return run_op("CTCLoss", inputs, [((batch,), dtype), (x.shape, dtype)], attrs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ctc_loss_and_its_gradient(dtype):
    x = rounded(RNG.standard_normal((6, 4, 4)) * 2, dtype)
    label = np.array([[1, 2, 3], [3, 3, 0], [2, 0, 0], [3, 3, 3]])  # (3, 3, 3) needs 5 frames of 4: loss 0
    data_lengths = np.array([6, 5, 2, 4])
    loss, grad = _ctc(x, label, dtype, [data_lengths], use_data_lengths=True)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else dict(rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(loss, ctc_reference(x, label, data_lengths=data_lengths), **tol)
    np.testing.assert_allclose(grad, reference_gradient(x, label, data_lengths=data_lengths), **tol)
    assert not grad[2:, 2].any() and not grad[:, 3].any()
    # blank 'last', label_lengths, long sequences in log space
    x = rounded(RNG.standard_normal((40, 3, 5)) * 30, dtype)
    label = RNG.integers(0, 4, (3, 9))
    label_lengths = np.array([9, 0, 4])
    loss, grad = _ctc(x, label, dtype, [label_lengths], use_label_lengths=True, blank_label="last")
    expected = ctc_reference(x, label, "last", label_lengths=label_lengths)
    assert np.isfinite(loss).all() and expected.max() > 200
    np.testing.assert_allclose(loss, expected, rtol=1e-5 if dtype == "float32" else 1e-10)
    # softmax minus occupancies: rows sum to 0 (log-probabilities near -1000 keep float32 to ~1e-4)
    np.testing.assert_allclose(grad.sum(axis=2), 0, atol=2e-3 if dtype == "float32" else 1e-9)


def test_ctc_loss_marks_bad_samples_nan():
    """On the GPU a bad length or label cannot stop the call: its sample's
    loss and gradient are NaN, the others are computed."""
    x = RNG.standard_normal((4, 3, 3))
    label = np.array([[1, 2], [1, 3], [2, 0]])  # 3 is no token of 3 channels
    loss, grad = _ctc(x, label, "float64", [np.array([4, 4, 7])], use_data_lengths=True)  # 7 > 4 frames
    assert np.isnan(loss[1:]).all() and np.isnan(grad[:, 1:]).all()
    np.testing.assert_allclose(loss[0], ctc_reference(x[:, :1], label[:1])[0], rtol=1e-12)


@pytest.mark.parametrize("axis, shape", [(-1, (3, 40)), (1, (2, 5, 3)), (0, (700, 2))])
def test_layer_norm_and_its_gradients(axis, shape):
    x = RNG.standard_normal(shape)
    n = shape[axis]
    gamma, beta = RNG.standard_normal(n), RNG.standard_normal(n)
    bshape = [1] * len(shape)
    bshape[axis] = n
    mean = x.mean(axis=axis, keepdims=True)
    std = np.sqrt(x.var(axis=axis, keepdims=True) + 1e-5)
    xhat = (x - mean) / std
    outs = run_op("LayerNorm", [(x, "float64"), (gamma, "float64"), (beta, "float64")],
                  [(shape, "float64"), (mean.squeeze(axis).shape, "float64"), (std.squeeze(axis).shape, "float64")],
                  {"axis": axis, "eps": 1e-5})
    np.testing.assert_allclose(outs[0], xhat * gamma.reshape(bshape) + beta.reshape(bshape), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(outs[1], mean.squeeze(axis), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(outs[2], std.squeeze(axis), rtol=1e-12)
    dy = RNG.standard_normal(shape)
    g = dy * gamma.reshape(bshape)
    dx = (g - g.mean(axis=axis, keepdims=True) - xhat * (g * xhat).mean(axis=axis, keepdims=True)) / std
    others = tuple(k for k in range(len(shape)) if k != axis % len(shape))
    grads = run_op("_backward_LayerNorm", [(dy, "float64"), (x, "float64"), (gamma, "float64"), (outs[1], "float64"),
                                           (outs[2], "float64")], [(shape, "float64"), ((n,), "float64"),
                                                                    ((n,), "float64")], {"axis": axis})
    np.testing.assert_allclose(grads[0], dx, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads[1], (dy * xhat).sum(axis=others), rtol=1e-10)
    np.testing.assert_allclose(grads[2], dy.sum(axis=others), rtol=1e-10)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("dtype", ["float64", "float16"])
def test_batch_norm_and_its_gradients(training, dtype):
    param = "float32" if dtype == "float16" else dtype
    x = rounded(RNG.standard_normal((2, 3, 4, 5)), dtype)
    gamma, beta = RNG.uniform(0.5, 1.5, 3), RNG.standard_normal(3)
    moving_mean, moving_var = RNG.standard_normal(3), RNG.uniform(0.5, 2, 3)
    mean = x.mean(axis=(0, 2, 3)) if training else moving_mean
    var = x.var(axis=(0, 2, 3)) if training else moving_var
    invstd = 1 / np.sqrt(var + 1e-3)
    c = (1, 3, 1, 1)
    expected = (x - mean.reshape(c)) * (invstd * gamma).reshape(c) + beta.reshape(c)
    stats = [(moving_mean, param), (moving_var, param)]
    attrs = dict(eps=1e-3, momentum=0.9, fix_gamma=False, use_global_stats=not training)
    y, got_mean, got_invstd = run_op("BatchNorm", [(x, dtype), (gamma, param), (beta, param)] + stats,
                                     [(x.shape, dtype), ((3,), param), ((3,), param)], attrs, is_train=True)
    tol = dict(rtol=TOLERANCE[dtype] * 100, atol=TOLERANCE[dtype] * 100)
    np.testing.assert_allclose(y, expected, **tol)
    np.testing.assert_allclose(got_mean, mean, **tol)
    np.testing.assert_allclose(got_invstd, invstd, **tol)
    dy = rounded(RNG.standard_normal(x.shape), dtype)
    k = ((x - mean.reshape(c)) * dy).sum(axis=(0, 2, 3)) * invstd ** 2 / 40 if training else np.zeros(3)
    mean_dy = dy.mean(axis=(0, 2, 3)) if training else np.zeros(3)
    dx = (dy - mean_dy.reshape(c) - (x - mean.reshape(c)) * k.reshape(c)) * (invstd * gamma).reshape(c)
    grads = run_op("_backward_BatchNorm", [(dy, dtype), (x, dtype), (gamma, param), (mean, param), (invstd, param)],
                   [(x.shape, dtype), ((3,), param), ((3,), param)], attrs, is_train=True)
    np.testing.assert_allclose(grads[0], dx, **tol)
    np.testing.assert_allclose(grads[1], ((x - mean.reshape(c)) * dy).sum(axis=(0, 2, 3)) * invstd, **tol)
    np.testing.assert_allclose(grads[2], dy.sum(axis=(0, 2, 3)), **tol)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_over_many_elements_per_channel_in_splits(training):
    """32768 elements per channel: each channel is cut into splits whose
    statistics and gradient sums are combined (float64 references)."""
    import mx_triton
    from _run import DEVICE, with_workspace
    x = RNG.standard_normal((4, 3, 64, 128)) * 3 + 5
    gamma, beta = RNG.uniform(0.5, 1.5, 3), RNG.standard_normal(3)
    moving = [RNG.standard_normal(3), RNG.uniform(0.5, 2, 3)]
    others = (0, 2, 3)
    mean = x.mean(axis=others) if training else moving[0]
    var = x.var(axis=others) if training else moving[1]
    invstd = 1 / np.sqrt(var + 1e-3)
    c = (1, 3, 1, 1)
    attrs = dict(eps=1e-3, momentum=0.9, fix_gamma=False, use_global_stats=not training)
    views = [DEVICE.tensor(a, "float64") for a in (x, gamma, beta, moving[0].copy(), moving[1].copy())]
    outs = [DEVICE.tensor(np.zeros(shape), "float64") for shape in (x.shape, (3,), (3,))]
    call = with_workspace(mx_triton.Call("BatchNorm", views, outs, attrs=attrs, is_train=True))
    assert (call.workspace is not None) == training  # statistics are cut only when computed
    mx_triton.run(call)
    y, got_mean, got_invstd = (DEVICE.read(v, np.zeros(v.shape)) for v in outs)
    np.testing.assert_allclose(y, (x - mean.reshape(c)) * (invstd * gamma).reshape(c) + beta.reshape(c),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got_mean, mean, rtol=1e-12)
    np.testing.assert_allclose(got_invstd, invstd, rtol=1e-10)
    new_moving = [DEVICE.read(v, np.zeros(3)) for v in views[3:]]
    if training:  # updated in place, by one program per channel
        np.testing.assert_allclose(new_moving[0], moving[0] * 0.9 + mean * 0.1, rtol=1e-12)
        np.testing.assert_allclose(new_moving[1], moving[1] * 0.9 + var * 0.1, rtol=1e-12)
    else:
        np.testing.assert_array_equal(new_moving[0], moving[0])
    dy = RNG.standard_normal(x.shape)
    xc = x - mean.reshape(c)
    k = (xc * dy).sum(axis=others) * invstd ** 2 / (x.size // 3) if training else np.zeros(3)
    mean_dy = dy.mean(axis=others) if training else np.zeros(3)
    grads = run_op("_backward_BatchNorm", [(dy, "float64"), (x, "float64"), (gamma, "float64"), (mean, "float64"),
                                           (invstd, "float64")],
                   [(x.shape, "float64"), ((3,), "float64"), ((3,), "float64")], attrs, is_train=True)
    np.testing.assert_allclose(grads[0], (dy - mean_dy.reshape(c) - xc * k.reshape(c)) * (invstd * gamma).reshape(c),
                               rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(grads[1], (xc * dy).sum(axis=others) * invstd, rtol=1e-9)
    np.testing.assert_allclose(grads[2], dy.sum(axis=others), rtol=1e-9)
    DEVICE.free()


def test_lrn_and_its_gradient():
    x = RNG.standard_normal((2, 5, 3, 2))
    nsize, alpha, beta, knorm = 3, 0.1, 0.75, 2.0
    square = np.pad(x * x, [(0, 0), (1, 1), (0, 0), (0, 0)])
    norm = knorm + alpha / nsize * (square[:, :-2] + square[:, 1:-1] + square[:, 2:])
    out, got_norm = run_op("LRN", [(x, "float64")], [(x.shape, "float64")] * 2,
                           dict(nsize=nsize, alpha=alpha, beta=beta, knorm=knorm))
    np.testing.assert_allclose(got_norm, norm, rtol=1e-12)
    np.testing.assert_allclose(out, x * norm ** -beta, rtol=1e-12)
    dy = RNG.standard_normal(x.shape)
    t = np.pad(dy * x * norm ** (-beta - 1), [(0, 0), (1, 1), (0, 0), (0, 0)])
    dx = dy * norm ** -beta - 2 * alpha * beta / nsize * x * (t[:, :-2] + t[:, 1:-1] + t[:, 2:])
    got = run_op("_backward_LRN", [(dy, "float64"), (x, "float64"), (norm, "float64")], [(x.shape, "float64")],
                 dict(nsize=nsize, alpha=alpha, beta=beta, knorm=knorm))
    np.testing.assert_allclose(got, dx, rtol=1e-10)


@pytest.mark.parametrize("axis", [0, 1])
def test_sequence_mask(axis):
    x = RNG.integers(-9, 9, (4, 3, 2)).astype(np.int8)
    lengths = np.array([2.0, 0.0, 4.0] if axis == 0 else [1.0, 3.0, 4.0, 0.0])
    steps = np.arange(x.shape[axis]).reshape((-1, 1, 1) if axis == 0 else (1, -1, 1))
    inside = steps < (lengths.reshape(1, -1, 1) if axis == 0 else lengths.reshape(-1, 1, 1))
    expected = np.where(inside, x, -2)
    got = run_op("SequenceMask", [(x, "int8"), (lengths, "float32")], [(x.shape, "int8")],
                 dict(use_sequence_length=True, value=-2.0, axis=axis), req=["add"], initial=[np.ones(x.shape)])
    np.testing.assert_array_equal(got, expected + 1)


def test_dropout_masks_as_the_cpu_plugin_and_its_gradient():
    from test_layout_indexing_random import _uniforms
    x = RNG.standard_normal((4, 3, 5))
    seed = 99
    out, mask = run_op("Dropout", [(x, "float64")], [(x.shape, "float64"), ((4, 1, 5), "float64")],
                       dict(p=0.4, mode="always", axes=(1,)), seed=seed)
    keep = np.array([_uniforms(seed, i)[0] < 0.6 for i in range(20)]).reshape(4, 1, 5)
    np.testing.assert_array_equal(mask, np.where(keep, 1 / 0.6, 0.0))
    np.testing.assert_array_equal(out, x * mask)
    out, mask = run_op("Dropout", [(x, "float64")], [(x.shape, "float64")] * 2, dict(p=0.4, mode="training"))
    np.testing.assert_array_equal(out, x)  # not training: the identity, and a mask of ones for the gradient
    np.testing.assert_array_equal(mask, 1)
    dy = RNG.standard_normal(x.shape)
    mask = np.where(keep, 2.0, 0.0)
    np.testing.assert_array_equal(run_op("_backward_Dropout", [(dy, "float64"), (mask, "float64")],
                                         [(x.shape, "float64")], {"p": 0.5}), dy * mask)


def _steps(x, lengths, axis):
    """x as (max_len, batch, rest...) and the lengths each sequence has."""
    seq = np.moveaxis(x, axis, 0)
    if lengths is None:
        return seq, np.full(seq.shape[1], seq.shape[0])
    return seq, np.trunc(lengths).astype(np.int64)


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("with_lengths", [False, True])
def test_sequence_last_and_its_gradient(axis, with_lengths):
    x = RNG.standard_normal((4, 3, 2) if axis == 0 else (3, 4, 2))
    lengths = np.array([2.7, -1, 9]) if with_lengths else None  # clipped to [1, 4]
    seq, n = _steps(x, lengths, axis)
    n = np.clip(n, 1, seq.shape[0])
    extra = [(lengths, "float32")] if with_lengths else []
    attrs = {"use_sequence_length": with_lengths, "axis": axis}
    expected = seq[n - 1, np.arange(3)]
    np.testing.assert_array_equal(run_op("SequenceLast", [(x, "float64")] + extra, [((3, 2), "float64")], attrs),
                                  expected)
    og = RNG.standard_normal((3, 2))
    grad = np.zeros_like(seq)
    grad[n - 1, np.arange(3)] = og
    got = run_op("_backward_SequenceLast", [(og, "float64"), (x, "float64")] + extra, [(x.shape, "float64")], attrs,
                 req=["add"], initial=[np.ones_like(x)])
    np.testing.assert_array_equal(got, 1 + np.moveaxis(grad, 0, axis))


@pytest.mark.parametrize("dtype", ["int8", "float16"])
def test_sequence_reverse_keeps_the_steps_past_each_length(dtype):
    x = np.arange(5 * 4 * 2).reshape(5, 4, 2) % 100
    for lengths in (None, np.array([0, 3, 5, 7])):
        seq, n = _steps(x, lengths, 0)
        expected = x.copy()
        for b, k in enumerate(np.clip(n, 0, 5)):
            expected[:k, b] = x[:k, b][::-1]
        extra = [] if lengths is None else [(lengths, "int32")]
        got = run_op("SequenceReverse", [(x, dtype)] + extra, [(x.shape, dtype)],
                     {"use_sequence_length": lengths is not None, "axis": 0})
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("mode, norm_shape, axes", [("instance", (2,), (1, 2)), ("channel", (2, 1, 4), (1,)),
                                                    ("spatial", (2, 3), (2,))])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_l2_normalization(mode, norm_shape, axes, dtype):
    x = rounded(RNG.standard_normal((2, 3, 4)), dtype)
    norm = np.sqrt((x * x).sum(axis=axes, keepdims=True) + 1e-10)
    y, got_norm = run_op("L2Normalization", [(x, dtype)], [(x.shape, dtype), (norm_shape, dtype)],
                         {"mode": mode, "eps": 1e-10})
    tol = TOLERANCE[dtype] * 10
    np.testing.assert_allclose(y, x / norm, rtol=tol, atol=tol)
    np.testing.assert_allclose(got_norm, norm.reshape(norm_shape), rtol=tol)
