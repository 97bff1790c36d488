"""Tools for testing (``mx.test_utils``, as in MXNet 1.9).

Comparisons of arrays with dtype-aware tolerances, random inputs, numeric
gradients by central differences, forward/backward checks of symbols, and
the statistical checks used to test random samplers.
"""
import contextlib
import functools
import os
import random as _pyrandom
import sys

import numpy as np

import mxnet as mx
from .context import Context, current_context, num_gpus
from . import ndarray as nd
from .ndarray.ndarray import NDArray

__all__ = [
    "default_context", "set_default_context", "default_dtype", "default_rtols", "default_atols",
    "get_rtol", "get_atol", "get_etol", "get_tols", "random_arrays", "random_uniform_arrays",
    "random_sample", "rand_shape_2d", "rand_shape_3d", "rand_shape_nd", "rand_coord_2d",
    "rand_ndarray", "np_reduce", "find_max_violation", "same", "almost_equal",
    "assert_almost_equal", "assert_allclose", "assert_almost_equal_with_err",
    "assert_almost_equal_ignore_nan", "almost_equal_ignore_nan", "assert_exception",
    "same_array", "assign_each", "assign_each2", "collapse_sum_like", "retry", "simple_forward",
    "numeric_grad", "check_numeric_gradient", "check_symbolic_forward",
    "check_symbolic_backward", "check_speed", "check_consistency", "list_gpus", "set_env_var",
    "environment", "gen_buckets_probs_with_ppf", "mean_check", "var_check", "chi_square_check",
    "verify_generator", "is_cd_run", "has_tvm_ops", "is_op_runnable", "download",
    "discard_stderr", "effective_dtype", "EnvManager",
    # MXNet's test_utils has no __all__: test files written for it take np
    # and mx from `from mxnet.test_utils import *`.
    "np", "mx"]


# ---------------------------------------------------------------------------
# Defaults
# ---------------------------------------------------------------------------

def default_context():
    """The context tests run on: the current default context."""
    return current_context()


def set_default_context(ctx):
    """Sets the default context of this thread."""
    Context._default_ctx.value = ctx


def default_dtype():
    """The dtype of generated test data."""
    return np.float32


_INT_TYPES = [np.dtype(t) for t in (np.int8, np.uint8, np.int32, np.int64, np.bool_)]


def default_rtols():
    """Relative tolerance per dtype."""
    tols = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-5}
    tols.update((t, 0) for t in _INT_TYPES)
    return tols


def default_atols():
    """Absolute tolerance per dtype."""
    tols = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3, np.dtype(np.float64): 1e-20}
    tols.update((t, 0) for t in _INT_TYPES)
    return tols


def _dtype_of(x):
    return np.dtype(x.dtype) if hasattr(x, "dtype") else np.dtype(type(x))


def get_rtol(rtol=None, dtype=np.dtype(np.float64)):
    """rtol, or the default for dtype."""
    return default_rtols().get(np.dtype(dtype), 1e-5) if rtol is None else rtol


def get_atol(atol=None, dtype=np.dtype(np.float64)):
    """atol, or the default for dtype."""
    return default_atols().get(np.dtype(dtype), 1e-20) if atol is None else atol


def get_etol(etol=None):
    """The fraction of elements allowed to differ (0 unless given)."""
    return 0 if etol is None else etol


def get_tols(x, y, rtol, atol):
    """Tolerances for comparing x with y: the looser ones of their dtypes."""
    types = [_dtype_of(x), _dtype_of(y)]
    rtol = max(get_rtol(rtol, t) for t in types) if rtol is None else rtol
    atol = max(get_atol(atol, t) for t in types) if atol is None else atol
    return rtol, atol


# ---------------------------------------------------------------------------
# Random data
# ---------------------------------------------------------------------------

