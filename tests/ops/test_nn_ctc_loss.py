"""CTCLoss against two float64 references (tests/_ctc_reference.py): a brute
force over every alignment path (small T and alphabet) and a dynamic
programme over a dense transition matrix (bigger problems) -- with both
blank_label choices,
MXNet 1.9's padding (0 for 'first', -1 for 'last'), data_lengths and
label_lengths, labels of any numeric dtype, unalignable labels (loss 0, no
gradient), large activations (the loss stays finite) -- its gradient
against finite differences of the brute-force loss, the symbol API, and
every bad input as an MXNetError after which the process keeps working."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _ctc_reference import brute_force_loss, ctc_reference
from _gradcheck import check_gradient, numeric_gradient
from _mxref import seeded_rng
from _nnref import assert_close

DTYPES = [np.float32, np.float64]


def ctc(x, label, dtype, data_lengths=None, label_lengths=None, label_dtype=None, **kwargs):
    args = [mx.nd.array(x, dtype=dtype), mx.nd.array(label, dtype=label_dtype or dtype)]
    if data_lengths is not None:
        args.append(mx.nd.array(data_lengths, dtype=label_dtype or dtype))
        kwargs["use_data_lengths"] = True
    if label_lengths is not None:
        args.append(mx.nd.array(label_lengths, dtype=label_dtype or dtype))
        kwargs["use_label_lengths"] = True
    return mx.nd.CTCLoss(*args, **kwargs)


# (label rows, blank_label): padded as MXNet defines it
BRUTE_CASES = [
    ([[1, 2], [2, 2], [1, 0], [0, 0]], "first"),  # a repeat needs a blank between; an empty label
    ([[0, 1], [1, 1], [0, -1], [-1, -1]], "last"),
    ([[2, 1, 2], [1, 2, 2], [2, 2, 2], [1, 1, 0]], "first"),  # (2, 2, 2) cannot align in 4 frames: 0
]


def ctc_checker(dtype):
    rng = seeded_rng("CTCLoss", np.dtype(dtype).name)
    for label, blank_label in BRUTE_CASES:
        label = np.array(label, np.float64)
        x = rng.standard_normal((4, len(label), 3)) * 2
        expected = ctc_reference(x, label, blank_label, loss=brute_force_loss)
        assert_close(ctc(x, label, dtype, blank_label=blank_label), expected, dtype, scale=5)
        assert_close(ctc(x, label, dtype, blank_label=blank_label), ctc_reference(x, label, blank_label), dtype,
                     scale=5)
    # longer sequences, variable lengths, every combination of the length inputs
    frames, batch, channels, capacity = 12, 5, 6, 5
    x = rng.standard_normal((frames, batch, channels)) * 3
    lengths = np.array([5, 0, 3, 1, 4])
    data_lengths = np.array([12, 4, 7, 12, 9])
    for blank_label in ("first", "last"):
        tokens = (1, channels) if blank_label == "first" else (0, channels - 1)
        label = rng.integers(*tokens, (batch, capacity)).astype(np.float64)
        padded = np.where(np.arange(capacity) < lengths[:, None], label, 0 if blank_label == "first" else -1)
        assert_close(ctc(x, padded, dtype, blank_label=blank_label), ctc_reference(x, padded, blank_label), dtype,
                     scale=20)
        # label_lengths: the entries past each length are ignored, whatever they hold
        assert_close(ctc(x, label, dtype, label_lengths=lengths, blank_label=blank_label),
                     ctc_reference(x, label, blank_label, label_lengths=lengths), dtype, scale=20)
        assert_close(ctc(x, padded, dtype, data_lengths=data_lengths, blank_label=blank_label),
                     ctc_reference(x, padded, blank_label, data_lengths=data_lengths), dtype, scale=20)
        assert_close(ctc(x, label, dtype, data_lengths=data_lengths, label_lengths=lengths, blank_label=blank_label,
                         label_dtype=np.int32),
                     ctc_reference(x, label, blank_label, data_lengths=data_lengths, label_lengths=lengths), dtype,
                     scale=20)
    # a left-out optional input (gluon's CTCLoss passes None): the next moves up
    assert_close(mx.nd.CTCLoss(mx.nd.array(x, dtype=dtype), mx.nd.array(label, dtype=dtype), None,
                               mx.nd.array(lengths, dtype=dtype), use_label_lengths=True, blank_label="last"),
                 ctc_reference(x, label, "last", label_lengths=lengths), dtype, scale=20)
    # the aliases
    for fn in (mx.nd.ctc_loss, mx.nd.contrib.CTCLoss, mx.nd.contrib.ctc_loss):
        assert_close(fn(mx.nd.array(x, dtype=dtype), mx.nd.array(padded, dtype=dtype), blank_label="last"),
                     ctc_reference(x, padded, "last"), dtype, scale=20)


HARNESS = {"CTCLoss": ctc_checker}
ALIASES = {"ctc_loss": "CTCLoss", "_contrib_CTCLoss": "CTCLoss", "_contrib_ctc_loss": "CTCLoss",
           "_npx_ctc_loss": "CTCLoss"}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_ctc_loss(dtype):
    ctc_checker(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_large_activations_stay_finite(dtype):
    """The recursions run in log space: probabilities far below the smallest
    float do not underflow to an infinite loss."""
    rng = seeded_rng("CTCLoss large", np.dtype(dtype).name)
    x = rng.standard_normal((30, 2, 5)) * 100
    label = rng.integers(1, 5, (2, 8)).astype(np.float64)
    got = ctc(x, label, dtype).asnumpy()
    expected = ctc_reference(x, label)
    assert np.isfinite(got).all() and expected.min() > 745  # exp(-745) underflows float64
    np.testing.assert_allclose(got, expected, rtol=1e-5 if dtype == np.float32 else 1e-10)


def _ctc_gradient():
    """data's gradient against finite differences of the brute-force loss
    (an independent computation), and of the op itself through lengths."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3, 3))
    label = np.array([[1, 2], [2, 2], [1, 0]], np.float64)
    head = rng.standard_normal(3)
    data = mx.nd.array(x, dtype=np.float64)
    data.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.CTCLoss(data, mx.nd.array(label, dtype=np.float64))
    loss.backward(mx.nd.array(head, dtype=np.float64))
    numeric = numeric_gradient(lambda v: (head * ctc_reference(v[0], label, loss=brute_force_loss)).sum(), [x], [0],
                               1e-6)[0]
    np.testing.assert_allclose(data.grad.asnumpy(), numeric, rtol=1e-6, atol=1e-9)
    lengths = mx.nd.array([2, 4, 3], dtype=np.float64)
    frames = check_gradient(lambda a: mx.nd.CTCLoss(a, mx.nd.array(label, dtype=np.float64), lengths,
                                                    use_data_lengths=True, blank_label="first"), [x])[0]
    assert not frames[2:, 0].any() and not frames[3:, 2].any()  # zero past each sample's frames


