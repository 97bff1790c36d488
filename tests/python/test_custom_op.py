"""Python custom operators (mx.operator.CustomOp / CustomOpProp, mx.nd.Custom,
mx.sym.Custom) with MXNet 1.x's semantics: imperatively, under autograd, in
symbols and executors, and their errors."""
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _custom_ops import CALLS
from _gradcheck import check_gradient


def softmax_ref(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid_ref(x):
    return 1 / (1 + np.exp(-x))


RNG = np.random.default_rng(0)
X = RNG.standard_normal((4, 5))
LABEL = np.array([0, 3, 1, 4])


# -- imperative ----------------------------------------------------------------

def test_tutorial_softmax_matches_nd_softmax():
    y = mx.nd.Custom(mx.nd.array(X), mx.nd.array(LABEL), op_type="softmax")
    np.testing.assert_allclose(y.asnumpy(), mx.nd.softmax(mx.nd.array(X)).asnumpy(), rtol=1e-5)
    np.testing.assert_allclose(y.asnumpy(), softmax_ref(X), rtol=1e-5)


def test_kwargs_reach_the_prop_as_strings():
    CALLS["dense"].clear()
    x, w = RNG.standard_normal((3, 4)), RNG.standard_normal((2, 4))
    y = mx.nd.Custom(mx.nd.array(x), mx.nd.array(w), op_type="dense", bias=3, note=(1, 2))
    np.testing.assert_allclose(y.asnumpy(), x @ w.T + 3, rtol=1e-5)
    _, bias, others = CALLS["dense"][-1]
    assert bias == "3" and others == {"note": "(1, 2)"}


def test_outputs_follow_list_outputs_and_infer_type():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3))
    total, product = mx.nd.Custom(mx.nd.array(a, dtype=np.float64), mx.nd.array(b, dtype=np.float64),
                                  op_type="sum_prod")
    assert total.dtype == np.float64 and product.dtype == np.float64  # input 0's dtype
    np.testing.assert_allclose(total.asnumpy(), a + b)
    np.testing.assert_allclose(product.asnumpy(), a * b)


def test_out_argument_is_written():
    out = mx.nd.zeros((4, 5))
    mx.nd.Custom(mx.nd.array(X), op_type="sigmoid", out=out)
    np.testing.assert_allclose(out.asnumpy(), sigmoid_ref(X), rtol=1e-5)


def test_out_argument_joins_the_recorded_graph():
    """libmx keeps the given output's handle across the frontend's nested
    calls (which reuse the binding's argument buffers)."""
    x, out = mx.nd.array(X), mx.nd.zeros((4, 5))
    x.attach_grad()
    with mx.autograd.record():
        mx.nd.Custom(x, op_type="sigmoid", out=out)
    out.backward()
    s = sigmoid_ref(X)
    np.testing.assert_allclose(x.grad.asnumpy(), s * (1 - s), rtol=1e-5)


def test_create_operator_gets_context_shapes_and_dtype_codes():
    CALLS["sigmoid"].clear()
    mx.nd.Custom(mx.nd.array(X, dtype=np.float64), op_type="sigmoid").wait_to_read()
    _, ctx, shapes, dtypes = CALLS["sigmoid"][0]
    assert ctx == mx.cpu(0) and shapes == [[4, 5]] and dtypes == [1]


def test_is_train_follows_autograd_modes():
    CALLS["sigmoid"].clear()
    x = mx.nd.array(X)
    mx.nd.Custom(x, op_type="sigmoid")
    with mx.autograd.record():
        mx.nd.Custom(x, op_type="sigmoid")
    with mx.autograd.record(train_mode=False):
        mx.nd.Custom(x, op_type="sigmoid")
    assert [e[1] for e in CALLS["sigmoid"] if e[0] == "forward"] == [False, True, False]


