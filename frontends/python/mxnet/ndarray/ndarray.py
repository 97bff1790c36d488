"""NDArray: the imperative tensor of MXNet 1.x, backed by libmx."""
import operator
import warnings

import numpy as np

from ..base import (_LIB, _DTYPE_MX_TO_NP, check_call, dtype_code, ffi, mx_real_t,
                    numeric_types, integer_types)
from ..base import _DTYPE_NP_TO_MX  # noqa: F401  (mx.nd.ndarray._DTYPE_NP_TO_MX, as in MXNet)
from ..context import Context, _as_context
from .._registry import fluent_method, op_handle as _op
from . import _invoke
from . import dlpack as _dlpack
from . import indexing as _indexing

__all__ = ["NDArray", "array", "empty", "zeros", "ones", "full", "waitall"]

# grad_req names -> MXNet's codes (also mx.nd._GRAD_REQ_MAP, as in MXNet).
_GRAD_REQ_MAP = {"null": 0, "write": 1, "add": 3}

def _new_from_handle(handle, writable=True):
    arr = NDArray.__new__(NDArray)
    arr.handle = handle
    arr.writable = writable
    return arr


def _recording():
    """Whether autograd records (views are then replaced by recorded ops)."""
    from ..autograd import is_recording
    return is_recording()


def _new_alloc_handle(shape, ctx, dtype):
    shape = tuple(int(d) for d in shape)
    ctx = _as_context(ctx)
    c_shape = ffi.new("int64_t[]", shape) if shape else ffi.NULL
    out = ffi.new("MXNDArrayHandle*")
    check_call(_LIB.MXNDArrayCreate(c_shape, len(shape), ctx.device_typeid, ctx.device_id,
                                    dtype_code(dtype), out))
    return out[0]


def _binary_operator(array_op, scalar_op, scalar_fn, rscalar_op):
    """The method for ``self <op> other``.  NDArray and Python-number
    operands take the fast path (one bound call); anything else goes through
    _ufunc."""
    bound = []  # the array op's bound call, made on first use

    def method(self, other):
        if type(other) is NDArray:
            if not bound:
                bound.append(_call(array_op))
            handle = _call_binary(bound[0], self.handle, other.handle)
            arr = _new(NDArray)  # only after the call: a failed call leaves no object
            arr.handle = handle
            arr.writable = True
            return arr
        if type(other) is float or type(other) is int:
            return _scalar(self, other, scalar_op)
        return _ufunc(self, other, array_op, scalar_fn, scalar_op, rscalar_op)

    return method


