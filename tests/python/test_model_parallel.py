"""Model parallelism: a graph bound over several devices with group2ctx
(ops under AttrScope(ctx_group=...)), as MXNet's test_model_parallel runs it
on cpu(0), cpu(1) and cpu(2).  tests/gpu runs the same on two GPUs, where a
misplaced array fails loudly."""
import numpy as np
import pytest

import mxnet as mx
from _model_parallel import chain, check_chain, check_staged_mlp
from mxnet.base import MXNetError, _LIB, ffi


def test_chain_over_two_cpus():
    check_chain(mx.cpu(0), mx.cpu(1))


@pytest.mark.parametrize("grad_req", ["write", "add"])
def test_staged_mlp_over_three_cpus(grad_req):
    check_staged_mlp({"stage1": mx.cpu(1), "stage2": mx.cpu(2)}, mx.cpu(0), grad_req)


def test_a_value_read_on_another_device_is_copied_once():
    a = mx.sym.var("a")
    with mx.AttrScope(ctx_group="g1"):
        x = mx.sym.exp(a, name="x")
    with mx.AttrScope(ctx_group="g2"):
        y = mx.sym.sin(x, name="y") + mx.sym.cos(x, name="z")
    ex = y.bind(mx.cpu(0), {"a": mx.nd.ones(3)}, group2ctx={"g1": mx.cpu(0), "g2": mx.cpu(1)})
    ex.forward()
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), np.sin(np.e) + np.cos(np.e), rtol=1e-6)
    text = ex.debug_str()
    assert text.count("x_cpu(1)_copy") >= 1 and text.count("Op:_copyto") == 1, text


def test_without_group2ctx_every_array_must_be_on_the_bind_context():
    with pytest.raises(MXNetError, match=r"'data3' is in cpu\(1\) while binding with ctx=cpu\(0\).*group2ctx"):
        chain().bind(mx.cpu(0), [mx.nd.ones(2), mx.nd.ones(2), mx.nd.ones(2, ctx=mx.cpu(1))])
    with pytest.raises(MXNetError, match="gradient of argument 'data1' is in cpu"):
        chain().bind(mx.cpu(0), [mx.nd.ones(2)] * 3, args_grad=[mx.nd.ones(2, ctx=mx.cpu(2)), None, None])
    ex = chain().bind(mx.cpu(0), [mx.nd.ones(2)] * 3)  # the groups are ignored without group2ctx
    ex.forward()
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), [7, 7])


def test_group2ctx_errors():
    args = [mx.nd.ones(2)] * 3
    with pytest.raises(MXNetError, match="ctx_group 'dev2', which group2ctx does not assign"):
        chain().bind(mx.cpu(), args, group2ctx={"dev1": mx.cpu(1)})
    with pytest.raises(TypeError, match="must be a Context"):
        chain().bind(mx.cpu(), args, group2ctx={"dev1": "cpu(1)", "dev2": mx.cpu()})
    out = ffi.new("MXExecutorHandle*")
    handles = ffi.new("MXNDArrayHandle[]", [a.handle for a in args])
    assert _LIB.MXExecutorBindGroups(chain().handle, 1, 0, 2, ffi.NULL, ffi.NULL, ffi.NULL, 3, handles,
                                     ffi.NULL, ffi.NULL, 0, ffi.NULL, -1, out) == -1
    assert b"group_names" in ffi.string(_LIB.MXGetLastError())
    names = ffi.new("const char*[]", [ffi.NULL])
    types, ids = ffi.new("int[]", [1]), ffi.new("int[]", [0])
    assert _LIB.MXExecutorBindGroups(chain().handle, 1, 0, 1, names, types, ids, 3, handles,
                                     ffi.NULL, ffi.NULL, 0, ffi.NULL, -1, out) == -1
    assert b"group name 0 is NULL" in ffi.string(_LIB.MXGetLastError())
    ex = chain().bind(mx.cpu(), args, group2ctx={"dev1": mx.cpu(1), "dev2": mx.cpu(0)})
    ex.forward()
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), [7, 7])


def test_an_input_updated_in_place_must_be_on_its_ops_device():
    with mx.AttrScope(ctx_group="g"):
        net = mx.sym.BatchNorm(mx.sym.var("data"), name="bn")
    shapes = {"data": (2, 3), "bn_gamma": (3,), "bn_beta": (3,)}
    args = {k: mx.nd.ones(v, ctx=mx.cpu(1)) for k, v in shapes.items()}
    aux = {"bn_moving_mean": mx.nd.zeros(3), "bn_moving_var": mx.nd.ones(3)}  # on cpu(0)
    with pytest.raises(MXNetError, match=r"updates its input 'bn_moving_mean' in place, which is on cpu\(0\)"):
        net.bind(mx.cpu(), args, aux_states=aux, group2ctx={"g": mx.cpu(1)})
    aux = {k: v.copyto(mx.cpu(1)) for k, v in aux.items()}
    ex = net.bind(mx.cpu(), args, aux_states=aux, group2ctx={"g": mx.cpu(1)})
    ex.forward(is_train=True)
    assert aux["bn_moving_mean"].asnumpy()[0] == pytest.approx(0.1)  # momentum 0.9 toward the mean 1
