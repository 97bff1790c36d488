"""moments against numpy: the mean and population variance over axes (None:
every axis, (1,) without keepdims, as the legacy reductions), keepdims,
negative axes, 0-size dims, float dtypes only; its gradient against finite
differences, first and second order; and the error cases."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order
from _mxref import DTYPES, FLOAT_DTYPES, check, gen, seeded_rng

# (shape, axes, keepdims)
CASES = [((3, 4), None, False), ((3, 4), None, True), ((3, 4), (), False), ((2, 3, 4), (1,), False),
         ((2, 3, 4), (0, 2), True), ((2, 3, 4), (-1,), False), ((2, 3, 4), (2, 0), False), ((5,), (0,), True),
         ((2, 1, 3), (1,), False), ((40, 300), (0,), False), ((3, 0, 2), (0,), False)]


def ref_moments(x, axes, keepdims):
    axes = None if not axes else tuple(axes)
    x64 = x.astype(np.float64)
    with np.errstate(all="ignore"):  # an empty reduction: NaN
        mean, var = x64.mean(axis=axes, keepdims=keepdims), x64.var(axis=axes, keepdims=keepdims)
    shape = np.shape(mean) if np.ndim(mean) else (1,)
    return mean.reshape(shape), var.reshape(shape)


def moments_checker(fn, dtype):
    if np.dtype(dtype) not in map(np.dtype, FLOAT_DTYPES):
        with pytest.raises(MXNetError, match="float"):
            fn(mx.nd.ones((2, 3), dtype=dtype))
        return
    rng = seeded_rng("moments", np.dtype(dtype).name)
    for shape, axes, keepdims in CASES:
        x = gen(shape, dtype, rng)
        kwargs = {"keepdims": keepdims} if axes is None else {"axes": axes, "keepdims": keepdims}
        mean, var = fn(mx.nd.array(x, dtype=dtype), **kwargs)
        ref_mean, ref_var = ref_moments(x, axes, keepdims)
        check(mean, ref_mean.astype(dtype), dtype)
        check(var, ref_var.astype(dtype), dtype)
    x = mx.nd.array(gen((2, 3), dtype, rng), dtype=dtype)
    for axes in ((2,), (-3,), (0, 0), (1, -1)):
        with pytest.raises(MXNetError, match="axis|axes"):
            fn(x, axes=axes)
    with pytest.raises(MXNetError):
        fn(x, axis=(0,))  # MXNet calls it axes
    assert float(fn(x)[0].asnumpy()[0]) == pytest.approx(float(x.asnumpy().astype(np.float64).mean()), rel=1e-2)


HARNESS = {"moments": moments_checker}
ALIASES = {}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(dtype):
    moments_checker(mx.nd.moments, dtype)


def test_documented_example_and_symbol_outputs():
    x = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    mean, var = mx.nd.moments(x, axes=(1,))
    np.testing.assert_allclose(mean.asnumpy(), [2, 5])
    np.testing.assert_allclose(var.asnumpy(), [2 / 3, 2 / 3], rtol=1e-6)
    s = mx.sym.moments(mx.sym.var("x"), axes=(0,), keepdims=True, name="m")
    assert s.list_outputs() == ["m_mean", "m_var"]
    _, out_shapes, _ = s.infer_shape(x=(2, 3))
    assert out_shapes == [(1, 3), (1, 3)]


def test_large_float32_is_accurate():
    x = (np.random.default_rng(3).standard_normal((4, 50_000)) + 1000).astype(np.float32)
    mean, var = mx.nd.moments(mx.nd.array(x), axes=(1,))
    np.testing.assert_allclose(mean.asnumpy(), x.astype(np.float64).mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(var.asnumpy(), x.astype(np.float64).var(axis=1), rtol=1e-5)


# -- gradient: og_mean / N + og_var * 2 (x - mean) / N ------------------------------------------

X = seeded_rng("moments_grad").standard_normal((2, 3, 2))


def _moments_gradient():
    for axes, keepdims in ((None, False), ((1,), False), ((0, 2), True), ((-1,), False)):
        kwargs = {"keepdims": keepdims} if axes is None else {"axes": axes, "keepdims": keepdims}
        check_gradient(lambda x: mx.nd.moments(x, **kwargs), [X])
        check_gradient(lambda x: mx.nd.moments(x, **kwargs)[1], [X])  # the variance alone
        check_second_order(lambda x: mx.nd.moments(x, **kwargs), [X])


GRAD_HARNESS = {"moments": _moments_gradient}


def test_gradient():
    _moments_gradient()
