"""Symbol.bind, simple_bind and eval: binding a graph to arrays (see executor.py)."""
import json

import numpy as np

from ..base import _LIB, check_call, ffi
from ..context import Context, current_context
from ..executor import Executor
from ..ndarray.ndarray import NDArray, zeros
from .symbol import Symbol

_GRAD_REQ = {"null": 0, "write": 1, "add": 3, "inplace": 1}
_MEMORY_FLAGS = -1  # MX_PLAN_DEFAULT


def _arrays(what, values, names, allow_missing):
    """values (list, or dict by name) as a list aligned with names."""
    if isinstance(values, (list, tuple)):
        if len(values) != len(names):
            raise ValueError("Length of %s does not match the number of arguments" % what)
        for v in values:
            if not (v is None and allow_missing) and not isinstance(v, NDArray):
                raise TypeError("Only accept list of NDArrays or dict of str to NDArray")
        return list(values)
    if isinstance(values, dict):
        out = []
        for name in names:
            if name in values:
                if not isinstance(values[name], NDArray):
                    raise TypeError("Only accept list of NDArrays or dict of str to NDArray")
                out.append(values[name])
            elif allow_missing:
                out.append(None)
            else:
                raise ValueError("key `%s` is missing in `%s`" % (name, what))
        return out
    raise TypeError("Only accept list of NDArrays or dict of str to NDArray")


def _grad_reqs(grad_req, names):
    if isinstance(grad_req, str):
        if grad_req not in _GRAD_REQ:
            raise ValueError("grad_req must be one of %s, got %r" % (sorted(_GRAD_REQ), grad_req))
        return [grad_req] * len(names)
    if isinstance(grad_req, (list, tuple)):
        if len(grad_req) != len(names):
            raise ValueError("grad_req must have one entry per argument")
        return list(grad_req)
    if isinstance(grad_req, dict):
        return [grad_req.get(name, "null") for name in names]
    raise TypeError("grad_req must be a str, a list or a dict")


def _handles(arrays):
    return ffi.new("MXNDArrayHandle[]", [ffi.NULL if a is None else a.handle for a in arrays])


def bind(self, ctx, args, args_grad=None, grad_req="write", aux_states=None, group2ctx=None,
         shared_exec=None):
    """Binds the symbol to arrays on ctx and returns an Executor.

    Parameters
    ----------
    ctx : Context
    args : list of NDArray or dict of str to NDArray
        Input arguments (list_arguments order for a list).
    args_grad : list of NDArray or dict of str to NDArray, optional
        Where gradients go.
    grad_req : {'write', 'add', 'null'}, or list of them, or dict of str to them
    aux_states : list of NDArray or dict of str to NDArray, optional
    group2ctx : dict of str to Context, optional
        Model parallelism: an op created under ``AttrScope(ctx_group=g)``
        runs on group2ctx[g], other ops on their inputs' device (else ctx);
        the arrays may be on any of these devices, and the executor copies
        between them.  Without it every array must be on ctx.
    shared_exec : Executor, optional
        Accepted for compatibility.
    """
    if not isinstance(ctx, Context):
        raise TypeError("Context type error")
    names = self.list_arguments()
    arg_arrays = _arrays("args", args, names, False)
    grad_arrays = ([None] * len(names) if args_grad is None
                   else _arrays("args_grad", args_grad, names, True))
    reqs = _grad_reqs(grad_req, names)
    for i, name in enumerate(names):
        if reqs[i] not in _GRAD_REQ:
            raise ValueError("grad_req must be one of %s, got %r" % (sorted(_GRAD_REQ), reqs[i]))
        if grad_arrays[i] is None:
            reqs[i] = "null"
    aux_arrays = _arrays("aux_states", aux_states or [], self.list_auxiliary_states(), False)
    out = ffi.new("MXExecutorHandle*")
    groups = sorted((group2ctx or {}).items())
    for group, group_ctx in groups:
        if not isinstance(group_ctx, Context):
            raise TypeError("group2ctx[%r] must be a Context, got %r" % (group, group_ctx))
    group_names = [ffi.new("char[]", g.encode()) for g, _ in groups]
    check_call(_LIB.MXExecutorBindGroups(
        self.handle, ctx.device_typeid, ctx.device_id, len(groups),
        ffi.new("const char*[]", group_names) if groups else ffi.NULL,
        ffi.new("int[]", [c.device_typeid for _, c in groups]) if groups else ffi.NULL,
        ffi.new("int[]", [c.device_id for _, c in groups]) if groups else ffi.NULL,
        len(names), _handles(arg_arrays),
        _handles(grad_arrays), ffi.new("int[]", [_GRAD_REQ[r] for r in reqs] or [0]),
        len(aux_arrays), _handles(aux_arrays), _MEMORY_FLAGS, out))
    return Executor(out[0], self, ctx, grad_req, group2ctx, arg_arrays, grad_arrays, aux_arrays,
                    has_gradients=any(r != "null" for r in reqs))