def random_arrays(*shapes):
    """Standard normal float32 arrays, one per shape (an array alone for one
    shape; a float for the shape ())."""
    arrays = [np.array(np.random.randn(), dtype=default_dtype()) if len(s) == 0
              else np.random.randn(*s).astype(default_dtype()) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes, **kwargs):
    """Uniform arrays in [low, high) (keyword arguments low=0, high=1, dtype)."""
    low, high = kwargs.pop("low", 0.0), kwargs.pop("high", 1.0)
    dtype = kwargs.pop("dtype", default_dtype())
    if kwargs:
        raise TypeError("unexpected keyword arguments %s" % sorted(kwargs))
    arrays = [np.random.uniform(low, high, size=s).astype(dtype) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_sample(population, k):
    """k elements of population, without replacement."""
    return _pyrandom.sample(list(population), k)


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return (np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1),
            np.random.randint(low, dim2 + 1))


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return tuple(int(d) for d in np.random.randint(low, dim + 1, size=num_dim))


def rand_coord_2d(x_low, x_high, y_low, y_high):
    return np.random.randint(x_low, x_high), np.random.randint(y_low, y_high)


def rand_ndarray(shape, stype="default", density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """A random NDArray of the given shape (standard normal values).  MX has
    dense storage only: stype must be 'default'."""
    if stype != "default":
        raise NotImplementedError("rand_ndarray: storage type %r is not supported (MX arrays "
                                  "are dense)" % stype)
    ctx = ctx or default_context()
    dtype = default_dtype() if dtype is None else dtype
    values = np.random.randn(*shape) if len(shape) else np.random.randn(1).reshape(())
    if modifier_func is not None:
        values = np.vectorize(modifier_func)(values) if values.size else values
    return nd.array(values, ctx=ctx, dtype=dtype)


def assign_each(the_input, function):
    """function applied to each element (None: a copy)."""
    return np.array(the_input) if function is None else np.vectorize(function)(the_input)


def assign_each2(input1, input2, function):
    """function applied to each pair of elements (None: a copy of input1)."""
    return np.array(input1) if function is None else np.vectorize(function)(input1, input2)


def np_reduce(dat, axis, keepdims, numpy_reduce_func):
    """numpy_reduce_func (taking one int axis) applied over several axes."""
    if isinstance(axis, int):
        axis = [axis]
    elif axis is None:
        axis = list(range(dat.ndim))
    axis = sorted(a % dat.ndim for a in axis)
    ret = dat
    for a in reversed(axis):
        ret = numpy_reduce_func(ret, axis=a)
    if keepdims:
        shape = list(dat.shape)
        for a in axis:
            shape[a] = 1
        ret = ret.reshape(shape)
    return ret


def collapse_sum_like(a, shape):
    """Sums a over the axes along which it was broadcast from shape."""
    assert len(a.shape) >= len(shape)
    if np.prod(shape) == 0 or a.size == 0:
        return np.zeros(shape, dtype=a.dtype)
    lead = len(a.shape) - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and a.shape[lead + i] != 1)
    return a.sum(axis=axes).reshape(shape)


# ---------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------

def _as_numpy(x):
    return x.asnumpy() if isinstance(x, NDArray) else np.asarray(x)


def same(a, b):
    """Whether a and b hold the same values (NaNs are never equal)."""
    return np.array_equal(_as_numpy(a), _as_numpy(b))


def find_max_violation(a, b, rtol=None, atol=None):
    """(index, ratio): where |a - b| most exceeds atol + rtol * |b|."""
    a, b = _as_numpy(a), _as_numpy(b)
    rtol, atol = get_tols(a, b, rtol, atol)
    diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
    tol = atol + rtol * np.abs(b.astype(np.float64))
    violation = diff / (tol + 1e-20)
    violation[np.isnan(violation)] = np.inf if violation.size else 0
    index = tuple(int(i) for i in np.unravel_index(np.argmax(violation), violation.shape))
    return index, float(np.max(violation))


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """Whether |a - b| <= atol + rtol * |b| everywhere (dtype-aware defaults)."""
    a, b = _as_numpy(a), _as_numpy(b)
    if not use_broadcast and a.shape != b.shape:
        return False
    rtol, atol = get_tols(a, b, rtol, atol)
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _locationerror(a, b, index, names, max_error, rtol, atol, mismatch):
    return ("\nItems are not equal:\nError %f exceeds tolerance rtol=%e, atol=%e "
            "(mismatch %f%%).\nLocation of maximum error: %s, %s=%.8f, %s=%.8f\n %s: %s\n %s: %s"
            % (max_error, rtol, atol, mismatch, str(index), names[0], a[index], names[1],
               b[index], names[0], np.array2string(a, threshold=20), names[1],
               np.array2string(b, threshold=20)))


