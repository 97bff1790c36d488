"""_contrib_box_iou, _contrib_box_encode, _contrib_box_decode and
_contrib_MultiBoxPrior against the numpy float64 references of
tests/_boxref.py (checked against MXNet 1.9.1), MXNet's documented examples
and values, error cases, and MXNet's zero gradients."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _boxref import box_decode, box_encode, box_iou, multibox_prior
from _mxref import seeded_rng

DTYPES = [np.float32, np.float64, np.float16]
TOL = {np.float16: 2e-3, np.float32: 2e-6, np.float64: 1e-12}


def random_boxes(rng, shape, fmt="corner"):
    """Boxes of sizes -0.1 to 0.5 (some malformed) at corners in [0, 1)."""
    xy, wh = rng.random(shape + (2,)), rng.random(shape + (2,)) * 0.6 - 0.1
    return np.concatenate([xy, xy + wh] if fmt == "corner" else [xy, wh], axis=-1)


def proper_boxes(rng, shape):
    """Corner boxes of positive size."""
    xy = rng.random(shape + (2,))
    return np.concatenate([xy, xy + 0.05 + rng.random(shape + (2,)) * 0.5], axis=-1)


def close(got, want, dtype, scale=1.0):
    np.testing.assert_allclose(got.asnumpy().astype(np.float64), want, rtol=TOL[dtype] * 10,
                               atol=TOL[dtype] * 10 * scale)


def box_iou_checker(dtype):
    rng = seeded_rng("box_iou", np.dtype(dtype).name)
    for fmt, lshape, rshape in [("corner", (5,), (3,)), ("center", (2, 3), (4,)), ("corner", (1, 2), (2, 3))]:
        lhs = random_boxes(rng, lshape, fmt).astype(dtype)
        rhs = random_boxes(rng, rshape, fmt).astype(dtype)
        out = mx.nd.contrib.box_iou(mx.nd.array(lhs, dtype=dtype), mx.nd.array(rhs, dtype=dtype), format=fmt)
        assert out.shape == lshape + rshape and out.dtype == dtype
        close(out, box_iou(lhs, rhs, fmt), dtype)


def box_encode_checker(dtype):
    rng = seeded_rng("box_encode", np.dtype(dtype).name)
    B, N, M = 2, 7, 3
    samples = rng.choice([-1, 0, 1, 0.5, 0.7], (B, N))
    matches = rng.integers(0, M, (B, N))
    anchors, refs = proper_boxes(rng, (B, N)), proper_boxes(rng, (B, M))
    means, stds = np.array([0.1, -0.1, 0.2, 0.0]), np.array([0.1, 0.1, 0.2, 0.25])
    values = [x.astype(dtype) for x in (samples, matches, anchors, refs, means, stds)]
    targets, masks = mx.nd.contrib.box_encode(*[mx.nd.array(x, dtype=dtype) for x in values])
    want_targets, want_masks = box_encode(*values)
    close(targets, want_targets, dtype, scale=100)
    np.testing.assert_array_equal(masks.asnumpy(), want_masks)


def box_decode_checker(dtype):
    rng = seeded_rng("box_decode", np.dtype(dtype).name)
    data = rng.standard_normal((2, 5, 4)).astype(dtype)
    for fmt in ("center", "corner"):
        anchors = (proper_boxes(rng, (1, 5)) if fmt == "corner" else random_boxes(rng, (1, 5), "center")).astype(dtype)
        for stds, clip in [((1, 1, 1, 1), -1.0), ((0.1, 0.1, 0.2, 0.2), 0.5), ((0.5, 2, 0.25, 1), 1.0)]:
            out = mx.nd.contrib.box_decode(mx.nd.array(data, dtype=dtype), mx.nd.array(anchors, dtype=dtype),
                                           std0=stds[0], std1=stds[1], std2=stds[2], std3=stds[3], clip=clip,
                                           format=fmt)
            close(out, box_decode(data, anchors, stds, clip, fmt), dtype, scale=10)


PRIOR_CASES = [dict(), dict(sizes=(0.5, 0.25), ratios=(1, 2, 0.5)), dict(sizes=(0.7,), ratios=(2, 1), clip=True),
               dict(sizes=(0.5,), steps=(0.3, 0.2), offsets=(0.1, 0.9)), dict(sizes=(0.3, 0.9), clip=True)]


def multibox_prior_checker(dtype):
    assert dtype == np.float32  # as MXNet: float32 only
    for shape in [(1, 2, 3, 4), (2, 1, 5, 2)]:
        for kwargs in PRIOR_CASES:
            out = mx.nd.contrib.MultiBoxPrior(mx.nd.zeros(shape), **kwargs)
            assert out.dtype == np.float32
            np.testing.assert_allclose(out.asnumpy(), multibox_prior(shape, **kwargs), rtol=1e-6, atol=1e-6)


HARNESS = {"_contrib_box_iou": box_iou_checker, "_contrib_box_encode": box_encode_checker,
           "_contrib_box_decode": box_decode_checker, "_contrib_MultiBoxPrior": multibox_prior_checker}
ALIASES = {"_npx_multibox_prior": "_contrib_MultiBoxPrior"}


@pytest.mark.parametrize("name", sorted(set(HARNESS) - {"_contrib_MultiBoxPrior"}))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_multibox_prior():
    multibox_prior_checker(np.float32)


def test_mxnet_values():
    """Outputs MXNet 1.9.1 gives (its box_iou docstring example, and values it printed)."""
    x = mx.nd.array([[0.5, 0.5, 1.0, 1.0], [0.0, 0.0, 0.5, 0.5]])
    y = mx.nd.array([[0.25, 0.25, 0.75, 0.75]])
    np.testing.assert_allclose(mx.nd.contrib.box_iou(x, y, format="corner").asnumpy(), [[1 / 7], [1 / 7]], rtol=1e-6)
    np.testing.assert_allclose(mx.nd.contrib.box_iou(x, y, format="center").asnumpy(), [[1 / 3], [0.20930232]],
                               rtol=1e-6)
    samples, matches = mx.nd.array([[1, -1, 0, 1]]), mx.nd.array([[1, 0, 0, 0]])
    anchors = mx.nd.array([[[0, 0, 1, 1], [0, 0, .5, .5], [.1, .1, .3, .4], [.2, .2, .9, .9]]])
    refs = mx.nd.array([[[.1, .1, .6, .7], [.2, .3, .9, .8]]])
    targets, masks = mx.nd.contrib.box_encode(samples, matches, anchors, refs, mx.nd.zeros(4),
                                              mx.nd.array([.1, .1, .2, .2]))
    np.testing.assert_allclose(targets.asnumpy(), [[[0.5, 0.5, -1.7833748, -3.4657359], [0] * 4, [0] * 4,
                                                    [-2.8571432, -2.1428578, -1.682361, -0.77075368]]], rtol=1e-5)
    np.testing.assert_array_equal(masks.asnumpy()[0, :, 0], [1, 0, 0, 1])
    data = mx.nd.array([[[.1, .2, .3, .4], [-.1, 0, 2, 5]]])
    anchors = mx.nd.array([[[.5, .5, .2, .4], [.1, .2, .3, .3]]])
    np.testing.assert_allclose(mx.nd.contrib.box_decode(data, anchors).asnumpy(),
                               [[[0.38501409, 0.28163502, 0.6549859, 0.87836492],
                                 [-1.03835845, -22.06197357, 1.17835855, 22.4619751]]], rtol=1e-5)
    np.testing.assert_allclose(mx.nd.contrib.MultiBoxPrior(mx.nd.ones((1, 1, 2, 3))).asnumpy()[0, :2],
                               [[-1 / 6, -0.25, 0.5, 0.75], [1 / 6, -0.25, 5 / 6, 0.75]], rtol=1e-5)


def test_samples_above_one_half_are_positive():
    anchors, refs = mx.nd.array([[[0, 0, 1, 1]] * 4]), mx.nd.array([[[0, 0, 2, 2]]])
    _, masks = mx.nd.contrib.box_encode(mx.nd.array([[0.5, 0.51, 2, -3]]), mx.nd.zeros((1, 4)), anchors, refs,
                                        mx.nd.zeros(4), mx.nd.ones(4))
    np.testing.assert_array_equal(masks.asnumpy()[0, :, 0], [0, 1, 1, 0])


def test_symbols_infer_shapes():
    lhs, rhs = mx.sym.var("lhs"), mx.sym.var("rhs")
    _, outs, _ = mx.sym.contrib.box_iou(lhs, rhs).infer_shape(lhs=(2, 3, 4), rhs=(5, 4))
    assert outs == [(2, 3, 5)]
    names = ["samples", "matches", "anchors", "refs", "means", "stds"]
    enc = mx.sym.contrib.box_encode(*[mx.sym.var(n) for n in names])
    args, outs, _ = enc.infer_shape(samples=(2, 6), matches=(2, 6), anchors=(2, 6, 4), refs=(2, 3, 4))
    assert outs == [(2, 6, 4), (2, 6, 4)] and args[-2:] == [(4,), (4,)]
    _, outs, _ = mx.sym.contrib.MultiBoxPrior(mx.sym.var("d"), sizes=(0.5, 0.25), ratios=(1, 2, 0.5)).infer_shape(
        d=(8, 16, 10, 12))
    assert outs == [(1, 10 * 12 * 4, 4)]


BAD = [
    (lambda: mx.nd.contrib.box_iou(mx.nd.ones((4,)), mx.nd.ones((5, 4))), "lhs must have dim >= 2"),
    (lambda: mx.nd.contrib.box_iou(mx.nd.ones((2, 3)), mx.nd.ones((5, 4))), "last dimension of lhs must be 4"),
    (lambda: mx.nd.contrib.box_iou(mx.nd.ones((2, 4)), mx.nd.ones((5, 5))), "last dimension of rhs must be 4"),
    (lambda: mx.nd.contrib.box_iou(mx.nd.ones((2, 4), dtype="float64"), mx.nd.ones((5, 4))), "float"),
    (lambda: mx.nd.contrib.box_iou(mx.nd.ones((2, 4), dtype="int32"), mx.nd.ones((5, 4), dtype="int32")), "int32"),
    (lambda: mx.nd.contrib.box_iou(mx.nd.ones((2, 4)), mx.nd.ones((5, 4)), format="xywh"), "format"),
    (lambda: mx.nd.contrib.box_encode(mx.nd.ones((1, 2)), mx.nd.ones((1, 2)), mx.nd.ones((1, 2, 4)),
                                      mx.nd.ones((1, 3, 4)), mx.nd.ones(3), mx.nd.ones(4)), "means"),
    (lambda: mx.nd.contrib.box_encode(mx.nd.ones((1, 2)), mx.nd.ones((1, 2)), mx.nd.ones((2, 4)),
                                      mx.nd.ones((1, 3, 4)), mx.nd.ones(4), mx.nd.ones(4)), "anchors shape"),
    (lambda: mx.nd.contrib.box_encode(mx.nd.ones((1, 2)), mx.nd.ones((1, 2)), mx.nd.ones((1, 2, 4)),
                                      mx.nd.ones((3, 4)), mx.nd.ones(4), mx.nd.ones(4)), "refs shape"),
    (lambda: mx.nd.contrib.box_encode(mx.nd.ones((1, 3)), mx.nd.ones((1, 2)), mx.nd.ones((1, 2, 4)),
                                      mx.nd.ones((1, 3, 4)), mx.nd.ones(4), mx.nd.ones(4)), "first two dimensions"),
    (lambda: mx.nd.contrib.box_encode(mx.nd.ones((1, 2)), mx.nd.ones((1, 2)), mx.nd.ones((1, 2, 4)),
                                      mx.nd.ones((2, 3, 4)), mx.nd.ones(4), mx.nd.ones(4)), "batch size"),
    (lambda: mx.nd.contrib.box_encode(mx.nd.ones((1, 2)), mx.nd.ones((1, 2)), mx.nd.ones((1, 2, 4)),
                                      mx.nd.ones((1, 3, 4)), mx.nd.ones(4), mx.nd.ones(4, dtype="float64")), "float"),
    (lambda: mx.nd.contrib.box_encode(mx.nd.ones((1, 2)), mx.nd.array([[3, 0]]), mx.nd.ones((1, 2, 4)),
                                      mx.nd.ones((1, 3, 4)), mx.nd.ones(4), mx.nd.ones(4)), "outside"),
    (lambda: mx.nd.contrib.box_decode(mx.nd.ones((2, 4)), mx.nd.ones((1, 2, 4))), "data shape must have dim == 3"),
    (lambda: mx.nd.contrib.box_decode(mx.nd.ones((1, 2, 5)), mx.nd.ones((1, 2, 4))), "last dimension of data"),
    (lambda: mx.nd.contrib.box_decode(mx.nd.ones((3, 2, 4)), mx.nd.ones((2, 4))), "anchors shape must have dim"),
    (lambda: mx.nd.contrib.box_decode(mx.nd.ones((3, 2, 4)), mx.nd.ones((3, 2, 4))),
     r"anchors must have shape \(1, 2, 4\)"),
    (lambda: mx.nd.contrib.box_decode(mx.nd.ones((3, 2, 4), dtype="int32"), mx.nd.ones((1, 2, 4), dtype="int32")),
     "int32"),
    (lambda: mx.nd.contrib.MultiBoxPrior(mx.nd.ones((2, 3, 4))), "4D"),
    (lambda: mx.nd.contrib.MultiBoxPrior(mx.nd.ones((1, 1, 2, 2), dtype="float64")), "float32"),
    (lambda: mx.nd.contrib.MultiBoxPrior(mx.nd.ones((1, 1, 2, 2)), sizes=()), "sizes"),
    (lambda: mx.nd.contrib.MultiBoxPrior(mx.nd.ones((1, 1, 2, 2)), ratios=()), "ratios"),
    (lambda: mx.nd.contrib.MultiBoxPrior(mx.nd.ones((1, 1, 2, 2)), steps=(1,)), "Step ndim must be 2"),
    (lambda: mx.nd.contrib.MultiBoxPrior(mx.nd.ones((1, 1, 2, 2)), steps=(0.3, -1)), "both step_y and step_x"),
    (lambda: mx.nd.contrib.MultiBoxPrior(mx.nd.ones((1, 1, 2, 2)), offsets=(0.5,)), "offsets"),
    (lambda: mx.nd.contrib.MultiBoxPrior(mx.nd.ones((1, 1, 2, 2)), offsets=(1.5, 0.5)), "offsets"),
]


@pytest.mark.parametrize("call,match", BAD)
def test_errors(call, match):
    with pytest.raises(MXNetError, match=match):
        out = call()
        for o in out if isinstance(out, list) else [out]:
            o.asnumpy()
    assert mx.nd.contrib.box_iou(mx.nd.array([[0, 0, 1, 1]]), mx.nd.array([[0, 0, 1, 1]])).asnumpy().item() == 1


# -- gradients: zeros, as MXNet back-propagates for these ops -------------------------

def assert_zero_gradients(fn, inputs):
    arrays = [mx.nd.array(x) for x in inputs]
    for a in arrays:
        a.attach_grad()
    with mx.autograd.record():
        outs = fn(*arrays)
    mx.autograd.backward(outs if isinstance(outs, (list, tuple)) else [outs])
    for a in arrays:
        assert a.grad.shape == a.shape and not a.grad.asnumpy().any()


def _box_iou_grad():
    rng = np.random.default_rng(3)
    assert_zero_gradients(lambda a, b: mx.nd.contrib.box_iou(a, b), [proper_boxes(rng, (3,)), proper_boxes(rng, (2,))])


def _box_encode_grad():
    rng = np.random.default_rng(4)
    assert_zero_gradients(lambda *x: mx.nd.contrib.box_encode(*x),
                          [np.ones((1, 3)), np.zeros((1, 3)), proper_boxes(rng, (1, 3)), proper_boxes(rng, (1, 2)),
                           np.zeros(4), np.ones(4)])


def _box_decode_grad():
    rng = np.random.default_rng(5)
    assert_zero_gradients(lambda d, a: mx.nd.contrib.box_decode(d, a),
                          [rng.standard_normal((2, 3, 4)), random_boxes(rng, (1, 3), "center")])


GRAD_HARNESS = {
    "_contrib_box_iou": _box_iou_grad,
    "_contrib_box_encode": _box_encode_grad,
    "_contrib_box_decode": _box_decode_grad,
    "_contrib_MultiBoxPrior": lambda: assert_zero_gradients(
        lambda d: mx.nd.contrib.MultiBoxPrior(d, sizes=(0.5, 0.2)), [np.ones((1, 2, 3, 4))]),
}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
