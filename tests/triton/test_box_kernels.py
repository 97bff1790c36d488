"""The bounding-box kernels (box_iou, box_encode, box_decode, box_nms and
its gradient, bipartite_matching, MultiBoxPrior) against the numpy float64
references of tests/_boxref.py."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _boxref import (bipartite_matching, box_decode, box_encode, box_iou, box_nms, box_nms_backward,  # noqa: E402
                     multibox_prior)
from _run import TOLERANCE, rounded, run_op  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # masked lanes' arithmetic under the interpreter
RNG = np.random.default_rng(21)
DTYPES = ["float32", "float64", "float16"]


def tol(dtype, scale=1.0):
    return dict(rtol=TOLERANCE[dtype] * 10, atol=TOLERANCE[dtype] * 10 * scale)


def boxes(shape, fmt="corner", low=-0.1):
    xy, wh = RNG.random(shape + (2,)), RNG.uniform(low, 0.5, shape + (2,))
    return np.concatenate([xy, xy + wh] if fmt == "corner" else [xy, wh], axis=-1)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fmt", ["corner", "center"])
def test_box_iou(dtype, fmt):
    lhs, rhs = rounded(boxes((2, 3), fmt), dtype), rounded(boxes((4,), fmt), dtype)
    out = run_op("_contrib_box_iou", [(lhs, dtype), (rhs, dtype)], [((2, 3, 4), dtype)], dict(format=fmt))
    np.testing.assert_allclose(out, box_iou(lhs, rhs, fmt), **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_box_encode(dtype):
    B, N, M = 2, 5, 3
    samples, matches = RNG.choice([-1.0, 0.0, 0.5, 1.0], (B, N)), RNG.integers(0, M, (B, N)).astype(np.float64)
    matches[0, 0], samples[0, 0] = M, 1  # outside refs: zeros and mask 0 on a GPU
    anchors, refs = rounded(boxes((B, N), low=0.05), dtype), rounded(boxes((B, M), low=0.05), dtype)
    means, stds = np.array([0.0, 0.125, -0.25, 0.0]), np.array([0.125, 0.125, 0.25, 0.5])
    targets, masks = run_op("_contrib_box_encode", [(x, dtype) for x in (samples, matches, anchors, refs, means, stds)],
                            [((B, N, 4), dtype)] * 2)
    samples[0, 0] = 0
    want_targets, want_masks = box_encode(samples, matches, anchors, refs, means, stds)
    np.testing.assert_allclose(targets, want_targets, **tol(dtype, 100))
    np.testing.assert_array_equal(masks, want_masks)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fmt,clip", [("center", -1.0), ("corner", 0.5)])
def test_box_decode(dtype, fmt, clip):
    data = rounded(RNG.standard_normal((2, 4, 4)), dtype)
    anchors = rounded(boxes((1, 4), fmt, low=0.05), dtype)
    stds = (0.1, 0.2, 0.3, 0.4)
    out = run_op("_contrib_box_decode", [(data, dtype), (anchors, dtype)], [((2, 4, 4), dtype)],
                 dict(std0=stds[0], std1=stds[1], std2=stds[2], std3=stds[3], clip=clip, format=fmt))
    np.testing.assert_allclose(out, box_decode(data, anchors, stds, clip, fmt), **tol(dtype, 10))


NMS_ATTRS = dict(overlap_thresh=0.5, valid_thresh=0.0, topk=-1, coord_start=2, score_index=1, id_index=-1,
                 background_id=-1, force_suppress=False, in_format="corner", out_format="corner")


def nms_rows(shape, fmt):
    x = np.zeros(shape + (6,))
    x[..., 0] = RNG.integers(-1, 3, shape) + RNG.choice([0, 0.5], shape)  # classes compare truncated
    x[..., 1] = RNG.choice([0.125, 0.25, 0.5, 0.875, -0.25], shape)
    xy, wh = RNG.integers(0, 6, shape + (2,)) / 8, RNG.integers(-1, 6, shape + (2,)) / 8
    x[..., 2:] = np.concatenate([xy, xy + wh] if fmt == "corner" else [xy, wh], axis=-1)
    return x


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("attrs", [
    dict(), dict(overlap_thresh=0.1, topk=3, valid_thresh=0.2), dict(id_index=0, background_id=2, overlap_thresh=0.2),
    dict(id_index=0, force_suppress=True, in_format="center", out_format="corner"),
    dict(in_format="corner", out_format="center", overlap_thresh=-1.0), dict(topk=0, out_format="center"),
], ids=str)
def test_box_nms_and_its_gradient(dtype, attrs):
    attrs = dict(NMS_ATTRS, **attrs)
    x = rounded(nms_rows((3, 7), attrs["in_format"]), dtype)
    out, record = run_op("_contrib_box_nms", [(x, dtype)], [(x.shape, dtype), ((3, 7), "int32")], attrs)
    want, want_record = box_nms(x, **attrs)
    np.testing.assert_allclose(out, want, **tol(dtype))
    np.testing.assert_array_equal(record, want_record)
    grad = rounded(RNG.standard_normal(x.shape), dtype)
    dx = run_op("_backward_contrib_box_nms", [(grad, dtype), (want_record, "int32")], [(x.shape, dtype)], attrs)
    np.testing.assert_array_equal(dx, box_nms_backward(grad, want_record))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,attrs", [((3, 4), dict(threshold=0.1, is_ascend=False, topk=-1)),
                                         ((2, 2, 5), dict(threshold=0.7, is_ascend=True, topk=-1)),
                                         ((2, 4, 4), dict(threshold=0.05, is_ascend=False, topk=1))])
def test_bipartite_matching(dtype, shape, attrs):
    x = RNG.choice([0.0625, 0.125, 0.25, 0.5, 0.75, np.nan], shape)
    rows, cols = run_op("_contrib_bipartite_matching", [(x, dtype)],
                        [(shape[:-1], dtype), (shape[:-2] + shape[-1:], dtype)], attrs)
    want_rows, want_cols = bipartite_matching(x, **attrs)
    np.testing.assert_array_equal(rows, want_rows)
    np.testing.assert_array_equal(cols, want_cols)


@pytest.mark.parametrize("attrs", [dict(sizes=(1.0,), ratios=(1.0,), clip=False, steps=(-1.0, -1.0),
                                        offsets=(0.5, 0.5)),
                                   dict(sizes=(0.5, 0.25), ratios=(2.0, 1.0, 0.5), clip=True, steps=(0.3, 0.2),
                                        offsets=(0.1, 0.9))])
def test_multibox_prior(attrs):
    shape = (1, 2, 3, 5)
    anchors = len(attrs["sizes"]) + len(attrs["ratios"]) - 1
    out = run_op("_contrib_MultiBoxPrior", [(np.zeros(shape), "float32")], [((1, 15 * anchors, 4), "float32")], attrs)
    np.testing.assert_allclose(out, multibox_prior(shape, **attrs), rtol=1e-6, atol=1e-6)
