"""mx.sym: building graphs, naming, attributes, JSON and inference."""
import copy
import json
import pickle
import warnings

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


def mlp():
    data = mx.sym.var("data")
    fc1 = mx.sym.FullyConnected(data, num_hidden=64, name="fc1")
    act = mx.sym.Activation(fc1, act_type="relu", name="relu1")
    return mx.sym.FullyConnected(act, num_hidden=10, name="fc2")


# -- building and naming -----------------------------------------------------------

def test_auto_variables_and_names():
    net = mlp()
    assert net.list_arguments() == ["data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"]
    assert net.list_outputs() == ["fc2_output"]
    assert net.list_auxiliary_states() == []
    assert net.list_inputs() == net.list_arguments()
    assert net.name == "fc2"
    # MXNet copies the op's attributes onto the variables it makes.
    assert net.get_internals()["fc1_weight"].list_attr() == {"num_hidden": "64"}


def test_name_manager_and_prefix():
    with mx.name.NameManager():
        a = mx.sym.var("a")
        x = mx.sym.exp(a)
        y = mx.sym.exp(x)
        z = (x + y) * 2
        assert (x.name, y.name) == ("exp0", "exp1")
        assert z.name == "_mulscalar0"
        assert z.get_children().name == "_plus0"
    with mx.name.Prefix("net_"):
        fc = mx.sym.FullyConnected(mx.sym.var("d"), num_hidden=3, name="fc")
    assert fc.name == "net_fc"
    assert fc.list_arguments() == ["d", "net_fc_weight", "net_fc_bias"]


def test_operators_use_mxnet_internal_ops():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    ops = {
        a + b: "elemwise_add", a - b: "elemwise_sub", a * b: "elemwise_mul",
        a / b: "elemwise_div", a % b: "_mod", a ** b: "_power",
        a + 1: "_plus_scalar", 1 + a: "_plus_scalar", a - 1: "_minus_scalar",
        1 - a: "_rminus_scalar", a * 2: "_mul_scalar", 2 / a: "_rdiv_scalar",
        a / 2: "_div_scalar", a % 2: "_mod_scalar", 2 % a: "_rmod_scalar",
        a ** 2: "_power_scalar", 2 ** a: "_rpower_scalar", -a: "_mul_scalar",
        a == b: "_equal", a != 1: "_not_equal_scalar", a > b: "_greater",
        a >= 1: "_greater_equal_scalar", a < b: "_lesser", a <= 1: "_lesser_equal_scalar",
    }
    for sym, op in ops.items():
        node = json.loads(sym.tojson())["nodes"][-1]
        assert node["op"] == op, (sym, node)
    with pytest.raises(TypeError, match="not supported"):
        a + "x"


def test_compose_positional_keyword_and_call():
    fc = mx.sym.FullyConnected(num_hidden=4, name="fc")
    assert fc.list_arguments() == ["fc_data", "fc_weight", "fc_bias"]
    net = fc(fc_data=mx.sym.exp(mx.sym.var("x"), name="e"))
    assert net.list_arguments() == ["x", "fc_weight", "fc_bias"]
    assert fc.list_arguments() == ["fc_data", "fc_weight", "fc_bias"]  # __call__ copies
    replaced = net(mx.sym.var("y"))
    assert replaced.list_arguments() == ["y", "fc_weight", "fc_bias"]
    w = mx.sym.var("shared_w")
    two = mx.sym.Group([mx.sym.FullyConnected(mx.sym.var("p"), weight=w, num_hidden=2, name="f1"),
                        mx.sym.FullyConnected(mx.sym.var("q"), weight=w, num_hidden=2, name="f2")])
    assert two.list_arguments() == ["p", "shared_w", "f1_bias", "q", "f2_bias"]
    with pytest.raises(TypeError, match="either as positional or keyword"):
        net._compose(mx.sym.var("a"), x=mx.sym.var("b"))
    with pytest.raises(MXNetError, match="names no input"):
        net(nothere=mx.sym.var("z"))
    with pytest.raises(MXNetError, match="is not an input"):
        mx.sym.FullyConnected(num_hidden=2, name="g", bogus=mx.sym.var("z"))


