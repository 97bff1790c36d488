"""The loss output layers against numpy float64 references.  SoftmaxOutput:
the softmax of the forward pass (flattened, preserve_shape, multi_output)
and MXNet 1.9's gradient -- the cross-entropy gradient, independent of the
head gradient, with grad_scale, use_ignore, normalization, smooth_alpha,
out_grad and probability labels -- checked against finite differences of
the cross-entropy loss.  The regression outputs (linear, logistic, MAE):
their forward maps and their loss gradients scaled by grad_scale / outputs
per example.  SVMOutput: the identity forward and the L1- / L2-SVM gradient
over the last axis, against finite differences of the hinge losses."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order, numeric_gradient
from _mxref import seeded_rng
from _nnref import assert_close

DTYPES = [np.float32, np.float64, np.float16]


def softmax(z, axis):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_output_forward(x, multi_output=False, preserve_shape=False, **_):
    x = x.astype(np.float64)
    if multi_output:
        return softmax(x, 1)
    if preserve_shape:
        return softmax(x, -1)
    return softmax(x.reshape(x.shape[0], -1), 1).reshape(x.shape)


def softmax_output_gradient(out, label, ograd=None, grad_scale=1.0, ignore_label=-1.0, multi_output=False,
                            use_ignore=False, preserve_shape=False, normalization="null", out_grad=False,
                            smooth_alpha=0.0):
    """MXNet 1.9's data gradient of SoftmaxOutput for output `out`."""
    out, label = out.astype(np.float64), label.astype(np.float64)
    ograd = None if ograd is None else ograd.astype(np.float64)
    if label.shape == out.shape:  # probabilities
        g = (out - label) * grad_scale
        return g * ograd if out_grad else g
    if multi_output:
        o = out.reshape(out.shape[0], out.shape[1], -1)
        targets = label.reshape(o.shape[0], o.shape[2])
    else:
        o = out.reshape(-1, out.shape[-1]) if preserve_shape else out.reshape(out.shape[0], -1)
        targets = label.reshape(-1)[:o.shape[0]].reshape(-1, 1)
        o = o[:, :, None]
    classes, inner = o.shape[1], o.shape[2]
    targets = np.trunc(targets).astype(np.int64)
    hit = np.arange(classes)[None, :, None] == targets[:, None, :]
    g = o - np.where(hit, 1.0 - smooth_alpha, smooth_alpha / (classes - 1) if classes > 1 else 0.0)
    if use_ignore:
        g = np.where((targets == int(ignore_label))[:, None, :], 0.0, g)
    if normalization == "batch":
        count = o.shape[0] if multi_output else label.size
    elif normalization == "valid":
        count = max(1, int((np.trunc(label.reshape(-1)).astype(np.int64) != int(ignore_label)).sum()))
    else:
        count = 1
    spatial = inner if multi_output and normalization != "valid" else 1
    g = (g * grad_scale / spatial / count).reshape(out.shape)
    return g * ograd if out_grad else g


def labels_for(shape, classes, rng, ignore=None):
    label = rng.integers(0, classes, shape).astype(np.float64)
    if ignore is not None:
        label[rng.random(shape) < 0.3] = ignore
    return label


# (data shape, label shape, parameters)
CASES = [
    ((4, 5), (4,), dict()),
    ((4, 5), (4,), dict(grad_scale=0.5, normalization="batch")),
    ((6, 5), (6,), dict(use_ignore=True, ignore_label=2, normalization="valid")),
    ((6, 5), (6,), dict(ignore_label=2, normalization="valid")),          # counted, not ignored
    ((4, 5), (4,), dict(smooth_alpha=0.2)),
    ((4, 5), (4,), dict(smooth_alpha=0.1, use_ignore=True, ignore_label=0)),
    ((3, 4, 5), (3, 4), dict(preserve_shape=True, normalization="batch")),
    ((3, 2, 5), (3, 2), dict()),                                           # flattened: first 3 labels
    ((2, 4, 3, 2), (2, 6), dict(multi_output=True)),
    ((2, 4, 3, 2), (2, 3, 2), dict(multi_output=True, normalization="batch", grad_scale=2.0)),
    ((2, 4, 3), (2, 1, 3), dict(multi_output=True, use_ignore=True, ignore_label=1, normalization="valid")),
    ((4, 5), (4,), dict(out_grad=True)),
    ((4, 5), (4, 5), dict(grad_scale=3.0)),                                # probabilities
]


