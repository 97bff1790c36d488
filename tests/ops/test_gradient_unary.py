"""Gradients of the element-wise unary ops, clip, smooth_l1, Cast, where,
Activation and LeakyReLU, against float64 finite differences (first and
second order), plus MXNet 1.9's values where the derivative is undefined
or infinite (sqrt and log at 0, abs and relu at 0, clip's bounds).

Also the internal ops the gradients use: _backward_relu, _backward_gammaln
(digamma and its derivatives), _cast_like and _prelu_reduce_like.
"""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order
from _mxref import DTYPES, FLOAT_DTYPES, RTOL, is_float, seeded_rng

special = pytest.importorskip("scipy.special")

RNG = seeded_rng("gradient_unary")
SHAPE = (2, 3)


def uniform(low, high, shape=SHAPE):
    return RNG.uniform(low, high, shape)


def signed(low, high, shape=SHAPE):
    """Magnitudes in [low, high] with both signs: away from a kink at 0."""
    return uniform(low, high, shape) * np.where(np.arange(np.prod(shape)).reshape(shape) % 2, 1, -1)


# op -> inputs on which it is smooth
SMOOTH_DOMAIN = {
    "abs": signed(0.5, 2), "reciprocal": signed(0.5, 2), "square": uniform(-2, 2),
    "sqrt": uniform(0.5, 2), "rsqrt": uniform(0.5, 2), "cbrt": signed(0.5, 2), "rcbrt": signed(0.5, 2),
    "exp": uniform(-1, 1), "expm1": uniform(-1, 1), "log": uniform(0.5, 2), "log1p": uniform(-0.5, 1),
    "log2": uniform(0.5, 2), "log10": uniform(0.5, 2), "sin": uniform(-2, 2), "cos": uniform(-2, 2),
    "tan": uniform(-1, 1), "arcsin": uniform(-0.8, 0.8), "arccos": uniform(-0.8, 0.8),
    "arctan": uniform(-2, 2), "sinh": uniform(-1.5, 1.5), "cosh": uniform(-1.5, 1.5),
    "tanh": uniform(-1.5, 1.5), "arcsinh": uniform(-2, 2), "arccosh": uniform(1.2, 3),
    "arctanh": uniform(-0.8, 0.8), "degrees": uniform(-2, 2), "radians": uniform(-2, 2),
    "relu": signed(0.2, 2), "sigmoid": uniform(-2, 2), "softsign": signed(0.2, 2), "erf": uniform(-1.5, 1.5),
    "log_sigmoid": uniform(-3, 3), "mish": uniform(-3, 3),
    "erfinv": uniform(-0.8, 0.8),
    # positive, and negative between the poles
    "gamma": np.array([[0.6, 1.7, 3.2], [-0.4, -1.3, -2.6]]),
    "gammaln": np.array([[0.6, 1.7, 3.2], [-0.4, -1.3, -2.6]]),
}
# Step functions: zero gradient (inputs away from their jumps)
STEPS = ["floor", "ceil", "round", "rint", "trunc", "fix", "sign", "logical_not"]
LINEAR = {"degrees", "radians"}


def unary_grad(name):
    def check():
        fn = getattr(mx.nd, name)
        check_gradient(fn, [SMOOTH_DOMAIN[name]])
        if name not in LINEAR:
            check_second_order(fn, [SMOOTH_DOMAIN[name]])
    return check


def step_grad(name):
    def check():
        x = signed(0.2, 2.4) + 0.1  # no integer or half-integer: every step is flat here
        for g in check_gradient(getattr(mx.nd, name), [x]):
            assert not g.any()
    return check


def grad_of(fn, x, head=None, dtype=np.float64):
    """d <fn(x), head> / dx by autograd (head: ones by default)."""
    x = mx.nd.array(x, dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x)
    y.backward(None if head is None else mx.nd.array(head, dtype=y.dtype))
    return x.grad.asnumpy()


