"""GroupNorm and InstanceNorm (InstanceNorm is GroupNorm with a group per
channel) and their backward ops against numpy float64 references: values
and statistics at every float dtype, gamma and beta one per group as in
MXNet 1.9, gradients of data, gamma and beta against finite differences,
symbol inputs/outputs and shape/dtype inference, and the bad inputs
(rank < 3, gamma/beta of the wrong shape, num_groups not dividing the
channels) as MXNetErrors after which the process keeps working."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng
from _nnref import assert_close

DTYPES = [np.float32, np.float64, np.float16]

# (data shape, GroupNorm parameters)
GROUP_NORM_CASES = [
    ((2, 6, 3, 2), dict(num_groups=3)),
    ((3, 4, 5), dict()),
    ((2, 4, 2, 2, 3), dict(num_groups=4, eps=0.1)),
    ((1, 6, 7), dict(num_groups=2, output_mean_var=False)),
    ((2, 3, 1), dict(num_groups=3)),  # one element a slice: var 0, out = beta
    ((0, 4, 3), dict(num_groups=2)),
]

# (data shape, InstanceNorm parameters)
INSTANCE_NORM_CASES = [
    ((2, 3, 4), dict()),
    ((2, 6, 3, 2), dict(eps=1e-5)),
    ((1, 1, 5, 2, 2), dict(eps=0.1)),
    ((3, 2, 1), dict()),
    ((0, 3, 4), dict()),
]


def as_slices(a, num_groups):
    """(N, C, ...) as (N, G, C / G * spatial): one row per (sample, group)."""
    return a.astype(np.float64).reshape(a.shape[0], num_groups, int(np.prod(a.shape[1:])) // num_groups)


def group_norm_reference(x, gamma, beta, num_groups, eps):
    """(out, mean, var) in float64: gamma and beta per group, statistics (N, G)."""
    slices = as_slices(x, num_groups)
    mean, var = slices.mean(axis=-1), slices.var(axis=-1)
    xhat = (slices - mean[..., None]) / np.sqrt(var[..., None] + eps)
    out = xhat * gamma.astype(np.float64)[:, None] + beta.astype(np.float64)[:, None]
    return out.reshape(x.shape), mean, var


def group_norm_gradients(dy, x, gamma, num_groups, eps):
    """(dx, dgamma, dbeta) of the group normalization of x, in float64."""
    slices, dys = as_slices(x, num_groups), as_slices(dy, num_groups)
    mean, var = slices.mean(axis=-1, keepdims=True), slices.var(axis=-1, keepdims=True)
    xhat = (slices - mean) / np.sqrt(var + eps)
    g = dys * gamma.astype(np.float64)[:, None]
    dx = (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True)) / np.sqrt(var + eps)
    return dx.reshape(x.shape), (dys * xhat).sum(axis=(0, 2)), dys.sum(axis=(0, 2))


def norm_inputs(shape, groups, dtype, rng):
    return ((rng.standard_normal(shape) * 2 + 1).astype(dtype), rng.uniform(0.5, 1.5, groups).astype(dtype),
            rng.standard_normal(groups).astype(dtype))


def nd(*values, dtype):
    return [mx.nd.array(v, dtype=dtype) for v in values]


def group_norm_checker(dtype):
    rng = seeded_rng("GroupNorm", np.dtype(dtype).name)
    for shape, p in GROUP_NORM_CASES:
        groups, eps = p.get("num_groups", 1), p.get("eps", 1e-5)
        x, gamma, beta = norm_inputs(shape, groups, dtype, rng)
        out, mean, var = group_norm_reference(x, gamma, beta, groups, eps)
        assert_close(mx.nd.GroupNorm(*nd(x, gamma, beta, dtype=dtype), **p), out, dtype, scale=4.0)
        got = mx.nd.GroupNorm(*nd(x, gamma, beta, dtype=dtype), **dict(p, output_mean_var=True))
        for g, want in zip(got, (out, mean, np.sqrt(var + eps))):
            assert_close(g, want, dtype, scale=4.0)


def instance_norm_checker(dtype):
    rng = seeded_rng("InstanceNorm", np.dtype(dtype).name)
    for shape, p in INSTANCE_NORM_CASES:
        x, gamma, beta = norm_inputs(shape, shape[1], dtype, rng)
        out, _, _ = group_norm_reference(x, gamma, beta, shape[1], p.get("eps", 1e-3))
        assert_close(mx.nd.InstanceNorm(*nd(x, gamma, beta, dtype=dtype), **p), out, dtype, scale=4.0)


def backward_checker(op, cases, stat, default_eps):
    """Checks _backward_<op>(out_grad, data, gamma, mean, std or var)."""
    def check(dtype):
        rng = seeded_rng(op, np.dtype(dtype).name)
        for shape, p in cases:
            groups = p.get("num_groups", 1) if op == "_backward_GroupNorm" else shape[1]
            eps = p.get("eps", default_eps)
            x, gamma, _ = norm_inputs(shape, groups, dtype, rng)
            dy = rng.standard_normal(shape).astype(dtype)
            _, mean, var = group_norm_reference(x, gamma, np.zeros(groups), groups, eps)
            second = np.sqrt(var + eps) if stat == "std" else var
            grads = getattr(mx.nd._internal, op)(*nd(dy, x, gamma, mean, second, dtype=dtype), **p)
            for got, want in zip(grads, group_norm_gradients(dy, x, gamma, groups, eps)):
                assert_close(got, want, dtype, scale=np.sqrt(x.size + 1) * 2)
    return check


HARNESS = {"GroupNorm": group_norm_checker, "InstanceNorm": instance_norm_checker,
           "_backward_GroupNorm": backward_checker("_backward_GroupNorm", GROUP_NORM_CASES, "std", 1e-5),
           "_backward_InstanceNorm": backward_checker("_backward_InstanceNorm", INSTANCE_NORM_CASES, "var", 1e-3)}
ALIASES = {}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_instance_norm_matches_mxnet_documented_example():
    x = mx.nd.array([[[1.1, 2.2]], [[3.3, 4.4]]])
    out = mx.nd.InstanceNorm(x, mx.nd.array([1.5]), mx.nd.array([0.5]))
    np.testing.assert_allclose(out.asnumpy(), [[[-0.997527, 1.99752665]], [[-0.99752653, 1.99752724]]], rtol=1e-5)


def test_group_norm_scales_each_group_by_its_gamma():
    # channels (0, 1) form group 0 and (2, 3) group 1: each group has values
    # -1 and 1, so xhat is about -1 / +1 and the output gamma[g] * xhat + beta[g]
    x = mx.nd.array([[[-1, 1], [-1, 1], [1, -1], [1, -1]]])
    out = mx.nd.GroupNorm(x, mx.nd.array([2, 3]), mx.nd.array([10, 20]), num_groups=2, eps=0)
    np.testing.assert_allclose(out.asnumpy(), [[[8, 12], [8, 12], [23, 17], [23, 17]]], rtol=1e-6)


def test_group_norm_symbol():
    gn = mx.sym.GroupNorm(mx.sym.Variable("data"), num_groups=3, name="gn")
    assert gn.list_arguments() == ["data", "gn_gamma", "gn_beta"] and gn.list_outputs() == ["gn_output"]
    args, outs, aux = gn.infer_shape(data=(2, 6, 4, 4))
    assert args == [(2, 6, 4, 4), (3,), (3,)] and outs == [(2, 6, 4, 4)] and aux == []
    both = mx.sym.GroupNorm(mx.sym.Variable("data"), num_groups=2, output_mean_var=True, name="gn")
    assert both.list_outputs() == ["gn_output", "gn_mean", "gn_std"]
    assert both.infer_shape(data=(5, 4, 3))[1] == [(5, 4, 3), (5, 2), (5, 2)]
    assert mx.sym.GroupNorm(mx.sym.Variable("data")).infer_shape(data=(2, 4, 3))[0][1] == (1,)  # num_groups=1
    arg_types, types, _ = gn.infer_type(data=np.float16)
    assert arg_types == [np.float16] * 3 and types == [np.float16]


def test_instance_norm_symbol_hides_its_statistics():
    inorm = mx.sym.InstanceNorm(mx.sym.Variable("data"), name="in")
    assert inorm.list_arguments() == ["data", "in_gamma", "in_beta"] and inorm.list_outputs() == ["in_output"]
    args, outs, _ = inorm.infer_shape(data=(2, 5, 3, 3))
    assert args == [(2, 5, 3, 3), (5,), (5,)] and outs == [(2, 5, 3, 3)]
    assert inorm.infer_type(data=np.float64)[0] == [np.float64] * 3
    assert mx.sym.load_json(inorm.tojson()).list_outputs() == ["in_output"]


@pytest.mark.parametrize("grad_req", ["null", "write"])
def test_executor_over_an_intermediate_it_may_overwrite(grad_req):
    """GroupNorm of 2 * data: the planner may give the output the doubled
    array's memory (in place) unless the gradient still needs it."""
    rng = seeded_rng("GroupNorm executor", grad_req)
    gn = mx.sym.GroupNorm(mx.sym.Variable("data") * 2, mx.sym.Variable("gamma"), mx.sym.Variable("beta"),
                          num_groups=2)
    ex = gn.simple_bind(mx.cpu(), grad_req=grad_req, data=(3, 4, 5))
    x, gamma, beta = norm_inputs((3, 4, 5), 2, np.float32, rng)
    for name, value in zip(("data", "gamma", "beta"), (x, gamma, beta)):
        ex.arg_dict[name][:] = value
    (out,) = ex.forward(is_train=grad_req != "null")
    assert_close(out, group_norm_reference(2 * x, gamma, beta, 2, 1e-5)[0], np.float32, scale=4.0)
    if grad_req == "null":
        return
    dy = rng.standard_normal((3, 4, 5)).astype(np.float32)
    ex.backward(mx.nd.array(dy))
    dx, dgamma, dbeta = group_norm_gradients(dy, 2 * x, gamma, 2, 1e-5)
    for name, want in zip(("data", "gamma", "beta"), (2 * dx, dgamma, dbeta)):
        assert_close(ex.grad_dict[name], want, np.float32, scale=8.0)