def assert_almost_equal(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Raises AssertionError unless |a - b| <= atol + rtol * |b| everywhere,
    naming the worst element.  a and b may be NDArrays, numpy arrays or
    numbers."""
    a, b = _as_numpy(a), _as_numpy(b)
    if not use_broadcast and a.shape != b.shape:
        raise AssertionError("shapes differ: %s %s, %s %s"
                             % (names[0], a.shape, names[1], b.shape))
    rtol, atol = get_tols(a, b, rtol, atol)
    if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    a_b, b_b = np.broadcast_arrays(a, b)
    index, rel = find_max_violation(a_b, b_b, rtol, atol)
    close = np.isclose(a_b, b_b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    mismatch = 100.0 * (1.0 - np.count_nonzero(close) / max(close.size, 1))
    raise AssertionError(_locationerror(a_b, b_b, index, names, rel, rtol, atol, mismatch))


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    """numpy.testing.assert_allclose on NDArrays or arrays."""
    np.testing.assert_allclose(_as_numpy(a), _as_numpy(b), rtol=rtol, atol=atol,
                               equal_nan=equal_nan)


def assert_almost_equal_with_err(a, b, rtol=None, atol=None, etol=None, names=("a", "b"),
                                 equal_nan=False, mismatches=(10, 10)):
    """assert_almost_equal allowing a fraction etol of the elements to differ."""
    etol = get_etol(etol)
    if etol == 0:
        return assert_almost_equal(a, b, rtol, atol, names, equal_nan)
    a, b = _as_numpy(a), _as_numpy(b)
    rtol, atol = get_tols(a, b, rtol, atol)
    close = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    error = 1.0 - np.count_nonzero(close) / max(close.size, 1)
    if error > etol:
        a_b, b_b = np.broadcast_arrays(a, b)
        index, rel = find_max_violation(a_b, b_b, rtol, atol)
        raise AssertionError(("%.2f%% of the elements differ (allowed: %.2f%%)" %
                              (100 * error, 100 * etol)) +
                             _locationerror(a_b, b_b, index, names, rel, rtol, atol, 100 * error))
    return None


def _without_nans(a, b):
    a, b = np.copy(_as_numpy(a)), np.copy(_as_numpy(b))
    nans = np.logical_or(np.isnan(a), np.isnan(b))
    a[nans] = 0
    b[nans] = 0
    return a, b


def almost_equal_ignore_nan(a, b, rtol=None, atol=None):
    """almost_equal where a NaN in either array matches anything."""
    return almost_equal(*_without_nans(a, b), rtol=rtol, atol=atol)


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=("a", "b")):
    """assert_almost_equal where a NaN in either array matches anything."""
    assert_almost_equal(*_without_nans(a, b), rtol=rtol, atol=atol, names=names)


def assert_exception(f, exception_type, *args, **kwargs):
    """Asserts that f(*args, **kwargs) raises exception_type."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError("%s did not raise %s" % (getattr(f, "__name__", f),
                                                  exception_type.__name__))


