"""_random_pdf_<dist> (mx.nd.random_pdf_<dist>, mx.nd.random.pdf_<dist>)
against scipy.stats in float64: one density per distribution or several
samples per distribution (more trailing axes), is_log, every float dtype;
their gradients (_backward_pdf_<dist>) against finite differences; and the
error cases.

As in MXNet, the sample gets no gradient from uniform and the discrete
distributions (poisson, negative_binomial, generalized_negative_binomial).
"""
import inspect

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, numeric_gradient
from _mxref import FLOAT_DTYPES, RTOL, check, seeded_rng
from _pdf_reference import DISTRIBUTIONS, draw, has_sample_gradient, reference_log_pdf, rounded, shapes_for


def pdf_function(name):
    return getattr(mx.nd, "random_pdf_" + name)


def pdf_checker(name):

    def checker(fn, dtype):
        rng = seeded_rng("random_pdf", name, np.dtype(dtype).name)
        for param_shape, sample_shape in shapes_for(name):
            x, params = draw(name, param_shape, sample_shape, dtype, rng)
            expected = reference_log_pdf(name, x, params)
            inputs = [mx.nd.array(v, dtype=dtype) for v in [x, *params]]
            check(fn(*inputs, is_log=True), expected.astype(dtype), dtype)
            check(fn(*inputs), np.exp(expected).astype(dtype), dtype)
    return checker


def backward_checker(name):
    """_backward_pdf_<name>(ograd, sample, params..., pdf) against finite
    differences of scipy's log-density: the sample's gradient (zeros where
    MXNet gives none) and each parameter's, summed over its samples."""
    has_sample_grad = has_sample_gradient(name)

    def checker(fn, dtype):
        rng = seeded_rng("backward_pdf", name, np.dtype(dtype).name)
        for param_shape, sample_shape in shapes_for(name):
            x, params = draw(name, param_shape, sample_shape, dtype, rng)
            log_pdf = reference_log_pdf(name, x, params)
            ograd = rounded(rng.standard_normal(log_pdf.shape), dtype)
            for is_log in (False, True):
                pdf = log_pdf if is_log else np.exp(log_pdf)
                scale = ograd if is_log else ograd * rounded(pdf, dtype)

                def objective(values):
                    return float((reference_log_pdf(name, values[0], values[1:]) * scale).sum())
                expected = numeric_gradient(objective, [x.copy(), *[p.copy() for p in params]],
                                            range(1 + len(params)), 1e-6)
                if not has_sample_grad:
                    expected[0] = np.zeros_like(x)
                arrays = [mx.nd.array(v, dtype=dtype) for v in [ograd, x, *params, pdf]]
                for got, want in zip(fn(*arrays, is_log=is_log), expected):
                    assert got.dtype is np.dtype(dtype).type and got.shape == want.shape
                    tol = max(RTOL[dtype], 1e-6)  # finite differences' own error
                    np.testing.assert_allclose(got.asnumpy().astype(np.float64), want, rtol=tol, atol=tol)
    return checker


NAMES = sorted(DISTRIBUTIONS) + ["dirichlet"]
HARNESS = {"_random_pdf_" + n: pdf_checker(n) for n in NAMES}
HARNESS.update({"_backward_pdf_" + n: backward_checker(n) for n in NAMES})
ALIASES = {"random_pdf_" + n: "_random_pdf_" + n for n in NAMES}
# MXNet 1.9 defines no gradient for the gradient ops
NO_GRADIENT = {"_backward_pdf_" + n for n in NAMES}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", sorted(HARNESS))
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd._internal, name), dtype)


def test_mxnet_documented_examples():
    nd = mx.nd
    got = nd.random_pdf_normal(nd.array([[-2, -1, 0, 1, 2]] * 2), mu=nd.array([0, 0]), sigma=nd.array([1, 2]))
    np.testing.assert_allclose(got.asnumpy(), [[0.05399097, 0.24197073, 0.3989423, 0.24197073, 0.05399097],
                                               [0.12098537, 0.17603266, 0.19947115, 0.17603266, 0.12098537]],
                               rtol=1e-6)
    got = nd.random_pdf_uniform(sample=nd.array([[1, 2, 3, 4]]), low=nd.array([0]), high=nd.array([10]))
    np.testing.assert_allclose(got.asnumpy(), [[0.1] * 4], rtol=1e-6)
    got = nd.random_pdf_dirichlet(nd.array([[1, 2], [2, 3], [3, 4]]), nd.array([2.5, 2.5]))
    np.testing.assert_allclose(got.asnumpy(), [38.413498, 199.60245, 564.56085], rtol=1e-6)
    got = nd.random.pdf_generalized_negative_binomial(nd.array([[1, 2, 3, 4]] * 2), mu=nd.array([1, 1.5]),
                                                      alpha=nd.array([1, 0.6666]))
    np.testing.assert_allclose(got.asnumpy(), [[0.25, 0.125, 0.0625, 0.03125],
                                               [0.26517063, 0.16573331, 0.09667706, 0.05437994]], rtol=1e-6)


