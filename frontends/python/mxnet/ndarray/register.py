"""Op functions (``mx.nd.broadcast_add``, ``mx.nd._internal._plus_scalar``, ...)
made from the registry's introspection, so ops from plugins appear too.

Each is a plain closure with a real ``__signature__`` and a docstring in
MXNet's format, built on first use so ``import mxnet`` stays fast.
"""
import inspect

import numpy as np

from ..base import _LIB, check_call, ffi, py_str
from ..context import Context, current_context
from . import _invoke
from .ndarray import NDArray, _new_from_handle, _op

# Op name prefixes and the submodule of mx.nd they belong to (the prefix is
# stripped); other names starting with "_" go to mx.nd._internal as they are.
_SUBMODULE_PREFIXES = (("_contrib_", "contrib"), ("_linalg_", "linalg"), ("_random_", "random"),
                       ("_sparse_", "sparse"), ("_image_", "image"))


def list_ops():
    """Names of every registered op and alias."""
    size = ffi.new("uint32_t*")
    names = ffi.new("const char***")
    check_call(_LIB.MXListOps(size, names))
    return [py_str(names[0][i]) for i in range(size[0])]


def module_of(op_name):
    """(submodule, function name) of an op: ("", name) for mx.nd itself."""
    for prefix, module in _SUBMODULE_PREFIXES:
        if op_name.startswith(prefix):
            return module, op_name[len(prefix):]
    if op_name.startswith("_"):
        return "_internal", op_name
    return "", op_name


class OpInfo:
    """An op's description from the C ABI."""

    def __init__(self, name):
        self.handle = _op(name)
        c_name = ffi.new("const char**")
        desc = ffi.new("const char**")
        n_in = ffi.new("int*")
        n_out = ffi.new("int*")
        key_var = ffi.new("const char**")
        check_call(_LIB.MXOpGetInfo(self.handle, c_name, desc, n_in, n_out, key_var))
        self.name = name
        self.description = py_str(desc[0])
        self.key_var_num_args = py_str(key_var[0])
        size = ffi.new("uint32_t*")
        names = ffi.new("const char***")
        check_call(_LIB.MXOpGetInputNames(self.handle, size, names))
        self.input_names = [py_str(names[0][i]) for i in range(size[0])]
        n = ffi.new("uint32_t*")
        p_names, p_types, p_defaults, p_docs = (ffi.new("const char***") for _ in range(4))
        check_call(_LIB.MXOpGetParams(self.handle, n, p_names, p_types, p_defaults, p_docs))
        self.params = []
        for i in range(n[0]):
            default = p_defaults[0][i]
            self.params.append((py_str(p_names[0][i]), py_str(p_types[0][i]),
                                None if default == ffi.NULL else py_str(default),
                                py_str(p_docs[0][i])))
        self.param_names = [p[0] for p in self.params]


class _NullType:
    """Marks a parameter left at the op's default."""

    def __repr__(self):
        return "_Null"


_Null = _NullType()


def _param_str(key, value):
    """A parameter value in MXNet's string form: (2, 3), 1.5, True, None."""
    if isinstance(value, str):
        return value
    if key == "dtype" and value is not None:
        return np.dtype(value).name
    if isinstance(value, np.dtype):
        return value.name
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (tuple, list)):
        # Rationale: str() of a tuple would show numpy 2 scalars as np.int64(2).
        items = ", ".join(_param_str(None, v) for v in value)
        return "(%s,)" % items if len(value) == 1 else "(%s)" % items
    return str(value)


def _default_text(type_info, default):
    """A default as MXNet's docs print it: booleans as 0/1, empty tuples as
    [], strings, choices and None quoted."""
    if type_info == "boolean":
        return {"True": "1", "False": "0"}.get(default, default)
    if default in ("()", "[]") and "tuple" in type_info.lower():
        return "[]"
    if type_info == "string" or type_info.startswith("{") or default == "None":
        return "'%s'" % default
    return default