@pytest.mark.parametrize("call,match", [
    (lambda: mx.nd.GroupNorm(mx.nd.ones((2, 6)), mx.nd.ones(1), mx.nd.ones(1)), "rank >= 3"),
    (lambda: mx.nd.InstanceNorm(mx.nd.ones((2, 6)), mx.nd.ones(6), mx.nd.ones(6)), "rank >= 3"),
    (lambda: mx.nd.GroupNorm(mx.nd.ones((2, 6, 2)), mx.nd.ones(4), mx.nd.ones(4), num_groups=4), "divisible"),
    (lambda: mx.nd.GroupNorm(mx.nd.ones((2, 6, 2)), mx.nd.ones(1), mx.nd.ones(1), num_groups=0), "positive"),
    # MXNet 1.9's gamma is per group: a per-channel gamma is refused
    (lambda: mx.nd.GroupNorm(mx.nd.ones((2, 6, 2)), mx.nd.ones(6), mx.nd.ones(6), num_groups=3), "gamma"),
    (lambda: mx.nd.GroupNorm(mx.nd.ones((2, 6, 2)), mx.nd.ones(3), mx.nd.ones(2), num_groups=3), "beta"),
    (lambda: mx.nd.InstanceNorm(mx.nd.ones((2, 6, 2)), mx.nd.ones(3), mx.nd.ones(6)), "gamma"),
    (lambda: mx.nd.InstanceNorm(mx.nd.ones((2, 6, 2)), mx.nd.ones(6), mx.nd.ones((6, 1))), "beta"),
    (lambda: mx.nd.InstanceNorm(*[mx.nd.ones(s, dtype="int32") for s in [(2, 3, 2), (3,), (3,)]]), "int32"),
    (lambda: mx.nd.GroupNorm(mx.nd.ones((2, 4, 2)), mx.nd.ones(1, dtype="float64"), mx.nd.ones(1)), "dtype"),
    (lambda: mx.sym.GroupNorm(mx.sym.Variable("data"), num_groups=5).infer_shape(data=(2, 6, 3)), "divisible"),
])
def test_bad_inputs_raise_and_the_process_keeps_working(call, match):
    with pytest.raises(MXNetError, match=match):
        call()
    out = mx.nd.GroupNorm(mx.nd.array([[[1.0, 3.0]]]), mx.nd.ones(1), mx.nd.zeros(1), eps=0)
    np.testing.assert_allclose(out.asnumpy(), [[[-1.0, 1.0]]], rtol=1e-6)


