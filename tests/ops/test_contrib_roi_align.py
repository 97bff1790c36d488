"""_contrib_ROIAlign and _backward_ROIAlign against the numpy float64
references of tests/_spatialref.py (checked against MXNet 1.9.1: they
agree to 1e-15 in float64): adaptive and fixed sample grids, aligned and
position-sensitive forms, malformed rois and rois reaching outside the
image; padding rois (zeros: MXNet 1.9.1 leaves them unwritten); error
cases; data's gradient against finite differences, none for rois."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng
from _nnref import assert_close
from _spatialref import roi_align, roi_align_backward

DTYPES = [np.float32, np.float64, np.float16]
ROIS = np.array([
    [0, 0, 0, 6, 5],            # most of the image
    [1, 1.5, 0.75, 4.25, 5.75],  # fractional corners
    [0, -4, -2, 20, 9],          # reaching outside the image
    [1, 2, 1, 13, 11],
    [1, 2.25, 1, 2.5, 5],        # thinner than a pixel
    [-1, 0, 0, 4, 4],            # padding: zeros
    [0, 6, 4, 2, 1],             # malformed (x2 < x1): 1 x 1 unless aligned
])
CASES = [  # keyword arguments; spatial scales are exact in float32, as MXNet keeps them
    dict(pooled_size=(2, 2), spatial_scale=1.0),
    dict(pooled_size=(3, 2), spatial_scale=0.5, sample_ratio=2),
    dict(pooled_size=(2, 2), spatial_scale=0.5, aligned=True),
    dict(pooled_size=(2, 2), spatial_scale=1.0, position_sensitive=True),
    dict(pooled_size=(1, 4), spatial_scale=0.25, sample_ratio=3, aligned=True, position_sensitive=True),
]


def split(kwargs):
    """(pooled_size, spatial_scale, the reference's other options)."""
    options = {k: v for k, v in kwargs.items() if k not in ("pooled_size", "spatial_scale")}
    return kwargs["pooled_size"], kwargs["spatial_scale"], options


def rois_for(kwargs):
    return ROIS[:-1] if kwargs.get("aligned") else ROIS  # an empty roi is an error with aligned


def roi_align_checker(dtype):
    rng = seeded_rng("ROIAlign", np.dtype(dtype).name)
    for kwargs in CASES:
        data, rois = rng.uniform(-1, 1, (2, 8, 6, 7)).astype(dtype), rois_for(kwargs).astype(dtype)
        pooled, scale, options = split(kwargs)
        out = mx.nd.contrib.ROIAlign(mx.nd.array(data, dtype=dtype), mx.nd.array(rois, dtype=dtype), **kwargs)
        assert_close(out, roi_align(data, rois, pooled, scale, **options), dtype, scale=2)


def backward_checker(dtype):
    rng = seeded_rng("_backward_ROIAlign", np.dtype(dtype).name)
    for kwargs in CASES:
        data, rois = rng.uniform(-1, 1, (2, 8, 6, 7)).astype(dtype), rois_for(kwargs).astype(dtype)
        pooled, scale, options = split(kwargs)
        want_shape = roi_align(data, rois, pooled, scale, **options).shape
        grad = rng.uniform(-1, 1, want_shape).astype(dtype)
        out = mx.nd._internal._backward_ROIAlign(mx.nd.array(grad, dtype=dtype), mx.nd.array(data, dtype=dtype),
                                                 mx.nd.array(rois, dtype=dtype), **kwargs)
        assert_close(out, roi_align_backward(grad, data.shape, rois, scale, **options), dtype, scale=8)


HARNESS = {"_contrib_ROIAlign": roi_align_checker, "_backward_ROIAlign": backward_checker}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_shapes_and_outputs():
    data, rois = mx.sym.var("data"), mx.sym.var("rois")
    align = mx.sym.contrib.ROIAlign(data, rois, pooled_size=(7, 7), spatial_scale=0.0625)
    assert align.list_arguments() == ["data", "rois"] and len(align.list_outputs()) == 1
    assert align.infer_shape(data=(2, 256, 38, 50), rois=(300, 5))[1] == [(300, 256, 7, 7)]
    sensitive = mx.sym.contrib.ROIAlign(data, rois, pooled_size=(3, 3), spatial_scale=0.0625, position_sensitive=True)
    assert sensitive.infer_shape(data=(2, 18, 38, 50), rois=(30, 5))[1] == [(30, 2, 3, 3)]


def test_padding_rois_give_zeros():
    out = mx.nd.contrib.ROIAlign(mx.nd.ones((1, 2, 4, 4)), mx.nd.array([[-1, 0, 0, 3, 3], [0, 0, 0, 3, 3]]),
                                 pooled_size=(2, 2), spatial_scale=1.0).asnumpy()
    np.testing.assert_array_equal(out[0], np.zeros((2, 2, 2)))
    np.testing.assert_allclose(out[1], np.ones((2, 2, 2)), rtol=1e-6)


@pytest.mark.parametrize("data,rois,kwargs,match", [
    ((1, 4, 4), (1, 5), dict(pooled_size=(2, 2), spatial_scale=1.0), "4-D"),
    ((1, 1, 4, 4), (1, 4), dict(pooled_size=(2, 2), spatial_scale=1.0), "rois"),
    ((1, 1, 4, 4), (1, 5), dict(pooled_size=(2,), spatial_scale=1.0), "pooled_size"),
    ((1, 1, 4, 4), (1, 5), dict(pooled_size=(0, 2), spatial_scale=1.0), "pooled_size"),
    ((1, 1, 4, 4), (1, 5), dict(pooled_size=(2, 2), spatial_scale=-1.0), "spatial_scale"),
    ((1, 1, 4, 4), (1, 5), dict(pooled_size=(2, 2)), "spatial_scale"),
    ((1, 6, 4, 4), (1, 5), dict(pooled_size=(2, 2), spatial_scale=1.0, position_sensitive=True), "multiple"),
])
def test_errors(data, rois, kwargs, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.contrib.ROIAlign(mx.nd.ones(data), mx.nd.zeros(rois), **kwargs).asnumpy()
    still_works()


def still_works():
    out = mx.nd.contrib.ROIAlign(mx.nd.ones((1, 1, 2, 2)), mx.nd.array([[0, 0, 0, 1, 1]]), pooled_size=(1, 1),
                                 spatial_scale=1.0)
    assert abs(out.asnumpy().item() - 1) < 1e-6


def test_kernel_errors():
    with pytest.raises(MXNetError, match="batch index"):
        mx.nd.contrib.ROIAlign(mx.nd.ones((2, 1, 4, 4)), mx.nd.array([[2, 0, 0, 1, 1]]), pooled_size=(1, 1),
                               spatial_scale=1.0).asnumpy()
    with pytest.raises(MXNetError, match="empty"):
        mx.nd.contrib.ROIAlign(mx.nd.ones((1, 1, 4, 4)), mx.nd.array([[0, 3, 3, 3, 3]]), pooled_size=(1, 1),
                               spatial_scale=1.0, aligned=True).asnumpy()
    with pytest.raises(MXNetError):
        mx.nd.contrib.ROIAlign(mx.nd.ones((1, 1, 2, 2), dtype="int32"), mx.nd.zeros((1, 5), dtype="int32"),
                               pooled_size=(1, 1), spatial_scale=1.0)
    still_works()


# -- gradients ----------------------------------------------------------------------

def _roi_align_grad():
    data = np.random.default_rng(5).uniform(-1, 1, (2, 4, 5, 6))
    rois = np.array([[0, 0.5, 0.25, 4.5, 3.75], [1, 1, 1, 3, 4], [0, -2, -1, 7, 6]])
    for kwargs in (dict(pooled_size=(2, 2), spatial_scale=1.0),
                   dict(pooled_size=(2, 1), spatial_scale=0.5, sample_ratio=2, aligned=True, position_sensitive=True)):
        grads = check_gradient(lambda d, r: mx.nd.contrib.ROIAlign(d, r, **kwargs), [data, rois], wrt=[0])
        assert grads[0].any()


GRAD_HARNESS = {"_contrib_ROIAlign": _roi_align_grad}
NO_GRADIENT = ["_backward_ROIAlign"]


def test_gradient():
    _roi_align_grad()