class NDArray:
    """An n-dimensional array on a device, computed asynchronously.

    Operations return at once; the engine runs them in dependency order.
    Reading values (``asnumpy``, ``wait_to_read``) waits, and raises any
    error the computation produced.
    """

    __slots__ = ("handle", "writable", "__weakref__")
    # numpy defers to NDArray's reflected operators.
    __array_priority__ = 1000.0

    def __init__(self, handle, writable=True):
        self.handle = handle
        self.writable = writable

    def __del__(self, _free=_LIB.MXNDArrayFree):
        # _free is bound at definition: module globals may be gone at exit.
        handle = self.handle
        if handle is not None:
            _free(handle)

    # -- pickling: MXNet's state, the array's bytes in the .params record ----
    def __getstate__(self):
        if self.handle is None:
            return {"handle": None}
        size = ffi.new("size_t*")
        buf = ffi.new("const char**")
        check_call(_LIB.MXNDArraySaveRawBytes(self.handle, size, buf))
        return {"handle": bytes(ffi.buffer(buf[0], size[0]))}

    def __setstate__(self, state):
        self.writable = True
        self.handle = None
        raw = state["handle"]
        if raw is not None:
            out = ffi.new("MXNDArrayHandle*")
            check_call(_LIB.MXNDArrayLoadFromRawBytes(raw, len(raw), out))
            self.handle = out[0]

    # -- autograd ----------------------------------------------------------------
    def attach_grad(self, grad_req="write", stype=None):
        """Attaches a gradient buffer (zeros) to this array, making it a variable
        that ``autograd.backward`` computes gradients for.

        Parameters
        ----------
        grad_req : {'write', 'add', 'null'}
        stype : str, optional
            Storage type of the gradient ('default').
        """
        from ..autograd import mark_variables
        if stype not in (None, "default"):
            raise NotImplementedError("sparse gradients (stype=%r) are not supported" % stype)
        zeros = _new_from_handle(_invoke.call_unary(_call("zeros_like"), self.handle))
        mark_variables([self], [zeros], grad_req)

    @property
    def grad(self):
        """The gradient buffer attached by ``attach_grad`` (None without one)."""
        out = ffi.new("MXNDArrayHandle*")
        check_call(_LIB.MXNDArrayGetGrad(self.handle, out))
        return None if out[0] == ffi.NULL else _new_from_handle(out[0])

    @property
    def _fresh_grad(self):
        """Whether a backward pass wrote this variable's gradient since the flag
        was last cleared (Gluon's Trainer clears it after each update)."""
        out = ffi.new("int*")
        check_call(_LIB.MXNDArrayGetGradState(self.handle, out))
        return bool(out[0])

    @_fresh_grad.setter
    def _fresh_grad(self, state):
        check_call(_LIB.MXNDArraySetGradState(self.handle, 1 if state else 0))

    def detach(self):
        """The same data, outside any recorded graph."""
        out = ffi.new("MXNDArrayHandle*")
        check_call(_LIB.MXNDArrayDetach(self.handle, out))
        return _new_from_handle(out[0])

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Computes the gradients of this array with respect to the marked variables.

        Parameters
        ----------
        out_grad : NDArray, optional
            Gradient with respect to this array (ones by default).
        retain_graph : bool
            Keep the graph for another backward.
        train_mode : bool
        """
        from ..autograd import backward
        backward([self], None if out_grad is None else [out_grad], retain_graph, train_mode)

    # -- attributes ----------------------------------------------------------
    @property
    def shape(self):
        ndim = ffi.new("int*")
        dims = ffi.new("int64_t**")
        check_call(_LIB.MXNDArrayGetShape(self.handle, ndim, dims))
        return tuple(dims[0][0:ndim[0]])

    @property
    def size(self):
        size = 1
        for d in self.shape:
            size *= d
        return size

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def dtype(self):
        code = ffi.new("int*")
        check_call(_LIB.MXNDArrayGetDType(self.handle, code))
        return _DTYPE_MX_TO_NP[code[0]]

    @property
    def context(self):
        dev_type = ffi.new("int*")
        dev_id = ffi.new("int*")
        check_call(_LIB.MXNDArrayGetContext(self.handle, dev_type, dev_id))
        return Context(Context.devtype2str[dev_type[0]], dev_id[0])

    ctx = context

    @property
    def stype(self):
        return "default"

    def tostype(self, stype):
        """A copy in storage type stype; MX arrays are dense, so only
        'default' is accepted."""
        _check_stype(stype)
        return self.copy()

    # -- values --------------------------------------------------------------
    def asnumpy(self):
        """A numpy copy of the values (waits for pending writes)."""
        data = np.empty(self.shape, dtype=self.dtype)
        check_call(_LIB.MXNDArraySyncCopyToCPU(self.handle, ffi.from_buffer(data), data.size))
        return data

    def asscalar(self):
        """The value of a one-element array as a numpy scalar."""
        if self.shape != (1,):
            raise ValueError("The current array is not a scalar")
        return self.asnumpy().reshape(())[()]

    def __array__(self, dtype=None, copy=None):
        data = self.asnumpy()
        return data if dtype is None else data.astype(dtype, copy=False)

    def wait_to_read(self):
        """Block until pending writes to this array are done."""
        check_call(_LIB.MXNDArrayWaitToRead(self.handle))

    def wait_to_write(self):
        check_call(_LIB.MXNDArrayWaitToWrite(self.handle))

    def _sync_copyfrom(self, source_array):
        """Copy values from a numpy array (or array-like) into this array."""
        source = np.asarray(source_array, dtype=self.dtype)
        if source.shape != self.shape:
            try:
                source = np.broadcast_to(source, self.shape)
            except ValueError:
                raise ValueError("array shape %s does not match the NDArray's %s"
                                 % (source.shape, self.shape)) from None
        source = np.ascontiguousarray(source)
        check_call(_LIB.MXNDArraySyncCopyFromCPU(self.handle, ffi.from_buffer(source), source.size))

    # -- DLPack --------------------------------------------------------------
    def to_dlpack_for_read(self):
        """A DLPack capsule sharing this array's memory (after pending writes)."""
        return _dlpack.to_dlpack_for_read(self)

    def to_dlpack_for_write(self):
        """A DLPack capsule sharing this array's memory (after pending reads
        and writes)."""
        return _dlpack.to_dlpack_for_write(self)

    def __dlpack__(self, stream=None, **kwargs):
        """The DLPack protocol (numpy.from_dlpack, torch.from_dlpack).  The
        export waits until pending work on the array is finished -- on a GPU,
        by the device -- so a consumer may use it on any stream."""
        if stream is not None and stream != -1 and self.context.device_type != "gpu":
            raise BufferError("MX CPU arrays take no stream, got %r" % (stream,))
        return _dlpack.to_dlpack_for_write(self)

    def __dlpack_device__(self):
        ctx = self.context
        return (2 if ctx.device_type == "gpu" else 1, ctx.device_id)

    # -- copies, views, conversions -------------------------------------------
    def copyto(self, other):
        """Copy into another NDArray (returned), or to a new array on a Context.
        Copying an array onto itself warns and returns False, as in MXNet."""
        if isinstance(other, NDArray):
            if other.handle == self.handle:
                warnings.warn("You are attempting to copy an array to itself", RuntimeWarning)
                return False
            _invoke.invoke(_op("_copyto"), [self.handle], out_handles=[other.handle])
            return other
        if isinstance(other, Context):
            res = _new_from_handle(_new_alloc_handle(self.shape, other, self.dtype))
            _invoke.invoke(_op("_copyto"), [self.handle], out_handles=[res.handle])
            return res
        raise TypeError("copyto does not support type " + str(type(other)))

    def copy(self):
        """A deep copy on the same context."""
        return self.copyto(self.context)

    def as_in_context(self, context):
        """This array if already on context, else a copy there."""
        if self.context == context:
            return self
        return self.copyto(context)

    as_in_ctx = as_in_context

    def as_nd_ndarray(self):
        """This array itself: it is already a classic NDArray (MXNet 1.9's
        zero-copy conversion from its numpy-compatible arrays)."""
        return self

    def astype(self, dtype, copy=True):
        """A copy converted to dtype (this array itself if copy=False and the
        dtype already matches)."""
        if not copy and np.dtype(dtype) == np.dtype(self.dtype):
            return self
        res = _new_from_handle(_new_alloc_handle(self.shape, self.context, dtype))
        _invoke.invoke(_op("_copyto"), [self.handle], out_handles=[res.handle])
        return res

    def reshape(self, *shape, **kwargs):
        """A view with a new shape; accepts MXNet's special codes 0, -1, -2,
        -3, -4 and reverse=True.  While autograd records it runs the Reshape
        op instead, so the result is in the graph (MXNet records it too)."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        elif not shape:
            shape = kwargs.get("shape")
            if shape is None:
                raise TypeError("Shape must be provided.")
        unknown = [k for k in kwargs if k not in ("shape", "reverse")]
        if unknown:
            raise TypeError("Got unknown keywords in reshape: %s. Accepted keyword arguments "
                            "are 'shape' and 'reverse'." % ", ".join(unknown))
        shape = tuple(int(d) for d in shape)
        reverse = bool(kwargs.get("reverse", False))
        if _recording():
            from . import op
            return op.Reshape(self, shape=shape, reverse=reverse)
        return self._reshape_view(shape, reverse)

    def _reshape_view(self, shape, reverse=False):
        """A view with a new shape, never recorded: writes through it reach
        this array (``a[None, 1] = x`` assigns through one)."""
        out = ffi.new("MXNDArrayHandle*")
        dims = ffi.new("int64_t[]", shape) if shape else ffi.NULL
        check_call(_LIB.MXNDArrayReshape(self.handle, len(shape), dims, 1 if reverse else 0, out))
        return _new_from_handle(out[0], self.writable)

    # Views of the first axis (basic indexing).  While autograd records they
    # run the slice op instead: a view would be outside the graph.
    def _slice(self, start, stop):
        if _recording():
            from . import op
            return op.slice(self, begin=(start,), end=(stop,))
        out = ffi.new("MXNDArrayHandle*")
        check_call(_LIB.MXNDArraySlice(self.handle, start, stop, out))
        return _new_from_handle(out[0], self.writable)

    def _at(self, idx):
        shape = self.shape if _recording() else None
        if shape and -shape[0] <= idx < shape[0]:
            idx += shape[0] if idx < 0 else 0
            row = self._slice(idx, idx + 1)
            return row.reshape(shape[1:]) if len(shape) > 1 else row
        out = ffi.new("MXNDArrayHandle*")
        check_call(_LIB.MXNDArrayAt(self.handle, idx, out))  # raises for an index out of range
        return _new_from_handle(out[0], self.writable)

    def __getitem__(self, key):
        """Basic indexing (ints, slices, tuples, Ellipsis, None) gives views
        where MXNet does; see indexing.py."""
        return _indexing.get_item(self, key)

    def __setitem__(self, key, value):
        """``a[key] = value`` with value an NDArray, a number or array-like
        (broadcast to the target); see indexing.py."""
        _indexing.set_item(self, key, value)

    def __len__(self):
        shape = self.shape
        if not shape:
            raise TypeError("len() of unsized object")
        return shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __bool__(self):
        size = self.size
        if size == 0:
            return False
        if size == 1:
            return bool(self.asscalar())
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    __nonzero__ = __bool__

    def __float__(self):
        return float(self.asscalar())

    def __int__(self):
        return int(self.asscalar())

    def __index__(self):
        if not np.issubdtype(self.dtype, np.integer) or self.size != 1:
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return int(self.asscalar())

    def __repr__(self):
        shape_info = "x".join("%d" % d for d in self.shape)
        return "\n%s\n<%s %s @%s>" % (str(self.asnumpy()), self.__class__.__name__, shape_info,
                                      self.context)

    __hash__ = object.__hash__

    # -- arithmetic ------------------------------------------------------------
    __add__ = _binary_operator("broadcast_add", "_plus_scalar", operator.add, None)

    def __radd__(self, other):
        return self.__add__(other)

    def __iadd__(self, other):
        return _inplace(self, other, "broadcast_add", "_plus_scalar", "add to")

    __sub__ = _binary_operator("broadcast_sub", "_minus_scalar", operator.sub, "_rminus_scalar")

    def __rsub__(self, other):
        return _ufunc(other, self, "broadcast_sub", operator.sub, "_minus_scalar", "_rminus_scalar")

    def __isub__(self, other):
        return _inplace(self, other, "broadcast_sub", "_minus_scalar", "subtract from")

    __mul__ = _binary_operator("broadcast_mul", "_mul_scalar", operator.mul, None)

    def __rmul__(self, other):
        return self.__mul__(other)

    def __imul__(self, other):
        return _inplace(self, other, "broadcast_mul", "_mul_scalar", "multiply to")

    __truediv__ = _binary_operator("broadcast_div", "_div_scalar", operator.truediv, "_rdiv_scalar")

    def __rtruediv__(self, other):
        return _ufunc(other, self, "broadcast_div", operator.truediv, "_div_scalar", "_rdiv_scalar")

    def __itruediv__(self, other):
        return _inplace(self, other, "broadcast_div", "_div_scalar", "divide from")

    __div__, __rdiv__, __idiv__ = __truediv__, __rtruediv__, __itruediv__

    def __mod__(self, other):
        return _ufunc(self, other, "broadcast_mod", operator.mod, "_mod_scalar", "_rmod_scalar")

    def __rmod__(self, other):
        return _ufunc(other, self, "broadcast_mod", operator.mod, "_mod_scalar", "_rmod_scalar")

    def __imod__(self, other):
        return _inplace(self, other, "broadcast_mod", "_mod_scalar", "take modulo from")

    def __pow__(self, other):
        return _ufunc(self, other, "broadcast_power", operator.pow, "_power_scalar", "_rpower_scalar")

    def __rpow__(self, other):
        return _ufunc(other, self, "broadcast_power", operator.pow, "_power_scalar", "_rpower_scalar")

    def __neg__(self):
        return _new_from_handle(_invoke.call_unary(_call("negative"), self.handle))

    def __pos__(self):
        return self

    def __abs__(self):
        return _new_from_handle(_invoke.call_unary(_call("abs"), self.handle))

    def __eq__(self, other):
        return _ufunc(self, other, "broadcast_equal", lambda x, y: 1 if x == y else 0,
                      "_equal_scalar", None)

    def __ne__(self, other):
        return _ufunc(self, other, "broadcast_not_equal", lambda x, y: 1 if x != y else 0,
                      "_not_equal_scalar", None)

    def __gt__(self, other):
        return _ufunc(self, other, "broadcast_greater", lambda x, y: 1 if x > y else 0,
                      "_greater_scalar", "_lesser_scalar")

    def __ge__(self, other):
        return _ufunc(self, other, "broadcast_greater_equal", lambda x, y: 1 if x >= y else 0,
                      "_greater_equal_scalar", "_lesser_equal_scalar")

    def __lt__(self, other):
        return _ufunc(self, other, "broadcast_lesser", lambda x, y: 1 if x < y else 0,
                      "_lesser_scalar", "_greater_scalar")

    def __le__(self, other):
        return _ufunc(self, other, "broadcast_lesser_equal", lambda x, y: 1 if x <= y else 0,
                      "_lesser_equal_scalar", "_greater_equal_scalar")


_calls = {}


# -- fluent methods -----------------------------------------------------------
# a.sum(axis=1) is mx.nd.sum(a, axis=1): MXNet 1.9's fluent methods, made
# from one table.  The op function is looked up on each call, so methods of
# ops added by plugins work too.
_FLUENT_METHODS = (
    "zeros_like", "ones_like", "broadcast_axes", "repeat", "pad", "swapaxes", "split", "slice",
    "slice_axis", "slice_like", "take", "one_hot", "pick", "sort", "topk", "argsort", "argmax",
    "argmax_channel", "argmin", "clip", "abs", "sign", "flatten", "shape_array", "size_array",
    "expand_dims", "tile", "transpose", "flip", "diag", "sum", "nansum", "prod", "nanprod",
    "mean", "max", "min", "norm", "round", "rint", "fix", "floor", "ceil", "trunc", "sin", "cos",
    "tan", "arcsin", "arccos", "arctan", "degrees", "radians", "sinh", "cosh", "tanh", "arcsinh",
    "arccosh", "arctanh", "exp", "expm1", "log", "log10", "log2", "log1p", "sqrt", "rsqrt",
    "cbrt", "rcbrt", "square", "reciprocal", "relu", "sigmoid", "softmax", "log_softmax", "softmin",
    "squeeze", "reshape_like", "depth_to_space", "space_to_depth",
)


def _op_module():
    from . import op
    return op


for _name in _FLUENT_METHODS:
    setattr(NDArray, _name, fluent_method(_name, _op_module, "array"))


def _T(self):
    """The array with axes reversed (this array itself when ndim < 2)."""
    if len(self.shape) < 2:
        return self
    from . import op
    return op.transpose(self)


def _broadcast_to(self, shape):
    """Broadcast to shape, prepending size-1 axes as numpy does."""
    from . import op
    shape = tuple(shape)
    cur = self.shape
    message = ("operands could not be broadcast together with remapped shapes "
               "[original->remapped]: %s and requested shape %s" % (cur, shape))
    if len(shape) < len(cur):
        raise ValueError(message)
    padded = (1,) * (len(shape) - len(cur)) + cur
    if any(c != 1 and c != s for c, s in zip(padded, shape)):
        raise ValueError(message)
    data = self.reshape(padded) if padded != cur else self
    return op.broadcast_to(data, shape=shape)


def _broadcast_like(self, other):
    """Broadcast to other's shape."""
    return _broadcast_to(self, other.shape)


