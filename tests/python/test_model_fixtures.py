"""Models written by MXNet 1.9.1 (../shared/fixtures): each -symbol.json with
its -0000.params, bound and run forward in inference mode, reproduces the
output MXNet computed; LeNet's logits also match a numpy float64 forward
pass built from the same parameters.  And a small LeNet-like network trains
(forward + backward in training mode) identically through the executor and
through autograd."""
import numpy as np
import pytest

import mxnet as mx

from _nnref import batch_norm_forward, conv_forward, pool_forward

MODELS = ["mlp", "lenet", "mobilenet0_25"]


def load_model(fixtures, name, output=None):
    """(executor in inference mode bound to the model's data, expected output)."""
    sym = mx.sym.load(str(fixtures / ("%s-symbol.json" % name)))
    if output is not None:
        sym = sym.get_internals()[output]
    params = mx.nd.load(str(fixtures / ("%s-0000.params" % name)))
    io = np.load(fixtures / ("%s_io.npz" % name))
    ex = sym.simple_bind(mx.cpu(), data=io["data"].shape, grad_req="null")
    args = {k[len("arg:"):]: v for k, v in params.items() if k.startswith("arg:")}
    aux = {k[len("aux:"):]: v for k, v in params.items() if k.startswith("aux:")}
    assert args and set(aux) == set(sym.list_auxiliary_states())
    ex.copy_params_from(args, aux, allow_extra_params=True)
    ex.arg_dict["data"][:] = io["data"]
    return ex, io, {k: v.asnumpy() for k, v in params.items()}


@pytest.mark.parametrize("name", MODELS)
def test_fixture_inference(fixtures, name):
    ex, io, _ = load_model(fixtures, name)
    out = ex.forward(is_train=False)[0].asnumpy()
    expected = io["output"]
    assert out.shape == expected.shape and out.dtype == np.float32
    scale = np.abs(expected).max()
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5 * scale)


def test_lenet_logits_match_numpy(fixtures):
    ex, io, params = load_model(fixtures, "lenet", output="fc2_output")
    out = ex.forward(is_train=False)[0].asnumpy()

    def p(name):
        return params["arg:" + name].astype(np.float64)

    x = conv_forward(io["data"], p("conv1_weight"), p("conv1_bias"), (5, 5))
    x = pool_forward(np.tanh(x), (2, 2), (2, 2), pool_type="max")
    x = conv_forward(x, p("conv2_weight"), p("conv2_bias"), (5, 5))
    x = batch_norm_forward(x, p("bn2_gamma"), p("bn2_beta"), params["aux:bn2_moving_mean"].astype(np.float64),
                           params["aux:bn2_moving_var"].astype(np.float64), 1e-3, False)
    x = pool_forward(np.maximum(x, 0), (2, 2), (2, 2), pool_type="avg").reshape(x.shape[0], -1)
    x = x @ p("fc1_weight").T + p("fc1_bias")             # Dropout: the identity in inference
    x = x @ p("fc2_weight").T + p("fc2_bias")
    np.testing.assert_allclose(out, x, rtol=1e-4, atol=1e-5 * np.abs(x).max())


# -- training: executor against autograd ------------------------------------------------

def lenet_like(F, p, real_layers):
    """A LeNet-like network over parameter dict p (Symbols or NDArrays).
    real_layers: Activation / Flatten / FullyConnected; otherwise the same
    functions from ops MX differentiates today (relu as max(x, 0), the
    classifier as a convolution covering the whole map)."""
    def relu(x):
        return F.Activation(x, act_type="relu") if real_layers else F._internal._maximum_scalar(x, scalar=0.0)

    x = F.Convolution(p["data"], p["conv1_weight"], p["conv1_bias"], kernel=(3, 3), num_filter=4, pad=(1, 1))
    x = F.BatchNorm(x, p["bn1_gamma"], p["bn1_beta"], p["bn1_moving_mean"], p["bn1_moving_var"], fix_gamma=False)
    x = F.Pooling(relu(x), kernel=(2, 2), stride=(2, 2), pool_type="max")
    x = F.Convolution(x, p["conv2_weight"], p["conv2_bias"], kernel=(3, 3), num_filter=6, num_group=2)
    x = F.Pooling(relu(x), kernel=(2, 2), stride=(2, 2), pool_type="avg", pooling_convention="full")
    x = F.Dropout(x, p=0.3)
    if real_layers:
        x = F.FullyConnected(F.Flatten(x), p["fc_weight"], p["fc_bias"], num_hidden=3)
        return F.SoftmaxOutput(x, p["softmax_label"])
    x = F.Convolution(x, p["fc_weight"], p["fc_bias"], kernel=(2, 2), num_filter=3)
    return F.SoftmaxOutput(x, p["softmax_label"], multi_output=True)