def test_values_where_the_derivative_is_singular():
    """MXNet 1.9's formulas at the edges: sqrt' = 0.5 / y, log' = 1 / x, rsqrt' = -0.5 / (x sqrt x),
    abs' = sign(x) and relu' = (y > 0): 0 at 0."""
    with np.errstate(divide="ignore"):
        x = np.array([0.0, 4.0])
        np.testing.assert_array_equal(grad_of(mx.nd.sqrt, x), [np.inf, 0.25])
        np.testing.assert_array_equal(grad_of(mx.nd.log, x), [np.inf, 0.25])
        np.testing.assert_array_equal(grad_of(mx.nd.rsqrt, x), [-np.inf, -1 / 16])
        np.testing.assert_array_equal(grad_of(mx.nd.reciprocal, x), [-np.inf, -1 / 16])
        np.testing.assert_array_equal(grad_of(mx.nd.abs, [-2.0, 0.0, 3.0]), [-1, 0, 1])
        np.testing.assert_array_equal(grad_of(mx.nd.relu, [-2.0, 0.0, 3.0]), [0, 0, 1])
        np.testing.assert_array_equal(grad_of(mx.nd.sign, [-2.0, 0.0, 3.0]), [0, 0, 0])
        np.testing.assert_array_equal(grad_of(mx.nd.sqrt, [0.0], head=[-1.0]), [-np.inf])


def test_relu_gradient_keeps_nan_as_mxnet():
    g = grad_of(mx.nd.relu, [np.nan, -1.0, 2.0])
    assert np.isnan(g[0]) and g[1] == 0 and g[2] == 1
    g = grad_of(lambda v: mx.nd.Activation(v, act_type="relu"), [np.nan, 3.0])
    assert np.isnan(g[0]) and g[1] == 1


def test_gradient_keeps_float32():
    x = np.array([0.5, 1.0, 2.0], dtype=np.float32)
    g = grad_of(mx.nd.log, x, dtype=np.float32)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 1 / x, rtol=1e-6)


def test_gamma_gradient_is_gamma_times_digamma():
    x = np.array([0.3, 1.0, 2.5, 7.0, -0.5, -2.2])
    np.testing.assert_allclose(grad_of(mx.nd.gamma, x), special.gamma(x) * special.digamma(x), rtol=1e-12)
    np.testing.assert_allclose(grad_of(mx.nd.gammaln, x), special.digamma(x), rtol=1e-12, atol=1e-15)


# -- clip, smooth_l1 ---------------------------------------------------------------------

def test_clip_gradient_passes_between_the_bounds_inclusive():
    x = np.array([-2.0, -1.0, 0.3, 1.5, 2.0, np.nan])
    np.testing.assert_array_equal(grad_of(lambda v: mx.nd.clip(v, -1, 1.5), x), [0, 1, 1, 1, 0, 1])


def clip_grad():
    x = np.array([[-2.0, -0.5, 0.2], [0.9, 1.7, 3.0]])
    check_gradient(lambda v: mx.nd.clip(v, -1, 1.5), [x])
    check_second_order(lambda v: mx.nd.clip(v, -1, 1.5) * v, [x])


def smooth_l1_grad():
    x = np.array([[-2.0, -0.3, 0.2], [0.05, 0.8, 3.0]])
    for sigma in (1.0, 2.0, 0.5):
        check_gradient(lambda v: mx.nd.smooth_l1(v, scalar=sigma), [x])
        check_second_order(lambda v: mx.nd.smooth_l1(v, scalar=sigma), [x])


def test_log_sigmoid_and_mish_gradients_stay_finite_far_out():
    x = np.array([-800.0, -40.0, 40.0, 800.0])
    np.testing.assert_allclose(grad_of(mx.nd.log_sigmoid, x), [1, 1, 0, 0], atol=1e-15)
    np.testing.assert_allclose(grad_of(mx.nd.mish, x), [0, 0, 1, 1], atol=1e-15)


def hard_sigmoid_grad():
    x = np.array([[-4.0, -2.0, 0.3], [1.0, 2.4, 3.0]])  # both clipped sides and the slope
    for kwargs in ({}, {"alpha": 0.5, "beta": 0.25}):
        check_gradient(lambda v: mx.nd.hard_sigmoid(v, **kwargs), [x])
        check_second_order(lambda v: mx.nd.hard_sigmoid(v, **kwargs) * v, [x])
    np.testing.assert_array_equal(grad_of(mx.nd.hard_sigmoid, [-3.0, 0.0, 3.0]), [0, 0.2, 0])


