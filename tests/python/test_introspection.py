"""Op names, generated functions (docstrings, signatures), namespaces,
random seeding and versions."""
import inspect
import re

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError
from mxnet.ndarray import register

# MXNet 1.9 names (canonical, internal and aliases) the foundation provides
MXNET_NAMES = [
    "broadcast_add", "broadcast_plus", "broadcast_sub", "broadcast_minus", "broadcast_mul",
    "broadcast_div", "broadcast_mod", "broadcast_power", "broadcast_maximum", "broadcast_minimum",
    "broadcast_hypot", "broadcast_equal", "broadcast_not_equal", "broadcast_greater",
    "broadcast_greater_equal", "broadcast_lesser", "broadcast_lesser_equal",
    "broadcast_logical_and", "broadcast_logical_or", "broadcast_logical_xor",
    "elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div",
    "_plus", "_Plus", "_add", "_minus", "_Minus", "_sub", "_mul", "_Mul", "_div", "_Div",
    "_mod", "_Mod", "_power", "_Power", "_maximum", "_Maximum", "_minimum", "_Minimum",
    "_hypot", "_Hypot", "_equal", "_not_equal", "_greater", "_greater_equal", "_lesser",
    "_lesser_equal", "_logical_and", "_logical_or", "_logical_xor",
    "_plus_scalar", "_PlusScalar", "_minus_scalar", "_MinusScalar", "_rminus_scalar",
    "_RMinusScalar", "_mul_scalar", "_MulScalar", "_div_scalar", "_DivScalar", "_rdiv_scalar",
    "_RDivScalar", "_mod_scalar", "_ModScalar", "_rmod_scalar", "_RModScalar", "_power_scalar",
    "_PowerScalar", "_rpower_scalar", "_RPowerScalar", "_maximum_scalar", "_MaximumScalar",
    "_minimum_scalar", "_MinimumScalar", "_hypot_scalar", "_HypotScalar", "_equal_scalar",
    "_EqualScalar", "_not_equal_scalar", "_NotEqualScalar", "_greater_scalar", "_GreaterScalar",
    "_greater_equal_scalar", "_GreaterEqualScalar", "_lesser_scalar", "_LesserScalar",
    "_lesser_equal_scalar", "_LesserEqualScalar", "_logical_and_scalar", "_logical_or_scalar",
    "_logical_xor_scalar",
    "negative", "_copy", "identity", "_copyto", "Cast", "cast", "_zeros", "_ones", "_full",
    "Reshape", "reshape", "dot",
]


def function_of(name):
    """The function generated for an op (mx.nd.random and friends may hold
    hand-written wrappers with other signatures under the same name)."""
    return register.make_op_function(name, name)


def test_op_names_include_mxnet_names():
    names = set(register.list_ops())
    missing = [n for n in MXNET_NAMES if n not in names]
    assert not missing, missing


def test_list_ops_strings():
    names = register.list_ops()
    assert all(isinstance(n, str) and n for n in names)
    assert len(names) >= len(MXNET_NAMES)


def test_internal_namespace_holds_underscore_ops():
    for name in ("_plus_scalar", "_rminus_scalar", "_copyto", "_zeros", "_ones", "_full",
                 "_Plus", "_PlusScalar", "_mod", "_copy"):
        fn = getattr(mx.nd._internal, name)
        assert callable(fn)
        assert fn.__name__ == name
        assert name in dir(mx.nd._internal)
    # public ops live in mx.nd, not in _internal, and vice versa
    with pytest.raises(AttributeError):
        mx.nd._internal.broadcast_add
    with pytest.raises(AttributeError):
        mx.nd._plus_scalar


def test_public_namespace():
    for name in ("broadcast_add", "broadcast_plus", "elemwise_add", "dot", "Cast", "cast",
                 "Reshape", "reshape", "negative", "identity"):
        fn = getattr(mx.nd, name)
        assert callable(fn) and fn.__name__ == name
        assert getattr(mx.nd.op, name).__name__ == name
        assert name in dir(mx.nd)
    a = mx.nd.array([1, -2])
    np.testing.assert_array_equal(mx.nd.op.negative(a).asnumpy(), [-1, 2])


def test_function_accepts_name_kwarg():
    a = mx.nd.ones((2,))
    np.testing.assert_array_equal(mx.nd.broadcast_add(a, a, name="sum").asnumpy(), [2, 2])


@pytest.mark.parametrize("name", register.list_ops())
def test_every_op_function_has_docstring_and_signature(name):
    fn = function_of(name)
    info = register.OpInfo(name)
    doc = fn.__doc__
    assert doc and "Parameters" in doc and "Returns" in doc
    sig = inspect.signature(fn)
    params = list(sig.parameters)
    # positional inputs first, in order, then the op's parameters, then keyword-only inputs
    positional = info.input_names[:info.positional_inputs]
    assert params[:len(positional)] == positional, (params, info.input_names)
    keyword = info.input_names[info.positional_inputs:]
    assert params[len(positional) + len(info.params):][:len(keyword)] == keyword, params
    for pname, ptype, default, _ in info.params:
        assert pname in params
        assert re.search(r"^%s : " % re.escape(pname), doc, re.M), (pname, doc)
        if default is None:
            assert re.search(r"^%s : .*required" % re.escape(pname), doc, re.M), pname
        else:
            assert re.search(r"^%s : .*optional, default=" % re.escape(pname), doc, re.M), pname
    for iname in info.input_names:
        assert re.search(r"^%s : NDArray" % re.escape(iname), doc, re.M), (iname, doc)
    assert "out" in params