@contextlib.contextmanager
def discard_stderr():
    """Discards what the body writes to the process's stderr: file descriptor
    2, so the output of C code and of Python's sys.stderr alike."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            sys.stderr.flush()
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def effective_dtype(dat):
    """The dtype whose tolerances apply to dat's values.  MXNet narrows float32
    to float16 on GPUs whose GEMMs use TF32; MX computes float32 in float32."""
    return np.dtype(dat.dtype)


def same_array(array1, array2):
    """Whether two NDArrays share memory (probed by writing to array1)."""
    array1[:] += 1
    if not same(array1.asnumpy(), array2.asnumpy()):
        array1[:] -= 1
        return False
    array1[:] -= 1
    return same(array1.asnumpy(), array2.asnumpy())


def retry(n):
    """Decorator: run a (flaky, random) test up to n times until it passes."""
    assert n > 0

    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            for attempt in range(n):
                try:
                    return f(*args, **kwargs)
                except AssertionError:
                    if attempt == n - 1:
                        raise
            return None
        return wrapper
    return decorate


# ---------------------------------------------------------------------------
# Symbols: forward, backward and numeric gradients
# ---------------------------------------------------------------------------

def _parse_location(sym, location, ctx, dtype=None):
    """location (a list in list_arguments order, or a dict) as a dict of NDArrays."""
    names = sym.list_arguments()
    if isinstance(location, dict):
        if set(location) != set(names):
            raise ValueError("Symbol arguments and keys of the given location do not match. "
                             "symbol args: %s, location.keys(): %s"
                             % (str(set(names)), str(set(location))))
    else:
        if len(location) != len(names):
            raise ValueError("expected %d arrays in location (%s), got %d"
                             % (len(names), names, len(location)))
        location = dict(zip(names, location))

    def convert(v):
        if isinstance(v, NDArray):
            return v.as_in_context(ctx) if dtype is None else v.astype(dtype).as_in_context(ctx)
        v = np.asarray(v)
        return nd.array(v, ctx=ctx, dtype=v.dtype if dtype is None else dtype)
    return {k: convert(v) for k, v in location.items()}


def _parse_aux_states(sym, aux_states, ctx, dtype=None):
    if aux_states is None:
        return None
    names = sym.list_auxiliary_states()
    if not isinstance(aux_states, dict):
        if len(aux_states) != len(names):
            raise ValueError("expected %d auxiliary states (%s), got %d"
                             % (len(names), names, len(aux_states)))
        aux_states = dict(zip(names, aux_states))
    elif set(aux_states) != set(names):
        raise ValueError("Symbol aux_states names and given aux_states do not match. "
                         "symbol aux_names: %s, aux_states.keys: %s"
                         % (str(set(names)), str(set(aux_states))))
    return {k: nd.array(_as_numpy(v), ctx=ctx,
                        dtype=_dtype_of(v) if dtype is None else dtype)
            for k, v in aux_states.items()}


def simple_forward(sym, ctx=None, is_train=False, **inputs):
    """Outputs of sym (numpy) for the named inputs; one array alone."""
    ctx = ctx or default_context()
    inputs = {k: nd.array(v, ctx=ctx) for k, v in inputs.items()}
    exe = sym.bind(ctx, args=inputs)
    exe.forward(is_train=is_train)
    outputs = [o.asnumpy() for o in exe.outputs]
    return outputs[0] if len(outputs) == 1 else outputs


def numeric_grad(executor, location, aux_states=None, eps=1e-4, use_forward_train=True,
                 dtype=default_dtype()):
    """Central-difference gradient of sum(executor output 0) with respect to
    each array of location (a dict name -> numpy array); a dict of numpy
    arrays.  aux_states are restored before every evaluation."""
    for k, v in location.items():
        executor.arg_dict[k][:] = v
    approx = {k: np.zeros(v.shape, dtype=np.float64) for k, v in location.items()}

    def total():
        if aux_states is not None:
            for key, value in aux_states.items():
                executor.aux_dict[key][:] = value
        executor.forward(is_train=use_forward_train)
        return executor.outputs[0].asnumpy().astype(np.float64).sum()

    for k, v in location.items():
        old = np.array(v, dtype=np.float64)
        flat = old.ravel().copy()
        for i in range(flat.size):
            saved = flat[i]
            flat[i] = saved + eps / 2
            executor.arg_dict[k][:] = flat.reshape(v.shape).astype(dtype)
            plus = total()
            flat[i] = saved - eps / 2
            executor.arg_dict[k][:] = flat.reshape(v.shape).astype(dtype)
            minus = total()
            flat[i] = saved
            approx[k].ravel()[i] = (plus - minus) / eps
        executor.arg_dict[k][:] = old.astype(dtype)
    return approx


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=None, rtol=None,
                           atol=None, grad_nodes=None, use_forward_train=True, ctx=None,
                           grad_stype_dict=None, dtype=default_dtype()):
    """Checks sym's gradient against central differences.

    The scalar differentiated is sum(output * p) for a random projection p,
    so every element of the output takes part.  grad_nodes: the argument
    names to check (default: all), or a dict name -> grad_req."""
    ctx = ctx or default_context()
    dtype = np.dtype(dtype)
    if numeric_eps is None:
        numeric_eps = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3}.get(dtype, 1e-4)
    location = _parse_location(sym, location, ctx, dtype)
    location_np = {k: v.asnumpy() for k, v in location.items()}
    aux = _parse_aux_states(sym, aux_states, ctx, dtype)
    aux_np = None if aux is None else {k: v.asnumpy() for k, v in aux.items()}
    if grad_nodes is None:
        grad_nodes = sym.list_arguments()
        grad_req = {k: "write" for k in grad_nodes}
    elif isinstance(grad_nodes, dict):
        grad_req = dict(grad_nodes)
        grad_nodes = list(grad_nodes)
    else:
        grad_req = {k: "write" for k in grad_nodes}
    for name in sym.list_arguments():
        grad_req.setdefault(name, "null")

    out_shape = sym.infer_shape(**{k: v.shape for k, v in location.items()})[1][0]
    proj = np.random.uniform(size=out_shape).astype(dtype) + 0.1
    from . import symbol
    projected = sym * symbol.Variable("__random_proj")
    # Random initial gradients, as MXNet's: 'add' must add to them, 'null' keep them.
    initial = {k: np.random.normal(size=location[k].shape) for k in grad_nodes}
    args_grad = {k: nd.array(initial[k], ctx=ctx, dtype=dtype) for k in grad_nodes}
    initial = {k: v.asnumpy().astype(np.float64) for k, v in args_grad.items()}
    exe = projected.bind(ctx, args=dict(location, __random_proj=nd.array(proj, ctx=ctx, dtype=dtype)),
                         args_grad=args_grad, grad_req=dict(grad_req, __random_proj="null"),
                         aux_states=aux)
    exe.forward(is_train=True)
    if any(grad_req[k] != "null" for k in grad_nodes):  # MX refuses a backward with no gradient
        exe.backward()
    symbolic = {k: args_grad[k].asnumpy() for k in grad_nodes}

    numeric = numeric_grad(exe, {k: location_np[k] for k in grad_nodes}, aux_np,
                           eps=numeric_eps, use_forward_train=use_forward_train, dtype=dtype)
    atol = get_atol(atol, dtype) if atol is None else atol
    for name in grad_nodes:
        got = symbolic[name].astype(np.float64)
        if grad_req[name] == "write":
            assert_almost_equal(numeric[name], got, rtol=rtol, atol=atol,
                                names=("NUMERICAL_%s" % name, "BACKWARD_%s" % name))
        elif grad_req[name] == "add":
            assert_almost_equal(numeric[name], got - initial[name], rtol=rtol, atol=atol,
                                names=("NUMERICAL_%s" % name, "BACKWARD_%s" % name))
        elif grad_req[name] == "null":
            assert_almost_equal(initial[name], got, rtol=rtol, atol=atol,
                                names=("NUMERICAL_%s" % name, "BACKWARD_%s" % name))
        else:  # 'inplace', which bind accepts
            raise ValueError("Invalid grad_req %s for argument %s" % (grad_req[name], name))


def check_symbolic_forward(sym, location, expected, rtol=None, atol=None, aux_states=None,
                           ctx=None, equal_nan=False, dtype=default_dtype()):
    """Compares sym's outputs for location with expected (a list, or a dict
    by output name); returns the outputs as numpy arrays."""
    ctx = ctx or default_context()
    location = _parse_location(sym, location, ctx, dtype)
    aux = _parse_aux_states(sym, aux_states, ctx, dtype)
    if isinstance(expected, dict):
        expected = [expected[k] for k in sym.list_outputs()]
    exe = sym.bind(ctx, args=location, args_grad=None, grad_req="null", aux_states=aux)
    exe.forward(is_train=False)
    outputs = [o.asnumpy() for o in exe.outputs]
    for name, want, got in zip(sym.list_outputs(), expected, outputs):
        assert_almost_equal(want, got, rtol, atol, ("EXPECTED_%s" % name, "FORWARD_%s" % name),
                            equal_nan=equal_nan)
    return outputs


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None,
                            aux_states=None, grad_req="write", ctx=None, grad_stypes=None,
                            equal_nan=False, dtype=default_dtype()):
    """Compares sym's input gradients for location and out_grads with expected
    (a list in list_arguments order, or a dict); returns the gradients as a
    dict of numpy arrays.  With grad_req 'add' the gradient arrays start
    from random values, which the check accounts for."""
    ctx = ctx or default_context()
    location = _parse_location(sym, location, ctx, dtype)
    aux = _parse_aux_states(sym, aux_states, ctx, dtype)
    names = sym.list_arguments()
    if isinstance(expected, (list, tuple)):
        expected = dict(zip(names, expected))
    if isinstance(grad_req, str):
        grad_req = {k: grad_req for k in names}
    elif isinstance(grad_req, (list, tuple)):
        grad_req = dict(zip(names, grad_req))
    initial = {k: np.random.normal(size=location[k].shape).astype(location[k].dtype)
               for k in expected}
    args_grad = {k: nd.array(v, ctx=ctx) for k, v in initial.items()}
    exe = sym.bind(ctx, args=location, args_grad=args_grad,
                   grad_req={k: grad_req.get(k, "null") if k in expected else "null"
                             for k in names},
                   aux_states=aux)
    exe.forward(is_train=True)
    if isinstance(out_grads, dict):
        out_grads = [out_grads[k] for k in sym.list_outputs()]
    if out_grads is not None:
        out_grads = [nd.array(_as_numpy(g), ctx=ctx, dtype=_as_numpy(g).dtype) for g in out_grads]
    exe.backward(out_grads)
    grads = {k: v.asnumpy() for k, v in args_grad.items()}
    for name in expected:
        req = grad_req.get(name, "null")
        if req == "write":
            want = expected[name]
        elif req == "add":
            want = _as_numpy(expected[name]) + initial[name]
        elif req == "null":
            want = initial[name]
        else:
            raise ValueError("invalid grad_req %r for %s" % (req, name))
        assert_almost_equal(want, grads[name], rtol, atol,
                            ("EXPECTED_%s" % name, "BACKWARD_%s" % name), equal_nan=equal_nan)
    return grads


def check_speed(sym, location=None, ctx=None, N=20, grad_req=None, typ="whole", **kwargs):
    """Seconds per forward ('forward') or forward+backward ('whole') pass."""
    import time
    ctx = ctx or default_context()
    grad_req = grad_req or "write"
    if location is None:
        exe = sym.simple_bind(grad_req=grad_req, ctx=ctx, **kwargs)
        location = {k: np.random.normal(size=a.shape, scale=1.0)
                    for k, a in exe.arg_dict.items()}
    else:
        exe = sym.simple_bind(grad_req=grad_req, ctx=ctx,
                              **{k: np.asarray(v).shape for k, v in location.items()})
    for name, value in location.items():
        exe.arg_dict[name][:] = value
    if typ not in ("whole", "forward"):
        raise ValueError("typ can only be 'whole' or 'forward', got %r" % typ)

    def step():
        exe.forward(is_train=typ == "whole")
        if typ == "whole":
            exe.backward(out_grads=exe.outputs)
        for out in exe.outputs:
            out.wait_to_read()
    step()  # warm up
    nd.waitall()
    tic = time.time()
    for _ in range(N):
        step()
    nd.waitall()
    return (time.time() - tic) / N


def check_consistency(sym, ctx_list, scale=1.0, grad_req="write", arg_params=None,
                      aux_params=None, tol=None, raise_on_err=True, ground_truth=None,
                      equal_nan=False, use_uniform=False, rand_type=np.float64):
    """Runs sym forward and backward under each configuration of ctx_list
    (dicts with 'ctx', input shapes by name and optionally 'type_dict') on
    the same random inputs, and compares every result with the configuration
    of the most precise dtype.  Returns the outputs and gradients of each."""
    if tol is None:
        tol = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
               np.dtype(np.float64): 1e-5, np.dtype(np.uint8): 0, np.dtype(np.int32): 0,
               np.dtype(np.int64): 0}
    elif isinstance(tol, (int, float)):
        tol = {np.dtype(t): tol for t in (np.float16, np.float32, np.float64, np.uint8,
                                          np.int32, np.int64)}
    syms = sym if isinstance(sym, list) else [sym] * len(ctx_list)
    executors = []
    for s, spec in zip(syms, ctx_list):
        spec = dict(spec)
        ctx = spec.pop("ctx")
        type_dict = spec.pop("type_dict", None)
        executors.append(s.simple_bind(ctx=ctx, grad_req=grad_req, type_dict=type_dict, **spec))
    arg_params = {} if arg_params is None else dict(arg_params)
    aux_params = {} if aux_params is None else dict(aux_params)
    for name, arr in executors[0].arg_dict.items():
        if name not in arg_params:
            arg_params[name] = (np.random.uniform(-scale, scale, size=arr.shape) if use_uniform
                                else np.random.normal(size=arr.shape, scale=scale)
                                ).astype(rand_type)
    for name, arr in executors[0].aux_dict.items():
        aux_params.setdefault(name, 0)
    for exe in executors:
        for name, arr in exe.arg_dict.items():
            arr[:] = np.asarray(arg_params[name]).astype(arr.dtype)
        for name, arr in exe.aux_dict.items():
            arr[:] = aux_params[name]
    for exe in executors:
        exe.forward(is_train=False)
    dtypes = [np.dtype(exe.outputs[0].dtype) for exe in executors]
    max_idx = int(np.argmax([dt.itemsize for dt in dtypes]))
    names = syms[0].list_outputs()
    gt = ground_truth or {n: o.asnumpy() for n, o in zip(names, executors[max_idx].outputs)}

    def compare(want, got, dt, what):
        try:
            assert_almost_equal(want, got, rtol=tol[dt], atol=tol[dt], equal_nan=equal_nan,
                                names=("ground truth %s" % what, what))
        except AssertionError:
            if raise_on_err:
                raise

    for i, exe in enumerate(executors):
        if i == max_idx:
            continue
        for name, out in zip(names, exe.outputs):
            compare(gt[name], out.asnumpy(), dtypes[i], "%s (ctx %d)" % (name, i))
    if grad_req != "null":
        for exe in executors:
            exe.forward(is_train=True)
            exe.backward(exe.outputs)  # the outputs as head gradients, as MXNet does
        gt_grads = {k: v.asnumpy() for k, v in executors[max_idx].grad_dict.items()
                    if v is not None}
        for i, exe in enumerate(executors):
            if i == max_idx:
                continue
            for name, grad in exe.grad_dict.items():
                if grad is not None and name in gt_grads:
                    compare(gt_grads[name], grad.asnumpy(), dtypes[i],
                            "d%s (ctx %d)" % (name, i))
    return gt


# ---------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------

def list_gpus():
    """Ids of the GPUs MX can use."""
    return list(range(num_gpus()))


def set_env_var(key, val, default_val=""):
    """Sets os.environ[key] = val; returns the previous value (default_val if unset)."""
    prev = os.environ.get(key, default_val)
    os.environ[key] = val
    return prev


@contextlib.contextmanager
def environment(*args):
    """Sets environment variables inside a with block: environment('K', 'v')
    or environment({'K': 'v', 'K2': None}) (None unsets)."""
    if len(args) == 2:
        changes = {args[0]: args[1]}
    elif len(args) == 1 and isinstance(args[0], dict):
        changes = dict(args[0])
    else:
        raise ValueError("environment() takes a key and a value, or a dict")
    saved = {k: os.environ.get(k) for k in changes}
    try:
        for k, v in changes.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = str(v)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class EnvManager:
    """MXNet's older spelling of environment(key, val), as a class:
    ``with EnvManager('K', 'v'): ...``."""

    def __init__(self, key, val):
        self._scope = environment(key, val)

    def __enter__(self):
        return self._scope.__enter__()

    def __exit__(self, ptype, value, trace):
        return self._scope.__exit__(ptype, value, trace)


def is_cd_run():
    """Whether this is a continuous-delivery run (CD_JOB=1)."""
    return os.environ.get("CD_JOB", "0") == "1"


def has_tvm_ops():
    """MX has no TVM operators."""
    return False


def is_op_runnable():
    """Operators run on every context MX offers."""
    return True


def download(url, fname=None, dirname=None, overwrite=False, retries=5):
    """Downloads url (through fsspec, so s3:// etc. work too) to
    dirname/fname (default: the url's last component); returns the path."""
    import fsspec
    fname = fname or url.split("/")[-1]
    if dirname is not None:
        os.makedirs(dirname, exist_ok=True)
        fname = os.path.join(dirname, fname)
    if os.path.exists(fname) and not overwrite:
        return fname
    for attempt in range(retries):
        try:
            with fsspec.open(url, "rb") as src, open(fname, "wb") as dst:
                dst.write(src.read())
            return fname
        except Exception:  # pylint: disable=broad-except
            if attempt == retries - 1:
                raise
    return fname


# ---------------------------------------------------------------------------
# Statistics for random samplers
# ---------------------------------------------------------------------------

def gen_buckets_probs_with_ppf(ppf, nbuckets):
    """nbuckets equal-probability buckets of a distribution given by its
    percent-point function: ([(low, high), ...], [1/nbuckets, ...])."""
    edges = [ppf(i / float(nbuckets)) for i in range(nbuckets + 1)]
    buckets = [(edges[i], edges[i + 1]) for i in range(nbuckets)]
    return buckets, [1.0 / nbuckets] * nbuckets


def mean_check(generator, mu, sigma, nsamples=1000000):
    """Whether the sample mean is within 3 standard errors of mu."""
    samples = np.array(generator(nsamples))
    return abs(np.mean(samples) - mu) < 3 * sigma / np.sqrt(nsamples)


def var_check(generator, sigma, nsamples=1000000):
    """Whether the sample variance is within 3 standard errors of sigma**2."""
    samples = np.array(generator(nsamples))
    return abs(np.var(samples) - sigma ** 2) < 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1))