# -- Cast, where ------------------------------------------------------------------------

def cast_grad():
    check_gradient(lambda v: mx.nd.Cast(v, dtype="float64") * v, [uniform(-1, 1)])


def test_cast_gradient_returns_to_the_input_dtype():
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    head = np.array([0.1, 1 / 3, 1e-5], dtype=np.float16)
    g = grad_of(lambda v: mx.nd.Cast(v, dtype="float16"), x, head=head, dtype=np.float32)
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g, head.astype(np.float32))


def where_grad():
    cond = np.array([[1.0, 0.0, -2.0], [0.0, 0.0, 3.0]])
    check_gradient(lambda x, y: mx.nd.where(mx.nd.array(cond), x, y), [uniform(-1, 1), uniform(-1, 1)])
    rows = mx.nd.array([0.0, 1.0])  # a 1-D condition picks rows
    check_gradient(lambda x, y: mx.nd.where(rows, x, y) * x, [uniform(-1, 1), uniform(-1, 1)])
    check_second_order(lambda x, y: mx.nd.where(rows, x * y, y * y), [uniform(-1, 1), uniform(-1, 1)])


def test_where_condition_gets_no_gradient():
    c, x, y = (mx.nd.array(v) for v in ([1.0, 0.0], [1.0, 2.0], [3.0, 4.0]))
    for a in (c, x, y):
        a.attach_grad()
    with mx.autograd.record():
        out = mx.nd.where(c, x, y)
    out.backward(mx.nd.array([5.0, 7.0]))
    np.testing.assert_array_equal(c.grad.asnumpy(), [0, 0])
    np.testing.assert_array_equal(x.grad.asnumpy(), [5, 0])
    np.testing.assert_array_equal(y.grad.asnumpy(), [0, 7])


# -- Activation, LeakyReLU -----------------------------------------------------------------

def activation_grad():
    for act in ("relu", "softsign"):
        check_gradient(lambda v: mx.nd.Activation(v, act_type=act), [signed(0.2, 2)])
    for act in ("sigmoid", "tanh", "softrelu", "softsign"):
        check_gradient(lambda v: mx.nd.Activation(v, act_type=act), [uniform(-2, 2)])
        check_second_order(lambda v: mx.nd.Activation(v, act_type=act), [uniform(-2, 2)])


def test_activation_relu_gradient_at_zero_is_zero():
    np.testing.assert_array_equal(grad_of(lambda v: mx.nd.Activation(v, act_type="relu"), [-1.0, 0.0, 2.0]),
                                  [0, 0, 1])


def leaky_relu_grad():
    x = signed(0.2, 2, (2, 3, 2))
    for kwargs in (dict(act_type="leaky", slope=0.1), dict()):
        check_gradient(lambda v: mx.nd.LeakyReLU(v, **kwargs), [x])
    for kwargs in (dict(act_type="rrelu"), dict(act_type="rrelu", lower_bound=0.2, upper_bound=0.5)):
        check_gradient(lambda v: mx.nd.LeakyReLU(v, **kwargs)[0], [x])  # [output, mask]
    for kwargs in (dict(act_type="elu", slope=0.7), dict(act_type="selu"), dict(act_type="gelu")):
        check_gradient(lambda v: mx.nd.LeakyReLU(v, **kwargs), [x])
        check_second_order(lambda v: mx.nd.LeakyReLU(v, **kwargs), [x])
    # prelu: gamma per channel, single, per element; 4-D, 2-D and 1-D data
    for data_shape, gamma_shape in [((2, 3, 2, 2), (3,)), ((2, 3, 2), (1,)), ((4, 3), (3,)),
                                    ((2, 3), (2, 3)), ((5,), (5,)), ((5,), (1,))]:
        inputs = [signed(0.2, 2, data_shape), uniform(0.1, 0.9, gamma_shape)]
        prelu = lambda v, g: mx.nd.LeakyReLU(v, g, act_type="prelu")  # noqa: E731
        check_gradient(prelu, inputs)
        check_second_order(lambda v, g: prelu(v, g) * v, inputs)


