"""mx.operator: operators written in Python (MXNet 1.x's CustomOp).

Subclass :class:`CustomOpProp` (what the operator is: its inputs, outputs,
shapes, dtypes and what its backward reads) and :class:`CustomOp` (how it
computes), register the property class with ``@mx.operator.register(name)``
and call it as ``mx.nd.Custom(*inputs, op_type=name, **kwargs)`` or
``mx.sym.Custom(..., op_type=name)``.  Every keyword argument reaches the
property class's ``__init__`` as a string.

libmx calls back into this module through the C ABI (``MXCustomOpRegister``)
on the thread that runs the op; ``forward`` and ``backward`` compute with
ordinary ``mx.nd`` code on the arrays they get, which the engine orders with
all other work.  An exception raised in any method becomes an MXNetError
naming the operator, and MX keeps working.
"""
import collections
import itertools
import traceback

from ._registry import OpInfo, list_ops
from .base import _DTYPE_MX_TO_NP, _LIB, c_str_array, check_call, dtype_code, ffi, py_str
from .context import Context
from .ndarray import _invoke
from .ndarray.ndarray import _new_from_handle

__all__ = ["CustomOp", "CustomOpProp", "register", "get_all_registered_operators",
           "get_operator_arguments", "OperatorArguments"]

_REQ_NAMES = ("null", "write", "inplace", "add")
_MAX_NDIM = 32  # the row length of shapes in the callbacks (c_api.h)
_ERROR_CALLBACK = 11  # MX_ERROR_CALLBACK


class CustomOp:
    """Base class for operators implemented in Python: their computation."""

    def forward(self, is_train, req, in_data, out_data, aux):
        """Computes the outputs.

        Parameters
        ----------
        is_train : bool
            Whether this is for training.
        req : list of str
            How to assign to out_data: 'null', 'write', 'inplace' or 'add'
            (see :meth:`assign`).
        in_data, out_data, aux : list of NDArray
            The inputs, the outputs to fill and the auxiliary states (which
            forward may update).
        """

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        """Computes the gradients of the inputs (in_grad, per req) from
        out_grad.  Arrays that declare_backward_dependency did not ask for
        are None."""

    def assign(self, dst, req, src):
        """Assigns src to dst as req says: 'null' skips, 'write' and
        'inplace' overwrite, 'add' accumulates."""
        if req == "null":
            return
        if req in ("write", "inplace"):
            dst[:] = src
        elif req == "add":
            dst[:] += src


class CustomOpProp:
    """Base class for the properties of operators implemented in Python.

    Parameters
    ----------
    need_top_grad : bool
        Whether backward needs the gradients of the outputs (False for loss
        layers): what the default declare_backward_dependency passes on.
    """

    def __init__(self, need_top_grad=True):
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape):
        """Returns (in_shape, out_shape[, aux_shape]) from the argument
        shapes, each a list of shapes in the order of list_arguments,
        list_outputs and list_auxiliary_states.  An unknown shape is [] and
        an unknown dimension 0, as in MXNet 1.x."""
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type):
        """Returns (in_type, out_type[, aux_type]) from the argument dtypes
        (numpy types; None when unknown).  By default everything takes the
        first argument's dtype."""
        return (in_type, [in_type[0]] * len(self.list_outputs()),
                [in_type[0]] * len(self.list_auxiliary_states()))

    def list_outputs(self):
        """Names of the outputs."""
        return ["output"]

    def list_arguments(self):
        """Names of the arguments (inputs)."""
        return ["data"]

    def list_auxiliary_states(self):
        """Names of the auxiliary states: inputs the operator updates."""
        return []

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """Returns the ids (from the three lists) of what backward reads."""
        deps = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps

    def create_operator(self, ctx, in_shapes, in_dtypes):
        """Returns the CustomOp of one node, for its input shapes and dtype
        codes on ctx."""
        return CustomOp()


# Python objects the C side refers to by id (the void* it holds): property
# classes, property objects and operators, until libmx frees them.
_objects = {}
_ids = itertools.count(1)


def _keep(obj):
    key = next(_ids)
    _objects[key] = obj
    return ffi.cast("void*", key)


def _get(handle):
    return _objects[int(ffi.cast("intptr_t", handle))]


def _drop(handle):
    _objects.pop(int(ffi.cast("intptr_t", handle)), None)


