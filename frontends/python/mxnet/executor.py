"""Executor: a Symbol bound to arrays (MXNet 1.x's ``mx.executor.Executor``).

Made by ``Symbol.bind`` / ``Symbol.simple_bind``.  The graph, its gradient,
shape inference and the memory plan live in libmx; forward and backward push
every node to the engine, so NDArray code can read and update the bound
arrays in between without copies.
"""
import numpy as np

from .base import _LIB, check_call, ffi, py_str
from .ndarray.ndarray import NDArray, _new_from_handle, array as _array

__all__ = ["Executor"]


def _leading_view(array, shape):
    """A view of `array`'s first prod(shape) elements with that shape."""
    size = int(np.prod(shape))
    flat = array._reshape_view((array.size,))
    return flat._slice(0, size)._reshape_view(tuple(shape))


class Executor:
    """A bound symbol.  Use Symbol.bind or Symbol.simple_bind to make one."""

    def __init__(self, handle, symbol, ctx, grad_req, group2ctx, arg_arrays, grad_arrays,
                 aux_arrays, has_gradients=True):
        self.handle = handle
        self._has_gradients = has_gradients  # some argument's grad_req is not 'null'
        self._symbol = symbol
        self._ctx = ctx
        self._grad_req = grad_req
        self._group2ctx = group2ctx
        self.arg_arrays = arg_arrays
        self.grad_arrays = grad_arrays
        self.aux_arrays = aux_arrays
        size = ffi.new("uint32_t*")
        out = ffi.new("MXNDArrayHandle**")
        check_call(_LIB.MXExecutorOutputs(handle, size, out))
        self.outputs = [_new_from_handle(out[0][i]) for i in range(size[0])]
        self._arg_dict = self._grad_dict = self._aux_dict = self._output_dict = None
        self._monitor_callback = None

    def __del__(self, _free=_LIB.MXExecutorFree):
        if getattr(self, "handle", None) is not None:
            _free(self.handle)

    # -- running ---------------------------------------------------------------------
    def forward(self, is_train=False, **kwargs):
        """Computes the outputs; keyword arguments are copied into the named arguments first.

        Returns
        -------
        list of NDArray
            The outputs (also ``self.outputs``).
        """
        for name, value in kwargs.items():
            # MXNet's checks and error classes, in its order.
            if not isinstance(value, (NDArray, np.ndarray)):
                raise ValueError("only accept keyword argument of NDArrays and numpy.ndarray")
            if name not in self.arg_dict:
                raise TypeError("Unknown argument %s" % name)
            target = self.arg_dict[name]
            if not isinstance(value, NDArray):
                value = _array(value, dtype=target.dtype)
            if target.shape != value.shape:
                raise ValueError("Shape not match! Argument %s, need: %s, received: %s"
                                 % (name, str(target.shape), str(value.shape)))
            target[:] = value
        check_call(_LIB.MXExecutorForward(self.handle, int(bool(is_train))))
        self._raise_monitor_error()
        return self.outputs

    def backward(self, out_grads=None, is_train=True):
        """Computes the gradients of the arguments into grad_arrays (per grad_req).

        Parameters
        ----------
        out_grads : NDArray or list of NDArray or dict of str to NDArray, optional
            Gradients with respect to the outputs (ones where not given).
        is_train : bool
        """
        if out_grads is None:
            out_grads = []
        elif isinstance(out_grads, NDArray):
            out_grads = [out_grads]
        elif isinstance(out_grads, dict):
            out_grads = [out_grads[k] for k in self._symbol.list_outputs()]
        for g in out_grads:
            if g is not None and not isinstance(g, NDArray):
                raise TypeError("inputs must be NDArray")
        if not self._has_gradients:
            return  # nothing to compute, as in MXNet
        handles = ffi.new("MXNDArrayHandle[]", [ffi.NULL if g is None else g.handle
                                                for g in out_grads]) if out_grads else ffi.NULL
        check_call(_LIB.MXExecutorBackward(self.handle, len(out_grads), handles,
                                           int(bool(is_train))))
        self._raise_monitor_error()

    def set_monitor_callback(self, callback, monitor_all=False):
        """Calls ``callback(name, array)`` after each op of forward and
        backward is pushed: for each output ("fc1_output") and, with
        monitor_all, each input ("fc1_weight") first.  ``array`` is an
        NDArray (MXNet passes a raw handle); reading it waits for the op.
        An exception the callback raises is re-raised when forward or
        backward returns.  ``callback=None`` removes the monitor."""
        if callback is None:
            self._monitor_callback = None
            check_call(_LIB.MXExecutorSetMonitorCallback(self.handle, ffi.NULL, ffi.NULL, 0))
            return
        errors = self._monitor_errors = []

        def on_entry(name, handle, _data):
            array = _new_from_handle(handle)
            if not errors:
                try:
                    callback(py_str(name), array)
                except Exception as e:  # pylint: disable=broad-except
                    errors.append(e)

        self._monitor_callback = ffi.callback("MXExecutorMonitorFn", on_entry)
        check_call(_LIB.MXExecutorSetMonitorCallback(self.handle, self._monitor_callback,
                                                     ffi.NULL, int(bool(monitor_all))))

    def _raise_monitor_error(self):
        errors = getattr(self, "_monitor_errors", None)
        if errors:
            error = errors.pop()
            errors.clear()
            raise error

    # -- dictionaries ----------------------------------------------------------------
    @staticmethod
    def _get_dict(names, arrays):
        if len(set(names)) != len(names):
            raise ValueError("Duplicate names detected, %s" % str(names))
        return dict(zip(names, arrays))

    @property
    def arg_dict(self):
        """Name to argument array."""
        if self._arg_dict is None:
            self._arg_dict = Executor._get_dict(self._symbol.list_arguments(), self.arg_arrays)
        return self._arg_dict

    @property
    def grad_dict(self):
        """Name to gradient array (None for arguments without one)."""
        if self._grad_dict is None:
            self._grad_dict = Executor._get_dict(self._symbol.list_arguments(), self.grad_arrays)
        return self._grad_dict

    @property
    def aux_dict(self):
        """Name to auxiliary state array."""
        if self._aux_dict is None:
            self._aux_dict = Executor._get_dict(self._symbol.list_auxiliary_states(),
                                                self.aux_arrays)
        return self._aux_dict

    @property
    def output_dict(self):
        """Output name to output array."""
        if self._output_dict is None:
            self._output_dict = Executor._get_dict(self._symbol.list_outputs(), self.outputs)
        return self._output_dict

    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        """Copies parameters into the bound arrays (cast to their dtype)."""
        for name, value in arg_params.items():
            if name in self.arg_dict:
                value.astype(self.arg_dict[name].dtype).copyto(self.arg_dict[name])
            elif not allow_extra_params:
                raise ValueError("Find name \"%s\" that is not in the arguments" % name)
        for name, value in (aux_params or {}).items():
            if name in self.aux_dict:
                value.astype(self.aux_dict[name].dtype).copyto(self.aux_dict[name])
            elif not allow_extra_params:
                raise ValueError("Find name %s that is not in the auxiliary states" % name)

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs):
        """A new executor for new input shapes.  As in MXNet, it shares the
        arrays whose shapes did not change, and an array that shrinks becomes
        a view of the first elements of the old one.

        Parameters
        ----------
        partial_shaping : bool
            Allow arguments not named in kwargs to change shape.
        allow_up_sizing : bool
            Allow arrays to grow (new arrays are allocated).
        kwargs
            New shapes of arguments by name.
        """
        from .ndarray.ndarray import zeros
        arg_shapes, _, aux_shapes = self._symbol.infer_shape(**kwargs)
        if arg_shapes is None:
            raise ValueError("Insufficient argument shapes provided.")

        def resized(names, old_arrays, shapes, kind, grads=False):
            new = []
            for name, old, shape in zip(names, old_arrays, shapes):
                if old is None or old.shape == shape:
                    new.append(old)
                    continue
                if not (partial_shaping or name in kwargs or grads or kind == "aux"):
                    raise AssertionError(
                        "Shape of unspecified array arg:%s changed. This can cause the new "
                        "executor to not share parameters with the old one. Please check for "
                        "error in network. If this is intended, set partial_shaping=True to "
                        "suppress this warning." % name)
                if int(np.prod(shape)) > old.size and not allow_up_sizing:
                    raise ValueError(
                        "New shape of arg: %s larger than original. First making a big executor "
                        "and then down sizing it is more efficient than the reverse. If you "
                        "really want to up size, set allow_up_sizing=True to enable allocation "
                        "of new arrays." % name)
                if int(np.prod(shape)) > old.size:
                    new.append(zeros(shape, ctx=old.context, dtype=old.dtype))
                else:
                    new.append(_leading_view(old, shape))
            return new

        names = self._symbol.list_arguments()
        args = resized(names, self.arg_arrays, arg_shapes, "arg")
        grads = resized(names, self.grad_arrays, arg_shapes, "arg", grads=True)
        aux = resized(self._symbol.list_auxiliary_states(), self.aux_arrays, aux_shapes, "aux")
        return self._symbol.bind(self._ctx, args, args_grad=grads, grad_req=self._grad_req,
                                 aux_states=aux, group2ctx=self._group2ctx)

    # -- inspection ------------------------------------------------------------------
    def debug_str(self):
        """The graph (forward and backward) and the memory plan as text."""
        out = ffi.new("const char**")
        check_call(_LIB.MXExecutorPrint(self.handle, out))
        return py_str(out[0])

    def memory_plan(self):
        """{'planned_bytes', 'naive_bytes', 'inplace', 'coshare'} of the memory plan."""
        planned, naive = ffi.new("int64_t*"), ffi.new("int64_t*")
        inplace, coshare = ffi.new("int*"), ffi.new("int*")
        check_call(_LIB.MXExecutorGetMemoryPlan(self.handle, planned, naive, inplace, coshare))
        return {"planned_bytes": planned[0], "naive_bytes": naive[0], "inplace": inplace[0],
                "coshare": coshare[0]}