def _docstring(info):
    lines = [info.description, "", "Parameters", "----------"]
    for name in info.input_names:
        if info.key_var_num_args:
            lines += ["%s : NDArray[]" % name, "    The input arrays, as positional arguments."]
        else:
            lines += ["%s : NDArray" % name, "    Input array."]
    for name, type_info, default, doc in info.params:
        if name == info.key_var_num_args:
            doc += " (filled in from the number of input arrays when omitted)"
        spec = "required" if default is None else "optional, default=%s" % _default_text(
            type_info, default)
        lines += ["%s : %s, %s" % (name, type_info, spec), "    " + doc]
    lines += ["out : NDArray, optional", "    The output NDArray to hold the result.", "",
              "Returns", "-------", "out : NDArray or list of NDArrays",
              "    The output of this function."]
    return "\n".join(lines)


def make_op_function(op_name, func_name=None):
    """The Python function for an op."""
    info = OpInfo(op_name)
    handle = info.handle
    variadic = bool(info.key_var_num_args)
    input_names = info.input_names
    n_inputs = len(input_names)
    param_names = info.param_names
    takes_ctx = "ctx" in info.param_names

    def op_function(*args, **kwargs):
        out = kwargs.pop("out", None)
        kwargs.pop("name", None)
        inputs = []
        keys, vals = [], []
        if variadic:
            inputs = list(args)
            if info.key_var_num_args not in kwargs:
                kwargs[info.key_var_num_args] = len(inputs)
        else:
            positional = list(args)
            for i, value in enumerate(positional[:n_inputs]):
                inputs.append(value)
            for pname, value in zip(param_names, positional[n_inputs:]):
                if pname in kwargs:
                    raise TypeError("%s() got multiple values for argument '%s'" % (func_name, pname))
                kwargs[pname] = value
            if len(positional) > n_inputs + len(param_names):
                raise TypeError("%s() takes at most %d positional arguments (%d given)"
                                % (func_name, n_inputs + len(param_names), len(positional)))
            for i in range(len(inputs), n_inputs):
                value = kwargs.pop(input_names[i], None)
                if value is not None:
                    inputs.append(value)
        for k in input_names:
            if not variadic and k in kwargs and kwargs[k] is None:
                kwargs.pop(k)
        handles = []
        for i, arr in enumerate(inputs):
            if arr is None:
                break
            if not isinstance(arr, NDArray):
                raise TypeError("%s(): input %s must be an NDArray, got %s"
                                % (func_name, input_names[min(i, n_inputs - 1)] if n_inputs else i,
                                   type(arr).__name__))
            handles.append(arr.handle)
        if takes_ctx and kwargs.get("ctx") is None:
            kwargs["ctx"] = current_context()
        for key, value in kwargs.items():
            if value is _Null:
                continue
            if isinstance(value, Context):
                value = str(value)
            keys.append(key)
            vals.append(_param_str(key, value))
        if out is not None:
            outs = out if isinstance(out, (list, tuple)) else [out]
            _invoke.invoke(handle, handles, keys, vals, [o.handle for o in outs])
            return out
        results = [_new_from_handle(h) for h in _invoke.invoke(handle, handles, keys, vals)]
        return results[0] if len(results) == 1 else results

    func_name = func_name or op_name
    params = []
    if variadic:
        params.append(inspect.Parameter(input_names[0], inspect.Parameter.VAR_POSITIONAL))
    else:
        params += [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
                   for n in input_names]
    kind = inspect.Parameter.KEYWORD_ONLY if variadic else inspect.Parameter.POSITIONAL_OR_KEYWORD
    params += [inspect.Parameter(n, kind, default=_Null) for n in param_names]
    params += [inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None),
               inspect.Parameter("name", inspect.Parameter.KEYWORD_ONLY, default=None),
               inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD)]
    op_function.__signature__ = inspect.Signature(params)
    op_function.__name__ = func_name
    op_function.__qualname__ = func_name
    op_function.__doc__ = _docstring(info)
    return op_function


class OpNamespace:
    """Lazily made op functions for one module (mx.nd, mx.nd._internal, ...)."""

    def __init__(self, module_name):
        self.module_name = module_name
        self._names = None  # function name -> op name

    def names(self):
        if self._names is None:
            names = {}
            for op_name in list_ops():
                module, func = module_of(op_name)
                if module == self.module_name:
                    names[func] = op_name
            self._names = names
        return self._names

    def make(self, func_name):
        op_name = self.names().get(func_name)
        if op_name is None:
            return None
        fn = make_op_function(op_name, func_name)
        fn.__module__ = "mxnet.ndarray" + ("." + self.module_name if self.module_name else "")
        return fn

    def refresh(self):
        """Forget the name list (after a plugin added ops)."""
        self._names = None