def test_leaky_relu_slope_at_zero_is_the_negative_sides():
    x = [-1.0, 0.0, 2.0]
    np.testing.assert_allclose(grad_of(lambda v: mx.nd.LeakyReLU(v, slope=0.1), x), [0.1, 0.1, 1])
    np.testing.assert_allclose(grad_of(lambda v: mx.nd.LeakyReLU(v, act_type="elu", slope=0.5), x),
                               [0.5 * np.exp(-1), 0.5, 1])
    gamma = mx.nd.array([0.3], dtype=np.float64)
    np.testing.assert_allclose(grad_of(lambda v: mx.nd.LeakyReLU(v, gamma, act_type="prelu"), x),
                               [0.3, 0.3, 1])


# -- internal ops the gradients use ------------------------------------------------------------

def backward_relu_checker(fn, dtype):
    rng = seeded_rng("backward_relu", np.dtype(dtype).name)
    for shape in ((2, 3), (1000,), (0, 2), ()):
        og, y = (gen_values(shape, dtype, rng) for _ in range(2))
        got = fn(mx.nd.array(og, dtype=dtype), mx.nd.array(y, dtype=dtype))
        assert got.dtype == np.dtype(dtype) and got.shape == shape
        np.testing.assert_array_equal(got.asnumpy(), np.where(y > 0, og, 0).astype(dtype))
    if is_float(dtype):
        got = fn(mx.nd.array([1.0, 1.0, 1.0], dtype=dtype), mx.nd.array([np.nan, 0.0, -0.0], dtype=dtype))
        assert np.isnan(got.asnumpy()[0]) and not got.asnumpy()[1:].any()
    with pytest.raises(MXNetError):
        fn(mx.nd.ones((2,), dtype=dtype), mx.nd.ones((3,), dtype=dtype))


def gen_values(shape, dtype, rng):
    """Values in [-4, 4] (unsigned: [0, 8]) with exact zeros among them."""
    low = 0 if np.dtype(dtype).kind == "u" else -8
    return (rng.integers(low, 9, shape) / (2 if is_float(dtype) else 1)).astype(dtype)


def backward_relu_grad():
    fn = mx.nd._internal._backward_relu
    check_gradient(fn, [uniform(-1, 1), signed(0.2, 2)], wrt=[0])
    check_second_order(lambda g, y: fn(g * g, y) * g, [uniform(-1, 1), signed(0.2, 2)])


POLYGAMMA_POINTS = np.array([0.01, 0.3, 1.0, 2.5, 9.7, 30.0, 1e4, -0.4, -1.3, -7.6])


def backward_gammaln_checker(fn, dtype):
    og = np.linspace(-1.5, 2.0, POLYGAMMA_POINTS.size)
    if not is_float(dtype):
        with pytest.raises(MXNetError, match="not supported"):
            fn(mx.nd.array(og, dtype=dtype), mx.nd.array(POLYGAMMA_POINTS, dtype=dtype))
        return
    for order in range(4):
        got = fn(mx.nd.array(og, dtype=dtype), mx.nd.array(POLYGAMMA_POINTS, dtype=dtype), order=order)
        x = POLYGAMMA_POINTS.astype(dtype).astype(np.float64)
        want = og.astype(dtype).astype(np.float64) * special.polygamma(order, x)
        assert got.dtype == np.dtype(dtype)
        fits = np.abs(want) < np.finfo(dtype).max  # float16 overflows near 0
        rtol = {np.float64: 1e-12}.get(dtype, RTOL[dtype] * 4)
        np.testing.assert_allclose(got.asnumpy().astype(np.float64)[fits], want[fits], rtol=rtol,
                                   atol=np.finfo(dtype).tiny)
    poles = fn(mx.nd.ones(4, dtype=dtype), mx.nd.array([0, -1, -3, np.nan], dtype=dtype))
    assert np.isnan(poles.asnumpy()).all()
    with pytest.raises(MXNetError, match="order"):
        fn(mx.nd.ones(2, dtype=dtype), mx.nd.ones(2, dtype=dtype), order=-1)
    with pytest.raises(MXNetError):
        fn(mx.nd.ones(2, dtype=dtype), mx.nd.ones(3, dtype=dtype))