def chi_square_check(generator, buckets, probs, nsamples=1000000):
    """Pearson's chi-square test of generator(nsamples) against the expected
    bucket probabilities.  buckets: (low, high) ranges for continuous
    samples, or the values themselves for discrete ones.  Returns
    (p_value, observed counts, expected probabilities)."""
    from scipy import stats
    samples = np.array(generator(nsamples)).ravel()
    if isinstance(buckets[0], (list, tuple)):
        counts = [np.count_nonzero((samples >= low) & (samples < high)) for low, high in buckets]
    else:
        counts = [np.count_nonzero(samples == value) for value in buckets]
    counts = np.array(counts, dtype=np.float64)
    expected = np.array(probs, dtype=np.float64) * counts.sum()
    _, p_value = stats.chisquare(counts, expected)
    return p_value, counts, probs


def verify_generator(generator, buckets, probs, nsamples=1000000, nrepeat=5, success_rate=0.2,
                     alpha=0.05):
    """Repeats chi_square_check nrepeat times; asserts that at least
    success_rate of the runs pass at significance alpha.  Returns the p-values."""
    p_values = [chi_square_check(generator, buckets, probs, nsamples)[0] for _ in range(nrepeat)]
    passed = sum(p > alpha for p in p_values)
    if passed < success_rate * nrepeat:
        raise AssertionError("generator fails the chi-square test: p-values %s" % p_values)
    return p_values