def test_signatures():
    def names(fn):
        return list(inspect.signature(fn).parameters)
    assert names(mx.nd.broadcast_add)[:2] == ["lhs", "rhs"]
    assert names(mx.nd.elemwise_add)[:2] == ["lhs", "rhs"]
    assert names(mx.nd.dot)[:5] == ["lhs", "rhs", "transpose_a", "transpose_b", "forward_stype"]
    assert names(mx.nd.negative)[0] == "data"
    assert names(mx.nd.Cast)[:2] == ["data", "dtype"]
    assert names(mx.nd.Reshape)[:3] == ["data", "shape", "reverse"]
    assert names(mx.nd._internal._plus_scalar)[:2] == ["data", "scalar"]
    assert names(mx.nd._internal._zeros)[:3] == ["shape", "ctx", "dtype"]
    assert "value" in names(mx.nd._internal._full)
    for fn in (mx.nd.dot, mx.nd.Cast, mx.nd._internal._zeros):
        assert "out" in names(fn) and "name" in names(fn)
    assert names(mx.nd.argmax_channel)[0] == "data"
    assert names(mx.nd.power)[:2] == names(mx.sym.power)[:2] == ["base", "exp"]
    # MXNet 1.9's log_softmax and softmin take no length input: axis comes second
    for fn in (mx.nd.log_softmax, mx.nd.softmin, mx.sym.log_softmax, mx.sym.softmin):
        assert names(fn)[:3] == ["data", "axis", "temperature"], fn
        kind = inspect.signature(fn).parameters["length"].kind
        assert kind is inspect.Parameter.KEYWORD_ONLY
    assert names(mx.nd.softmax)[:3] == ["data", "length", "axis"]


def test_log_softmax_and_softmin_take_axis_second_and_length_by_keyword():
    x = mx.nd.array([[1.0, 2.0, 3.0], [4.0, 6.0, 5.0]])
    for fn in (mx.nd.log_softmax, mx.nd.softmin):
        assert np.allclose(fn(x, 0).asnumpy(), fn(x, axis=0).asnumpy())
        with pytest.raises(MXNetError):  # a positional NDArray is not a length but a bad axis
            fn(x, mx.nd.array([1, 2], dtype="int32"))
        masked = fn(x, length=mx.nd.array([1, 2], dtype="int32"), use_length=True).asnumpy()
        assert np.allclose(masked[1, :2], fn(x[1:2, :2]).asnumpy()[0])
    y = mx.sym.log_softmax(mx.sym.var("x"), 0)
    assert y.list_attr()["axis"] == "0"


def test_docstrings_list_types_and_defaults():
    doc = mx.nd.dot.__doc__
    assert re.search(r"^lhs : NDArray", doc, re.M)
    assert re.search(r"^transpose_a : boolean, optional, default=", doc, re.M)
    assert re.search(r"^forward_stype : \{None, 'csr', 'default', 'row_sparse'\}, ?optional, "
                     r"default='None'", doc, re.M), doc
    doc = mx.nd.Cast.__doc__
    assert re.search(r"^dtype : \{.*'float32'.*'int32'.*\}, required", doc, re.M), doc
    doc = mx.nd._internal._full.__doc__
    assert re.search(r"^value : (float|double), required", doc, re.M), doc
    doc = mx.nd.Reshape.__doc__
    assert re.search(r"^shape : Shape\(tuple\), optional, default=", doc, re.M), doc
    doc = mx.nd._internal._zeros.__doc__
    assert re.search(r"^dtype : \{.*\}, ?optional, default='float32'", doc, re.M), doc
    doc = mx.nd.broadcast_add.__doc__
    assert re.search(r"^out : NDArray, optional", doc, re.M)


def test_docstring_defaults_in_mxnet_format():
    """MXNet prints a boolean default as 0/1, an empty shape as [] and an empty
    string as '' (e.g. dot: "transpose_a : boolean, optional, default=0")."""
    assert re.search(r"^transpose_a : boolean, optional, default=0$", mx.nd.dot.__doc__, re.M), \
        mx.nd.dot.__doc__
    assert re.search(r"^reverse : boolean, optional, default=0$", mx.nd.Reshape.__doc__, re.M)
    assert re.search(r"^shape : Shape\(tuple\), optional, default=\[\]$", mx.nd.Reshape.__doc__,
                     re.M)
    assert re.search(r"^ctx : string, optional, default=''$", mx.nd._internal._zeros.__doc__, re.M)