def case_arrays(data_shape, label_shape, p, dtype, rng):
    x = (rng.standard_normal(data_shape) * 2).astype(dtype)
    classes = data_shape[1] if p.get("multi_output") else data_shape[-1] if (
        p.get("preserve_shape") or len(data_shape) == 2) else int(np.prod(data_shape[1:]))
    if label_shape == data_shape:
        label = softmax(rng.standard_normal(data_shape), -1)
    else:
        label = labels_for(label_shape, classes, rng, p.get("ignore_label") if "ignore_label" in p else None)
    return x, label.astype(dtype)


def softmax_output_checker(dtype):
    rng = seeded_rng("SoftmaxOutput", np.dtype(dtype).name)
    for data_shape, label_shape, p in CASES:
        x, label = case_arrays(data_shape, label_shape, p, dtype, rng)
        data, lab = mx.nd.array(x, dtype=dtype), mx.nd.array(label, dtype=dtype)
        data.attach_grad()
        lab.attach_grad()
        head = rng.standard_normal(data_shape).astype(dtype)
        with mx.autograd.record():
            out = mx.nd.SoftmaxOutput(data, lab, **p)
        out.backward(mx.nd.array(head, dtype=dtype))
        expected = softmax_output_forward(x, **p)
        assert_close(out, expected, dtype)
        # the gradient of the loss, whatever arrives at the output (unless out_grad)
        assert_close(data.grad, softmax_output_gradient(out.asnumpy(), label, head, **p), dtype, scale=2.0)
        assert not lab.grad.asnumpy().any()


def backward_checker(dtype):
    rng = seeded_rng("_backward_SoftmaxOutput", np.dtype(dtype).name)
    for data_shape, label_shape, p in CASES:
        x, label = case_arrays(data_shape, label_shape, p, dtype, rng)
        out = softmax_output_forward(x, **p).astype(dtype)
        head = rng.standard_normal(data_shape).astype(dtype)
        grad = mx.nd._internal._backward_SoftmaxOutput(mx.nd.array(head, dtype=dtype),
                                                       mx.nd.array(label, dtype=dtype),
                                                       mx.nd.array(out, dtype=dtype), **p)
        assert_close(grad, softmax_output_gradient(out, label, head, **p), dtype, scale=2.0)


REGRESSIONS = {
    "LinearRegressionOutput": (lambda x: x, lambda d: d),
    "LogisticRegressionOutput": (lambda x: 1 / (1 + np.exp(-x)), lambda d: d),
    "MAERegressionOutput": (lambda x: x, lambda d: np.where(d > 0, 1.0, -1.0)),
}
# (data shape, label shape): the label has data's size and batch size
REGRESSION_SHAPES = [((4, 3), (4, 3)), ((4, 1), (4,)), ((2, 3, 2), (2, 6)), ((5,), (5,))]


def regression_checker(name):
    forward, loss_grad = REGRESSIONS[name]

    def check(dtype):
        rng = seeded_rng(name, np.dtype(dtype).name)
        for data_shape, label_shape in REGRESSION_SHAPES:
            x = (rng.integers(-8, 9, data_shape) / 4).astype(dtype)
            label = (rng.integers(-8, 9, label_shape) / 4).astype(dtype)
            label.reshape(-1)[0] = forward(x.astype(np.float64)).reshape(-1)[0]  # MAE's tie gives -1
            data = mx.nd.array(x, dtype=dtype)
            data.attach_grad()
            with mx.autograd.record():
                out = getattr(mx.nd, name)(data, mx.nd.array(label, dtype=dtype), grad_scale=0.5)
            out.backward(mx.nd.array(rng.standard_normal(data_shape), dtype=dtype))  # ignored
            y = forward(x.astype(np.float64))
            assert_close(out, y, dtype)
            per_example = label.size / label.shape[0]
            expected = loss_grad(out.asnumpy().astype(np.float64) - label.reshape(data_shape)) * 0.5 / per_example
            assert_close(data.grad, expected, dtype)
    return check