def _split_v2(self, *args, **kwargs):
    """Convenience fluent method for :py:func:`split_v2`."""
    from .compose import split_v2
    return split_v2(self, *args, **kwargs)


def _flatten(self, inplace=False):
    """Collapses all axes but the first; inplace=True gives a view sharing
    this array's memory, otherwise a copy."""
    if not inplace:
        return _op_module().flatten(self)
    return self.reshape((0, -1))


def _expand_dims(self, axis, inplace=False):
    """Inserts a size-1 axis at `axis` (in [-ndim-1, ndim]); inplace=True gives
    a view sharing this array's memory, otherwise a copy."""
    if not inplace:
        return _op_module().expand_dims(self, axis=axis)
    shape = list(self.shape)
    if not -len(shape) - 1 <= axis <= len(shape):
        raise ValueError("axis %d is out of range for %dd array" % (axis, len(shape)))
    shape.insert(axis + len(shape) + 1 if axis < 0 else axis, 1)
    return self.reshape(shape)


def _squeeze(self, axis=None, inplace=False):
    """Removes size-1 axes (all of them, or those in `axis`); inplace=True
    gives a view sharing this array's memory, otherwise a copy."""
    if not inplace:
        return _op_module().squeeze(self, axis=axis)
    shape = list(self.shape)
    if axis is None:
        drop = [i for i, d in enumerate(shape) if d == 1]
    else:
        axes = [axis] if isinstance(axis, integer_types) else list(axis)
        for a in axes:
            if not -len(shape) <= a < len(shape):
                raise ValueError("axis %d is out of range for %dd array" % (a, len(shape)))
        drop = [a % len(shape) for a in axes]
        if len(set(drop)) != len(drop):
            raise ValueError("axis %s contains duplicate which is not allowed." % (axis,))
        for a, d in zip(axes, drop):
            if shape[d] != 1:
                raise ValueError("Squeeze target axis %d must be size 1, got %d." % (a, shape[d]))
    kept = [d for i, d in enumerate(shape) if i not in drop]
    return self.reshape(kept or [1])