def test_aux_state_is_updated_in_place():
    data = RNG.standard_normal((6, 3))
    moving = mx.nd.zeros((3,))
    with mx.autograd.train_mode():
        y = mx.nd.Custom(mx.nd.array(data), moving, op_type="centre")
    np.testing.assert_allclose(moving.asnumpy(), 0.5 * data.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(y.asnumpy(), data - 0.5 * data.mean(axis=0), rtol=1e-5)


def test_ordering_with_pending_work_on_inputs_and_outputs():
    """The op's reads follow pending writes and later ops see its writes."""
    for _ in range(5):
        big = mx.nd.ones((512, 512))
        x = mx.nd.dot(big, big) / 512.0  # pending work on the input
        y = mx.nd.Custom(x, op_type="sigmoid")
        z = y * 2  # reads the output
        np.testing.assert_allclose(z.asnumpy(), np.full((512, 512), 2 * sigmoid_ref(1.0)), rtol=1e-5)


def test_runs_from_another_thread():
    results = []

    def work():
        results.append(mx.nd.Custom(mx.nd.array(X), op_type="sigmoid").asnumpy())

    t = threading.Thread(target=work)
    t.start()
    t.join()
    np.testing.assert_allclose(results[0], sigmoid_ref(X), rtol=1e-5)


def test_naive_engine_subprocess():
    script = ("import numpy as np, mxnet as mx, _custom_ops\n"
              "assert mx.engine.engine_type() == 'NaiveEngine'\n"
              "x = mx.nd.array(np.arange(6.0).reshape(2, 3)); x.attach_grad()\n"
              "with mx.autograd.record():\n"
              "    y = mx.nd.Custom(x, op_type='sigmoid')\n"
              "y.backward()\n"
              "s = 1 / (1 + np.exp(-np.arange(6.0).reshape(2, 3)))\n"
              "np.testing.assert_allclose(x.grad.asnumpy(), s * (1 - s), rtol=1e-5)\n"
              "print('NAIVE-CUSTOM-OK')\n")
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, MXNET_ENGINE_TYPE="NaiveEngine",
               PYTHONPATH=os.pathsep.join([tests_dir, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and "NAIVE-CUSTOM-OK" in proc.stdout, proc.stderr[-3000:]


# -- autograd ------------------------------------------------------------------

def test_softmax_gradient_is_softmax_minus_one_hot_without_top_grad():
    CALLS["softmax"].clear()
    x = mx.nd.array(X)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, mx.nd.array(LABEL), op_type="softmax")
    y.backward()
    expected = softmax_ref(X)
    expected[np.arange(4), LABEL] -= 1
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-5, atol=1e-6)
    _, out_grad, req = [e for e in CALLS["softmax"] if e[0] == "backward"][-1]
    assert out_grad == [None] and req == ["write", "write"]
    # one operator per call: forward and its backward share it
    assert sum(e[0] == "create_operator" for e in CALLS["softmax"]) == 1


def test_sigmoid_gradient_matches_finite_differences():
    check_gradient(lambda x: mx.nd.Custom(x, op_type="sigmoid"), [X])


def test_dense_gradient_matches_finite_differences():
    check_gradient(lambda x, w: mx.nd.Custom(x, w, op_type="dense", bias="0.5"),
                   [RNG.standard_normal((3, 4)), RNG.standard_normal((2, 4))])


def test_two_outputs_gradient_matches_finite_differences():
    check_gradient(lambda a, b: mx.nd.Custom(a, b, op_type="sum_prod"),
                   [RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3))])


def test_backward_gets_only_what_it_declared_and_keeps_its_operator():
    CALLS["exp"].clear()
    check_gradient(lambda x: mx.nd.Custom(x, op_type="exp") * 2, [X])
    _, in_data, saved_shape = CALLS["exp"][-1]
    assert in_data == [None] and saved_shape == X.shape


def test_custom_op_inside_a_larger_recorded_graph():
    def fn(x, w):
        h = mx.nd.FullyConnected(x, w, num_hidden=3, no_bias=True)
        return mx.nd.Custom(h * h, op_type="sigmoid").sum(axis=1)

    check_gradient(fn, [RNG.standard_normal((2, 4)), RNG.standard_normal((3, 4))])


def test_aux_states_get_no_gradient_and_are_passed_to_backward():
    CALLS["centre"].clear()
    x = mx.nd.array(RNG.standard_normal((6, 3)))
    moving = mx.nd.zeros((3,))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, moving, op_type="centre")
    y.backward(mx.nd.full((6, 3), 2.0))
    np.testing.assert_allclose(x.grad.asnumpy(), np.full((6, 3), 2.0))
    _, in_data, out_data, aux = CALLS["centre"][-1]
    assert in_data == [None] and out_data == [None] and len(aux) == 1