def regression_backward_checker(name):
    forward, loss_grad = REGRESSIONS[name]

    def check(dtype):
        rng = seeded_rng("_backward_" + name, np.dtype(dtype).name)
        for data_shape, label_shape in REGRESSION_SHAPES:
            out = forward(rng.standard_normal(data_shape)).astype(dtype)
            label = rng.standard_normal(label_shape).astype(dtype)
            grad = getattr(mx.nd._internal, "_backward_" + name)(mx.nd.array(label, dtype=dtype),
                                                                mx.nd.array(out, dtype=dtype), grad_scale=2.0)
            d = out.astype(np.float64) - label.reshape(data_shape).astype(np.float64)
            assert_close(grad, loss_grad(d) * 2.0 / (label.size / label.shape[0]), dtype)
    return check


HARNESS = {"SoftmaxOutput": softmax_output_checker, "_backward_SoftmaxOutput": backward_checker}
for _name in REGRESSIONS:
    HARNESS[_name] = regression_checker(_name)
    HARNESS["_backward_" + _name] = regression_backward_checker(_name)
ALIASES = {"Softmax": "SoftmaxOutput"}


def cross_entropy_reference(x, label):
    """sum_i -log(max(softmax(x_i)[label_i], 1e-8)), labels truncated and clipped, as shape (1,)."""
    p = softmax(x.astype(np.float64), 1)
    k = np.clip(label.astype(np.float64), 0, x.shape[1] - 1).astype(int)
    return np.array([-np.log(np.maximum(p[np.arange(len(k)), k], 1e-8)).sum()])


def softmax_cross_entropy_checker(dtype):
    rng = seeded_rng("softmax_cross_entropy", np.dtype(dtype).name)
    for rows, classes in ((4, 5), (1, 1), (3, 1000), (0, 3)):
        x = (rng.standard_normal((rows, classes)) * 3).astype(dtype)
        label = rng.integers(0, classes, rows).astype(dtype)
        out = mx.nd.softmax_cross_entropy(mx.nd.array(x, dtype=dtype), mx.nd.array(label, dtype=dtype))
        assert out.shape == (1,)
        assert_close(out, cross_entropy_reference(x, label), dtype)
    # a confident wrong answer: the probability is clamped at 1e-8; labels truncate and clip
    x = np.array([[0.0, 100.0], [1.0, 2.0], [3.0, -1.0]], dtype=dtype)
    label = np.array([0.0, 1.7, 5.0], dtype=dtype)
    out = mx.nd.softmax_cross_entropy(mx.nd.array(x, dtype=dtype), mx.nd.array(label, dtype=dtype))
    assert_close(out, cross_entropy_reference(x, label), dtype)


HARNESS["softmax_cross_entropy"] = softmax_cross_entropy_checker


