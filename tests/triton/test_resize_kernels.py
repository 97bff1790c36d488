"""_contrib_BilinearResize2D and _contrib_AdaptiveAvgPooling2D kernels and
their gradients against the numpy float64 references of tests/_resizeref.py."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _run import TOLERANCE, rounded, run_op  # noqa: E402
from _resizeref import (adaptive_avg_pool, adaptive_avg_pool_backward, bilinear_resize,  # noqa: E402
                        bilinear_resize_backward)

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # masked lanes' casts under the interpreter
RNG = np.random.default_rng(13)
DTYPES = ["float32", "float64", "float16"]


def tol(dtype, scale=1.0):
    return dict(rtol=TOLERANCE[dtype] * 10, atol=TOLERANCE[dtype] * 10 * scale)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("hw,out", [((3, 4), (5, 7)), ((5, 7), (2, 3)), ((4, 1), (1, 3)), ((2, 2), (2, 2))])
@pytest.mark.parametrize("align", [True, False])
def test_bilinear_resize_and_its_gradient(dtype, hw, out, align):
    x = rounded(RNG.uniform(-1, 1, (2, 3) + hw), dtype)
    attrs = dict(height=out[0], width=out[1], scale_height=None, scale_width=None, mode="size", align_corners=align)
    y = run_op("_contrib_BilinearResize2D", [(x, dtype)], [((2, 3) + out, dtype)], attrs)
    np.testing.assert_allclose(y, bilinear_resize(x, out, align), **tol(dtype, 2))
    grad = rounded(RNG.uniform(-1, 1, (2, 3) + out), dtype)
    dx = run_op("_backward_contrib_BilinearResize2D", [(grad, dtype), (x, dtype)], [(x.shape, dtype)], attrs)
    np.testing.assert_allclose(dx, bilinear_resize_backward(grad, x.shape, align), **tol(dtype, 8))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("hw,out", [((5, 7), (3, 3)), ((5, 7), (8, 9)), ((4, 6), (1, 1)), ((6, 2), (4, 2))])
def test_adaptive_avg_pooling_and_its_gradient(dtype, hw, out):
    x = rounded(RNG.uniform(-1, 1, (2, 3) + hw), dtype)
    y = run_op("_contrib_AdaptiveAvgPooling2D", [(x, dtype)], [((2, 3) + out, dtype)], dict(output_size=out))
    np.testing.assert_allclose(y, adaptive_avg_pool(x, out), **tol(dtype, 2))
    grad = rounded(RNG.uniform(-1, 1, (2, 3) + out), dtype)
    dx = run_op("_backward_contrib_AdaptiveAvgPooling2D", [(grad, dtype), (x, dtype)], [(x.shape, dtype)],
                dict(output_size=out))
    np.testing.assert_allclose(dx, adaptive_avg_pool_backward(grad, x.shape), **tol(dtype, 4))