# -- symbols and executors -------------------------------------------------------

def softmax_symbol():
    data, label = mx.sym.var("data"), mx.sym.var("label")
    return mx.sym.Custom(data=data, label=label, op_type="softmax", name="sm")


def test_symbol_names_shapes_and_types_come_from_the_prop():
    s = softmax_symbol()
    assert s.list_arguments() == ["data", "label"]
    assert s.list_outputs() == ["sm_output"]
    args, outs, aux = s.infer_shape(data=(4, 5))
    assert args == [(4, 5), (4,)] and outs == [(4, 5)] and aux == []
    args, outs, _ = s.infer_type(data=np.float64, label=np.int32)
    assert args == [np.float64, np.int32] and outs == [np.float64]
    # the default infer_type leaves other arguments as they are, as in MXNet
    args, outs, _ = s.infer_type_partial(data=np.float64)
    assert args == [np.float64, None] and outs == [np.float64]


def test_missing_inputs_become_variables_named_by_list_arguments():
    s = mx.sym.Custom(mx.sym.var("x"), op_type="dense", bias=1, name="fc")
    assert s.list_arguments() == ["x", "fc_weight"]
    args, outs, _ = s.infer_shape(x=(3, 4), fc_weight=(2, 4))
    assert outs == [(3, 2)]


def test_json_round_trip_keeps_op_type_and_kwargs():
    s = mx.sym.Custom(mx.sym.var("x"), mx.sym.var("w"), op_type="dense", bias=2.5, name="fc")
    loaded = mx.sym.load_json(s.tojson())
    assert loaded.tojson() == s.tojson()
    assert loaded.attr_dict()["fc"] == {"op_type": "dense", "bias": "2.5"}
    x, w = RNG.standard_normal((3, 4)), RNG.standard_normal((2, 4))
    out = loaded.eval(ctx=mx.cpu(), x=mx.nd.array(x), w=mx.nd.array(w))[0]
    np.testing.assert_allclose(out.asnumpy(), x @ w.T + 2.5, rtol=1e-5)


def test_simple_bind_forward_backward_matches_the_tutorial_gradient():
    CALLS["softmax"].clear()
    ex = softmax_symbol().simple_bind(mx.cpu(), data=(4, 5), grad_req={"data": "write",
                                                                        "label": "null"})
    ex.arg_dict["data"][:] = X
    ex.arg_dict["label"][:] = LABEL
    for _ in range(2):  # the executor's one operator serves every pass
        ex.forward(is_train=True)
        ex.backward()
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), softmax_ref(X), rtol=1e-5)
    expected = softmax_ref(X)
    expected[np.arange(4), LABEL] -= 1
    np.testing.assert_allclose(ex.grad_dict["data"].asnumpy(), expected, rtol=1e-5, atol=1e-6)
    assert sum(e[0] == "create_operator" for e in CALLS["softmax"]) == 1


def test_grad_req_add_reaches_backward_as_add():
    CALLS["sigmoid"].clear()
    s = mx.sym.Custom(mx.sym.var("x"), op_type="sigmoid")
    ex = s.simple_bind(mx.cpu(), x=(4, 5), grad_req="add")
    ex.arg_dict["x"][:] = X
    ex.grad_dict["x"][:] = 1.0
    for _ in range(2):
        ex.forward(is_train=True)
        ex.backward(mx.nd.ones((4, 5)))
    s_ref = sigmoid_ref(X)
    np.testing.assert_allclose(ex.grad_dict["x"].asnumpy(), 1 + 2 * s_ref * (1 - s_ref), rtol=1e-5)
    assert [e[1] for e in CALLS["sigmoid"] if e[0] == "backward"] == [["add"], ["add"]]