@pytest.mark.parametrize("data_shape,label_shape,match", [
    ((3, 4, 1), (3,), "data must be 2-D"),
    ((3, 4), (3, 1), "label must be 1-D"),
    ((3, 4), (2,), "batch sizes"),
    ((3, 0), (3,), "no classes"),
])
def test_softmax_cross_entropy_errors(data_shape, label_shape, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.softmax_cross_entropy(mx.nd.ones(data_shape), mx.nd.zeros(label_shape))
    with pytest.raises(MXNetError, match="float"):
        mx.nd.softmax_cross_entropy(mx.nd.ones((2, 3), dtype="int32"), mx.nd.zeros((2,), dtype="int32"))
    with pytest.raises(MXNetError, match="dtype"):
        mx.nd.softmax_cross_entropy(mx.nd.ones((2, 3)), mx.nd.zeros((2,), dtype="int32"))
    assert mx.nd.softmax_cross_entropy(mx.nd.ones((2, 3)), mx.nd.zeros((2,))).shape == (1,)


def test_softmax_cross_entropy_symbol():
    net = mx.sym.softmax_cross_entropy(mx.sym.Variable("data"), mx.sym.Variable("label"))
    assert net.list_arguments() == ["data", "label"]
    assert net.infer_shape(data=(3, 4), label=(3,))[1] == [(1,)]


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_symbol_infers_the_label_and_backward_needs_no_head_gradient():
    rng = seeded_rng("softmax executor")
    net = mx.sym.SoftmaxOutput(mx.sym.Variable("data"), name="softmax")
    assert net.list_arguments() == ["data", "softmax_label"]
    assert net.list_outputs() == ["softmax_output"]
    args, outs, _ = net.infer_shape(data=(3, 4))
    assert args == [(3, 4), (3,)] and outs == [(3, 4)]
    ex = net.simple_bind(mx.cpu(), data=(3, 4))
    x, label = rng.standard_normal((3, 4)), np.array([0, 3, 1])
    ex.arg_dict["data"][:] = x
    ex.arg_dict["softmax_label"][:] = label
    out = ex.forward(is_train=True)[0].asnumpy()
    ex.backward()
    assert_close(ex.grad_dict["data"], softmax_output_gradient(out, label), np.float32)
    multi = mx.sym.SoftmaxOutput(mx.sym.Variable("data"), multi_output=True, name="s")
    args, _, _ = multi.infer_shape(data=(2, 5, 3, 4))
    assert args[1] == (2, 12)


@pytest.mark.parametrize("data_shape,label_shape,kwargs,match", [
    ((3, 4), (4,), dict(), "label"),
    ((3, 4), (3, 1, 1), dict(), "label"),
    ((2, 3, 4), (2, 5), dict(multi_output=True), "label"),
    ((3,), (1,), dict(multi_output=True), "multi_output"),
    ((3, 4), (3,), dict(normalization="all"), "normalization"),
])
def test_errors(data_shape, label_shape, kwargs, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.SoftmaxOutput(mx.nd.ones(data_shape), mx.nd.zeros(label_shape), **kwargs)


def test_regression_symbols_infer_the_label():
    for name in REGRESSIONS:
        net = getattr(mx.sym, name)(mx.sym.Variable("data"), name="reg")
        assert net.list_arguments() == ["data", "reg_label"]
        assert net.infer_shape(data=(5, 1))[0] == [(5, 1), (5,)]
        assert net.infer_shape(data=(5, 3))[0] == [(5, 3), (5, 3)]
        with pytest.raises(MXNetError, match="label"):
            getattr(mx.nd, name)(mx.nd.ones((4, 3)), mx.nd.ones((3, 4)))


# -- gradients ----------------------------------------------------------------------
# SoftmaxOutput's gradient is that of the cross-entropy loss of its softmax:
# checked against finite differences of that loss in float64.
RNG = np.random.default_rng(8)


def _cross_entropy_grad(data_shape, label_shape, p, loss):
    def check():
        x = RNG.standard_normal(data_shape)
        label = labels_for(label_shape, data_shape[1] if p.get("multi_output") else data_shape[-1], RNG)
        data = mx.nd.array(x, dtype=np.float64)
        data.attach_grad()
        with mx.autograd.record():
            out = mx.nd.SoftmaxOutput(data, mx.nd.array(label, dtype=np.float64), **p)
        out.backward()
        numeric = numeric_gradient(lambda v: loss(v[0], label), [x], [0], 1e-6)[0]
        np.testing.assert_allclose(data.grad.asnumpy(), numeric, rtol=1e-5, atol=1e-8)
    return check


def _loss_2d(x, label, scale=1.0):
    p = softmax(x, 1)
    return -scale * np.log(p[np.arange(len(label)), label.astype(int)]).sum()


def _loss_multi(x, label):  # mean over the spatial positions (normalization 'null' divides by them)
    p = softmax(x, 1)
    n, _, r = p.shape
    picked = p[np.arange(n)[:, None], label.astype(int), np.arange(r)[None, :]]
    return -np.log(picked).sum() / r


GRAD_CASES = {
    "plain": ((3, 4), (3,), dict(), _loss_2d),
    "batch": ((3, 4), (3,), dict(normalization="batch", grad_scale=2.0), lambda x, l: _loss_2d(x, l, 2.0 / 3)),
    "multi_output": ((2, 3, 4), (2, 4), dict(multi_output=True), _loss_multi),
}

# The regression outputs' gradients are those of their losses: half the
# squared error, the logistic cross-entropy, the absolute error -- summed
# and divided by the outputs per example.
REGRESSION_LOSSES = {
    "LinearRegressionOutput": lambda x, label: 0.5 * ((x - label) ** 2).sum(),
    "LogisticRegressionOutput": lambda x, label: -(label * np.log(1 / (1 + np.exp(-x)))
                                                   + (1 - label) * np.log(1 - 1 / (1 + np.exp(-x)))).sum(),
    "MAERegressionOutput": lambda x, label: np.abs(x - label).sum(),
}


def _regression_grad(name):
    def check():
        x = RNG.standard_normal((3, 2))
        label = RNG.uniform(0, 1, (3, 2)) if name == "LogisticRegressionOutput" else x + RNG.choice([-1, 1], (3, 2))
        data = mx.nd.array(x, dtype=np.float64)
        data.attach_grad()
        with mx.autograd.record():
            out = getattr(mx.nd, name)(data, mx.nd.array(label, dtype=np.float64), grad_scale=3.0)
        out.backward()
        numeric = numeric_gradient(lambda v: REGRESSION_LOSSES[name](v[0], label) * 3.0 / 2, [x], [0], 1e-6)[0]
        np.testing.assert_allclose(data.grad.asnumpy(), numeric, rtol=1e-5, atol=1e-8)
    return check


GRAD_HARNESS = {"SoftmaxOutput": lambda: [_cross_entropy_grad(*case)() for case in GRAD_CASES.values()]}
GRAD_HARNESS.update({name: _regression_grad(name) for name in REGRESSIONS})


def _softmax_cross_entropy_grad():
    """data's gradient against finite differences of the loss; the label gets none."""
    x = RNG.standard_normal((4, 5))
    label = np.array([0.0, 4.0, 2.0, 2.0])
    check_gradient(lambda a: mx.nd.softmax_cross_entropy(a, mx.nd.array(label, dtype=np.float64)), [x])
    check_second_order(lambda a: mx.nd.softmax_cross_entropy(a, mx.nd.array(label, dtype=np.float64)), [x])


GRAD_HARNESS["softmax_cross_entropy"] = _softmax_cross_entropy_grad
NO_GRADIENT = ["_backward_SoftmaxOutput"] + ["_backward_" + name for name in REGRESSIONS]


# -- SVMOutput ------------------------------------------------------------------------

def svm_gradient(out, label, margin=1.0, regularization_coefficient=1.0, use_linear=False):
    """MXNet 1.9's data gradient of SVMOutput: one-vs-rest hinge over the
    last axis; a label outside the classes (or NaN) names none."""
    out = out.astype(np.float64)
    rows = out.reshape(-1, out.shape[-1])
    label = label.astype(np.float64).reshape(-1)
    target = np.where(np.isnan(label) | (np.abs(label) >= rows.shape[1]), -1, np.trunc(np.nan_to_num(label)))
    hit = np.arange(rows.shape[1])[None, :] == target[:, None]
    c = regularization_coefficient
    if use_linear:
        g = np.where(hit, -c * (margin > rows), c * (margin > -rows))
    else:
        g = np.where(hit, -2 * c * np.maximum(0, margin - rows), 2 * c * np.maximum(0, margin + rows))
    return g.reshape(out.shape)


# (data shape, parameters); labels are class indices of the last axis, some
# outside it
SVM_CASES = [
    ((4, 5), dict()),
    ((4, 5), dict(use_linear=True, margin=0.5, regularization_coefficient=2.0)),
    ((2, 3, 4), dict(margin=2.0, regularization_coefficient=0.25)),
    ((3, 1), dict(use_linear=True)),
]


def svm_arrays(shape, dtype, rng):
    x = (rng.integers(-12, 13, shape) / 4 + 0.125).astype(dtype)  # off the hinges' kinks
    label = rng.integers(-1, shape[-1] + 1, shape[:-1]).astype(np.float64)
    label.reshape(-1)[0] = 1.7  # truncated to class 1
    return x, label.astype(dtype)


def svm_output_checker(dtype):
    rng = seeded_rng("SVMOutput", np.dtype(dtype).name)
    for shape, p in SVM_CASES:
        x, label = svm_arrays(shape, dtype, rng)
        data = mx.nd.array(x, dtype=dtype)
        data.attach_grad()
        with mx.autograd.record():
            out = mx.nd.SVMOutput(data, mx.nd.array(label, dtype=dtype), **p)
        out.backward(mx.nd.array(rng.standard_normal(shape), dtype=dtype))  # ignored
        assert_close(out, x.astype(np.float64), dtype)
        assert_close(data.grad, svm_gradient(x, label, **p), dtype, scale=4)


def svm_backward_checker(dtype):
    rng = seeded_rng("_backward_SVMOutput", np.dtype(dtype).name)
    for shape, p in SVM_CASES:
        out, label = svm_arrays(shape, dtype, rng)
        grad = mx.nd._internal._backward_SVMOutput(mx.nd.array(label, dtype=dtype), mx.nd.array(out, dtype=dtype),
                                                   **p)
        assert_close(grad, svm_gradient(out, label, **p), dtype, scale=4)
    nan_label = np.array([np.nan, 0.0])
    grad = mx.nd._internal._backward_SVMOutput(mx.nd.array(nan_label, dtype=dtype), mx.nd.zeros((2, 2), dtype=dtype))
    assert_close(grad, svm_gradient(np.zeros((2, 2)), nan_label), dtype)


HARNESS["SVMOutput"] = svm_output_checker
HARNESS["_backward_SVMOutput"] = svm_backward_checker
NO_GRADIENT.append("_backward_SVMOutput")


def svm_loss(x, label, margin, c, linear):
    """The hinge losses whose gradient SVMOutput gives."""
    hit = np.arange(x.shape[-1])[None, :] == label.astype(int)[:, None]
    scores = np.where(hit, margin - x, margin + x)
    hinge = np.maximum(0, scores)
    return c * (hinge if linear else hinge ** 2).sum()


def _svm_gradient():
    for linear in (False, True):
        x = RNG.integers(-12, 13, (3, 4)) / 4 + 0.125
        label = np.array([0.0, 3.0, 1.0])
        data = mx.nd.array(x, dtype=np.float64)
        data.attach_grad()
        with mx.autograd.record():
            out = mx.nd.SVMOutput(data, mx.nd.array(label, dtype=np.float64), margin=0.75,
                                  regularization_coefficient=1.5, use_linear=linear)
        out.backward()
        numeric = numeric_gradient(lambda v: svm_loss(v[0], label, 0.75, 1.5, linear), [x], [0], 1e-6)[0]
        np.testing.assert_allclose(data.grad.asnumpy(), numeric, rtol=1e-5, atol=1e-8)


GRAD_HARNESS["SVMOutput"] = _svm_gradient


@pytest.mark.parametrize("name", ["SVMOutput", "_backward_SVMOutput"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_svm_output(name, dtype):
    HARNESS[name](dtype)


def test_svm_output_gradient():
    _svm_gradient()


def test_svm_output_symbol_and_errors():
    net = mx.sym.SVMOutput(mx.sym.Variable("data"), name="svm")
    assert net.list_arguments() == ["data", "svm_label"] and net.list_outputs() == ["svm_output"]
    assert net.infer_shape(data=(3, 4, 5))[0] == [(3, 4, 5), (3, 4)]
    with pytest.raises(MXNetError, match="label"):
        mx.nd.SVMOutput(mx.nd.ones((4, 3)), mx.nd.ones((3,)))
    with pytest.raises(MXNetError, match="float"):
        mx.nd.SVMOutput(mx.nd.ones((4, 3), dtype="int32"), mx.nd.ones((4,), dtype="int32"))
    with pytest.raises(MXNetError, match="dtype"):
        mx.nd.SVMOutput(mx.nd.ones((4, 3)), mx.nd.ones((4,), dtype="float64"))
    assert mx.nd.SVMOutput(mx.nd.ones((4, 3)), mx.nd.ones((4,))).shape == (4, 3)


@pytest.mark.parametrize("case", sorted(GRAD_CASES))
def test_gradient(case):
    _cross_entropy_grad(*GRAD_CASES[case])()


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_regression_gradient(name):
    _regression_grad(name)()


def test_softmax_cross_entropy_gradient():
    _softmax_cross_entropy_grad()