GRAD_HARNESS = {"CTCLoss": _ctc_gradient}


def test_gradient():
    _ctc_gradient()


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_gradient_matches_the_reference(dtype):
    rng = seeded_rng("CTCLoss gradient", np.dtype(dtype).name)
    x = (rng.standard_normal((6, 4, 4)) * 2).astype(dtype)
    label = np.array([[1, 2, 3], [3, 3, 0], [2, 0, 0], [1, 2, 1]], np.float64)
    data_lengths = np.array([6, 5, 2, 6])
    head = rng.standard_normal(4)
    data = mx.nd.array(x, dtype=dtype)
    data.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.CTCLoss(data, mx.nd.array(label, dtype=dtype), mx.nd.array(data_lengths, dtype=dtype),
                             use_data_lengths=True)
    loss.backward(mx.nd.array(head, dtype=dtype))
    expected = numeric_gradient(lambda v: (head * ctc_reference(v[0], label, data_lengths=data_lengths)).sum(),
                                [x.astype(np.float64)], [0], 1e-6)[0]
    tol = 1e-4 if dtype == np.float32 else 1e-7  # finite differences of float64: ~1e-9
    np.testing.assert_allclose(data.grad.asnumpy(), expected, rtol=tol, atol=tol / 10)


def test_unalignable_labels_give_zero_loss_and_no_gradient():
    """(1, 1) needs three frames (a blank between the repeats): in two,
    MXNet's warp-ctc gives loss 0 and no gradient; (1, 2) fits."""
    x = np.random.default_rng(4).standard_normal((2, 2, 3))
    data = mx.nd.array(x, dtype=np.float64)
    data.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.CTCLoss(data, mx.nd.array([[1, 1], [1, 2]], dtype=np.float64))
    loss.backward()
    assert loss.asnumpy()[0] == 0 and not data.grad.asnumpy()[:, 0].any()
    np.testing.assert_allclose(loss.asnumpy()[1], brute_force_loss(x[:, 1], [1, 2], 0), rtol=1e-12)
    assert data.grad.asnumpy()[:, 1].any()