def test_executor_inside_a_larger_graph_matches_autograd():
    x, w = mx.sym.var("x"), mx.sym.var("w")
    h = mx.sym.FullyConnected(x, w, num_hidden=3, no_bias=True)
    s = mx.sym.sum(mx.sym.Custom(h * h, op_type="sigmoid") * 3)
    xv, wv = RNG.standard_normal((2, 4)), RNG.standard_normal((3, 4))
    ex = s.simple_bind(mx.cpu(), x=(2, 4), w=(3, 4))
    ex.arg_dict["x"][:] = xv
    ex.arg_dict["w"][:] = wv
    ex.forward(is_train=True)
    ex.backward()
    xa, wa = mx.nd.array(xv), mx.nd.array(wv)
    xa.attach_grad()
    wa.attach_grad()
    with mx.autograd.record():
        ha = mx.nd.FullyConnected(xa, wa, num_hidden=3, no_bias=True)
        ya = mx.nd.sum(mx.nd.Custom(ha * ha, op_type="sigmoid") * 3)
    ya.backward()
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), ya.asnumpy(), rtol=1e-5)
    np.testing.assert_allclose(ex.grad_dict["x"].asnumpy(), xa.grad.asnumpy(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ex.grad_dict["w"].asnumpy(), wa.grad.asnumpy(), rtol=1e-4, atol=1e-6)


def test_executor_updates_aux_states_when_training():
    s = mx.sym.Custom(mx.sym.var("data"), op_type="centre", name="c")
    assert s.list_arguments() == ["data"]
    assert s.list_auxiliary_states() == ["c_moving_mean"]
    data = RNG.standard_normal((6, 3))
    ex = s.simple_bind(mx.cpu(), data=(6, 3))
    ex.arg_dict["data"][:] = data
    ex.aux_dict["c_moving_mean"][:] = 0
    ex.forward(is_train=False)
    np.testing.assert_allclose(ex.aux_dict["c_moving_mean"].asnumpy(), np.zeros(3))
    ex.forward(is_train=True)
    np.testing.assert_allclose(ex.aux_dict["c_moving_mean"].asnumpy(), 0.5 * data.mean(axis=0),
                               rtol=1e-5)
    ex.backward(mx.nd.ones((6, 3)))
    np.testing.assert_allclose(ex.grad_dict["data"].asnumpy(), np.ones((6, 3)))


# -- introspection ---------------------------------------------------------------

def test_registered_operators_and_their_arguments():
    assert "Custom" in mx.operator.get_all_registered_operators()
    args = mx.operator.get_operator_arguments("Custom")
    assert args.narg == 2 and args.names == ["data", "op_type"]
    assert args.types == ["NDArray-or-Symbol[]", "string"]
    fc = mx.operator.get_operator_arguments("FullyConnected")
    assert fc.names[:3] == ["data", "weight", "bias"] and "num_hidden" in fc.names


def test_registering_a_name_again_replaces_it():
    class Twice(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * 2)

    class Thrice(Twice):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * 3)

    for factor, op in ((2, Twice), (3, Thrice)):
        @mx.operator.register("scale_again")
        class ScaleProp(mx.operator.CustomOpProp):
            def create_operator(self, ctx, shapes, dtypes, op=op):
                return op()

        y = mx.nd.Custom(mx.nd.ones((2,)), op_type="scale_again")
        np.testing.assert_allclose(y.asnumpy(), [factor, factor])


# -- errors ----------------------------------------------------------------------

def failing_op(name, where):
    """Registers op_type name whose method `where` raises ValueError."""
    class Op(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            if where == "forward":
                raise ValueError("forward exploded")
            self.assign(out_data[0], req[0], in_data[0] + 1)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            if where == "backward":
                raise ValueError("backward exploded")
            self.assign(in_grad[0], req[0], out_grad[0])

    class Prop(mx.operator.CustomOpProp):
        def __init__(self):
            if where == "create_prop":
                raise ValueError("init exploded")
            super().__init__()

        def infer_shape(self, in_shape):
            if where == "infer_shape":
                raise ValueError("infer_shape exploded")
            if where == "infer_shape_arity":
                return [in_shape[0]]
            return super().infer_shape(in_shape)

        def declare_backward_dependency(self, out_grad, in_data, out_data):
            return [99] if where == "deps" else super().declare_backward_dependency(
                out_grad, in_data, out_data)

        def create_operator(self, ctx, shapes, dtypes):
            if where == "create_operator":
                raise ValueError("create_operator exploded")
            return Op()

    mx.operator.register(name)(Prop)


def still_works():
    y = mx.nd.Custom(mx.nd.array(X), op_type="sigmoid")
    np.testing.assert_allclose(y.asnumpy(), sigmoid_ref(X), rtol=1e-5)


@pytest.mark.parametrize("where,message", [
    ("forward", "Custom operator 'bad_forward' forward failed: ValueError: forward exploded"),
    ("create_prop", "Custom operator 'bad_create_prop' create_prop failed: ValueError: init"),
    ("infer_shape", "Custom operator 'bad_infer_shape' infer_shape failed: ValueError: infer_shape"),
    ("infer_shape_arity", "infer_shape failed: ValueError: infer_shape must return 2 or 3 lists"),
    ("create_operator", "'bad_create_operator' create_operator failed: ValueError: create_operator"),
    ("deps", "'bad_deps': declare_backward_dependency returned 99"),
])
def test_imperative_errors_name_the_op_and_leave_mx_working(where, message):
    failing_op("bad_" + where, where)
    with pytest.raises(MXNetError, match=message.replace("(", r"\(")):
        mx.nd.Custom(mx.nd.array(X), op_type="bad_" + where).asnumpy()
    still_works()


def test_backward_error_names_the_op_and_leaves_mx_working():
    failing_op("bad_backward", "backward")
    x = mx.nd.array(X)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, op_type="bad_backward")
    with pytest.raises(MXNetError, match="Custom operator 'bad_backward' backward failed: "
                                         "ValueError: backward exploded"):
        y.backward()
    still_works()