def test_symbol_names_and_shapes():
    assert list(inspect.signature(mx.nd.random_pdf_normal).parameters)[:3] == ["sample", "mu", "sigma"]
    s = mx.sym.random_pdf_normal(mx.sym.var("x"), mx.sym.var("m"), mx.sym.var("s"))
    _, out_shapes, _ = s.infer_shape(x=(2, 3, 4), m=(2, 3), s=(2, 3))
    assert out_shapes == [(2, 3, 4)]
    d = mx.sym.random_pdf_dirichlet(mx.sym.var("x"), mx.sym.var("a"))
    _, out_shapes, _ = d.infer_shape(x=(2, 5, 3), a=(2, 3))
    assert out_shapes == [(2, 5)]


def _gradient_case(name):
    rng = seeded_rng("random_pdf_grad", name)
    param_shape, sample_shape = ((3,), (2, 3)) if name == "dirichlet" else ((2,), (2, 3))
    x, params = draw(name, param_shape, sample_shape, np.float64, rng)
    has_sample_grad = has_sample_gradient(name)
    fn = pdf_function(name)
    for is_log in (False, True):
        grads = check_gradient(lambda *a: fn(*a, is_log=is_log), [x, *params],
                               wrt=range(0 if has_sample_grad else 1, 1 + len(params)), rtol=1e-5, atol=1e-7)
        assert len(grads) == 1 + len(params) - (0 if has_sample_grad else 1)
    if not has_sample_grad:  # MXNet's zero gradient for the sample
        sample = mx.nd.array(x, dtype=np.float64)
        sample.attach_grad()
        with mx.autograd.record():
            out = fn(sample, *[mx.nd.array(p, dtype=np.float64) for p in params])
        out.backward()
        np.testing.assert_array_equal(sample.grad.asnumpy(), np.zeros_like(x))


GRAD_HARNESS = {"_random_pdf_" + n: (lambda n=n: _gradient_case(n)) for n in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_gradient(name):
    _gradient_case(name)


def ones(*shape, dtype=np.float32):
    return mx.nd.ones(shape, dtype=dtype)


BAD_CALLS = {
    "parameter shapes differ": (lambda: mx.nd.random_pdf_normal(ones(2, 3), ones(2), ones(3)), "parameter input"),
    "parameters not leading axes": (lambda: mx.nd.random_pdf_normal(ones(2, 3), ones(3), ones(3)),
                                    "leading axes"),
    "parameters of more axes": (lambda: mx.nd.random_pdf_exponential(ones(3), ones(3, 1)), "at least dimension"),
    "scalar parameters": (lambda: mx.nd.random_pdf_exponential(ones(3), mx.nd.array(np.float32(1))),
                          "at least one axis"),
    "integer dtype": (lambda: mx.nd.random_pdf_poisson(ones(3, dtype=np.int32), ones(3, dtype=np.int32)),
                      "float16, float32 or float64"),
    "dtypes differ": (lambda: mx.nd.random_pdf_exponential(ones(3), ones(3, dtype=np.float64)), "float"),
    "dirichlet alpha length": (lambda: mx.nd.random_pdf_dirichlet(ones(2, 3), ones(4)), "last axis"),
    "dirichlet empty vectors": (lambda: mx.nd.random_pdf_dirichlet(ones(2, 0), ones(0)), "must not be empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_input_raises(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(MXNetError, match=message):
        call().asnumpy()
    got = mx.nd.random_pdf_exponential(mx.nd.array([[1.0]]), mx.nd.array([1.0]))  # still working
    np.testing.assert_allclose(got.asnumpy(), [[np.exp(-1)]], rtol=1e-6)