def test_symbol_inputs_shapes_and_executor():
    data, label = mx.sym.Variable("data"), mx.sym.Variable("label")
    net = mx.sym.CTCLoss(data, label, name="ctc")
    assert net.list_arguments() == ["data", "label"] and len(net.list_outputs()) == 1
    args, outs, _ = net.infer_shape(data=(5, 2, 4), label=(2, 3))
    assert args == [(5, 2, 4), (2, 3)] and outs == [(2,)]
    lengths = mx.sym.ctc_loss(data=data, label=label, label_lengths=mx.sym.Variable("ll"), use_label_lengths=True)
    assert lengths.list_arguments() == ["data", "label", "ll"]
    both = mx.sym.CTCLoss(data, label, mx.sym.Variable("dl"), mx.sym.Variable("ll"), use_data_lengths=True,
                          use_label_lengths=True)
    assert both.list_arguments() == ["data", "label", "dl", "ll"]
    assert both.infer_shape(data=(5, 2, 4), label=(2, 3))[0][2:] == [(2,), (2,)]
    # the inputs a flag switches on keep their names (auto-made variables too)
    made = mx.sym.CTCLoss(data, label, use_label_lengths=True, name="c")
    assert made.list_arguments() == ["data", "label", "c_label_lengths"]
    assert mx.sym.CTCLoss(data, label, None, mx.sym.Variable("ll"), use_label_lengths=True).list_arguments() == \
        ["data", "label", "ll"]
    # an executor gives the loss and the gradient autograd gives
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((5, 2, 4)), np.array([[1, 2, 0], [3, 3, 1]])
    ex = net.simple_bind(mx.cpu(), data=(5, 2, 4), label=(2, 3))
    ex.arg_dict["data"][:] = x
    ex.arg_dict["label"][:] = y
    out = ex.forward(is_train=True)[0].asnumpy()
    ex.backward(mx.nd.array([1.0, 2.0]))
    np.testing.assert_allclose(out, ctc_reference(x, y), rtol=1e-5)
    a = mx.nd.array(x)
    a.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.CTCLoss(a, mx.nd.array(y))
    loss.backward(mx.nd.array([1.0, 2.0]))
    np.testing.assert_allclose(ex.grad_dict["data"].asnumpy(), a.grad.asnumpy(), rtol=1e-5, atol=1e-7)


def _still_works():
    """Uniform activations over 3 frames: 6 of the 8 paths give (1,)."""
    x = np.zeros((3, 1, 2))
    assert_close(mx.nd.CTCLoss(mx.nd.array(x), mx.nd.array([[1]])), np.array([np.log(4 / 3)]),
                 np.float32)


@pytest.mark.parametrize("data_shape,label_shape,kwargs,match", [
    ((3, 2, 4), (2, 4), {}, "cannot exceed the maximum sequence length"),   # label longer than T
    ((3, 4), (3, 2), {}, "data must be 3-D"),
    ((3, 2, 4), (2,), {}, "label must be 2-D"),
    ((3, 2, 4), (3, 2), {}, "batch size"),
    ((3, 2, 0), (2, 2), {}, "alphabet_size"),
])
def test_bad_shapes(data_shape, label_shape, kwargs, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.CTCLoss(mx.nd.ones(data_shape), mx.nd.ones(label_shape), **kwargs)
    _still_works()


def test_bad_length_shapes_and_dtypes():
    x, label = mx.nd.ones((4, 2, 3)), mx.nd.ones((2, 2))
    with pytest.raises(MXNetError, match="data_lengths"):
        mx.nd.CTCLoss(x, label, mx.nd.ones((3,)), use_data_lengths=True)
    with pytest.raises(MXNetError, match="label_lengths"):
        mx.nd.CTCLoss(x, label, mx.nd.ones((2, 1)), use_label_lengths=True)
    for dtype in ("int32", "float16"):
        with pytest.raises(MXNetError, match="float32 or float64"):
            mx.nd.CTCLoss(mx.nd.ones((4, 2, 3), dtype=dtype), label)
    with pytest.raises(MXNetError, match="bool"):
        mx.nd.CTCLoss(x, mx.nd.ones((2, 2), dtype="bool"))
    _still_works()


@pytest.mark.parametrize("label,kwargs,extra,match", [
    ([[1, 2], [2, 0]], dict(use_data_lengths=True), [[5, 2]], r"data_lengths\[0\] = 5 is outside \[0, 4\]"),
    ([[1, 2], [2, 0]], dict(use_data_lengths=True), [[3, -1]], r"data_lengths\[1\] = -1"),
    ([[1, 2], [2, 0]], dict(use_label_lengths=True), [[1, 3]], r"label_lengths\[1\] = 3 is outside \[0, 2\]"),
    ([[1, 3], [2, 0]], {}, [], r"label\[0, 1\] = 3 is not a token: tokens are 1..2 \(0 is the blank\)"),
    ([[1, 0], [2, 0]], dict(use_label_lengths=True), [[2, 1]], r"label\[0, 1\] = 0 is not a token"),
    ([[2, 1], [0, -1]], dict(blank_label="last"), [], r"label\[0, 0\] = 2 is not a token: tokens are 0..1"),
    ([[-2, 1], [0, -1]], dict(blank_label="last"), [], r"label\[0, 0\] = -2"),
])
def test_bad_labels_and_lengths(label, kwargs, extra, match):
    args = [mx.nd.ones((4, 2, 3)), mx.nd.array(label)] + [mx.nd.array(e) for e in extra]
    with pytest.raises(MXNetError, match=match):
        mx.nd.CTCLoss(*args, **kwargs).asnumpy()
    _still_works()