def backward_gammaln_grad():
    fn = lambda g, x: mx.nd._internal._backward_gammaln(g, x, order=1)  # noqa: E731
    inputs = [uniform(-1, 1), np.array([[0.6, 1.7, 3.2], [-0.4, -1.3, -2.6]])]
    check_gradient(fn, inputs)
    check_second_order(fn, inputs)


def cast_like_checker(fn, dtype):
    x = np.array([[-2.5, 0.0, 1.7], [3.2, -0.4, 7.9]])
    for like in DTYPES:
        got = fn(mx.nd.array(x, dtype=dtype), mx.nd.zeros((4,), dtype=like))
        assert got.dtype == np.dtype(like) and got.shape == x.shape
        np.testing.assert_array_equal(got.asnumpy(), mx.nd.Cast(mx.nd.array(x, dtype=dtype), dtype=like).asnumpy())


def cast_like_grad():
    check_gradient(lambda x, like: mx.nd._internal._cast_like(x, like) * x, [uniform(-1, 1), uniform(-1, 1, (4,))],
                   wrt=[0])


PRELU_REDUCE_CASES = [  # data shape, gamma shape, the axes summed
    ((2, 3, 4, 5), (3,), (0, 2, 3)), ((4, 3), (3,), (0,)), ((2, 3, 4), (1,), None),
    ((2, 3), (2, 3), ()), ((6,), (6,), ()), ((6,), (1,), None), ((1,), (1,), None), ((0, 3), (3,), (0,)),
]


def prelu_reduce_like_checker(fn, dtype):
    if not is_float(dtype):
        with pytest.raises(MXNetError):
            fn(mx.nd.ones((2, 3), dtype=dtype), mx.nd.ones((3,), dtype=dtype)).asnumpy()
        return
    rng = seeded_rng("prelu_reduce_like", np.dtype(dtype).name)
    for data_shape, gamma_shape, axes in PRELU_REDUCE_CASES:
        x = (rng.integers(-8, 9, data_shape) / 2).astype(dtype)
        got = fn(mx.nd.array(x, dtype=dtype), mx.nd.zeros(gamma_shape, dtype=dtype))
        want = x.astype(np.float64).sum(axis=axes).reshape(gamma_shape)
        assert got.dtype == np.dtype(dtype) and got.shape == gamma_shape
        np.testing.assert_array_equal(got.asnumpy().astype(np.float64), want)
    with pytest.raises(MXNetError, match="prelu gamma"):
        fn(mx.nd.ones((2, 3, 4), dtype=dtype), mx.nd.ones((4,), dtype=dtype))


def prelu_reduce_like_grad():
    for data_shape, gamma_shape, _ in PRELU_REDUCE_CASES[:4]:
        check_gradient(lambda x, g: mx.nd._internal._prelu_reduce_like(x * x, g),
                       [uniform(-1, 1, data_shape), uniform(-1, 1, gamma_shape)], wrt=[0])


HARNESS = {
    "_backward_relu": backward_relu_checker,
    "_backward_gammaln": backward_gammaln_checker,
    "_cast_like": cast_like_checker,
    "_prelu_reduce_like": prelu_reduce_like_checker,
}
ALIASES = {}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd._internal, name), dtype)


GRAD_HARNESS = {name: unary_grad(name) for name in SMOOTH_DOMAIN}
GRAD_HARNESS.update({name: step_grad(name) for name in STEPS})
GRAD_HARNESS.update({
    "clip": clip_grad,
    "smooth_l1": smooth_l1_grad,
    "hard_sigmoid": hard_sigmoid_grad,
    "Cast": cast_grad,
    "where": where_grad,
    "Activation": activation_grad,
    "LeakyReLU": leaky_relu_grad,
    "_backward_relu": backward_relu_grad,
    "_backward_gammaln": backward_gammaln_grad,
    "_cast_like": cast_like_grad,
    "_prelu_reduce_like": prelu_reduce_like_grad,
})
NO_GRADIENT = set()


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