class _Prop:
    """A property object and what the C side borrows from it."""

    def __init__(self, op_type, prop):
        self.op_type = op_type
        self.prop = prop
        self.arguments = list(prop.list_arguments())
        self.outputs = list(prop.list_outputs())
        self.aux_states = list(prop.list_auxiliary_states())
        n_out, n_args = len(self.outputs), len(self.arguments)
        self.deps = [int(d) for d in prop.declare_backward_dependency(
            list(range(n_out)), list(range(n_out, n_out + n_args)),
            list(range(n_out + n_args, 2 * n_out + n_args)))]
        self.buffers = []  # borrowed by libmx until free_prop

    def strings(self, names):
        owned, array = c_str_array([str(n) for n in names])
        self.buffers += [owned, array]
        return array

    def ints(self, values):
        array = ffi.new("int[]", values)
        self.buffers.append(array)
        return array


def _report(error):
    """Records a Python exception as the thread's MX error; returns -1."""
    where = ""
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        where = " (%s, line %d, in %s)" % (frames[-1].filename, frames[-1].lineno, frames[-1].name)
    message = "%s: %s%s" % (type(error).__name__, error, where)
    _LIB.MXSetLastError(_ERROR_CALLBACK, message.encode("utf-8", "replace"))
    return -1


def _split(result, what, counts):
    """(in, out, aux) lists from what infer_shape / infer_type returned."""
    if not isinstance(result, (list, tuple)) or len(result) not in (2, 3):
        raise ValueError("%s must return 2 or 3 lists" % what)
    parts = [list(p) for p in result] + ([[]] if len(result) == 2 else [])
    for part, count, kind in zip(parts, counts, ("input", "output", "aux state")):
        if len(part) != count:
            raise ValueError("%s: expecting %d entries in returned %s %ss, got %d"
                             % (what, count, kind, what.split("_")[1], len(part)))
    return parts


@ffi.callback("int(void*, const char*, uint32_t, const char* const*, const char* const*, "
              "MXCustomOpPropInfo*)", error=-1)
def _create_prop(state, op_type, num_kwargs, keys, vals, out):
    try:
        kwargs = {py_str(keys[i]): py_str(vals[i]) for i in range(num_kwargs)}
        prop = _Prop(py_str(op_type), _get(state)(**kwargs))
        out.num_arguments = len(prop.arguments)
        out.arguments = prop.strings(prop.arguments)
        out.num_outputs = len(prop.outputs)
        out.outputs = prop.strings(prop.outputs)
        out.num_aux_states = len(prop.aux_states)
        out.aux_states = prop.strings(prop.aux_states)
        out.num_backward_deps = len(prop.deps)
        out.backward_deps = prop.ints(prop.deps)
        out.prop = _keep(prop)
        return 0
    except Exception as error:  # reported through MXGetLastError, raised by the caller
        return _report(error)


@ffi.callback("int(void*, uint32_t, int*, int64_t*)", error=-1)
def _infer_shape(handle, num, ndims, dims):
    try:
        p = _get(handle)
        n_args, n_out = len(p.arguments), len(p.outputs)
        rows = [None if ndims[i] < 0 else [dims[_MAX_NDIM * i + d] for d in range(ndims[i])]
                for i in range(n_args)]
        # MXNet 1.x shows an unknown shape as [] and an unknown dim as 0;
        # when every argument is known, what comes back is taken literally.
        literal = all(r is not None and min(r, default=0) >= 0 for r in rows)
        in_shape = [[] if r is None else [max(d, 0) for d in r] for r in rows]
        shapes = _split(p.prop.infer_shape(in_shape), "infer_shape",
                        (n_args, n_out, len(p.aux_states)))
        for i, shape in enumerate(shapes[0] + shapes[1] + shapes[2]):
            shape = [int(d) for d in shape]
            if len(shape) > _MAX_NDIM:
                raise ValueError("infer_shape returned a shape of %d dimensions" % len(shape))
            if not literal and not shape:
                ndims[i] = -1
                continue
            ndims[i] = len(shape)
            for d, size in enumerate(shape):
                dims[_MAX_NDIM * i + d] = size if literal or size > 0 else -1
        return 0
    except Exception as error:
        return _report(error)


def _np_type(code):
    return _DTYPE_MX_TO_NP.get(code) if code >= 0 else None