def test_op_info():
    info = register.OpInfo("dot")
    assert info.input_names == ["lhs", "rhs"]
    assert [p[0] for p in info.params] == ["transpose_a", "transpose_b", "forward_stype"]
    assert info.description
    cast = register.OpInfo("Cast")
    assert cast.params[0][0] == "dtype" and cast.params[0][2] is None  # required
    alias = register.OpInfo("cast")
    assert alias.handle == cast.handle
    with pytest.raises(MXNetError):
        register.OpInfo("no_such_op")


def test_module_of():
    assert register.module_of("broadcast_add") == ("", "broadcast_add")
    assert register.module_of("_plus_scalar") == ("_internal", "_plus_scalar")
    assert register.module_of("_contrib_foo") == ("contrib", "foo")
    assert register.module_of("_random_uniform") == ("random", "uniform")


def test_random_seed():
    mx.random.seed(42)
    mx.random.seed(0)
    mx.random.seed(2 ** 31 - 1)
    mx.random.seed(123, ctx=mx.cpu(0))
    mx.random.seed(7, ctx="all")
    with pytest.raises(ValueError):
        mx.random.seed("abc")
    with pytest.raises(ValueError):
        mx.random.seed(1.5)


def test_random_seed_takes_numpy_integers():
    mx.random.seed(np.int64(11))
    first = mx.nd.random.uniform(shape=(4,)).asnumpy()
    mx.random.seed(np.int32(11), ctx=mx.cpu(0))
    np.testing.assert_array_equal(mx.nd.random.uniform(shape=(4,)).asnumpy(), first)


def test_versions():
    assert mx.__version__.startswith("1.9")
    v = mx.runtime_version()
    assert isinstance(v, tuple) and len(v) == 3
    assert all(isinstance(x, int) and x >= 0 for x in v)
    assert v != (0, 0, 0)


def test_mxnet_error_exported():
    assert mx.MXNetError is MXNetError
    assert mx.base.MXNetError is MXNetError


def test_context_helpers():
    assert mx.num_gpus() == 0 or mx.num_gpus() > 0
    assert mx.current_context() == mx.cpu()
    assert mx.cpu_pinned(0).device_type == "cpu_pinned"
    assert mx.Context.default_ctx == mx.cpu(0)


_PLUGIN_OBJECTS = []


def test_an_op_input_named_out_still_gets_a_function():
    """A plugin op may call an input "out" (the frontend's keyword for the
    output array): its function is made, and the input is passed by position."""
    ffi = mx._ffi.declare_plugin_abi()
    keep = _PLUGIN_OBJECTS  # libmx keeps pointers to them for the life of the process

    def same_shape(attrs, num_attrs, num_inputs, in_shapes, in_ndims, num_outputs, out_shapes,
                   out_ndims, op_data):
        out_ndims[0] = in_ndims[0]
        for i in range(in_ndims[0]):
            out_shapes[0][i] = in_shapes[0][i]
        return 0

    def init(host, abi_version):
        # Every object a struct field points to is kept alive here: cffi
        # frees an owner (string, array, callback) once no name refers to it.
        name = ffi.new("char[]", b"introspection_input_named_out")
        input_name = ffi.new("char[]", b"out")
        input_names = ffi.new("const char*[]", [input_name])
        infer_shape = ffi.callback("MXInferShapeFn", same_shape, error=-1)
        op = ffi.new("MXOpDesc*")
        op.struct_size = ffi.sizeof("MXOpDesc")
        op.abi_major = 1
        op.name = name
        op.num_inputs = 1
        op.input_names = input_names
        op.num_outputs = 1
        op.infer_shape = infer_shape
        keep.extend([name, input_name, input_names, infer_shape, op])
        return host.register_op(op)

    mx.library.register("introspection_out_input", init)
    fn = mx.nd.introspection_input_named_out
    params = list(inspect.signature(fn).parameters)
    assert params[0] == "out" and params.count("out") == 1 and "name" in params
    assert "introspection_input_named_out" in dir(mx.sym)


def test_base_helpers_of_mxnet():
    from mxnet import base
    assert base._as_list(3) == [3] and base._as_list((1, 2)) == (1, 2)
    with mx.test_utils.environment("MXNET_HOME", "/tmp/mx_home_test"):
        assert base.data_dir() == "/tmp/mx_home_test"
    with mx.test_utils.environment("MXNET_HOME", None):
        assert base.data_dir() == base.data_dir_default()
        assert base.data_dir().endswith("mxnet")


def test_default_context_storage_is_mxnets():
    saved = mx.current_context()
    try:
        mx.Context._default_ctx.value = mx.cpu(3)  # as MXNet's test_utils does
        assert mx.current_context() == mx.cpu(3) and mx.nd.zeros(1).context == mx.cpu(3)
        mx.Context.default_ctx = mx.cpu(2)
        assert mx.current_context() == mx.cpu(2) == mx.Context.default_ctx
    finally:
        mx.Context._default_ctx.value = saved
    assert mx.current_context() == saved