NDArray.flatten = _flatten
NDArray.expand_dims = _expand_dims
NDArray.squeeze = _squeeze
NDArray.T = property(_T)
NDArray.split_v2 = _split_v2
NDArray.broadcast_to = _broadcast_to
NDArray.broadcast_like = _broadcast_like


def _call(op_name):
    """The bound call of a parameterless op, by name."""
    call = _calls.get(op_name)
    if call is None:
        call = _calls[op_name] = _invoke.bound_call(_op(op_name))
    return call


def _binary(lhs, rhs, op_name):
    """lhs op rhs for two NDArrays."""
    handle = _call_binary(_calls.get(op_name) or _call(op_name), lhs.handle, rhs.handle)
    arr = _new(NDArray)  # only after the call: a failed call leaves no object
    arr.handle = handle
    arr.writable = True
    return arr


_new = NDArray.__new__
_call_binary = _invoke.call_binary


_scalar_calls = {}
_call_unary = _invoke.call_unary


def _scalar_call(op_name, scalar):
    """The bound call of a scalar op (``_plus_scalar``...) for one value."""
    key = (op_name, scalar)
    call = _scalar_calls.get(key)
    if call is None:
        if len(_scalar_calls) >= 4096:
            _scalar_calls.clear()
        call = _scalar_calls[key] = _invoke.bound_call(_op(op_name), ("scalar",), (repr(float(scalar)),))
    return call