def _input_contexts(symbol, group2ctx):
    """Where simple_bind allocates each input (argument or auxiliary state),
    by name: on its ctx_group's device, else on that of the first op with a
    group that reads it, else on ctx -- where MXNet's device placement puts
    the variable."""
    if not group2ctx:
        return {}
    nodes = json.loads(symbol.tojson())["nodes"]
    where = {}
    for node in nodes:
        group_ctx = group2ctx.get(node.get("attrs", {}).get("__ctx_group__"))
        if group_ctx is None:
            continue
        if node["op"] == "null":
            where[node["name"]] = group_ctx
            continue
        for source in node["inputs"]:
            var = nodes[source[0]]
            if var["op"] == "null":
                where.setdefault(var["name"], group_ctx)
    return where


def simple_bind(self, ctx, grad_req="write", type_dict=None, stype_dict=None, group2ctx=None,
                shared_arg_names=None, shared_exec=None, shared_buffer=None, **kwargs):
    """Allocates the arrays (from the shapes in kwargs) and binds.

    Parameters
    ----------
    ctx : Context
    grad_req : str, list or dict
        As for bind; gradient arrays are allocated for arguments not 'null'.
    type_dict : dict of str to dtype, optional
        Input dtypes (float32 where neither given nor inferred).
    group2ctx : dict of str to Context, optional
        As for bind; each input is allocated on its ctx_group's device, or
        on that of the first op with a group that reads it.
    shared_arg_names : list of str, optional
        Arguments to take from shared_exec (same shape) instead of allocating.
    shared_exec : Executor, optional
    kwargs
        Input shapes by name.
    """
    if stype_dict and any(s != "default" for s in stype_dict.values()):
        raise NotImplementedError("sparse storage types are not supported")
    arg_shapes, _, aux_shapes = self.infer_shape(**kwargs)
    if arg_shapes is None:
        raise ValueError("simple_bind: cannot infer every shape from %s" % kwargs)
    arg_types, _, aux_types = self.infer_type_partial(**(type_dict or {}))
    names = self.list_arguments()
    reqs = _grad_reqs(grad_req, names)
    where = _input_contexts(self, group2ctx)
    shared = shared_exec.arg_dict if shared_exec is not None else {}
    shared_grads = shared_exec.grad_dict if shared_exec is not None else {}
    args, grads = [], []
    for name, shape, dtype, req in zip(names, arg_shapes, arg_types, reqs):
        dtype = dtype or np.float32
        reuse = shared_arg_names and name in shared_arg_names and name in shared and \
            shared[name].shape == shape
        arg_ctx = where.get(name, ctx)
        args.append(shared[name] if reuse else zeros(shape, ctx=arg_ctx, dtype=dtype))
        if req == "null":
            grads.append(None)
        elif reuse and shared_grads.get(name) is not None:
            grads.append(shared_grads[name])
        else:
            grads.append(zeros(shape, ctx=arg_ctx, dtype=dtype))
    aux = [zeros(shape, ctx=where.get(name, ctx), dtype=dtype or np.float32)
           for name, shape, dtype in zip(self.list_auxiliary_states(), aux_shapes, aux_types)]
    return bind(self, ctx, args, args_grad=grads, grad_req=reqs, aux_states=aux,
                group2ctx=group2ctx)


def eval(self, ctx=None, **kwargs):  # pylint: disable=redefined-builtin
    """Binds the arguments given by name, runs forward and returns the outputs."""
    ctx = ctx or current_context()
    return bind(self, ctx, kwargs).forward()


Symbol.bind = bind
Symbol.simple_bind = simple_bind
Symbol.eval = eval
