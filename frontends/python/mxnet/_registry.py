"""The op registry as Python sees it: introspection (names, inputs,
parameters, docs) shared by the generated op functions of mx.nd and mx.sym.
"""
import inspect

import numpy as np

from .base import _LIB, check_call, ffi, py_str

_op_handles = {}


def op_handle(name):
    """The MXOpHandle of an op, cached."""
    h = _op_handles.get(name)
    if h is None:
        out = ffi.new("MXOpHandle*")
        check_call(_LIB.MXGetOpHandle(name.encode(), out))
        h = _op_handles[name] = out[0]
    return h


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
        self.handle = op_handle(name)
        c_name = ffi.new("const char**")
        desc = ffi.new("const char**")
        n_in = ffi.new("int*")
        n_out = ffi.new("int*")
        key_var = ffi.new("const char**")
        check_call(_LIB.MXOpGetInfo(self.handle, c_name, desc, n_in, n_out, key_var))
        self.name = name
        self.description = py_str(desc[0])
        self.key_var_num_args = py_str(key_var[0])
        # Inputs taken positionally, as many as given: counted by the
        # key_var_num_args parameter, or (Custom) named by other parameters.
        self.variadic = bool(self.key_var_num_args) or n_in[0] < 0
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
        # The leading inputs a call may pass by position; the rest are
        # keyword-only, after the parameters.
        self.positional_inputs = len(self.input_names) - _KEYWORD_INPUTS.get(name, 0)


# Rationale: MXNet 1.9's log_softmax and softmin take no `length` input, so
# their second positional argument is axis (log_softmax(x, 1)); MX takes
# their length, as softmax's, by keyword only.
_KEYWORD_INPUTS = {"log_softmax": 1, "softmin": 1}


class _NullType:
    """Marks a parameter left at the op's default."""

    def __repr__(self):
        return "_Null"


_Null = _NullType()


def param_str(key, value):
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
        items = ", ".join(param_str(None, v) for v in value)
        return "(%s,)" % items if len(value) == 1 else "(%s)" % items
    return str(value)


def default_text(type_info, default):
    """A default as MXNet's docs print it: booleans as 0/1, empty tuples as
    [], strings, choices and None quoted."""
    if type_info == "boolean":
        return {"True": "1", "False": "0"}.get(default, default)
    if default in ("()", "[]") and "tuple" in type_info.lower():
        return "[]"
    if type_info == "string" or type_info.startswith("{") or default == "None":
        return "'%s'" % default
    return default


def docstring(info, kind="NDArray"):
    """An op's docstring in MXNet's format; kind names the argument type."""
    lines = [info.description, "", "Parameters", "----------"]
    for name in info.input_names:
        if info.variadic:
            lines += ["%s : %s[]" % (name, kind), "    The inputs, as positional arguments."]
        else:
            lines += ["%s : %s" % (name, kind), "    Input %s." % kind]
    for name, type_info, default, doc in info.params:
        if name == info.key_var_num_args:
            doc += " (filled in from the number of input arrays when omitted)"
        spec = "required" if default is None else "optional, default=%s" % default_text(
            type_info, default)
        lines += ["%s : %s, %s" % (name, type_info, spec), "    " + doc]
    if kind == "NDArray":
        lines += ["out : NDArray, optional", "    The output NDArray to hold the result."]
    else:
        lines += ["name : string, optional.", "    Name of the resulting symbol."]
    lines += ["", "Returns", "-------", "out : %s or list of %ss" % (kind, kind),
              "    The output of this function."]
    return "\n".join(lines)


def signature(info, keyword_only):
    """An op function's signature: its inputs, its parameters (defaulting to
    _Null), then the keyword-only names (e.g. out, name) and **kwargs."""
    P = inspect.Parameter
    variadic = info.variadic
    if variadic:
        params = [P(info.input_names[0], P.VAR_POSITIONAL)]
    else:
        params = [P(n, P.POSITIONAL_OR_KEYWORD, default=None)
                  for n in info.input_names[:info.positional_inputs]]
    kind = P.KEYWORD_ONLY if variadic else P.POSITIONAL_OR_KEYWORD
    params += [P(n, kind, default=_Null) for n in info.param_names]
    if not variadic:
        params += [P(n, P.KEYWORD_ONLY, default=None)
                   for n in info.input_names[info.positional_inputs:]]
    # A plugin's op may name an input or parameter "out" or "name": the op's
    # own name is listed (pass such an input by position).
    taken = {p.name for p in params}
    params += [P(n, P.KEYWORD_ONLY, default=None) for n in keyword_only if n not in taken]
    params.append(P("kwargs", P.VAR_KEYWORD))
    return inspect.Signature(params)


def fluent_method(name, op_module, what, op_name=None):
    """The method `name` that calls op function op_name (default: name) of
    op_module() with self first: MXNet's fluent methods (a.sum(axis=1))."""
    op_name = op_name or name

    def method(self, *args, **kwargs):
        return getattr(op_module(), op_name)(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = ("Convenience fluent method for :py:func:`%s`.\n\nThe arguments are the same "
                      "as for :py:func:`%s`, with this %s as data." % (op_name, op_name, what))
    return method


class OpNamespace:
    """Lazily made op functions for one module (mx.nd, mx.sym._internal, ...).

    make_function(op_name, func_name) builds a function; package names the
    package its functions live in ("mxnet.ndarray" or "mxnet.symbol").
    """

    def __init__(self, module_name, make_function, package):
        self.module_name = module_name
        self._make_function = make_function
        self._package = package
        self._names = None  # function name -> op name

    def names(self):
        if self._names is None:
            names = {}
            for op_name in list_ops():
                module, func = module_of(op_name)
                if module == self.module_name:
                    names[func] = op_name
                elif module == "random" and self.module_name == "_internal":
                    # MXNet 1.9 keeps the samplers in _internal under their full
                    # names too (_internal._random_uniform) beside the wrappers.
                    names[op_name] = op_name
            self._names = names
        return self._names

    def make(self, func_name):
        op_name = self.names().get(func_name)
        if op_name is None:
            return None
        fn = self._make_function(op_name, func_name)
        fn.__module__ = self._package + ("." + self.module_name if self.module_name else "")
        return fn

    def refresh(self):
        """Forget the name list (after a plugin added ops)."""
        self._names = None


def module_getattr(namespace, module_qualname, module_globals):
    """A module-level __getattr__ / __dir__ pair serving namespace's ops."""
    def __getattr__(name):
        fn = namespace.make(name)
        if fn is None:
            raise AttributeError("module %r has no attribute %r" % (module_qualname, name))
        module_globals[name] = fn
        return fn

    def __dir__():
        return sorted(set(module_globals) | set(namespace.names()))

    return __getattr__, __dir__
