"""The _random_pdf_<dist> kernels and their gradients against scipy.stats
float64 (tests/_pdf_reference.py): densities, log-densities, the sample's
and the parameters' gradients (finite differences of the reference),
req=add."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _gradcheck import numeric_gradient  # noqa: E402
from _pdf_reference import DISTRIBUTIONS, draw, has_sample_gradient, reference_log_pdf, shapes_for  # noqa: E402
from _run import TOLERANCE, run_op  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
NAMES = sorted(DISTRIBUTIONS) + ["dirichlet"]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("name", NAMES)
def test_pdf_and_gradient(name, dtype):
    rng = np.random.default_rng(3)
    has_sample_grad = has_sample_gradient(name)
    tol = max(TOLERANCE[dtype] * 4, 1e-6)
    for param_shape, sample_shape in shapes_for(name):
        x, params = draw(name, param_shape, sample_shape, dtype, rng)
        log_pdf = reference_log_pdf(name, x, params)
        inputs = [(v, dtype) for v in [x, *params]]
        for is_log in (False, True):
            pdf = log_pdf if is_log else np.exp(log_pdf)
            got = run_op("_random_pdf_" + name, inputs, [(pdf.shape, dtype)], {"is_log": is_log})
            np.testing.assert_allclose(got, pdf, rtol=tol, atol=tol)
            ograd = rng.standard_normal(pdf.shape).astype(dtype).astype(np.float64)
            scale = ograd * (1 if is_log else pdf.astype(dtype).astype(np.float64))

            def objective(values):
                return float((reference_log_pdf(name, values[0], values[1:]) * scale).sum())
            expected = numeric_gradient(objective, [x.copy(), *[p.copy() for p in params]], range(1 + len(params)),
                                        1e-6)
            if not has_sample_grad:
                expected[0] = np.zeros_like(x)
            start = 1 if is_log else np.nan  # req=add onto ones; req=write over NaN
            initial = [np.full(v.shape, start) for v in [x, *params]]
            got = run_op("_backward_pdf_" + name, [(ograd, dtype), *inputs, (pdf, dtype)],
                         [(v.shape, dtype) for v in [x, *params]], {"is_log": is_log},
                         req=["add" if is_log else "write"] * len(initial), initial=initial)
            for g, e in zip(got, expected):
                np.testing.assert_allclose(g, e + (1 if is_log else 0), rtol=tol, atol=tol)