def _scalar(data, scalar, op_name):
    """data op scalar (or scalar op data for the _r* ops)."""
    handle = _call_unary(_scalar_calls.get((op_name, scalar)) or _scalar_call(op_name, scalar),
                         data.handle)
    arr = _new(NDArray)
    arr.handle = handle
    arr.writable = True
    return arr


def _ufunc(lhs, rhs, array_op, scalar_fn, scalar_op, rscalar_op):
    """MXNet's _ufunc_helper: array op array broadcasts; array op number uses
    the scalar op (the reversed one when the number is on the left)."""
    if isinstance(lhs, NDArray):
        if isinstance(rhs, NDArray):
            return _binary(lhs, rhs, array_op)
        if isinstance(rhs, numeric_types):
            return _scalar(lhs, rhs, scalar_op)
        raise TypeError("type %s not supported" % str(type(rhs)))
    if isinstance(lhs, numeric_types):
        if isinstance(rhs, NDArray):
            return _scalar(rhs, lhs, rscalar_op or scalar_op)
        if isinstance(rhs, numeric_types):
            return scalar_fn(lhs, rhs)
    raise TypeError("type %s not supported" % str(type(lhs)))


def _inplace(self, other, array_op, scalar_op, verb):
    if not self.writable:
        raise ValueError("trying to %s a readonly NDArray" % verb)
    if isinstance(other, NDArray):
        _invoke.invoke(_op(array_op), [self.handle, other.handle], out_handles=[self.handle])
    elif isinstance(other, numeric_types):
        _invoke.call_unary(_scalar_call(scalar_op, other), self.handle, self.handle)
    else:
        raise TypeError("type %s not supported" % str(type(other)))
    return self


