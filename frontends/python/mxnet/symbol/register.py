"""Symbol op functions (``mx.sym.FullyConnected``, ``mx.sym._internal._Plus``, ...)
made from the registry's introspection, as the NDArray ones are.

A call makes an op node (parameters parsed and checked in libmx), names it
(the NameManager's ``<op name lowercased><n>`` unless ``name`` is given) and
composes it with its input symbols; inputs not given become variables named
``<name>_<input>`` (``fc1_weight``), as in MXNet.
"""
import numpy as np

from .._registry import OpInfo, OpNamespace as _Namespace, _Null, docstring, param_str, signature
from ..attribute import AttrScope
from ..base import _LIB, c_str_array, check_call, ffi
from ..name import NameManager
from .symbol import Symbol


def _param_text(key, value):
    if key == "dtype" and value is not None and not isinstance(value, str):
        return np.dtype(value).name
    return param_str(key, value)


def make_op_function(op_name, func_name=None):
    """The Symbol function of an op."""
    info = OpInfo(op_name)
    handle = info.handle
    func_name = func_name or op_name
    hint = func_name.lower()
    variadic = info.variadic
    input_names = info.input_names
    positional_params = [] if variadic else input_names[:info.positional_inputs] + info.param_names

    def op_function(*args, **kwargs):
        name = kwargs.pop("name", None)
        attr = kwargs.pop("attr", None)
        kwargs.pop("out", None)
        if variadic:
            inputs, named = list(args), {}
        else:
            if len(args) > len(positional_params):
                raise TypeError("%s() takes at most %d positional arguments (%d given)"
                                % (func_name, len(positional_params), len(args)))
            inputs, named = [], {}
            for key, value in zip(positional_params, args):
                if key in kwargs:
                    raise TypeError("%s() got multiple values for argument '%s'" % (func_name, key))
                kwargs[key] = value
        kwargs.update(AttrScope.current.get(attr))
        keys, vals = [], []
        for key, value in kwargs.items():
            if isinstance(value, Symbol):
                named[key] = value
            elif value is _Null or (value is None and key in input_names):
                continue
            elif key in input_names:
                raise TypeError("%s(): input %s must be a Symbol, got %s"
                                % (func_name, key, type(value).__name__))
            else:
                keys.append(key)
                vals.append(_param_text(key, value))
        for i, value in enumerate(inputs):
            if not isinstance(value, Symbol):
                raise TypeError("%s(): argument %d must be a Symbol, got %s"
                                % (func_name, i, type(value).__name__))
        if info.key_var_num_args and info.key_var_num_args not in kwargs:
            keys.append(info.key_var_num_args)
            vals.append(str(len(inputs)))
        name = NameManager.current.get(name, hint)
        owned_keys, c_keys = c_str_array(keys)
        owned_vals, c_vals = c_str_array(vals)
        out = ffi.new("MXSymbolHandle*")
        check_call(_LIB.MXSymbolCreateAtomicSymbol(handle, name.encode("utf-8"), len(keys),
                                                   c_keys, c_vals, out))
        sym = Symbol(out[0])
        sym._compose(*inputs, name=name, **named)
        return sym

    op_function.__signature__ = signature(info, ("name", "attr", "out"))
    op_function.__name__ = op_function.__qualname__ = func_name
    op_function.__doc__ = docstring(info, kind="Symbol")
    return op_function


def OpNamespace(module_name):
    """The lazily made Symbol op functions of one module of mx.sym."""
    return _Namespace(module_name, make_op_function, "mxnet.symbol")