@ffi.callback("int(void*, uint32_t, int*)", error=-1)
def _infer_type(handle, num, dtypes):
    try:
        p = _get(handle)
        n_args = len(p.arguments)
        types = _split(p.prop.infer_type([_np_type(dtypes[i]) for i in range(n_args)]),
                       "infer_type", (n_args, len(p.outputs), len(p.aux_states)))
        for i, t in enumerate(types[0] + types[1] + types[2]):
            dtypes[i] = -1 if t is None else dtype_code(t)
        return 0
    except Exception as error:
        return _report(error)


class _Operator:
    """A CustomOp with the device it runs on."""

    def __init__(self, op, ctx):
        self.op = op
        self.ctx = ctx


def _context(text):
    device, _, rest = text.partition("(")
    return Context(device, int(rest.rstrip(")") or 0))


@ffi.callback("int(void*, const char*, uint32_t, const int*, const int64_t*, const int*, void**)",
              error=-1)
def _create_operator(handle, ctx, num_inputs, ndims, dims, dtypes, out_op):
    try:
        context = _context(py_str(ctx))
        shapes = [[dims[_MAX_NDIM * i + d] for d in range(max(ndims[i], 0))]
                  for i in range(num_inputs)]
        op = _get(handle).prop.create_operator(context, shapes,
                                               [dtypes[i] for i in range(num_inputs)])
        out_op[0] = _keep(_Operator(op, context))
        return 0
    except Exception as error:
        return _report(error)


def _tensors(num, arrays, tags, writable):
    """The arrays of a call as NDArrays (owning their handles), grouped by
    tag: in_data, out_data, in_grad, out_grad, aux; those with a tag in
    writable may be assigned to."""
    groups = [[] for _ in range(5)]
    for i in range(num):
        tag = tags[i]
        groups[tag].append(None if arrays[i] == ffi.NULL
                           else _new_from_handle(arrays[i], writable=tag in writable))
    return groups


@ffi.callback("int(void*, int, uint32_t, MXNDArrayHandle*, const int*, const int*)", error=-1)
def _forward(handle, is_train, num, arrays, tags, reqs):
    try:
        in_data, out_data, _, _, aux = _tensors(num, arrays, tags, (1, 4))
        op = _get(handle)
        req = [_REQ_NAMES[reqs[k]] for k in range(len(out_data))]
        with op.ctx:
            op.op.forward(is_train=bool(is_train), req=req, in_data=in_data, out_data=out_data,
                          aux=aux)
        return 0
    except Exception as error:
        return _report(error)


@ffi.callback("int(void*, int, uint32_t, MXNDArrayHandle*, const int*, const int*)", error=-1)
def _backward(handle, is_train, num, arrays, tags, reqs):
    try:
        in_data, out_data, in_grad, out_grad, aux = _tensors(num, arrays, tags, (2, 4))
        op = _get(handle)
        req = [_REQ_NAMES[reqs[k]] for k in range(len(in_grad))]
        with op.ctx:
            op.op.backward(req=req, out_grad=out_grad, in_data=in_data, out_data=out_data,
                           in_grad=in_grad, aux=aux)
        return 0
    except Exception as error:
        return _report(error)


@ffi.callback("void(void*)")
def _free(handle):
    _drop(handle)


def register(reg_name):
    """Registers a CustomOpProp subclass as the custom operator reg_name
    (a decorator); registering a name again replaces it."""
    def do_register(prop_cls):
        table = ffi.new("MXCustomOpType*")
        table.struct_size = ffi.sizeof("MXCustomOpType")
        table.state = _keep(prop_cls)
        table.create_prop = _create_prop
        table.infer_shape = _infer_shape
        table.infer_type = _infer_type
        table.create_operator = _create_operator
        table.forward = _forward
        table.backward = _backward
        table.free_operator = table.free_prop = table.free_state = _free
        try:
            check_call(_LIB.MXCustomOpRegister(reg_name.encode("utf-8"), table))
        except Exception:
            _drop(table.state)
            raise
        _invoke.forget_bound_calls()
        return prop_cls
    return do_register


OperatorArguments = collections.namedtuple("OperatorArguments", ["narg", "names", "types"])


def get_all_registered_operators():
    """Names of every registered operator (and alias)."""
    return list_ops()


def get_operator_arguments(op_name):
    """An operator's arguments: its inputs, then its parameters, with their
    types as MXNet documents them."""
    info = OpInfo(op_name)
    input_type = "NDArray-or-Symbol[]" if info.variadic else "NDArray-or-Symbol"
    names = list(info.input_names) + [p[0] for p in info.params]
    types = [input_type] * len(info.input_names) + [p[1] for p in info.params]
    return OperatorArguments(len(names), names, types)

