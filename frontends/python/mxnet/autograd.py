"""mx.autograd: record imperative computation and differentiate it.

The tape lives in libmx: while recording, each op on arrays that are part of
a graph adds a node to it; ``backward`` runs the gradient graph built from
each op's gradient definition.
"""
from .base import _LIB, check_call, ffi
from .ndarray.ndarray import _GRAD_REQ_MAP, NDArray, _new_from_handle

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training", "mark_variables", "backward", "grad", "get_symbol", "Function",
           "NDArray"]  # MXNet's autograd has no __all__: `import *` gives NDArray too


def set_recording(is_recording):
    """Sets the recording state; returns the previous one."""
    prev = ffi.new("int*")
    check_call(_LIB.MXAutogradSetIsRecording(1 if is_recording else 0, prev))
    return bool(prev[0])


def set_training(train_mode):
    """Sets training (True) or predicting (False) mode; returns the previous one."""
    prev = ffi.new("int*")
    check_call(_LIB.MXAutogradSetIsTraining(1 if train_mode else 0, prev))
    return bool(prev[0])


def is_recording():
    """Whether operations are being recorded for differentiation."""
    out = ffi.new("int*")
    check_call(_LIB.MXAutogradIsRecording(out))
    return bool(out[0])


def is_training():
    """Whether in training mode (affects ops such as Dropout and BatchNorm)."""
    out = ffi.new("int*")
    check_call(_LIB.MXAutogradIsTraining(out))
    return bool(out[0])


class _RecordingStateScope:
    """Sets recording and/or training state inside a ``with`` block (None: unchanged)."""

    def __init__(self, is_record, train_mode):
        self._enter_is_record = is_record
        self._enter_train_mode = train_mode
        self._prev_is_record = None
        self._prev_train_mode = None

    def __enter__(self):
        if self._enter_is_record is not None:
            self._prev_is_record = set_recording(self._enter_is_record)
        if self._enter_train_mode is not None:
            self._prev_train_mode = set_training(self._enter_train_mode)

    def __exit__(self, ptype, value, trace):
        if self._enter_is_record is not None and self._prev_is_record != self._enter_is_record:
            set_recording(self._prev_is_record)
        if self._enter_train_mode is not None and self._prev_train_mode != self._enter_train_mode:
            set_training(self._prev_train_mode)


def record(train_mode=True):
    """Returns a scope in which computation is recorded for ``backward``::

        with autograd.record():
            y = model(x)
        y.backward()
    """
    return _RecordingStateScope(True, train_mode)


def pause(train_mode=False):
    """Returns a scope in which computation is not recorded."""
    return _RecordingStateScope(False, train_mode)


def train_mode():
    """Returns a scope in which forward passes run in training mode."""
    return _RecordingStateScope(None, True)


def predict_mode():
    """Returns a scope in which forward passes run in inference mode."""
    return _RecordingStateScope(None, False)


def _handles(arrays, allow_none=False):
    return ffi.new("MXNDArrayHandle[]", [ffi.NULL if a is None and allow_none else a.handle
                                         for a in arrays])


def mark_variables(variables, gradients, grad_reqs="write"):
    """Marks arrays as variables to compute gradients for.

    Parameters
    ----------
    variables : NDArray or list of NDArray
    gradients : NDArray or list of NDArray
        Where each variable's gradient goes.
    grad_reqs : str or list of str
        'write', 'add' or 'null'.
    """
    if isinstance(variables, NDArray):
        assert isinstance(gradients, NDArray)
        variables, gradients = [variables], [gradients]
    if isinstance(grad_reqs, str):
        reqs = [_GRAD_REQ_MAP[grad_reqs]] * len(variables)
    else:
        reqs = [_GRAD_REQ_MAP[r] for r in grad_reqs]
    if len(variables) != len(gradients) or len(variables) != len(reqs):
        raise ValueError("variables, gradients and grad_reqs must have the same length")
    check_call(_LIB.MXAutogradMarkVariables(len(variables), _handles(variables),
                                            ffi.new("int[]", reqs), _handles(gradients)))