def test_compose_with_a_name_renames_the_head():
    fc = mx.sym.FullyConnected(num_hidden=4, name="fc")
    head = mx.sym.Activation(fc, act_type="relu", name="act")
    composed = head(fc_data=mx.sym.var("x"), name="composed")
    assert composed.name == "composed" and composed.list_outputs() == ["composed_output"]
    assert composed.list_arguments() == ["x", "fc_weight", "fc_bias"]  # inputs keep their names
    assert head.name == "act"  # __call__ composed a copy
    head._compose(fc_data=mx.sym.var("y"), name="in_place")
    assert head.name == "in_place"


def test_variadic_ops_count_their_inputs():
    a, b, c = (mx.sym.var(n) for n in "abc")
    cat = mx.sym.Concat(a, b, c, dim=1)
    assert cat.list_attr()["num_args"] == "3"
    assert cat.infer_shape(a=(2, 1), b=(2, 2), c=(2, 3))[1] == [(2, 6)]
    with pytest.raises(MXNetError, match="takes 2 inputs, got 3"):
        mx.sym.Concat(a, b, c, num_args=2)


def test_bad_parameters_are_rejected_at_creation():
    with pytest.raises(MXNetError, match="unknown parameter 'foo'"):
        mx.sym.FullyConnected(mx.sym.var("x"), num_hidden=2, foo=1)
    with pytest.raises(MXNetError, match="num_hidden"):
        mx.sym.FullyConnected(mx.sym.var("x"))
    with pytest.raises(TypeError, match="must be a Symbol"):
        mx.sym.Concat(mx.sym.var("x"), 3)


# -- structure ----------------------------------------------------------------------

def test_group_indexing_internals_children():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    g = mx.sym.Group([a + b, mx.sym.exp(a, name="e")])
    assert len(g) == 2 and g.name is None
    assert repr(g) == "<Symbol group [_plus0, e]>" or repr(g).startswith("<Symbol group [")
    assert g[1].name == "e" and g["e_output"].name == "e" and g[-1].name == "e"
    assert [s.name for s in g[0:2]] == [g[0].name, "e"]
    with pytest.raises(IndexError):
        g[2]
    with pytest.raises(ValueError, match="Cannot find output"):
        g["nope"]
    internals = g.get_internals()
    assert internals.list_outputs()[:2] == ["a", "b"]
    assert a.get_children() is None
    assert g[1].get_children().list_outputs() == ["a"]
    split = mx.sym.split(a, num_outputs=3, name="s")
    assert split.list_outputs() == ["s_output0", "s_output1", "s_output2"]
    assert len(list(split)) == 3


def test_attributes():
    a = mx.sym.var("a", attr={"mood": "angry"}, shape=(2, 3), lr_mult=2.0, wd_mult=0.5,
                   dtype="float16", init="zeros", __extra__="1")
    assert a.attr("mood") == "angry"
    assert a.attr("__shape__") == "(2, 3)" and a.attr("__dtype__") == "2"
    assert a.attr("lr_mult") == "2.0"  # a hidden key also answers to its plain name
    assert a.attr("missing") is None
    with pytest.raises(ValueError, match="double underscores"):
        mx.sym.var("b", foo=1)
    with pytest.raises(TypeError):
        mx.sym.var(3)
    b = mx.sym.var("b")
    c = a + b
    c._set_attr(__note__="x")  # op nodes take hidden annotations ...
    assert c.attr_dict()[c.name] == {"__note__": "x"}
    with pytest.raises(MXNetError, match="unknown parameter 'note'"):
        c._set_attr(note="x")  # ... but a plain key must be a parameter, as in MXNet
    assert c.attr_dict()[c.name] == {"__note__": "x"}
    assert c.attr_dict()["a"]["mood"] == "angry"
    with pytest.raises(ValueError, match="string values"):
        c._set_attr(__note__=1)
    with mx.AttrScope(ctx_group="stage1"):
        fc = mx.sym.FullyConnected(b, num_hidden=2, name="fc")
    assert fc.attr("ctx_group") == "stage1" and fc.attr("__ctx_group__") == "stage1"
    fc2 = mx.sym.FullyConnected(b, num_hidden=2, name="fc2")
    fc2._set_attr(num_hidden="5")
    assert fc2.infer_shape(b=(1, 3))[1] == [(1, 5)]
    with pytest.raises(MXNetError, match="num_hidden"):
        fc2._set_attr(num_hidden="abc")
    assert fc2.attr("num_hidden") == "5"  # a rejected value changes nothing


