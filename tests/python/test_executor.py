"""Symbol.bind / simple_bind and the Executor: forward, backward, grad_req,
the memory plan, and mixing with NDArray code."""
import re

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


def mlp(layers=2, hidden=16):
    x = mx.sym.var("data")
    for i in range(layers):
        x = mx.sym.FullyConnected(x, num_hidden=hidden, name="fc%d" % i)
        x = x * 0.5 + x * x * 0.1
    return x


def scaled_net(layers=2):
    """Layers of broadcast scale and shift (ops whose gradients exist in ops/)."""
    x = mx.sym.var("data")
    for i in range(layers):
        w, b = mx.sym.var("w%d" % i), mx.sym.var("b%d" % i)
        x = mx.sym.broadcast_add(mx.sym.broadcast_mul(x, w), b)
        x = x * 0.5 + x * x * 0.1
    return x


def scaled_shapes(layers=2, batch=4, width=8):
    shapes = {"data": (batch, width)}
    for i in range(layers):
        shapes["w%d" % i] = shapes["b%d" % i] = (width,)
    return shapes


def fill(ex, seed=0):
    rng = np.random.default_rng(seed)
    for name, arr in ex.arg_dict.items():
        arr[:] = rng.uniform(-1, 1, arr.shape)


def numpy_mlp(args, layers=2):
    x = args["data"]
    for i in range(layers):
        x = x @ args["fc%d_weight" % i].T + args["fc%d_bias" % i]
        x = x * 0.5 + x * x * 0.1
    return x


def numpy_scaled(args, layers=2):
    x = args["data"]
    for i in range(layers):
        x = x * args["w%d" % i] + args["b%d" % i]
        x = x * 0.5 + x * x * 0.1
    return x


def scaled_layer(x, arrays, i):
    return x * arrays["w%d" % i] + arrays["b%d" % i]


def fc_layer(x, arrays, i):
    return mx.nd.FullyConnected(x, arrays["fc%d_weight" % i], arrays["fc%d_bias" % i],
                                num_hidden=arrays["fc%d_bias" % i].shape[0])


def assert_autograd_agrees(ex, args, head, layer, layers):
    """The executor's gradients equal autograd's for the same network."""
    arrays = {k: mx.nd.array(v) for k, v in args.items()}
    for a in arrays.values():
        a.attach_grad()
    with mx.autograd.record():
        x = arrays["data"]
        for i in range(layers):
            x = layer(x, arrays, i)
            x = x * 0.5 + x * x * 0.1
    x.backward(mx.nd.array(head))
    for name in args:
        np.testing.assert_allclose(ex.grad_dict[name].asnumpy(), arrays[name].grad.asnumpy(),
                                   rtol=1e-4, atol=1e-5, err_msg=name)


def test_inference_matches_numpy():
    ex = mlp().simple_bind(mx.cpu(), grad_req="null", data=(4, 8))
    fill(ex)
    args = {k: v.asnumpy().astype(np.float64) for k, v in ex.arg_dict.items()}
    np.testing.assert_allclose(ex.forward()[0].asnumpy(), numpy_mlp(args), rtol=1e-4, atol=1e-5)


def test_forward_backward_match_numpy_and_autograd():
    net = scaled_net()
    ex = net.simple_bind(mx.cpu(), **scaled_shapes())
    fill(ex)
    args = {k: v.asnumpy().astype(np.float64) for k, v in ex.arg_dict.items()}
    out = ex.forward(is_train=True)[0]
    np.testing.assert_allclose(out.asnumpy(), numpy_scaled(args), rtol=1e-4, atol=1e-5)
    head = np.random.default_rng(1).standard_normal(out.shape).astype(np.float32)
    ex.backward(mx.nd.array(head))
    assert_autograd_agrees(ex, args, head, scaled_layer, 2)