def _parse_head(heads, head_grads):
    if isinstance(heads, NDArray):
        heads = [heads]
    if isinstance(head_grads, NDArray):
        head_grads = [head_grads]
    if head_grads is None:
        return heads, ffi.NULL
    if len(heads) != len(head_grads):
        raise ValueError("heads and head_grads must be lists of the same length")
    return heads, _handles(head_grads, allow_none=True)


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Computes the gradients of heads with respect to the marked variables.

    Parameters
    ----------
    heads : NDArray or list of NDArray
        Output(s) to differentiate.
    head_grads : NDArray or list of NDArray or None
        Gradients with respect to heads (ones when None).
    retain_graph : bool
        Keep the graph for another backward.
    train_mode : bool
        Run the backward computation in training mode.
    """
    heads, c_head_grads = _parse_head(heads, head_grads)
    check_call(_LIB.MXAutogradBackward(len(heads), _handles(heads), c_head_grads, 0, ffi.NULL,
                                       int(retain_graph), 0, int(train_mode), ffi.NULL))


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """Returns the gradients of heads with respect to variables (grad arrays are not touched).

    Parameters
    ----------
    heads : NDArray or list of NDArray
    variables : NDArray or list of NDArray
    head_grads : NDArray or list of NDArray or None
    retain_graph : bool
        Defaults to create_graph.
    create_graph : bool
        Record the gradient computation, so the results can be differentiated again.
    train_mode : bool

    Returns
    -------
    list of NDArray
    """
    heads, c_head_grads = _parse_head(heads, head_grads)
    if isinstance(variables, NDArray):
        variables = [variables]
    if not len(variables):
        raise ValueError("variables cannot be an empty list.")
    if retain_graph is None:
        retain_graph = create_graph
    out = ffi.new("MXNDArrayHandle**")
    check_call(_LIB.MXAutogradBackward(len(heads), _handles(heads), c_head_grads, len(variables),
                                       _handles(variables), int(retain_graph), int(create_graph),
                                       int(train_mode), out))
    return [_new_from_handle(out[0][i]) for i in range(len(variables))]


def get_symbol(x):
    """Retrieves the recorded computation history of ``x`` as a Symbol.

    Parameters
    ----------
    x : NDArray
        An array computed inside ``record()`` from arrays that require gradient.

    Returns
    -------
    Symbol
        Marked variables appear as variables ``var0``, ``var1``, ...; other
        inputs as ``null0``, ...; op nodes are named ``node_0``, ...
    """
    from .symbol.symbol import Symbol
    out = ffi.new("MXSymbolHandle*")
    check_call(_LIB.MXAutogradGetSymbol(x.handle, out))
    return Symbol(out[0])


class Function:
    """A user-defined differentiable function (MXNet 1.x's autograd.Function).

    Subclass it with ``forward(*inputs)`` and ``backward(*output_grads)``, both
    on NDArrays; backward returns one gradient per input.  Call an instance
    (once) on inputs inside ``autograd.record()``::

        class sigmoid(mx.autograd.Function):
            def forward(self, x):
                y = 1 / (1 + mx.nd.exp(-x))
                self.save_for_backward(y)
                return y

            def backward(self, dy):
                y, = self.saved_tensors
                return dy * y * (1 - y)
    """

    _live = {}  # id -> Function with a recorded graph (freed with the graph)
    _next_id = [0]

    def __init__(self):
        self._used = False
        self.saved_tensors = ()

    def save_for_backward(self, *args):
        """Keeps arrays for backward, as ``self.saved_tensors``."""
        self.saved_tensors = args

    def forward(self, *inputs):
        raise NotImplementedError

    def backward(self, *output_grads):
        raise NotImplementedError

    def __call__(self, *inputs):
        assert not self._used, \
            "Each Function instance can only be called once. Please create another instance."
        self._used = True
        previous = set_recording(False)
        try:
            outputs = self.forward(*inputs)
        finally:
            set_recording(previous)
        if not previous:
            return outputs
        returned = outputs
        if isinstance(outputs, NDArray):
            outputs = (outputs,)
        key = Function._next_id[0] = Function._next_id[0] + 1
        Function._live[key] = self
        check_call(_LIB.MXAutogradRecordFunction(
            len(inputs), _handles(inputs), len(outputs), _handles(outputs), _function_backward,
            _function_free, ffi.cast("void*", key)))
        return returned


@ffi.callback("int(void*, uint32_t, MXNDArrayHandle*, uint32_t, MXNDArrayHandle*)")
def _function_backward(state, num_ograds, ograds, num_igrads, igrads):
    try:
        function = Function._live[int(ffi.cast("intptr_t", state))]
        grads = function.backward(*[_new_from_handle(ograds[i]) for i in range(num_ograds)])
        if isinstance(grads, NDArray):
            grads = (grads,)
        grads = list(grads)
        if len(grads) != num_igrads:
            raise ValueError("backward returned %d gradients for %d inputs"
                             % (len(grads), num_igrads))
        for i, g in enumerate(grads):
            if not isinstance(g, NDArray):
                raise TypeError("backward must return NDArrays, got %s" % type(g).__name__)
            out = ffi.new("MXNDArrayHandle*")
            check_call(_LIB.MXNDArrayDetach(g.handle, out))
            igrads[i] = out[0]
        return 0
    except Exception as error:  # reported through MXGetLastError, raised by the caller
        _LIB.MXSetLastError(11, ("%s: %s" % (type(error).__name__, error))  # MX_ERROR_CALLBACK
                            .encode("utf-8", "replace"))
        return -1


@ffi.callback("void(void*)")
def _function_free(state):
    Function._live.pop(int(ffi.cast("intptr_t", state)), None)
