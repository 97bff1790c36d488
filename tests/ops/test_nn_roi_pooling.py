"""ROIPooling and _backward_ROIPooling against numpy float64 references
(tests/_spatialref.py): MXNet's rounding of scaled roi corners, malformed
and padding rois, bins clipped to the image; MXNet's documented example;
error cases; data's gradient against finite differences, none for rois."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng
from _nnref import assert_close
from _spatialref import roi_pool, roi_pool_backward

DTYPES = [np.float32, np.float64, np.float16]

ROIS = np.array([
    [0, 0, 0, 7, 5],     # the whole image
    [1, 2, 1, 5, 6],
    [0, 3, 3, 3, 3],     # one pixel
    [1, 6, 4, 2, 1],     # malformed (x2 < x1): 1 x 1
    [0, -4, -2, 20, 9],  # partly outside the image
    [-1, 0, 0, 4, 4],    # padding: zeros
    [1, 1, 1, 10, 3],    # 10 columns into 3 bins, clipped at the edge
], dtype=np.float64)
CASES = [  # pooled_size, spatial_scale, rois' coordinates scaled by
    ((2, 2), 1.0, 1), ((3, 2), 0.5, 2), ((1, 4), 0.25, 4), ((4, 3), 0.0625, 16)]


def rois_for(scale_up):
    rois = ROIS.copy()
    rois[:, 1:] *= scale_up
    return rois


def data_for(rng, dtype, shape=(2, 3, 6, 8)):
    """Distinct values, so maxima and their positions are unambiguous in every dtype."""
    values = rng.permutation(np.prod(shape)).reshape(shape)
    return ((values - values.size / 2) / 16).astype(dtype)


def roi_pooling_checker(dtype):
    rng = seeded_rng("ROIPooling", np.dtype(dtype).name)
    for pooled, scale, scale_up in CASES:
        data, rois = data_for(rng, dtype), rois_for(scale_up).astype(dtype)
        out = mx.nd.ROIPooling(mx.nd.array(data, dtype=dtype), mx.nd.array(rois, dtype=dtype), pooled_size=pooled,
                               spatial_scale=scale)
        assert_close(out, roi_pool(data, rois, pooled, scale)[0], dtype, scale=16.0)


def backward_checker(dtype):
    rng = seeded_rng("_backward_ROIPooling", np.dtype(dtype).name)
    for pooled, scale, scale_up in CASES:
        data, rois = data_for(rng, dtype), rois_for(scale_up).astype(dtype)
        _, maxidx = roi_pool(data, rois, pooled, scale)
        grad = rng.standard_normal((len(rois), data.shape[1]) + pooled).astype(dtype)
        out = mx.nd._internal._backward_ROIPooling(
            mx.nd.array(grad, dtype=dtype), mx.nd.array(data, dtype=dtype), mx.nd.array(rois, dtype=dtype),
            mx.nd.array(maxidx, dtype="int32"), pooled_size=pooled, spatial_scale=scale)
        assert_close(out, roi_pool_backward(grad, data.shape, rois, maxidx), dtype, scale=8.0)


HARNESS = {"ROIPooling": roi_pooling_checker, "_backward_ROIPooling": backward_checker}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_mxnet_documented_example():
    x = mx.nd.arange(48).reshape((1, 1, 8, 6))
    y = mx.nd.array([[0, 0, 0, 4, 4]])
    np.testing.assert_array_equal(mx.nd.ROIPooling(x, y, pooled_size=(2, 2), spatial_scale=1.0).asnumpy(),
                                  [[[[14, 16], [26, 28]]]])
    np.testing.assert_array_equal(mx.nd.ROIPooling(x, y, pooled_size=(2, 2), spatial_scale=0.7).asnumpy(),
                                  [[[[7, 9], [19, 21]]]])


def test_corners_round_half_away_from_zero():
    """x1 = x2 = 5 * 0.5 = 2.5 rounds to 3 (not to the even 2), y2 = -0.5 to -1."""
    x = mx.nd.arange(16).reshape((1, 1, 4, 4))
    out = mx.nd.ROIPooling(x, mx.nd.array([[0, 5, 0, 5, 6]]), pooled_size=(1, 1), spatial_scale=0.5)
    assert out.asnumpy().item() == 15  # column 3, rows 0 to 3
    out = mx.nd.ROIPooling(x, mx.nd.array([[0, 0, -3, 2, -1]]), pooled_size=(1, 1), spatial_scale=0.5)
    assert out.asnumpy().item() == 0  # rows -2 to -1: outside, an empty bin


def test_maxidx_is_hidden_and_shapes_infer():
    data, rois = mx.sym.Variable("data"), mx.sym.Variable("rois")
    pool = mx.sym.ROIPooling(data, rois, pooled_size=(7, 7), spatial_scale=0.0625)
    assert pool.list_arguments() == ["data", "rois"] and len(pool.list_outputs()) == 1
    _, outs, _ = pool.infer_shape(data=(2, 512, 38, 50), rois=(300, 5))
    assert outs == [(300, 512, 7, 7)]
    assert isinstance(mx.nd.ROIPooling(mx.nd.ones((1, 1, 4, 4)), mx.nd.array([[0, 0, 0, 3, 3]]), pooled_size=(2, 2),
                                       spatial_scale=1.0), mx.nd.NDArray)


@pytest.mark.parametrize("data,rois,kwargs,match", [
    ((1, 1, 4), (1, 5), dict(pooled_size=(2, 2), spatial_scale=1.0), "4-D"),
    ((1, 1, 4, 4), (1, 4), dict(pooled_size=(2, 2), spatial_scale=1.0), "rois"),
    ((1, 1, 4, 4), (5,), dict(pooled_size=(2, 2), spatial_scale=1.0), "rois"),
    ((1, 1, 4, 4), (1, 5), dict(pooled_size=(2,), spatial_scale=1.0), "pooled_size"),
    ((1, 1, 4, 4), (1, 5), dict(pooled_size=(0, 2), spatial_scale=1.0), "pooled_size"),
    ((1, 1, 4, 4), (1, 5), dict(pooled_size=(2, 2), spatial_scale=1.5), "spatial_scale"),
    ((1, 1, 4, 4), (1, 5), dict(pooled_size=(2, 2)), "spatial_scale"),
])
def test_errors(data, rois, kwargs, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.ROIPooling(mx.nd.ones(data), mx.nd.zeros(rois), **kwargs).asnumpy()
    assert mx.nd.ROIPooling(mx.nd.ones((1, 1, 2, 2)), mx.nd.zeros((1, 5)), pooled_size=(1, 1),
                            spatial_scale=1.0).asnumpy().item() == 1


def test_batch_index_past_the_batch_is_an_error():
    with pytest.raises(MXNetError, match="batch index"):
        mx.nd.ROIPooling(mx.nd.ones((2, 1, 4, 4)), mx.nd.array([[2, 0, 0, 1, 1]]), pooled_size=(1, 1),
                         spatial_scale=1.0).asnumpy()
    assert mx.nd.ROIPooling(mx.nd.ones((2, 1, 4, 4)), mx.nd.array([[1.5, 0, 0, 1, 1]]), pooled_size=(1, 1),
                            spatial_scale=1.0).asnumpy().item() == 1  # truncated to image 1


def test_dtype_errors():
    with pytest.raises(MXNetError, match="int32"):
        mx.nd.ROIPooling(mx.nd.ones((1, 1, 2, 2), dtype="int32"), mx.nd.zeros((1, 5), dtype="int32"),
                         pooled_size=(1, 1), spatial_scale=1.0)
    with pytest.raises(MXNetError):
        mx.nd.ROIPooling(mx.nd.ones((1, 1, 2, 2)), mx.nd.zeros((1, 5), dtype="float64"), pooled_size=(1, 1),
                         spatial_scale=1.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_many_rois_and_channels(dtype):
    """Enough (roi, channel) planes and channels for several threads."""
    rng = seeded_rng("many rois", np.dtype(dtype).name)
    data = data_for(rng, dtype, (2, 32, 20, 24))
    corners = np.sort(rng.integers(-4, 50, (40, 2, 2)), axis=2)  # x1 <= x2, y1 <= y2 before scaling by 0.5
    rois = np.concatenate([rng.integers(0, 2, (40, 1)), corners[:, 0, :1], corners[:, 1, :1], corners[:, 0, 1:],
                           corners[:, 1, 1:]], axis=1).astype(dtype)
    want, maxidx = roi_pool(data, rois, (7, 7), 0.5)
    x, r = mx.nd.array(data, dtype=dtype), mx.nd.array(rois, dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        out = mx.nd.ROIPooling(x, r, pooled_size=(7, 7), spatial_scale=0.5)
    grad = rng.standard_normal(out.shape)
    out.backward(mx.nd.array(grad, dtype=dtype))
    np.testing.assert_array_equal(out.asnumpy(), want)
    np.testing.assert_allclose(x.grad.asnumpy(), roi_pool_backward(grad.astype(dtype), data.shape, rois, maxidx),
                               rtol=1e-5, atol=1e-5)


# -- gradients ----------------------------------------------------------------------

def _roi_pooling_grad():
    data = data_for(np.random.default_rng(5), np.float64, (2, 2, 6, 8))
    for pooled, scale, scale_up in CASES[:2]:
        check_gradient(lambda d, r: mx.nd.ROIPooling(d, r, pooled_size=pooled, spatial_scale=scale),
                       [data, rois_for(scale_up)], wrt=[0])


GRAD_HARNESS = {"ROIPooling": _roi_pooling_grad}
NO_GRADIENT = ["_backward_ROIPooling"]


def test_gradient():
    _roi_pooling_grad()


def test_rois_get_zero_gradient():
    data, rois = mx.nd.ones((1, 1, 4, 4)), mx.nd.array([[0, 0, 0, 3, 3]])
    data.attach_grad()
    rois.attach_grad()
    with mx.autograd.record():
        out = mx.nd.ROIPooling(data, rois, pooled_size=(2, 2), spatial_scale=1.0)
    out.backward()
    np.testing.assert_array_equal(rois.grad.asnumpy(), np.zeros((1, 5)))
    assert data.grad.asnumpy().sum() == 4
