"""GridGenerator, BilinearSampler, SpatialTransformer and their gradient
ops against numpy float64 references (tests/_spatialref.py); MXNet's
documented examples; error cases; gradients against finite differences."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng
from _nnref import assert_close
from _spatialref import (affine_grid, affine_grid_backward, bilinear_sample, bilinear_sample_backward, warp_grid,
                         warp_grid_backward)

DTYPES = [np.float32, np.float64, np.float16]
TARGETS = [(3, 4), (5, 2), (1, 1)]


def thetas(rng, n):
    """Affine matrices near the identity (N, 6)."""
    return np.array([1, 0, 0, 0, 1, 0]) + 0.3 * rng.standard_normal((n, 6))


def grids(rng, shape):
    """Grid points in and a little outside [-1, 1]."""
    return rng.uniform(-1.2, 1.2, shape)


def grid_generator_checker(dtype):
    rng = seeded_rng("GridGenerator", np.dtype(dtype).name)
    for target in TARGETS[:2]:
        theta = thetas(rng, 2).astype(dtype)
        out = mx.nd.GridGenerator(mx.nd.array(theta, dtype=dtype), transform_type="affine", target_shape=target)
        assert_close(out, affine_grid(theta.astype(np.float64), target), dtype, scale=2.0)
    for shape in [(2, 2, 3, 4), (1, 2, 5, 2)]:
        flow = rng.standard_normal(shape).astype(dtype)
        out = mx.nd.GridGenerator(mx.nd.array(flow, dtype=dtype), transform_type="warp")
        assert_close(out, warp_grid(flow.astype(np.float64)), dtype, scale=4.0)


def grid_generator_backward_checker(dtype):
    rng = seeded_rng("_backward_GridGenerator", np.dtype(dtype).name)
    for shape, kind in [((2, 2, 3, 4), "affine"), ((1, 2, 5, 2), "affine"), ((2, 2, 3, 4), "warp")]:
        grad = rng.standard_normal(shape).astype(dtype)
        out = mx.nd._internal._backward_GridGenerator(mx.nd.array(grad, dtype=dtype), transform_type=kind,
                                                      target_shape=shape[2:])
        expected = (affine_grid_backward if kind == "affine" else warp_grid_backward)(grad.astype(np.float64))
        assert_close(out, expected, dtype, scale=8.0)


# data shape, grid size; the last with enough planes and rows for several threads
SAMPLES = [((2, 3, 4, 5), (3, 2)), ((1, 2, 3, 3), (4, 6)), ((2, 1, 1, 4), (2, 2)), ((2, 16, 24, 24), (32, 32))]


def bilinear_sampler_checker(dtype):
    rng = seeded_rng("BilinearSampler", np.dtype(dtype).name)
    for shape, size in SAMPLES:
        data = rng.standard_normal(shape).astype(dtype)
        grid = grids(rng, (shape[0], 2) + size).astype(dtype)
        out = mx.nd.BilinearSampler(mx.nd.array(data, dtype=dtype), mx.nd.array(grid, dtype=dtype))
        assert_close(out, bilinear_sample(data, grid), dtype, scale=4.0)


def bilinear_sampler_backward_checker(dtype):
    rng = seeded_rng("_backward_BilinearSampler", np.dtype(dtype).name)
    for shape, size in SAMPLES:
        data = rng.standard_normal(shape).astype(dtype)
        grid = grids(rng, (shape[0], 2) + size).astype(dtype)
        grad = rng.standard_normal(shape[:2] + size).astype(dtype)
        ddata, dgrid = mx.nd._internal._backward_BilinearSampler(*[mx.nd.array(a, dtype=dtype)
                                                                   for a in (grad, data, grid)])
        expected_data, expected_grid = bilinear_sample_backward(grad, data, grid)
        assert_close(ddata, expected_data, dtype, scale=4.0)
        assert_close(dgrid, expected_grid, dtype, scale=4.0 * shape[1] * max(shape[2:]))


def spatial_transformer_checker(dtype):
    rng = seeded_rng("SpatialTransformer", np.dtype(dtype).name)
    for shape, target in [((2, 3, 4, 5), (3, 4)), ((1, 2, 6, 6), (2, 5))]:
        data = rng.standard_normal(shape).astype(dtype)
        loc = thetas(rng, shape[0]).astype(dtype)
        out = mx.nd.SpatialTransformer(mx.nd.array(data, dtype=dtype), mx.nd.array(loc, dtype=dtype),
                                       target_shape=target, transform_type="affine", sampler_type="bilinear")
        # the grid as the op rounds it to the dtype, then sampled
        grid = affine_grid(loc.astype(np.float64), target).astype(dtype)
        assert_close(out, bilinear_sample(data, grid), dtype, scale=4.0)


HARNESS = {"GridGenerator": grid_generator_checker, "_backward_GridGenerator": grid_generator_backward_checker,
           "BilinearSampler": bilinear_sampler_checker, "_backward_BilinearSampler": bilinear_sampler_backward_checker,
           "SpatialTransformer": spatial_transformer_checker}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


DOC_DATA = np.array([[[[1, 4, 3, 6], [1, 8, 8, 9], [0, 4, 1, 5], [1, 0, 1, 3]]]], dtype=np.float32)


def test_mxnet_documented_examples():
    """BilinearSampler's two examples in MXNet's docs: zoom out, shift left."""
    theta = mx.nd.array([[2, 0, 0, 0, 2, 0]])
    grid = mx.nd.GridGenerator(theta, transform_type="affine", target_shape=(4, 4))
    out = mx.nd.BilinearSampler(mx.nd.array(DOC_DATA), grid)
    np.testing.assert_allclose(out.asnumpy()[0, 0], [[0, 0, 0, 0], [0, 3.5, 6.5, 0], [0, 1.25, 2.5, 0], [0, 0, 0, 0]],
                               atol=1e-6)
    flow = np.zeros((1, 2, 4, 4), dtype=np.float32)
    flow[0, 0] = 1
    out = mx.nd.BilinearSampler(mx.nd.array(DOC_DATA), mx.nd.GridGenerator(mx.nd.array(flow), transform_type="warp"))
    np.testing.assert_allclose(out.asnumpy()[0, 0], [[4, 3, 6, 0], [8, 8, 9, 0], [4, 1, 5, 0], [0, 1, 3, 0]],
                               atol=1e-6)


def test_identity_transform_keeps_the_image():
    data = np.random.default_rng(3).standard_normal((2, 3, 5, 4)).astype(np.float32)
    loc = mx.nd.array([[1, 0, 0, 0, 1, 0]] * 2)
    out = mx.nd.SpatialTransformer(mx.nd.array(data), loc, target_shape=(5, 4), transform_type="affine",
                                   sampler_type="bilinear")
    np.testing.assert_allclose(out.asnumpy(), data, rtol=1e-5, atol=1e-5)


def test_symbol_shapes_and_defaults():
    data, loc = mx.sym.Variable("data"), mx.sym.Variable("loc")
    st = mx.sym.SpatialTransformer(data, loc, target_shape=(7, 9), transform_type="affine", sampler_type="bilinear")
    assert st.list_arguments() == ["data", "loc"] and len(st.list_outputs()) == 1
    _, outs, _ = st.infer_shape(data=(2, 3, 10, 10), loc=(2, 6))
    assert outs == [(2, 3, 7, 9)]
    grid = mx.sym.GridGenerator(data, transform_type="warp")
    _, outs, _ = grid.infer_shape(data=(2, 2, 5, 6))
    assert outs == [(2, 2, 5, 6)]
    sampled = mx.sym.BilinearSampler(data, mx.sym.Variable("grid"), cudnn_off=True)
    _, outs, _ = sampled.infer_shape(data=(2, 3, 10, 10), grid=(2, 2, 4, 3))
    assert outs == [(2, 3, 4, 3)]


@pytest.mark.parametrize("call,match", [
    (lambda: mx.nd.GridGenerator(mx.nd.ones((2, 6)), transform_type="affine"), "target_shape"),
    (lambda: mx.nd.GridGenerator(mx.nd.ones((2, 6)), transform_type="affine", target_shape=(3,)), "target_shape"),
    (lambda: mx.nd.GridGenerator(mx.nd.ones((2, 5)), transform_type="affine", target_shape=(3, 3)), r"\(batch, 6\)"),
    (lambda: mx.nd.GridGenerator(mx.nd.ones((2, 3, 4, 4)), transform_type="warp"), "optical flow"),
    (lambda: mx.nd.GridGenerator(mx.nd.ones((2, 6)), transform_type="perspective"), "transform_type"),
    (lambda: mx.nd.BilinearSampler(mx.nd.ones((2, 3, 4)), mx.nd.ones((2, 2, 3, 3))), "4-D"),
    (lambda: mx.nd.BilinearSampler(mx.nd.ones((2, 3, 4, 4)), mx.nd.ones((2, 3, 3, 3))), "grid"),
    (lambda: mx.nd.BilinearSampler(mx.nd.ones((2, 3, 4, 4)), mx.nd.ones((1, 2, 3, 3))), "batch"),
    (lambda: mx.nd.BilinearSampler(mx.nd.ones((2, 3, 4, 4)), mx.nd.ones((2, 2, 3, 3), dtype="float64")), "dtype|type"),
    (lambda: mx.nd.SpatialTransformer(mx.nd.ones((2, 3, 4, 4)), mx.nd.ones((2, 6)), transform_type="affine",
                                      sampler_type="bilinear"), "target_shape"),
    (lambda: mx.nd.SpatialTransformer(mx.nd.ones((2, 3, 4, 4)), mx.nd.ones((2, 4)), target_shape=(2, 2),
                                      transform_type="affine", sampler_type="bilinear"), "loc"),
    (lambda: mx.nd.SpatialTransformer(mx.nd.ones((2, 3, 4, 4)), mx.nd.ones((3, 6)), target_shape=(2, 2),
                                      transform_type="affine", sampler_type="bilinear"), "batch"),
    (lambda: mx.nd.SpatialTransformer(mx.nd.ones((2, 3, 4, 4)), mx.nd.ones((2, 6)), target_shape=(2, 2),
                                      transform_type="affine"), "sampler_type"),
    (lambda: mx.nd.SpatialTransformer(mx.nd.ones((2, 3, 4, 4), dtype="int32"), mx.nd.ones((2, 6), dtype="int32"),
                                      target_shape=(2, 2), transform_type="affine", sampler_type="bilinear"), "int32"),
])
def test_errors(call, match):
    with pytest.raises(MXNetError, match=match):
        call().asnumpy()
    assert mx.nd.GridGenerator(mx.nd.ones((1, 2, 2, 2)), transform_type="warp").shape == (1, 2, 2, 2)


# -- gradients ----------------------------------------------------------------------
RNG = np.random.default_rng(17)


def _grid_generator_grad():
    check_gradient(lambda t: mx.nd.GridGenerator(t, transform_type="affine", target_shape=(3, 4)), [thetas(RNG, 2)])
    check_gradient(lambda f: mx.nd.GridGenerator(f, transform_type="warp"), [RNG.standard_normal((2, 2, 3, 4))])


def _bilinear_sampler_grad():
    for shape, size in SAMPLES[:3]:
        check_gradient(lambda d, g: mx.nd.BilinearSampler(d, g), [RNG.standard_normal(shape),
                                                                  grids(RNG, (shape[0], 2) + size)])


def _spatial_transformer_grad():
    check_gradient(lambda d, l: mx.nd.SpatialTransformer(d, l, target_shape=(3, 4), transform_type="affine",
                                                         sampler_type="bilinear"),
                   [RNG.standard_normal((2, 2, 5, 4)), thetas(RNG, 2)])


GRAD_HARNESS = {"GridGenerator": _grid_generator_grad, "BilinearSampler": _bilinear_sampler_grad,
                "SpatialTransformer": _spatial_transformer_grad}
NO_GRADIENT = ["_backward_GridGenerator", "_backward_BilinearSampler"]


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
