"""_contrib_ROIAlign and _backward_ROIAlign kernels against the numpy
float64 references of tests/_spatialref.py."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _run import TOLERANCE, rounded, run_op  # noqa: E402
from _spatialref import roi_align, roi_align_backward  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # masked lanes' casts under the interpreter
RNG = np.random.default_rng(17)
ROIS = np.array([[0, 0, 0, 6, 5], [1, 1.5, 0.75, 4.25, 5.75], [0, -4, -2, 20, 9], [1, 2, 1, 13, 11],
                 [1, 2.25, 1, 2.5, 5], [-1, 0, 0, 4, 4], [0, 6, 4, 2, 1]])


@pytest.mark.parametrize("dtype", ["float32", "float16"])  # float64: see aot_compile.py and tests/gpu
@pytest.mark.parametrize("kwargs", [dict(pooled_size=(2, 2), spatial_scale=1.0),
                                    dict(pooled_size=(3, 2), spatial_scale=0.5, sample_ratio=2),
                                    dict(pooled_size=(2, 2), spatial_scale=0.5, aligned=True),
                                    dict(pooled_size=(1, 4), spatial_scale=0.25, position_sensitive=True)])
def test_roi_align_and_its_gradient(dtype, kwargs):
    rois = ROIS if not kwargs.get("aligned") else ROIS[:-1]  # aligned rois must not be empty
    data = rounded(RNG.uniform(-1, 1, (2, 8, 6, 7)), dtype)
    attrs = dict(dict(sample_ratio=-1, position_sensitive=False, aligned=False), **kwargs)
    options = {k: attrs[k] for k in ("sample_ratio", "position_sensitive", "aligned")}
    want = roi_align(data, rois, kwargs["pooled_size"], kwargs["spatial_scale"], **options)
    tol = dict(rtol=TOLERANCE[dtype] * 10, atol=TOLERANCE[dtype] * 20)
    out = run_op("_contrib_ROIAlign", [(data, dtype), (rois, dtype)], [(want.shape, dtype)], attrs)
    np.testing.assert_allclose(out, want, **tol)
    grad = rounded(RNG.uniform(-1, 1, want.shape), dtype)
    dx = run_op("_backward_ROIAlign", [(grad, dtype), (data, dtype), (rois, dtype)], [(data.shape, dtype)], attrs)
    np.testing.assert_allclose(dx, roi_align_backward(grad, data.shape, rois, kwargs["spatial_scale"], **options),
                               **tol)
