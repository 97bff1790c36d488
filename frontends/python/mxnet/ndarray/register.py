"""NDArray op functions (``mx.nd.broadcast_add``, ``mx.nd._internal._plus_scalar``,
...) made from the registry's introspection, so ops from plugins appear too.

Each is a plain closure with a real ``__signature__`` and a docstring in
MXNet's format, built on first use so ``import mxnet`` stays fast.
"""
from .._registry import OpInfo, OpNamespace as _Namespace, _Null, docstring, param_str, signature
from .._registry import list_ops, module_of  # noqa: F401  (re-exported for tests and tools)
from ..context import Context, current_context
from . import _invoke
from .ndarray import NDArray, _new_from_handle


def make_op_function(op_name, func_name=None):
    """The Python function for an op."""
    info = OpInfo(op_name)
    handle = info.handle
    variadic = info.variadic
    input_names = info.input_names
    n_inputs = len(input_names)
    n_positional = info.positional_inputs
    param_names = info.param_names
    takes_ctx = "ctx" in info.param_names

    input_set = frozenset(input_names)

    def place_arguments(args, kwargs):
        """The inputs from positional arguments and input keywords (None
        inputs dropped); the remaining positionals become parameters."""
        inputs = list(args[:n_positional])
        for pname, value in zip(param_names, args[n_positional:]):
            if pname in kwargs:
                raise TypeError("%s() got multiple values for argument '%s'" % (func_name, pname))
            kwargs[pname] = value
        if len(args) > n_positional + len(param_names):
            raise TypeError("%s() takes at most %d positional arguments (%d given)"
                            % (func_name, n_positional + len(param_names), len(args)))
        for i in range(len(inputs), n_inputs):
            value = kwargs.pop(input_names[i], None)
            if value is not None:
                inputs.append(value)
        for k in input_names:
            if k in kwargs and kwargs[k] is None:
                kwargs.pop(k)
        return inputs

    def op_function(*args, **kwargs):
        out = kwargs.pop("out", None)
        kwargs.pop("name", None)
        if variadic:
            inputs = args
            if info.key_var_num_args and info.key_var_num_args not in kwargs:
                kwargs[info.key_var_num_args] = len(inputs)
        elif len(args) <= n_positional and input_set.isdisjoint(kwargs):
            inputs = args  # the common call: inputs positional, parameters by keyword
        else:
            inputs = place_arguments(args, kwargs)
        handles = []
        for i, arr in enumerate(inputs):
            if arr is None:  # an optional input left out: the next ones move up, as in MXNet
                continue
            if not isinstance(arr, NDArray):
                raise TypeError("%s(): input %s must be an NDArray, got %s"
                                % (func_name, input_names[min(i, n_inputs - 1)] if n_inputs else i,
                                   type(arr).__name__))
            handles.append(arr.handle)
        if takes_ctx and kwargs.get("ctx") is None:
            kwargs["ctx"] = current_context()
        keys = vals = ()
        if kwargs:
            keys, vals = [], []
            for key, value in kwargs.items():
                if value is _Null:
                    continue
                if isinstance(value, Context):
                    value = str(value)
                keys.append(key)
                vals.append(param_str(key, value))
            keys, vals = tuple(keys), tuple(vals)
        if out is not None:
            outs = out if isinstance(out, (list, tuple)) else [out]
            _invoke.invoke_bound(handle, handles, keys, vals, [o.handle for o in outs])
            return out
        results = [_new_from_handle(h) for h in _invoke.invoke_bound(handle, handles, keys, vals)]
        return results[0] if len(results) == 1 else results

    func_name = func_name or op_name
    op_function.__signature__ = signature(info, ("out", "name"))
    op_function.__name__ = func_name
    op_function.__qualname__ = func_name
    op_function.__doc__ = docstring(info)
    return op_function


def OpNamespace(module_name):
    """The lazily made NDArray op functions of one module of mx.nd."""
    return _Namespace(module_name, make_op_function, "mxnet.ndarray")