# -- gradients ----------------------------------------------------------------------
RNG = np.random.default_rng(5)

GROUP_NORM_GRAD_CASES = [((2, 4, 3), dict(num_groups=2)), ((3, 2, 2, 2), dict()),
                         ((2, 6, 2), dict(num_groups=6, eps=0.01))]
INSTANCE_NORM_GRAD_CASES = [((2, 3, 4), dict()), ((1, 2, 2, 3), dict(eps=1e-4))]


def _group_norm_grad(shape, p):
    def check():
        x, gamma, beta = norm_inputs(shape, p.get("num_groups", 1), np.float64, RNG)
        check_gradient(lambda *a: mx.nd.GroupNorm(*a, **p), [x, gamma, beta])
        check_gradient(lambda *a: mx.nd.GroupNorm(*a, output_mean_var=True, **p)[0], [x, gamma, beta])
    return check


def _instance_norm_grad(shape, p):
    def check():
        check_gradient(lambda *a: mx.nd.InstanceNorm(*a, **p), list(norm_inputs(shape, shape[1], np.float64, RNG)))
    return check


GRAD_HARNESS = {"GroupNorm": lambda: [_group_norm_grad(*case)() for case in GROUP_NORM_GRAD_CASES],
                "InstanceNorm": lambda: [_instance_norm_grad(*case)() for case in INSTANCE_NORM_GRAD_CASES]}
NO_GRADIENT = ["_backward_GroupNorm", "_backward_InstanceNorm"]


@pytest.mark.parametrize("case", GROUP_NORM_GRAD_CASES, ids=str)
def test_group_norm_gradient(case):
    _group_norm_grad(*case)()


@pytest.mark.parametrize("case", INSTANCE_NORM_GRAD_CASES, ids=str)
def test_instance_norm_gradient(case):
    _instance_norm_grad(*case)()
