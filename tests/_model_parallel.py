"""Model-parallel programs (group2ctx) that tests/python runs over CPUs and
tests/gpu over GPUs: each checks values, gradients and where every array
lives."""
import numpy as np

import mxnet as mx


def chain(dtype=np.float32):
    data1, data2, data3 = (mx.sym.Variable(n, dtype=dtype) for n in ("data1", "data2", "data3"))
    with mx.AttrScope(ctx_group="dev1"):
        net = (data1 + data2) * dtype(3)
    with mx.AttrScope(ctx_group="dev2"):
        net = net + data3
    return net


def check_chain(ctx1, ctx2):
    shape = (4, 5)
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(shape).astype(np.float32) for _ in range(3)]
    arr = [mx.nd.array(v, ctx=c) for v, c in zip(values, (ctx1, ctx1, ctx2))]
    grads = [mx.nd.zeros(shape, ctx=a.context) for a in arr]
    ex = chain().bind(ctx1, args=arr, args_grad=grads, group2ctx={"dev1": ctx1, "dev2": ctx2})
    ex.forward(is_train=True)
    out = ex.outputs[0]
    assert out.context == ctx2  # the last op's group
    np.testing.assert_allclose(out.asnumpy(), (values[0] + values[1]) * 3 + values[2], rtol=1e-6)
    head = rng.standard_normal(shape).astype(np.float32)
    ex.backward([mx.nd.array(head, ctx=ctx1)])
    for g, expected, ctx in zip(grads, (3 * head, 3 * head, head), (ctx1, ctx1, ctx2)):
        assert g.context == ctx
        np.testing.assert_allclose(g.asnumpy(), expected, rtol=1e-6)


def staged_mlp():
    with mx.AttrScope(ctx_group="stage1"):
        data = mx.sym.Variable("data")
        fc1 = mx.sym.FullyConnected(data=data, name="fc1", num_hidden=16)
        act1 = mx.sym.Activation(data=fc1, name="relu1", act_type="relu")
    stage1 = set(act1.list_arguments())
    with mx.AttrScope(ctx_group="stage2"):
        fc2 = mx.sym.FullyConnected(data=act1, name="fc2", num_hidden=12)
        act2 = mx.sym.Activation(data=fc2, name="relu2", act_type="relu")
        fc3 = mx.sym.FullyConnected(data=act2, name="fc3", num_hidden=10)
        fc3 = mx.sym.BatchNorm(fc3, name="batchnorm0")
        net = mx.sym.SoftmaxOutput(data=fc3, name="softmax")
    return net, stage1


def check_staged_mlp(group2ctx, ctx, grad_req):
    """simple_bind puts each input on its group's device; the staged
    executor computes what a one-device one does."""
    net, stage1 = staged_mlp()
    staged = net.simple_bind(ctx, group2ctx=group2ctx, data=(8, 20), grad_req=grad_req)
    for name, arr in zip(net.list_arguments(), staged.arg_arrays):
        assert arr.context == group2ctx["stage1" if name in stage1 else "stage2"], name
    for arr in staged.aux_arrays:
        assert arr.context == group2ctx["stage2"]
    single = net.simple_bind(ctx, data=(8, 20), grad_req=grad_req)
    rng = np.random.default_rng(1)
    for name, arr in staged.arg_dict.items():
        value = rng.integers(0, 10, arr.shape) if name == "softmax_label" else rng.uniform(-1, 1, arr.shape)
        arr[:] = value
        single.arg_dict[name][:] = value
    for _ in range(2):  # twice: 'add' accumulates
        for ex in (staged, single):
            ex.forward(is_train=True)
            ex.backward()
    np.testing.assert_allclose(staged.outputs[0].asnumpy(), single.outputs[0].asnumpy(), rtol=1e-5, atol=1e-6)
    for name in net.list_arguments():
        if name == "softmax_label":
            continue
        np.testing.assert_allclose(staged.grad_dict[name].asnumpy(), single.grad_dict[name].asnumpy(),
                                   rtol=1e-4, atol=1e-6, err_msg=name)
    for a, b in zip(staged.aux_arrays, single.aux_arrays):
        np.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-5, atol=1e-6)