def lenet_like_values(real_layers, rng):
    values = {
        "data": rng.standard_normal((4, 1, 10, 10)),
        "conv1_weight": rng.standard_normal((4, 1, 3, 3)) * 0.5, "conv1_bias": rng.standard_normal(4) * 0.1,
        "bn1_gamma": rng.uniform(0.5, 1.5, 4), "bn1_beta": rng.standard_normal(4) * 0.1,
        "conv2_weight": rng.standard_normal((6, 2, 3, 3)) * 0.3, "conv2_bias": rng.standard_normal(6) * 0.1,
        "fc_weight": rng.standard_normal((3, 24) if real_layers else (3, 6, 2, 2)) * 0.3,
        "fc_bias": rng.standard_normal(3) * 0.1,
        "softmax_label": rng.integers(0, 3, (4,) if real_layers else (4, 1)).astype(np.float64),
    }
    aux = {"bn1_moving_mean": np.zeros(4), "bn1_moving_var": np.ones(4)}
    return values, aux


def differentiable(*ops):
    from mxnet._registry import op_handle
    from mxnet.base import _LIB, check_call, ffi
    out = ffi.new("int*")
    for name in ops:
        check_call(_LIB.MXOpHasGradient(op_handle(name), out))
        if not out[0]:
            return False
    return True


@pytest.mark.parametrize("real_layers", [False, True], ids=["differentiable-today", "lenet-layers"])
def test_lenet_like_training_executor_matches_autograd(real_layers):
    if real_layers and not differentiable("Activation", "Flatten", "FullyConnected"):
        pytest.skip("Activation / Flatten / FullyConnected have no gradient yet")
    values, aux = lenet_like_values(real_layers, np.random.default_rng(21))
    names = list(values) + list(aux)
    net = lenet_like(mx.sym, {n: mx.sym.Variable(n) for n in names}, real_layers)
    assert sorted(net.list_auxiliary_states()) == sorted(aux)

    ex = net.simple_bind(mx.cpu(), data=values["data"].shape, softmax_label=values["softmax_label"].shape)
    ex.copy_params_from({k: mx.nd.array(v) for k, v in values.items()}, {k: mx.nd.array(v) for k, v in aux.items()})
    mx.random.seed(5)
    out = ex.forward(is_train=True)[0].asnumpy()
    ex.backward()

    arrays = {k: mx.nd.array(v) for k, v in list(values.items()) + list(aux.items())}
    for k in values:
        if k != "softmax_label":
            arrays[k].attach_grad()
    mx.random.seed(5)
    with mx.autograd.record():
        result = lenet_like(mx.nd, arrays, real_layers)
    result.backward()

    np.testing.assert_allclose(out, result.asnumpy(), rtol=1e-5, atol=1e-7)
    for k in values:
        if k == "softmax_label":
            continue
        grad = ex.grad_dict[k].asnumpy()
        assert np.abs(grad).max() > 0, k
        np.testing.assert_allclose(grad, arrays[k].grad.asnumpy(), rtol=1e-4, atol=1e-6, err_msg=k)
    for k in aux:  # the moving statistics moved once, the same way
        moved = ex.aux_dict[k].asnumpy()
        assert not np.allclose(moved, aux[k]), k
        np.testing.assert_allclose(moved, arrays[k].asnumpy(), rtol=1e-5, atol=1e-7, err_msg=k)
