"""_contrib_box_nms (and its gradient) and _contrib_bipartite_matching
against the numpy references of tests/_boxref.py (checked against MXNet
1.9.1): stable ordering of equal scores, topk, valid_thresh, background and
class-aware suppression, box formats, the -1 filling; MXNet's documented
examples; error cases with MXNet's messages."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _adjoint import check_zero_gradient
from _boxref import bipartite_matching, box_nms, box_nms_backward
from _gradcheck import check_gradient
from _mxref import seeded_rng

DTYPES = [np.float32, np.float64, np.float16]

DOC_BOXES = [[0, 0.5, 0.1, 0.1, 0.2, 0.2], [1, 0.4, 0.1, 0.1, 0.2, 0.2],
             [0, 0.3, 0.1, 0.1, 0.14, 0.14], [2, 0.6, 0.5, 0.5, 0.7, 0.8]]


def nms_input(rng, shape, fmt):
    """Rows [id, score, 4 coordinates (0.1 steps, so boxes repeat), extra]
    with repeated scores and ids."""
    x = np.zeros(shape + (7,))
    x[..., 0] = rng.integers(-1, 3, shape)
    x[..., 1] = rng.choice([0.125, 0.25, 0.5, 0.875, -0.25], shape)
    xy, wh = rng.integers(0, 6, shape + (2,)) / 10, rng.integers(-1, 6, shape + (2,)) / 10
    x[..., 2:6] = np.concatenate([xy, xy + wh] if fmt == "corner" else [xy, wh], axis=-1)
    x[..., 6] = rng.random(shape)
    return x


NMS_CASES = [
    dict(),
    dict(overlap_thresh=0.1, topk=3),
    dict(overlap_thresh=0.3, valid_thresh=0.2, id_index=0),
    dict(overlap_thresh=0.3, id_index=0, background_id=2, force_suppress=True),
    dict(overlap_thresh=0.5, id_index=0, background_id=0, topk=5),
    dict(overlap_thresh=0.2, in_format="center", out_format="corner"),
    dict(overlap_thresh=0.2, in_format="corner", out_format="center", id_index=0),
    dict(overlap_thresh=0.4, in_format="center", out_format="center", topk=2),
    dict(topk=0, in_format="corner", out_format="center"),  # the input unchanged
    dict(overlap_thresh=-1.0),  # every later box suppressed
    dict(coord_start=2, score_index=6, id_index=1, overlap_thresh=0.3),
]


def box_nms_checker(dtype):
    rng = seeded_rng("box_nms", np.dtype(dtype).name)
    for k, kwargs in enumerate(NMS_CASES):
        shape = [(2, 9), (3, 1, 6), (1, 12)][k % 3]
        x = nms_input(rng, shape, kwargs.get("in_format", "corner")).astype(dtype)
        out = mx.nd.contrib.box_nms(mx.nd.array(x, dtype=dtype), **kwargs)
        want, _ = box_nms(x, **kwargs)
        assert out.shape == x.shape and out.dtype == dtype
        np.testing.assert_allclose(out.asnumpy().astype(np.float64), want, rtol=1e-3 if dtype == np.float16 else 1e-6,
                                   atol=1e-3 if dtype == np.float16 else 1e-7, err_msg=str(kwargs))


def box_nms_backward_checker(dtype):
    rng = seeded_rng("_backward_contrib_box_nms", np.dtype(dtype).name)
    x = nms_input(rng, (2, 8), "corner")
    _, record = box_nms(x, overlap_thresh=0.3)
    grad = rng.standard_normal(x.shape).astype(dtype)
    got = mx.nd._internal._backward_contrib_box_nms(mx.nd.array(grad, dtype=dtype),
                                                    mx.nd.array(record, dtype="int32"), overlap_thresh=0.3)
    np.testing.assert_array_equal(got.asnumpy(), box_nms_backward(grad, record).astype(dtype))


def bipartite_matching_checker(dtype):
    rng = seeded_rng("bipartite_matching", np.dtype(dtype).name)
    for shape, kwargs in [((4, 3), dict(threshold=0.1)), ((2, 3, 5), dict(threshold=0.3, topk=2)),
                          ((2, 2, 4, 2), dict(threshold=0.8, is_ascend=True)),
                          ((3, 3), dict(threshold=0.05, topk=1)), ((6, 6), dict(threshold=0.9, is_ascend=True))]:
        x = rng.choice([0.0625, 0.125, 0.25, 0.5, 0.75, 0.875], shape).astype(dtype)  # ties
        rows, cols = mx.nd.contrib.bipartite_matching(mx.nd.array(x, dtype=dtype), **kwargs)
        want_rows, want_cols = bipartite_matching(x, **kwargs)
        assert rows.dtype == dtype and cols.dtype == dtype
        np.testing.assert_array_equal(rows.asnumpy(), want_rows, err_msg=str(kwargs))
        np.testing.assert_array_equal(cols.asnumpy(), want_cols, err_msg=str(kwargs))


HARNESS = {"_contrib_box_nms": box_nms_checker, "_backward_contrib_box_nms": box_nms_backward_checker,
           "_contrib_bipartite_matching": bipartite_matching_checker}
ALIASES = {"_contrib_box_non_maximum_suppression": "_contrib_box_nms"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_mxnet_documented_nms_example_and_its_gradient():
    x = mx.nd.array(DOC_BOXES)
    x.attach_grad()
    with mx.autograd.record():
        out = mx.nd.contrib.box_nms(x, overlap_thresh=0.1, coord_start=2, score_index=1, id_index=0,
                                    force_suppress=True, in_format="corner", out_format="corner")
    out.backward(mx.nd.array(np.repeat([[0.1], [0.2], [0.3], [0.4]], 6, axis=1)))
    np.testing.assert_allclose(out.asnumpy(), [DOC_BOXES[3], DOC_BOXES[0], [-1] * 6, [-1] * 6])
    np.testing.assert_allclose(x.grad.asnumpy(), np.repeat([[0.2], [0], [0], [0.1]], 6, axis=1))


def test_mxnet_nms_outputs():
    """What MXNet 1.9.1 gives: equal scores keep input order, overlap must exceed the threshold."""
    x = mx.nd.array(DOC_BOXES)
    np.testing.assert_allclose(mx.nd.contrib.box_nms(x, overlap_thresh=0.1, id_index=0).asnumpy(),
                               [DOC_BOXES[3], DOC_BOXES[0], DOC_BOXES[1], [-1] * 6])
    np.testing.assert_allclose(mx.nd.contrib.box_nms(x, overlap_thresh=0.1, id_index=0, background_id=0).asnumpy(),
                               [DOC_BOXES[3], DOC_BOXES[1], [-1] * 6, [-1] * 6])
    np.testing.assert_allclose(mx.nd.contrib.box_nms(x, out_format="center").asnumpy()[0],
                               [2, 0.6, 0.6, 0.65, 0.2, 0.3], rtol=1e-6)
    ties = mx.nd.array([[0, 0.5, 0, 0, 1, 1], [0, 0.5, 0, 0, 1, 1], [0, 0.5, 0, 0, 1, 1], [0, 0.7, 5, 5, 6, 6],
                        [0, 0.5, 2, 2, 3, 3]])
    np.testing.assert_array_equal(mx.nd.contrib.box_nms(ties, overlap_thresh=1.0).asnumpy()[:, 2],
                                  [5, 0, 0, 0, 2])
    np.testing.assert_array_equal(mx.nd.contrib.box_nms(ties, overlap_thresh=0.99, topk=3).asnumpy()[:, 1],
                                  np.array([0.7, 0.5, -1, -1, -1], np.float32))
    np.testing.assert_array_equal(mx.nd.contrib.box_nms(ties, topk=0).asnumpy(), ties.asnumpy())


def test_nms_hides_its_record_and_infers_shapes():
    for op in (mx.sym.contrib.box_nms, mx.sym.contrib.box_non_maximum_suppression):
        sym = op(mx.sym.var("d"))
        assert len(sym.list_outputs()) == 1
        assert sym.infer_shape(d=(2, 3, 10, 6))[1] == [(2, 3, 10, 6)]
        assert sym.infer_type(d=np.float64)[1] == [np.float64]


BAD_NMS = [
    ((4,), {}, "input must have dim >= 2"),
    ((4, 4), {}, "at least 5 elements"),
    ((4, 5), dict(id_index=0, coord_start=1, score_index=0), "6 expected"),
    ((4, 6), dict(score_index=6), "score_index: 6 out of range"),
    ((4, 6), dict(score_index=3), r"score_index: 3 conflict with coordinates: \(2, 5\)"),
    ((4, 6), dict(coord_start=3), r"coordinates: \(3, 6\) out of range"),
    ((4, 6), dict(id_index=6), "id_index: 6 out of range"),
    ((4, 6), dict(id_index=1), "id_index: 1 conflict with score_index"),
    ((4, 6), dict(id_index=2), "id_index: 2 conflict with coordinates"),
    ((4, 6), dict(in_format="xywh"), "in_format"),
]


@pytest.mark.parametrize("shape,kwargs,match", BAD_NMS)
def test_nms_errors(shape, kwargs, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.contrib.box_nms(mx.nd.ones(shape), **kwargs).asnumpy()
    assert mx.nd.contrib.box_nms(mx.nd.array(DOC_BOXES)).shape == (4, 6)


def test_nms_dtype_error():
    with pytest.raises(MXNetError, match="int32"):
        mx.nd.contrib.box_nms(mx.nd.ones((2, 6), dtype="int32")).asnumpy()
    assert mx.nd.contrib.box_nms(mx.nd.array(DOC_BOXES)).shape == (4, 6)


def test_mxnet_documented_bipartite_example():
    s = mx.nd.array([[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]])
    rows, cols = mx.nd.contrib.bipartite_matching(s, threshold=1e-12, is_ascend=False)
    np.testing.assert_array_equal(rows.asnumpy(), [1, -1, 0])
    np.testing.assert_array_equal(cols.asnumpy(), [2, 0])


def test_mxnet_bipartite_outputs():
    """MXNet 1.9.1: strict thresholds, topk=1 matches two pairs, equal scores in index order."""
    s = mx.nd.array([[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]])
    for kwargs, rows, cols in [(dict(threshold=0.35), [1, -1, -1], [-1, 0]),
                               (dict(threshold=0.3), [1, -1, -1], [-1, 0]),
                               (dict(threshold=0.3, is_ascend=True), [-1, 0, -1], [1, -1]),
                               (dict(threshold=1e-12, topk=1), [1, -1, 0], [2, 0])]:
        got_rows, got_cols = mx.nd.contrib.bipartite_matching(s, **kwargs)
        np.testing.assert_array_equal(got_rows.asnumpy(), rows, err_msg=str(kwargs))
        np.testing.assert_array_equal(got_cols.asnumpy(), cols, err_msg=str(kwargs))
    got_rows, got_cols = mx.nd.contrib.bipartite_matching(mx.nd.ones((2, 3)) * 0.5, threshold=0)
    np.testing.assert_array_equal(got_rows.asnumpy(), [0, 1])
    np.testing.assert_array_equal(got_cols.asnumpy(), [0, 1, -1])


def test_bipartite_shapes_and_errors():
    _, outs, _ = mx.sym.contrib.bipartite_matching(mx.sym.var("d"), threshold=0.1).infer_shape(d=(2, 3, 4))
    assert outs == [(2, 3), (2, 4)]
    with pytest.raises(MXNetError, match="score matrix must have dim >= 2"):
        mx.nd.contrib.bipartite_matching(mx.nd.ones((4,)), threshold=0.2)[0].asnumpy()
    with pytest.raises(MXNetError, match="threshold"):
        mx.nd.contrib.bipartite_matching(mx.nd.ones((4, 3)))[0].asnumpy()
    with pytest.raises(MXNetError, match="int32"):
        mx.nd.contrib.bipartite_matching(mx.nd.ones((4, 3), dtype="int32"), threshold=0.2)[0].asnumpy()
    rows, cols = mx.nd.contrib.bipartite_matching(mx.nd.ones((4, 3)), threshold=0.2)
    assert rows.shape == (4,) and cols.shape == (3,)


# -- gradients ----------------------------------------------------------------------

def _box_nms_grad():
    """Each kept row's gradient reaches its input row (finite differences
    agree: the selection does not change under small steps)."""
    x = nms_input(np.random.default_rng(9), (2, 6), "corner")
    x[..., 1] = np.arange(12).reshape(2, 6) / 13 + 0.01  # distinct scores
    x[..., 0] += 0.5  # ids away from where truncation changes the class
    for kwargs in [dict(overlap_thresh=0.3), dict(overlap_thresh=0.3, id_index=0, topk=4)]:
        check_gradient(lambda d: mx.nd.contrib.box_nms(d, **kwargs), [x])


GRAD_HARNESS = {
    "_contrib_box_nms": _box_nms_grad,
    "_contrib_bipartite_matching": lambda: check_zero_gradient(
        lambda d: mx.nd.contrib.bipartite_matching(d, threshold=0.1), [np.random.default_rng(2).random((2, 3, 4))]),
}
NO_GRADIENT = ["_backward_contrib_box_nms"]


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()


def test_nms_gradient_ignores_format_conversion_as_mxnet():
    x = mx.nd.array(DOC_BOXES)
    x.attach_grad()
    with mx.autograd.record():
        out = mx.nd.contrib.box_nms(x, out_format="center")
    out.backward(mx.nd.ones_like(out))
    np.testing.assert_array_equal(x.grad.asnumpy(), np.ones((4, 6)) * [[1], [0], [1], [1]])  # row 1 suppressed