def test_bind_lists_dicts_and_grad_reqs():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    c = a * b
    av, bv = mx.nd.array([1.0, 2.0]), mx.nd.array([3.0, 4.0])
    ga, gb = mx.nd.zeros(2), mx.nd.ones(2) * 10
    ex = c.bind(mx.cpu(), {"a": av, "b": bv}, args_grad={"a": ga, "b": gb},
                grad_req={"a": "write", "b": "add"})
    ex.forward(is_train=True)
    ex.backward()
    ex.forward(is_train=True)
    ex.backward()
    np.testing.assert_allclose(ga.asnumpy(), [3, 4])
    np.testing.assert_allclose(gb.asnumpy(), [12, 14])
    ex2 = c.bind(mx.cpu(), [av, bv], args_grad=[ga, None], grad_req=["write", "null"])
    ex2.forward(is_train=True)
    ex2.backward(mx.nd.array([2.0, 2.0]))
    np.testing.assert_allclose(ga.asnumpy(), [6, 8])
    assert ex2.grad_dict["b"] is None
    np.testing.assert_allclose(c.eval(a=av, b=bv)[0].asnumpy(), [3, 8])


def test_dictionaries_outputs_and_copy_params():
    net = mlp(1)
    ex = net.simple_bind(mx.cpu(), data=(2, 3), grad_req="null")
    assert sorted(ex.arg_dict) == ["data", "fc0_bias", "fc0_weight"]
    assert all(g is None for g in ex.grad_arrays)
    assert list(ex.output_dict) == net.list_outputs()
    params = {"fc0_weight": mx.nd.ones((16, 3)), "fc0_bias": mx.nd.zeros(16)}
    ex.copy_params_from(params)
    out = ex.forward(data=np.ones((2, 3)))[0]
    np.testing.assert_allclose(out.asnumpy(), np.full((2, 16), 3 * 0.5 + 9 * 0.1), rtol=1e-6)
    assert ex.outputs[0] is out
    with pytest.raises(ValueError, match="not in the arguments"):
        ex.copy_params_from({"nope": mx.nd.ones(1)})
    ex.copy_params_from({"nope": mx.nd.ones(1)}, allow_extra_params=True)
    with pytest.raises(TypeError, match="Unknown argument"):  # MXNet's classes
        ex.forward(bogus=np.ones(1))
    with pytest.raises(ValueError, match="only accept keyword argument of NDArrays"):
        ex.forward(data=[[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="Shape not match"):
        ex.forward(data=np.ones((3, 3)))


def test_ndarray_updates_between_passes_need_no_copies():
    net = scaled_net(1)
    ex = net.simple_bind(mx.cpu(), **scaled_shapes(1))
    fill(ex)
    w = ex.arg_dict["w0"]
    before = ex.forward(is_train=True)[0].asnumpy()
    ex.backward()
    w[:] = w - 0.1 * ex.grad_dict["w0"]  # an SGD step with NDArray code
    w -= 0.0
    args = {k: v.asnumpy().astype(np.float64) for k, v in ex.arg_dict.items()}
    after = ex.forward()[0].asnumpy()
    np.testing.assert_allclose(after, numpy_scaled(args, 1), rtol=1e-4, atol=1e-5)
    assert not np.allclose(before, after)


def test_reshape_shares_parameters():
    net = mlp(1)
    ex = net.simple_bind(mx.cpu(), grad_req="null", data=(4, 5))
    fill(ex)
    small = ex.reshape(data=(2, 5))
    assert small.arg_dict["fc0_weight"] is ex.arg_dict["fc0_weight"]
    assert small.forward()[0].shape == (2, 16)
    with pytest.raises(ValueError, match="larger than original"):
        ex.reshape(data=(8, 5))
    big = ex.reshape(data=(8, 5), allow_up_sizing=True)
    assert big.forward()[0].shape == (8, 16)


def test_reshape_down_views_the_old_inputs():
    # MXNet: a smaller input is a view of the first elements of the old one.
    x = mx.sym.var("x")
    y = mx.sym.FullyConnected(x, num_hidden=4, name="fc")
    ex = y.simple_bind(mx.cpu(), x=(5, 4))
    ex.arg_dict["x"][:] = mx.nd.array(np.arange(20.0).reshape(5, 4))
    ex.arg_dict["fc_weight"][:] = 1
    ex.arg_dict["fc_bias"][:] = 0
    small = ex.reshape(x=(3, 4))
    np.testing.assert_array_equal(small.arg_dict["x"].asnumpy(), np.arange(12.0).reshape(3, 4))
    np.testing.assert_array_equal(small.forward()[0].asnumpy(),
                                  np.repeat(np.arange(12.0).reshape(3, 4).sum(1, keepdims=True), 4, 1))
    small.arg_dict["x"][:] = -1
    small.grad_dict["x"][:] = 7
    assert (ex.arg_dict["x"].asnumpy()[:3] == -1).all() and (ex.arg_dict["x"].asnumpy()[3:] >= 12).all()
    assert (ex.grad_dict["x"].asnumpy()[:3] == 7).all()  # gradients too
    big = ex.reshape(x=(6, 4), allow_up_sizing=True)
    big.arg_dict["x"][:] = 0  # a bigger input is a new array
    assert (ex.arg_dict["x"].asnumpy()[:3] == -1).all()
    assert big.arg_dict["fc_weight"] is ex.arg_dict["fc_weight"]


def test_bind_errors():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    c = a + b
    with pytest.raises(ValueError, match="key `b` is missing"):
        c.bind(mx.cpu(), {"a": mx.nd.ones(2)})
    with pytest.raises(ValueError, match="Length of args"):
        c.bind(mx.cpu(), [mx.nd.ones(2)])
    with pytest.raises(TypeError):
        c.bind(mx.cpu(), [mx.nd.ones(2), np.ones(2)])
    with pytest.raises(MXNetError, match="elemwise_add|shape"):
        c.bind(mx.cpu(), [mx.nd.ones(2), mx.nd.ones(3)])
    with pytest.raises(MXNetError, match="gradient of 'a' has shape"):
        c.bind(mx.cpu(), [mx.nd.ones(2), mx.nd.ones(2)], args_grad=[mx.nd.ones(3), None])
    with pytest.raises(ValueError, match="grad_req"):
        c.bind(mx.cpu(), [mx.nd.ones(2), mx.nd.ones(2)], grad_req="sometimes")
    ex = c.bind(mx.cpu(), [mx.nd.ones(2), mx.nd.ones(2)])
    ex.backward()  # no gradients to compute: nothing happens, as in MXNet
    assert all(g is None for g in ex.grad_arrays)
    ex = c.bind(mx.cpu(), [mx.nd.ones(2), mx.nd.ones(2)], args_grad=[mx.nd.ones(2)] * 2, grad_req="null")
    ex.backward()
    np.testing.assert_array_equal(ex.grad_arrays[0].asnumpy(), [1, 1])
    ex = c.bind(mx.cpu(), [mx.nd.ones(2), mx.nd.ones(2)], args_grad=[mx.nd.ones(2), None])
    with pytest.raises(MXNetError, match="call forward first"):
        ex.backward()
    ex.forward(is_train=True)
    with pytest.raises(MXNetError, match="head gradient 0 has shape"):
        ex.backward(mx.nd.ones(3))
    with pytest.raises(ValueError, match="cannot infer"):
        mlp().simple_bind(mx.cpu())


def deep_net(depth, fully_connected):
    x = mx.sym.var("data")
    for i in range(depth):
        if fully_connected:
            x = mx.sym.FullyConnected(x, num_hidden=32, name="fc%d" % i)
        else:
            x = mx.sym.broadcast_mul(x, mx.sym.var("w%d" % i)) + x * x
        x = x * 0.5
    return x


def plan(symbol, flags, grad_req, **shapes):
    from mxnet.symbol import bind as bind_module
    saved = bind_module._MEMORY_FLAGS
    bind_module._MEMORY_FLAGS = flags
    try:
        return symbol.simple_bind(mx.cpu(), grad_req=grad_req, **shapes)
    finally:
        bind_module._MEMORY_FLAGS = saved


@pytest.mark.parametrize("grad_req", ["null", "write"])
def test_memory_plan_reuses_buffers(grad_req):
    if grad_req == "null":
        net, shapes = deep_net(20, True), {"data": (64, 32)}
    else:
        net = deep_net(20, False)
        shapes = dict({"w%d" % i: (32,) for i in range(20)}, data=(64, 32))
    stats = {f: plan(net, f, grad_req, **shapes).memory_plan() for f in (0, 1, 2, 3)}
    naive = stats[0]["planned_bytes"]
    assert stats[0]["naive_bytes"] == naive and stats[0]["inplace"] == stats[0]["coshare"] == 0
    assert stats[1]["inplace"] > 0 and stats[1]["planned_bytes"] < naive
    assert stats[2]["coshare"] > 0 and stats[2]["planned_bytes"] < naive
    assert stats[3]["planned_bytes"] <= min(stats[1]["planned_bytes"], stats[2]["planned_bytes"])
    assert stats[3]["planned_bytes"] < naive / 2


def random_graph(rng, values, num_nodes=12):
    """A random DAG of element-wise ops, built twice: as a Symbol and, from the
    same choices, recorded by autograd on NDArrays (the reference)."""
    syms = [mx.sym.var(name) for name in values]
    arrays = [mx.nd.array(v) for v in values.values()]
    for a in arrays:
        a.attach_grad()
    ops = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b,
           lambda a, b: a * 0.5 + 1, lambda a, b: -a, lambda a, b: a / (b * b + 1)]
    with mx.autograd.record():
        for _ in range(num_nodes):
            op = ops[rng.integers(0, len(ops))]
            i, j = rng.integers(0, len(syms), 2)
            syms.append(op(syms[i], syms[j]))
            arrays.append(op(arrays[i], arrays[j]))
    picks = [len(syms) - 1] + list(rng.integers(len(values), len(syms), 2))
    return mx.sym.Group([syms[k] for k in picks]), [arrays[k] for k in picks], arrays[:len(values)]


# The large shape is above the engine's inline threshold: nodes run on worker
# threads, so a buffer shared too early would show as a wrong value.
@pytest.mark.parametrize("shape", [(3, 4), (256, 160)])
@pytest.mark.parametrize("seed", range(8))
def test_random_graphs_agree_with_autograd_for_every_plan(seed, shape):
    """Every memory plan, with and without mirroring, gives autograd's values."""
    rng = np.random.default_rng(seed)
    values = {"x%d" % i: rng.uniform(-1, 1, shape).astype(np.float32) for i in range(3)}
    net, outs, leaves = random_graph(rng, values)
    heads = [rng.standard_normal(shape).astype(np.float32) for _ in outs]
    mx.autograd.backward(outs, [mx.nd.array(h) for h in heads])
    used = net.list_arguments()
    grads = {name: leaf.grad.asnumpy() for name, leaf in zip(values, leaves)}
    for flags in (0, 1, 2, 3, 4, 7):  # 4: mirroring
        ex = plan(net, flags, "write", **{k: values[k].shape for k in used})
        got = ex.forward(is_train=True, **{k: values[k] for k in used})
        for g, want in zip(got, outs):
            np.testing.assert_allclose(g.asnumpy(), want.asnumpy(), rtol=1e-5, atol=1e-6)
        ex.backward([mx.nd.array(h) for h in heads])
        for name in used:
            np.testing.assert_allclose(ex.grad_dict[name].asnumpy(), grads[name], rtol=1e-4,
                                       atol=1e-5, err_msg="flags %d, %s" % (flags, name))


def test_mlp_gradients_match_autograd():
    net = mlp()
    ex = net.simple_bind(mx.cpu(), data=(4, 8))
    fill(ex)
    args = {k: v.asnumpy() for k, v in ex.arg_dict.items()}
    head = np.random.default_rng(2).standard_normal((4, 16)).astype(np.float32)
    ex.forward(is_train=True)
    ex.backward(mx.nd.array(head))
    assert_autograd_agrees(ex, args, head, fc_layer, 2)


def test_mirroring_trades_memory_for_recomputation():
    x = mx.sym.var("data")
    for i in range(10):
        x = mx.sym.FullyConnected(x, num_hidden=64, name="fc%d" % i)
        x = mx.sym.Activation(mx.sym.Activation(x, act_type="tanh"), act_type="sigmoid")
    both = plan(x, 3, "write", data=(32, 64))
    mirrored = plan(x, 7, "write", data=(32, 64))
    assert mirrored.memory_plan()["planned_bytes"] < both.memory_plan()["planned_bytes"]
    for ex in (both, mirrored):
        fill(ex)
    for name, arr in both.arg_dict.items():
        mirrored.arg_dict[name][:] = arr
    for ex in (both, mirrored):
        ex.forward(is_train=True)
        ex.backward()
    for name in both.arg_dict:
        np.testing.assert_allclose(mirrored.grad_dict[name].asnumpy(),
                                   both.grad_dict[name].asnumpy(), rtol=1e-5, atol=1e-6)


def test_monitor_callback_sees_every_op_output_and_optionally_inputs():
    data = mx.sym.Variable("data")
    fc = mx.sym.FullyConnected(data, num_hidden=3, name="fc1")
    net = mx.sym.Activation(fc, act_type="relu", name="relu1")
    exe = net.simple_bind(mx.cpu(), data=(2, 4))
    x = np.random.randn(2, 4).astype(np.float32)
    w = np.random.randn(3, 4).astype(np.float32)
    exe.arg_dict["fc1_weight"][:] = w
    seen = {}
    exe.set_monitor_callback(lambda name, arr: seen.__setitem__(name, arr.asnumpy()))
    exe.forward(is_train=False, data=x)
    assert list(seen) == ["fc1_output", "relu1_output"]
    np.testing.assert_allclose(seen["fc1_output"], x @ w.T, rtol=1e-5)
    np.testing.assert_allclose(seen["relu1_output"], np.maximum(x @ w.T, 0), rtol=1e-5)

    names = []
    # code written for MXNet (whose callbacks get bytes) decodes names with py_str
    exe.set_monitor_callback(lambda name, arr: names.append(mx.base.py_str(name)),
                             monitor_all=True)
    exe.forward(is_train=True)
    assert names == ["fc1_data", "fc1_weight", "fc1_bias", "fc1_output", "relu1_data",
                     "relu1_output"]
    names.clear()
    exe.backward(mx.nd.ones((2, 3)))
    assert names and all("backward" in n for n in names)

    exe.set_monitor_callback(None)
    names.clear()
    exe.forward()
    assert names == []


def test_monitor_callback_errors_are_raised_after_the_pass():
    x = mx.sym.Variable("x")
    exe = (x * 2).simple_bind(mx.cpu(), x=(2,))

    def broken(name, arr):
        raise ValueError("monitor failed on " + name)
    exe.set_monitor_callback(broken)
    with pytest.raises(ValueError, match="monitor failed on"):
        exe.forward()
    exe.set_monitor_callback(None)
    np.testing.assert_allclose(exe.forward(x=np.array([1.0, 2.0]))[0].asnumpy(), [2.0, 4.0])


def test_debug_str_reports_the_plan_as_mxnet_does():
    ex = plan(deep_net(4, True), -1, "write", data=(64, 256))
    text = ex.debug_str()
    total = int(re.search(r"Total (\d+) MB allocated", text).group(1))  # MXNet's test_zero_prop parses this
    planned = int(re.search(r"Memory plan: (\d+) bytes in \d+ blocks", text).group(1))
    assert planned > 0 and total == planned >> 20
    assert "Op:FullyConnected, Name=fc0" in text