def test_copy_and_pickle_are_independent():
    net = mlp()
    for other in (copy.copy(net), copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert other.tojson() == net.tojson()
        other._set_attr(name="renamed")
        assert net.name == "fc2"


# -- JSON ---------------------------------------------------------------------------

def test_fixture_round_trips_byte_for_byte(fixtures):
    text = (fixtures / "misc-symbol.json").read_text()
    sym = mx.sym.load(str(fixtures / "misc-symbol.json"))
    assert sym.tojson() == text
    assert sym.list_outputs() == ["sum0_output", "softmax0_output", "concat0_output"]
    a = mx.sym.var("a", shape=(2, 3), lr_mult=2.0, dtype="float32")
    b = mx.sym.var("b")
    with mx.name.NameManager():
        y = mx.sym.reshape(mx.sym.transpose(mx.sym.broadcast_add(a, b) * 2 - 1), shape=(-1, 0))
        built = mx.sym.Group([mx.sym.sum(mx.sym.exp(y), axis=1, keepdims=True),
                              mx.sym.softmax(a, axis=-1), mx.sym.Concat(a, b, dim=0)])
    assert built.tojson() == text


def test_save_load_file(tmp_path):
    net = mlp()
    path = str(tmp_path / "net-symbol.json")
    net.save(path)
    back = mx.sym.load(path)
    assert back.tojson() == net.tojson()
    assert mx.sym.load_json(net.tojson()).list_arguments() == net.list_arguments()
    with pytest.raises(MXNetError, match="cannot open"):
        mx.sym.load(str(tmp_path / "missing.json"))
    with pytest.raises(TypeError):
        mx.sym.load_json(b"{}")


def test_reads_legacy_attr_spellings():
    legacy = {"nodes": [
        {"op": "null", "name": "x", "attr": {"lr_mult": "0.5"}, "inputs": []},
        {"op": "null", "name": "w", "inputs": []},
        {"op": "null", "name": "b", "inputs": []},
        {"op": "FullyConnected", "name": "fc", "param": {"num_hidden": "3"},
         "inputs": [[0, 0], [1, 0], [2, 0]], "backward_source_id": -1},
    ], "heads": [[3, 0]]}
    sym = mx.sym.load_json(json.dumps(legacy))
    assert sym.list_arguments() == ["x", "w", "b"]
    assert sym.get_internals()["x"].attr("__lr_mult__") == "0.5"
    assert sym.infer_shape(x=(2, 7))[0] == [(2, 7), (3, 7), (3,)]


def graph(nodes, heads):
    return json.dumps({"nodes": nodes, "arg_nodes": [], "heads": heads})


X = {"op": "null", "name": "x", "inputs": []}


@pytest.mark.parametrize("text, message", [
    (graph([X, {"op": "Foo", "name": "f", "inputs": [[0, 0, 0]]},
            {"op": "Bar", "name": "g", "inputs": [[1, 0, 0]]}], [[2, 0, 0]]),
     "unknown operators: Foo \\(node 'f'\\), Bar \\(node 'g'\\)"),
    (graph([X, {"op": "exp", "name": "e", "inputs": [[5, 0, 0]]}], [[1, 0, 0]]),
     "not defined before it"),
    (graph([{"op": "exp", "name": "e", "inputs": [[0, 0, 0]]}], [[0, 0, 0]]),
     "not defined before it"),
    (graph([X, {"op": "exp", "name": "e", "inputs": [[0, 3, 0]]}], [[1, 0, 0]]), "uses output 3"),
    (graph([X], [[4, 0, 0]]), "not defined before it"),
    (graph([X, {"op": "exp", "name": "e", "inputs": [[0, 0, 0], [0, 0, 0]]}], [[1, 0, 0]]),
     "has 2 inputs"),
    (graph([X, {"op": "exp", "name": "e", "attrs": {"bogus": "1"}, "inputs": [[0, 0, 0]]}],
           [[1, 0, 0]]), "unknown parameter 'bogus'"),
    ('{"nodes": [', "invalid JSON"),
    ('{"nodes": []}', "\"heads\" is missing"),
    ("[1, 2]", "not an object"),
    (graph([{"op": "null", "inputs": []}], [[0, 0, 0]]), "lacks"),
])
def test_bad_json(text, message):
    with pytest.raises(MXNetError, match=message):
        mx.sym.load_json(text)


# -- inference ----------------------------------------------------------------------

def test_infer_shape_both_ways():
    net = mlp()
    args, outs, aux = net.infer_shape(data=(5, 100))
    assert args == [(5, 100), (64, 100), (64,), (10, 64), (10,)]
    assert outs == [(5, 10)] and aux == []
    assert net.infer_shape((5, 100)) == (args, outs, aux)
    # Backward: b's shape from a's through the element-wise op.
    a, b = mx.sym.var("a"), mx.sym.var("b")
    assert (mx.sym.exp(a) + b).infer_shape(b=(2, 3))[0] == [(2, 3), (2, 3)]
    # FullyConnected needs its data (as in MXNet): the rest stays unknown.
    args, outs, _ = net.infer_shape_partial(fc1_weight=(64, 20))
    assert args[0] == () and args[1] == (64, 20) and outs == [()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert net.infer_shape(fc1_weight=(64, 20)) == (None, None, None)
    assert "data: ()" in str(caught[0].message)
    # 0 marks an unknown dimension, as in MXNet 1.x.
    assert net.infer_shape_partial(data=(0, 100))[2] == []
    assert net.infer_shape_partial(data=(0, 100))[0][1] == (64, 100)


def test_infer_shape_errors():
    net = mlp()
    with pytest.raises(MXNetError) as info:
        net.infer_shape(data=(5, 100), fc1_weight=(64, 50))
    message = str(info.value)
    assert "fc1" in message and "FullyConnected" in message
    assert "(64, 100)" in message and "(64, 50)" in message
    with pytest.raises(ValueError, match="either by positional or kwargs"):
        net.infer_shape((5, 100), data=(5, 100))
    with pytest.raises(TypeError, match="need to be shapes"):
        net.infer_shape(data=[5, 100])
    with pytest.raises(MXNetError, match="'nope' is not an input"):
        net.infer_shape(nope=(1,))
    a, b = mx.sym.var("a"), mx.sym.var("b")
    with pytest.raises(MXNetError, match="_plus0|elemwise_add"):
        (a + b).infer_shape(a=(2, 3), b=(3, 2))


def test_infer_shape_from_variable_attrs(fixtures):
    sym = mx.sym.load(str(fixtures / "misc-symbol.json"))
    args, outs, _ = sym.infer_shape(b=(2, 3))
    io = np.load(fixtures / "misc_io.npz")
    assert outs == [io["out0"].shape, io["out1"].shape, io["out2"].shape]
    with pytest.raises(MXNetError, match="contradicts its __shape__"):
        sym.infer_shape(a=(5, 5), b=(2, 3))


def test_infer_type():
    net = mlp()
    args, outs, aux = net.infer_type(data="float64")
    assert args == [np.float64] * 5 and outs == [np.float64] and aux == []
    assert net.infer_type(np.float16)[1] == [np.float16]
    with pytest.warns(UserWarning, match=r"Cannot decide type for the following arguments\. "
                      r"Consider providing them as input:\n\tdata: None"):
        assert net.infer_type() == (None, None, None)
    partial = net.infer_type_partial()
    assert partial[0] == [None] * 5
    a = mx.sym.var("a", dtype="float16")
    assert (a + mx.sym.var("b")).infer_type()[0] == [np.float16, np.float16]
    with pytest.raises(MXNetError, match="dtype"):
        net.infer_type(data="float32", fc1_weight="float64")


def test_debug_str_format():
    a = mx.sym.var("a")
    assert a.debug_str() == "Variable:a\n"
    text = mx.sym.exp(a, name="e").debug_str()
    assert text == ("Symbol Outputs:\n\toutput[0]=e(0)\nVariable:a\n--------------------\n"
                    "Op:exp, Name=e\nInputs:\n\targ[0]=a(0) version=0\n")
    assert "Attrs:\n\tnum_hidden=64\n" in mlp().debug_str()


def test_every_op_makes_a_symbol_and_partial_inference_never_crashes():
    from mxnet._registry import OpInfo, list_ops
    made = 0
    for name in list_ops():
        info = OpInfo(name)
        if any(default is None for _, _, default, _ in info.params
               if _ != info.key_var_num_args):
            continue  # a required parameter: no generic value
        fn = mx.sym.op.__getattr__(name) if not name.startswith("_") else \
            getattr(mx.sym._internal, name, None)
        if fn is None:
            continue
        args = [mx.sym.var("in%d" % i) for i in range(2)] if info.key_var_num_args else []
        try:
            sym = fn(*args)
        except MXNetError:
            continue
        sym.infer_shape_partial()
        sym.infer_type_partial()
        mx.sym.load_json(sym.tojson())
        made += 1
    assert made > 100


def test_c_api_handle_errors():
    from mxnet.base import _LIB, ffi
    out = ffi.new("MXSymbolHandle*")
    assert _LIB.MXSymbolCopy(ffi.NULL, out) == -1
    assert b"NULL" in ffi.string(_LIB.MXGetLastError())
    assert _LIB.MXSymbolCreateVariable(ffi.NULL, out) == -1
    assert _LIB.MXSymbolCreateVariable(b"v", out) == 0
    handle = out[0]
    assert _LIB.MXSymbolFree(handle) == 0
    assert _LIB.MXSymbolFree(handle) == -1
    assert b"not a live Symbol" in ffi.string(_LIB.MXGetLastError())
    assert _LIB.MXSymbolFree(ffi.NULL) == 0
    assert _LIB.MXSymbolCreateFromJSON(ffi.NULL, out) == -1
    size = ffi.new("uint32_t*")
    names = ffi.new("const char***")
    assert _LIB.MXSymbolListInputs(ffi.NULL, 0, size, names) == -1
    s = mx.sym.var("x")
    assert _LIB.MXSymbolListInputs(s.handle, 7, size, names) == -1
    assert b"invalid input kind" in ffi.string(_LIB.MXGetLastError())


def test_creation_and_number_functions():
    z = mx.sym.zeros((2, 3))
    assert z.infer_shape()[1] == [(2, 3)] and z.infer_type()[1] == [np.float32]
    assert mx.sym.ones((2,), dtype="int32").infer_type()[1] == [np.int32]
    np.testing.assert_allclose(mx.sym.full((2,), 7).eval()[0].asnumpy(), [7, 7])
    np.testing.assert_allclose(mx.sym.arange(0, 5, 2).eval()[0].asnumpy(), [0, 2, 4])
    np.testing.assert_allclose(mx.sym.eye(2).eval()[0].asnumpy(), np.eye(2))
    a = mx.sym.var("a")
    x = mx.nd.array([1.0, 4.0])
    for fn, ref in [(mx.sym.maximum, np.maximum), (mx.sym.minimum, np.minimum),
                    (mx.sym.pow, np.power), (mx.sym.hypot, np.hypot)]:
        np.testing.assert_allclose(fn(a, 2).eval(a=x)[0].asnumpy(), ref(x.asnumpy(), 2), rtol=1e-6)
        np.testing.assert_allclose(fn(3, a).eval(a=x)[0].asnumpy(), ref(3, x.asnumpy()), rtol=1e-6)
        np.testing.assert_allclose(fn(a, a).eval(a=x)[0].asnumpy(), ref(x.asnumpy(), x.asnumpy()),
                                   rtol=1e-6)
    assert mx.sym.maximum(2, 3) == 3 and mx.sym.pow(2, 3) == 8
    with pytest.raises(TypeError):
        mx.sym.maximum("a", a)


def test_linspace():
    s = mx.sym.linspace(2.0, 3.0, 5, endpoint=False, name="ls")
    assert s.name == "ls" and s.infer_type()[1] == [np.float32]
    np.testing.assert_allclose(s.eval()[0].asnumpy(), [2.0, 2.2, 2.4, 2.6, 2.8], rtol=1e-6)
    ints = mx.sym.linspace(0, 10, 4, dtype="int32").eval()[0]
    assert ints.dtype is np.int32
    np.testing.assert_array_equal(ints.asnumpy(), [0, 3, 6, 10])
    assert mx.sym.linspace(0, 1, 0).eval()[0].shape == (0,)


def test_split_v2():
    """mx.sym.split_v2 takes mx.nd.split_v2's arguments; its gradient joins the pieces'."""
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    a = mx.sym.var("a")
    pieces = mx.sym.split_v2(a, (1, 3), axis=-1)
    assert len(pieces.list_outputs()) == 3
    assert pieces.list_attr()["indices"] == "(0, 1, 3)"
    for got, want in zip(pieces.eval(a=mx.nd.array(x)), np.split(x, [1, 3], axis=-1)):
        np.testing.assert_array_equal(got.asnumpy(), want)
    squeezed = mx.sym.split_v2(a, 3, axis=1, squeeze_axis=True)
    assert squeezed.infer_shape(a=(2, 3, 4))[1] == [(2, 4)] * 3
    ex = (squeezed[1] * 2).simple_bind(mx.cpu(), a=(2, 3, 4))
    ex.forward(is_train=True, a=mx.nd.array(x))
    ex.backward(mx.nd.ones((2, 4)))
    np.testing.assert_array_equal(ex.grad_dict["a"].asnumpy(), np.broadcast_to([[0], [2], [0]], (2, 3, 4)))
    with pytest.raises(ValueError):
        mx.sym.split_v2(a, 5, axis=1).infer_shape(a=(2, 3, 4))  # 3 is not divisible by 5
    with pytest.raises(ValueError):
        mx.sym.split_v2(a, 1.5)


def test_hidden_attributes_are_listed_under_both_names():
    # MXNet stores lr_mult as __lr_mult__ and lists it under both names.
    with mx.AttrScope(group="4"):
        data = mx.sym.var("data", attr={"force_mirroring": "True"}, lr_mult=1)
    assert data.list_attr() == {"__lr_mult__": "1", "lr_mult": "1", "group": "4",
                                "__force_mirroring__": "True", "force_mirroring": "True"}
    conv = mx.sym.Convolution(data=data, name="conv", kernel=(1, 1), num_filter=1,
                              attr={"__mood__": "so so", "wd_mult": "x"})
    attrs = conv.list_attr()
    assert attrs["wd_mult"] == attrs["__wd_mult__"] == "x" and attrs["__mood__"] == "so so"
    assert "mood" not in attrs  # only MXNet's hidden keys get a plain twin
    nodes = conv.attr_dict()
    assert nodes["data"]["lr_mult"] == nodes["data"]["__lr_mult__"] == "1"
    assert nodes["conv"]["wd_mult"] == "x"
    with pytest.raises(DeprecationWarning):
        conv.list_attr(recursive=True)


def test_an_input_that_is_not_a_symbol_is_a_type_error():
    with pytest.raises(TypeError, match="input data must be a Symbol"):
        mx.sym.FullyConnected(1, num_hidden=2)
    with pytest.raises(TypeError, match="input weight must be a Symbol"):
        mx.sym.FullyConnected(mx.sym.var("x"), weight=np.ones((2, 2)), num_hidden=2)
    assert mx.sym.FullyConnected(mx.sym.var("x"), None, num_hidden=2, name="fc").list_arguments() \
        == ["x", "fc_weight", "fc_bias"]


def test_inplace_operators_and_bool_are_refused():
    from mxnet.base import NotImplementedForSymbol
    a = mx.sym.var("a")
    for fn in (lambda s: s.__iadd__(1), lambda s: s.__isub__(a), lambda s: s.__imul__(2),
               lambda s: s.__itruediv__(2), lambda s: bool(s)):
        with pytest.raises(NotImplementedForSymbol, match="not implemented for Symbol"):
            fn(a)
    for method in ("wait_to_read", "asnumpy", "asscalar", "copy", "as_in_context", "detach",
                   "backward"):
        with pytest.raises(NotImplementedForSymbol, match=method):
            getattr(a, method)()
    b = a
    with pytest.raises(MXNetError):
        b += 1
    assert b is a and a.list_arguments() == ["a"]
