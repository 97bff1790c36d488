"""UpSampling, GridGenerator, BilinearSampler, SpatialTransformer,
ROIPooling and Crop kernels and their gradients against the numpy float64
references of tests/_spatialref.py."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _run import TOLERANCE, rounded, run_op  # noqa: E402
from _spatialref import (affine_grid, affine_grid_backward, bilinear_geometry, bilinear_sample,  # noqa: E402
                         bilinear_sample_backward, crop, crop_backward, roi_pool, roi_pool_backward,
                         upsample_bilinear, upsample_nearest, upsample_nearest_backward, warp_grid,
                         warp_grid_backward)

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # masked lanes' casts under the interpreter
RNG = np.random.default_rng(12)
DTYPES = ["float32", "float64", "float16"]


def tol(dtype, scale=1.0):
    return dict(rtol=TOLERANCE[dtype] * 10, atol=TOLERANCE[dtype] * 10 * scale)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes,scale,mode", [
    ([(2, 3, 2, 3)], 2, "concat"),
    ([(1, 2, 2, 2), (1, 3, 4, 4), (1, 1, 1, 1)], 2, "concat"),
    ([(1, 2, 2, 2), (1, 2, 1, 1), (1, 2, 3, 3)], 3, "sum"),
])
def test_nearest_upsampling_and_its_gradient(dtype, shapes, scale, mode):
    xs = [rounded(RNG.uniform(-1, 1, s), dtype) for s in shapes]
    attrs = dict(scale=scale, sample_type="nearest", multi_input_mode=mode, num_args=len(xs), num_filter=0)
    expected = upsample_nearest(xs, scale, mode)
    y = run_op("UpSampling", [(x, dtype) for x in xs], [(expected.shape, dtype)], attrs)
    np.testing.assert_allclose(y, expected, **tol(dtype, len(xs)))
    dy = rounded(RNG.uniform(-1, 1, expected.shape), dtype)
    grads = run_op("_backward_UpSampling", [(dy, dtype)] + [(x, dtype) for x in xs], [(s, dtype) for s in shapes],
                   dict(scale=scale, num_args=len(xs), multi_input_mode=mode))
    grads = grads if len(xs) > 1 else [grads]
    for got, want in zip(grads, upsample_nearest_backward(dy, shapes, mode)):
        np.testing.assert_allclose(got, want, **tol(dtype, 36))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,scale", [((2, 3, 3, 2), 2), ((1, 2, 2, 3), 3)])
def test_bilinear_upsampling(dtype, shape, scale):
    k = bilinear_geometry(scale)[0]
    x, w = rounded(RNG.uniform(-1, 1, shape), dtype), rounded(RNG.uniform(-1, 1, (shape[1], 1, k, k)), dtype)
    expected = upsample_bilinear(x, w, scale)
    y = run_op("UpSampling", [(x, dtype), (w, dtype)], [(expected.shape, dtype)],
               dict(scale=scale, sample_type="bilinear", num_filter=shape[1], num_args=2))
    np.testing.assert_allclose(y, expected, **tol(dtype, 4))


@pytest.mark.parametrize("dtype", DTYPES)
def test_grid_generator_and_its_gradient(dtype):
    theta = rounded(np.array([1, 0, 0, 0, 1, 0]) + 0.3 * RNG.standard_normal((2, 6)), dtype)
    attrs = dict(transform_type="affine", target_shape=(3, 5))
    grid = run_op("GridGenerator", [(theta, dtype)], [((2, 2, 3, 5), dtype)], attrs)
    np.testing.assert_allclose(grid, affine_grid(theta, (3, 5)), **tol(dtype, 2))
    grad = rounded(RNG.uniform(-1, 1, (2, 2, 3, 5)), dtype)
    dtheta = run_op("_backward_GridGenerator", [(grad, dtype)], [((2, 6), dtype)], attrs)
    np.testing.assert_allclose(dtheta, affine_grid_backward(grad), **tol(dtype, 16))
    flow = rounded(RNG.uniform(-2, 2, (2, 2, 4, 3)), dtype)
    warp = dict(transform_type="warp", target_shape=(0, 0))
    grid = run_op("GridGenerator", [(flow, dtype)], [(flow.shape, dtype)], warp)
    np.testing.assert_allclose(grid, warp_grid(flow), **tol(dtype, 4))
    dflow = run_op("_backward_GridGenerator", [(flow, dtype)], [(flow.shape, dtype)], warp)
    np.testing.assert_allclose(dflow, warp_grid_backward(flow), **tol(dtype, 4))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,size", [((2, 3, 4, 5), (3, 2)), ((1, 2, 3, 3), (4, 6))])
def test_bilinear_sampler_and_its_gradients(dtype, shape, size):
    data = rounded(RNG.uniform(-1, 1, shape), dtype)
    grid = rounded(RNG.uniform(-1.2, 1.2, (shape[0], 2) + size), dtype)
    out = run_op("BilinearSampler", [(data, dtype), (grid, dtype)], [(shape[:2] + size, dtype)], dict(cudnn_off=None))
    np.testing.assert_allclose(out, bilinear_sample(data, grid), **tol(dtype, 2))
    grad = rounded(RNG.uniform(-1, 1, shape[:2] + size), dtype)
    ddata, dgrid = run_op("_backward_BilinearSampler", [(grad, dtype), (data, dtype), (grid, dtype)],
                          [(shape, dtype), (grid.shape, dtype)], dict(cudnn_off=None))
    want_data, want_grid = bilinear_sample_backward(grad, data, grid)
    np.testing.assert_allclose(ddata, want_data, **tol(dtype, 4))
    np.testing.assert_allclose(dgrid, want_grid, **tol(dtype, 4 * shape[1] * max(shape[2:])))


@pytest.mark.parametrize("dtype", DTYPES)
def test_spatial_transformer(dtype):
    data = rounded(RNG.uniform(-1, 1, (2, 3, 5, 4)), dtype)
    loc = rounded(np.array([1, 0, 0, 0, 1, 0]) + 0.3 * RNG.standard_normal((2, 6)), dtype)
    out = run_op("SpatialTransformer", [(data, dtype), (loc, dtype)], [((2, 3, 3, 4), dtype)],
                 dict(target_shape=(3, 4), transform_type="affine", sampler_type="bilinear", cudnn_off=None))
    np.testing.assert_allclose(out, bilinear_sample(data, rounded(affine_grid(loc, (3, 4)), dtype)), **tol(dtype, 2))


ROIS = np.array([[0, 0, 0, 7, 5], [1, 2, 1, 5, 6], [0, 3, 3, 3, 3], [1, 6, 4, 2, 1], [0, -4, -2, 20, 9],
                 [-1, 0, 0, 4, 4], [1, 1, 1, 10, 3], [1.5, 8, 2, 9, 4]])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("pooled,scale", [((2, 2), 1.0), ((3, 2), 0.5), ((1, 4), 0.25)])
def test_roi_pooling_and_its_gradient(dtype, pooled, scale):
    shape = (2, 70, 6, 8)  # two blocks of channels
    data = (RNG.permutation(np.prod(shape)).reshape(shape) / 64.0 - 200).astype(np.float64)
    data = rounded(data, dtype)
    rois = ROIS * np.array([1] + [1 / scale] * 4)
    out, maxidx = run_op("ROIPooling", [(data, dtype), (rois, dtype)],
                         [((len(rois), shape[1]) + pooled, dtype), ((len(rois), shape[1]) + pooled, "int32")],
                         dict(pooled_size=pooled, spatial_scale=scale))
    want, want_idx = roi_pool(data, rois, pooled, scale)
    np.testing.assert_array_equal(out, want)  # maxima are elements of data
    np.testing.assert_array_equal(maxidx, want_idx)
    grad = rounded(RNG.uniform(-1, 1, out.shape), dtype)
    dx = run_op("_backward_ROIPooling", [(grad, dtype), (data, dtype), (rois, dtype), (maxidx, "int32")],
                [(shape, dtype)], dict(pooled_size=pooled, spatial_scale=scale))
    np.testing.assert_allclose(dx, roi_pool_backward(grad, shape, rois, want_idx), **tol(dtype, 4))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("hw,offset,center", [((3, 4), (1, 2), False), ((2, 3), (0, 0), True)])
def test_crop_and_its_gradient(dtype, hw, offset, center):
    x = rounded(RNG.uniform(-1, 1, (2, 3, 5, 6)), dtype)
    attrs = dict(num_args=1, h_w=hw, offset=offset, center_crop=center)
    y = run_op("Crop", [(x, dtype)], [((2, 3) + hw, dtype)], attrs)
    np.testing.assert_array_equal(y, crop(x, hw, offset, center))
    dx = run_op("_backward_Crop", [(y, dtype), (x, dtype)], [(x.shape, dtype)], attrs)
    np.testing.assert_array_equal(dx, crop_backward(y, x.shape, offset, center))