def test_executor_errors_name_the_op():
    failing_op("bad_forward_ex", "forward")
    failing_op("bad_create_operator_ex", "create_operator")
    ex = mx.sym.Custom(mx.sym.var("x"), op_type="bad_forward_ex").simple_bind(mx.cpu(), x=(2, 3))
    with pytest.raises(MXNetError, match="'bad_forward_ex' forward failed"):
        ex.forward()
    with pytest.raises(MXNetError, match="bind: .*'bad_create_operator_ex' create_operator failed"):
        mx.sym.Custom(mx.sym.var("x"), op_type="bad_create_operator_ex").simple_bind(mx.cpu(), x=(2, 3))
    failing_op("bad_infer_shape_sym", "infer_shape")
    with pytest.raises(MXNetError, match="'bad_infer_shape_sym' infer_shape failed"):
        mx.sym.Custom(mx.sym.var("x"), op_type="bad_infer_shape_sym").infer_shape(x=(2, 3))
    still_works()


def test_unknown_op_type_is_a_clear_error():
    with pytest.raises(MXNetError, match="Cannot find custom operator 'no_such_op'"):
        mx.nd.Custom(mx.nd.array(X), op_type="no_such_op")
    with pytest.raises(MXNetError, match="Cannot find custom operator 'no_such_op'"):
        mx.sym.Custom(mx.sym.var("x"), op_type="no_such_op")
    with pytest.raises(MXNetError, match="op_type.* is missing"):
        mx.nd.Custom(mx.nd.array(X))
    still_works()


def test_wrong_number_of_inputs_is_a_clear_error():
    with pytest.raises(MXNetError, match=r"Custom takes 2 input\(s\) \(data, label\), got 1"):
        mx.nd.Custom(mx.nd.array(X), op_type="softmax")
    with pytest.raises(MXNetError, match="takes 2 inputs, got 3"):
        mx.sym.Custom(mx.sym.var("a"), mx.sym.var("b"), mx.sym.var("c"), op_type="softmax")
    with pytest.raises(MXNetError, match="'labels' is not an input; its inputs are: data, label"):
        mx.sym.Custom(data=mx.sym.var("a"), labels=mx.sym.var("b"), op_type="softmax")
    with pytest.raises(TypeError, match="either as positional or keyword"):
        mx.sym.Custom(mx.sym.var("a"), label=mx.sym.var("b"), op_type="softmax")
    still_works()


def test_out_argument_of_the_wrong_shape_is_a_clear_error():
    with pytest.raises(MXNetError, match="output 'output' of custom operator 'sigmoid'"):
        mx.nd.Custom(mx.nd.array(X), op_type="sigmoid", out=mx.nd.zeros((2, 2)))
    still_works()


def test_backward_op_alone_needs_its_forward():
    with pytest.raises(MXNetError, match="runs only inside a backward pass"):
        x = mx.nd.array(X)
        mx.nd._internal._backward_Custom(x, x, x, op_type="sigmoid")
    still_works()