# -- creation --------------------------------------------------------------
def _shape_tuple(shape):
    if isinstance(shape, integer_types):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _check_stype(stype):
    if stype not in (None, "default"):
        raise NotImplementedError("storage type %r is not supported; MX arrays are dense" % (stype,))


def empty(shape, ctx=None, dtype=None, stype=None):
    """A new array with uninitialised values."""
    _check_stype(stype)
    return _new_from_handle(_new_alloc_handle(_shape_tuple(shape), ctx, dtype or mx_real_t))


def _fill(op_name, shape, ctx, dtype, out, extra=()):
    ctx = _as_context(ctx)
    dtype = mx_real_t if dtype is None else dtype
    dtype_code(dtype)  # an MXNetTypeError for a dtype MX does not have
    keys = ("shape", "ctx", "dtype") + tuple(k for k, _ in extra)
    vals = (str(_shape_tuple(shape)), str(ctx), np.dtype(dtype).name) + tuple(v for _, v in extra)
    if out is not None:
        _invoke.invoke(_op(op_name), [], keys, vals, out_handles=[out.handle])
        return out
    return _new_from_handle(_invoke.invoke(_op(op_name), [], keys, vals)[0])


def zeros(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """A new array of zeros (float32 unless dtype is given)."""
    _check_stype(stype)
    return _fill("_zeros", shape, ctx, dtype, kwargs.get("out"))


def ones(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """A new array of ones (float32 unless dtype is given)."""
    _check_stype(stype)
    return _fill("_ones", shape, ctx, dtype, kwargs.get("out"))


def full(shape, val, ctx=None, dtype=mx_real_t, out=None):
    """A new array filled with val."""
    return _fill("_full", shape, ctx, dtype, out, (("value", repr(float(val))),))


def array(source_array, ctx=None, dtype=None):
    """An NDArray with a copy of source_array's values.

    The dtype defaults to ``source_array.dtype`` for an NDArray and to
    float32 for anything else (numpy arrays included), as in MXNet.
    """
    if isinstance(source_array, NDArray):
        dtype = source_array.dtype if dtype is None else dtype
        return source_array.as_in_context(_as_context(ctx)).astype(dtype, copy=True) \
            if ctx is not None else source_array.astype(dtype, copy=True)
    dtype = mx_real_t if dtype is None else dtype
    if not isinstance(source_array, np.ndarray):
        try:
            source_array = np.array(source_array, dtype=dtype)
        except Exception:
            raise TypeError("source_array must be array like object") from None
    arr = empty(source_array.shape, ctx, dtype)
    arr._sync_copyfrom(source_array)
    return arr


def waitall():
    """Wait for all pending operations; raises the first error among them."""
    check_call(_LIB.MXNDArrayWaitAll())

