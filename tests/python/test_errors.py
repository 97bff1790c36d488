"""Bad input gives a clear MXNetError (mixing in the matching builtin), never a
crash; the process keeps working afterwards."""
import gc
import re
import sys

import numpy as np
import pytest

import mxnet as mx
from mxnet import base
from mxnet.base import MXNetError, _LIB, ffi, get_last_error
from mxnet.ndarray import _invoke


@pytest.fixture(autouse=True)
def clean_engine_errors():
    """Errors left pending by a test must not leak into the next one."""
    _drain()
    yield
    _drain()


def _drain():
    for _ in range(3):
        try:
            mx.nd.waitall()
            return
        except MXNetError:
            pass


def still_works():
    a = mx.nd.array([1, 2, 3])
    np.testing.assert_array_equal((a * 2 + 1).asnumpy(), [3, 5, 7])


def shape_re(*dims):
    """A shape written as (2, 3) or [2,3]."""
    inner = r",\s*".join(str(d) for d in dims)
    return r"[\[(]" + inner + r",?[\])]"


# ---------------------------------------------------------------------------
# shapes and dtypes
# ---------------------------------------------------------------------------

def test_shape_mismatch_broadcast():
    a, b = mx.nd.ones((2, 3)), mx.nd.ones((4, 3))
    for call in (lambda: a + b, lambda: mx.nd.broadcast_add(a, b), lambda: a * b,
                 lambda: a == b, lambda: mx.nd.broadcast_maximum(a, b)):
        with pytest.raises(MXNetError) as info:
            call()
        assert isinstance(info.value, ValueError)
        msg = str(info.value)
        assert re.search(shape_re(2, 3), msg) and re.search(shape_re(4, 3), msg), msg
    still_works()


def test_shape_mismatch_elemwise():
    with pytest.raises(MXNetError) as info:
        mx.nd.elemwise_add(mx.nd.ones((2, 3)), mx.nd.ones((3, 2)))
    assert isinstance(info.value, ValueError)
    assert re.search(shape_re(2, 3), str(info.value)) and re.search(shape_re(3, 2), str(info.value))
    still_works()


def test_shape_mismatch_dot():
    with pytest.raises(MXNetError) as info:
        mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((4, 5)))
    assert isinstance(info.value, ValueError)
    assert re.search(shape_re(2, 3), str(info.value)) and re.search(shape_re(4, 5), str(info.value))
    with pytest.raises(MXNetError):
        mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)), transpose_a=True, transpose_b=True)
    still_works()


def test_shape_mismatch_out():
    a = mx.nd.ones((2, 3))
    with pytest.raises(MXNetError) as info:
        mx.nd.broadcast_add(a, a, out=mx.nd.zeros((3, 3)))
    assert isinstance(info.value, ValueError)
    assert "shape" in str(info.value)
    still_works()


def test_dtype_mismatch():
    a = mx.nd.ones((2,), dtype="float32")
    b = mx.nd.ones((2,), dtype="float64")
    for call in (lambda: a + b, lambda: mx.nd.broadcast_add(a, b), lambda: mx.nd.elemwise_mul(a, b),
                 lambda: mx.nd.dot(a, b), lambda: a < b):
        with pytest.raises(MXNetError) as info:
            call()
        assert isinstance(info.value, TypeError)
        msg = str(info.value)
        assert "float32" in msg and "float64" in msg, msg
    still_works()


def test_dtype_mismatch_out():
    a = mx.nd.ones((2,))
    with pytest.raises(MXNetError) as info:
        mx.nd.broadcast_add(a, a, out=mx.nd.zeros((2,), dtype="int32"))
    assert isinstance(info.value, TypeError)
    assert "int32" in str(info.value) and "float32" in str(info.value)


def test_unsupported_dtype_for_kernel():
    a = mx.nd.ones((2, 2), dtype="int32")
    with pytest.raises(MXNetError) as info:
        mx.nd.dot(a, a).asnumpy()
    assert "int32" in str(info.value)
    still_works()


def test_failed_operator_leaves_nothing_behind():
    """A failing operator raises its error and nothing else: no half-built
    NDArray whose __del__ then fails ("Exception ignored in ...")."""
    seen = []
    old_hook = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        a, b = mx.nd.ones((2, 3)), mx.nd.ones((4, 3))
        c = mx.nd.ones((2, 3), dtype="float64")
        freed = mx.nd.ones((2,))
        assert _LIB.MXNDArrayFree(freed.handle) == 0
        for call in (lambda: a + b, lambda: a - c, lambda: a < b, lambda: freed + 1,
                     lambda: 2 * freed, lambda: mx.nd.broadcast_add(a, b),
                     lambda: mx.nd.dot(a, a)):
            with pytest.raises(MXNetError):
                call()
        freed.handle = None
        gc.collect()
    finally:
        sys.unraisablehook = old_hook
    assert not seen, ["%s: %s" % (type(u.exc_value).__name__, u.exc_value) for u in seen]


# ---------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------

def test_unknown_parameter():
    a = mx.nd.ones((2, 2))
    with pytest.raises(MXNetError) as info:
        mx.nd.dot(a, a, bogus_param=1)
    assert "bogus_param" in str(info.value)
    with pytest.raises(MXNetError) as info:
        mx.nd.broadcast_add(a, a, axis=1)  # broadcast_add takes no parameters
    assert "axis" in str(info.value)
    still_works()


@pytest.mark.parametrize("call,param,value", [
    (lambda a: mx.nd.dot(a, a, transpose_a="maybe"), "transpose_a", "maybe"),
    (lambda a: mx.nd.Reshape(a, shape="(2,a)"), "shape", "(2,a)"),
    (lambda a: mx.nd._internal._plus_scalar(a, scalar="abc"), "scalar", "abc"),
    (lambda a: mx.nd.dot(a, a, forward_stype="dense"), "forward_stype", "dense"),
    (lambda a: mx.nd._internal._full(shape=(2,), value="seven"), "value", "seven"),
])
def test_malformed_parameter_value(call, param, value):
    a = mx.nd.ones((2, 2))
    with pytest.raises(MXNetError) as info:
        call(a)
    msg = str(info.value)
    assert param in msg and value in msg, msg
    still_works()


def test_missing_required_parameter():
    with pytest.raises(MXNetError) as info:
        mx.nd.Cast(mx.nd.ones((2,)))
    assert "dtype" in str(info.value)
    with pytest.raises(MXNetError) as info:
        mx.nd._internal._full(shape=(2,))
    assert "value" in str(info.value)
    still_works()


def test_bad_dtype_string():
    with pytest.raises(MXNetError) as info:
        mx.nd.Cast(mx.nd.ones((2,)), dtype="float17")
    assert "float17" in str(info.value)
    with pytest.raises(MXNetError) as info:
        mx.nd._internal._zeros(shape=(2,), dtype="float17")
    assert "float17" in str(info.value)
    still_works()


@pytest.mark.parametrize("fn", [mx.nd.zeros, mx.nd.ones, mx.nd.empty])
def test_bad_dtype_string_creation(fn):
    """MXNet passes the dtype to the op, which rejects it with an MXNetError."""
    with pytest.raises(MXNetError) as info:
        fn((2,), dtype="float17")
    assert isinstance(info.value, TypeError)
    assert "float17" in str(info.value)


def test_unsupported_numpy_dtype():
    with pytest.raises((TypeError, MXNetError)):
        mx.nd.empty((2,), dtype=np.complex64)
    with pytest.raises((TypeError, MXNetError)):
        mx.nd.zeros((2,), dtype="U3")
    still_works()


@pytest.mark.parametrize("call", [
    lambda: mx.nd.zeros((2, -1)),
    lambda: mx.nd.ones((-3,)),
    lambda: mx.nd.empty((-3,)),
    lambda: mx.nd.full((4, -2), 1.0),
    lambda: mx.nd._internal._zeros(shape=(-1,)),
])
def test_negative_shape(call):
    with pytest.raises(MXNetError) as info:
        call()
    assert isinstance(info.value, ValueError)
    assert re.search(r"shape|dimension", str(info.value)), str(info.value)
    still_works()


@pytest.mark.parametrize("call", [
    lambda: mx.nd.empty((2 ** 62 + 1, 4)),
    lambda: mx.nd.zeros((2 ** 40, 2 ** 40)),
    lambda: mx.nd.ones((4,)).reshape((2 ** 62 + 1, 4)),
    lambda: mx.nd.Reshape(mx.nd.ones((4,)), shape=(2 ** 62 + 1, 4)),
], ids=["empty", "zeros", "reshape", "Reshape-op"])
def test_shape_whose_size_overflows(call):
    """A shape whose element count does not fit in 64 bits is refused (it
    must not wrap around to a small buffer the shape then overruns)."""
    with pytest.raises(MXNetError):
        call()
    still_works()


def test_huge_allocation_is_a_memory_error():
    with pytest.raises(MXNetError) as info:
        mx.nd.empty((2 ** 40,))
    assert isinstance(info.value, MemoryError)
    still_works()


# ---------------------------------------------------------------------------
# inputs and outputs
# ---------------------------------------------------------------------------

def test_wrong_number_of_inputs():
    a = mx.nd.ones((2,))
    with pytest.raises(MXNetError) as info:
        mx.nd.broadcast_add(a)
    assert "input" in str(info.value)
    add = mx.nd.register.OpInfo("broadcast_add").handle
    with pytest.raises(MXNetError) as info:
        _invoke.invoke(add, [a.handle, a.handle, a.handle])
    assert "2" in str(info.value) and "3" in str(info.value)
    neg = mx.nd.register.OpInfo("negative").handle
    with pytest.raises(MXNetError):
        _invoke.invoke(neg, [])
    still_works()


def test_wrong_number_of_outputs():
    a = mx.nd.ones((2,))
    with pytest.raises(MXNetError) as info:
        mx.nd.broadcast_add(a, a, out=[mx.nd.zeros((2,)), mx.nd.zeros((2,))])
    assert "output" in str(info.value)
    still_works()


def test_non_ndarray_input():
    with pytest.raises(TypeError):
        mx.nd.broadcast_add(mx.nd.ones((2,)), np.ones(2))


def test_unknown_op():
    out = ffi.new("MXOpHandle*")
    assert _LIB.MXGetOpHandle(b"no_such_op", out) != 0
    err = get_last_error()
    assert isinstance(err, MXNetError) and isinstance(err, LookupError)
    assert "no_such_op" in str(err)
    with pytest.raises(AttributeError):
        mx.nd.no_such_op
    with pytest.raises(AttributeError):
        mx.nd._internal._no_such_op


def test_index_out_of_range():
    with pytest.raises(IndexError):
        mx.nd.ones((2, 3))[2]
    still_works()


# ---------------------------------------------------------------------------
# handles
# ---------------------------------------------------------------------------

def _raw_array(shape=(2, 3)):
    out = ffi.new("MXNDArrayHandle*")
    c_shape = ffi.new("int64_t[]", shape)
    assert _LIB.MXNDArrayCreate(c_shape, len(shape), 1, 0, 0, out) == 0
    return out[0]


def test_freed_handle():
    h = _raw_array()
    assert _LIB.MXNDArrayFree(h) == 0
    ndim = ffi.new("int*")
    dims = ffi.new("int64_t**")
    code = ffi.new("int*")
    buf = np.empty(6, dtype=np.float32)
    calls = [
        lambda: _LIB.MXNDArrayGetShape(h, ndim, dims),
        lambda: _LIB.MXNDArrayGetDType(h, code),
        lambda: _LIB.MXNDArrayWaitToRead(h),
        lambda: _LIB.MXNDArrayWaitToWrite(h),
        lambda: _LIB.MXNDArraySyncCopyToCPU(h, ffi.from_buffer(buf), 6),
        lambda: _LIB.MXNDArraySyncCopyFromCPU(h, ffi.from_buffer(buf), 6),
        lambda: _LIB.MXNDArrayFree(h),  # a double free
    ]
    for call in calls:
        assert call() != 0
        err = get_last_error()
        assert isinstance(err, MXNetError)
        assert re.search(r"freed|live|invalid", str(err)), str(err)
    # as an op input
    with pytest.raises(MXNetError):
        _invoke.invoke(mx.nd.register.OpInfo("negative").handle, [h])
    still_works()


def test_freed_handle_behind_an_ndarray():
    a = mx.nd.ones((2, 3))
    assert _LIB.MXNDArrayFree(a.handle) == 0
    with pytest.raises(MXNetError):
        a.asnumpy()
    with pytest.raises(MXNetError):
        a.shape
    with pytest.raises(MXNetError):
        a + 1
    with pytest.raises(MXNetError):
        mx.nd.ones((2, 3)) + a
    del a  # its __del__ frees the handle again: an error code, not a crash
    still_works()


def test_null_handle():
    ndim = ffi.new("int*")
    dims = ffi.new("int64_t**")
    assert _LIB.MXNDArrayGetShape(ffi.NULL, ndim, dims) != 0
    assert "NULL" in str(get_last_error())
    assert _LIB.MXNDArrayWaitToRead(ffi.NULL) != 0
    assert _LIB.MXNDArrayFree(ffi.NULL) == 0  # documented no-op
    out = ffi.new("MXNDArrayHandle*")
    assert _LIB.MXNDArrayReshape(ffi.NULL, 0, ffi.NULL, 0, out) != 0
    assert _LIB.MXImperativeInvoke(ffi.NULL, 0, ffi.NULL, ffi.new("int*"),
                                   ffi.new("MXNDArrayHandle**"), 0, ffi.NULL, ffi.NULL) != 0
    assert isinstance(get_last_error(), MXNetError)
    with pytest.raises(MXNetError) as info:
        mx.nd.NDArray(ffi.NULL).shape
    assert "NULL" in str(info.value)
    with pytest.raises(MXNetError):
        _invoke.invoke(mx.nd.register.OpInfo("negative").handle, [ffi.NULL])
    still_works()


def test_bad_arguments_to_c_api():
    out = ffi.new("MXNDArrayHandle*")
    shape = ffi.new("int64_t[]", [2, 3])
    assert _LIB.MXNDArrayCreate(shape, 2, 1, 0, 42, out) != 0     # bad dtype code
    assert isinstance(get_last_error(), TypeError)
    assert _LIB.MXNDArrayCreate(shape, 2, 9, 0, 0, out) != 0      # bad device type
    assert _LIB.MXNDArrayCreate(ffi.new("int64_t[]", [2, -3]), 2, 1, 0, 0, out) != 0
    assert _LIB.MXNDArrayCreate(shape, 2, 1, 0, 0, ffi.NULL) != 0  # NULL out pointer
    x = mx.nd.ones((4,))
    buf = np.empty(6, dtype=np.float32)
    assert _LIB.MXNDArraySyncCopyFromCPU(x.handle, ffi.from_buffer(buf), 6) != 0
    assert "6" in str(get_last_error()) and "4" in str(get_last_error())
    assert _LIB.MXNDArraySlice(x.handle, 3, 9, out) != 0
    assert isinstance(get_last_error(), IndexError)
    assert _LIB.MXGetOpHandle(ffi.NULL, ffi.new("MXOpHandle*")) != 0
    assert _LIB.MXEnginePushSync(ffi.NULL, ffi.NULL, ffi.NULL, 1, 0, ffi.NULL, 0, ffi.NULL, 0,
                                 ffi.NULL) != 0
    np.testing.assert_array_equal(x.asnumpy(), np.ones(4))
    still_works()


def test_bound_op_calls():
    """MXOpCallCreate / MXOpCallInvoke / MXOpCallFree: bad input is an error."""
    op = mx.nd.register.OpInfo("negative").handle
    out = ffi.new("MXOpCallHandle*")
    assert _LIB.MXOpCallCreate(op, 0, ffi.NULL, ffi.NULL, out) == 0
    call = out[0]
    a = mx.nd.array([1, 2, 3])
    ins = ffi.new("MXNDArrayHandle[2]", [a.handle, a.handle])
    outs = ffi.new("MXNDArrayHandle[2]")
    n_out = ffi.new("int*")
    assert _LIB.MXOpCallGetNumOutputs(call, n_out) == 0 and n_out[0] == 1
    assert _LIB.MXOpCallGetNumOutputs(call, ffi.NULL) != 0
    assert _LIB.MXOpCallGetNumOutputs(ffi.NULL, n_out) != 0
    assert "NULL" in str(get_last_error())
    assert _LIB.MXOpCallInvoke(call, 1, ins, 1, outs) == 0
    r = mx.nd.NDArray(outs[0])
    np.testing.assert_array_equal(r.asnumpy(), [-1, -2, -3])
    outs[0] = ffi.NULL
    assert _LIB.MXOpCallInvoke(call, 2, ins, 1, outs) != 0          # wrong input count
    assert "input" in str(get_last_error())
    assert _LIB.MXOpCallInvoke(call, 1, ins, 2, outs) != 0          # wrong output count
    assert "output" in str(get_last_error())
    assert _LIB.MXOpCallInvoke(ffi.NULL, 1, ins, 1, outs) != 0      # NULL call
    assert "NULL" in str(get_last_error())
    assert _LIB.MXOpCallCreate(ffi.NULL, 0, ffi.NULL, ffi.NULL, out) != 0
    key, val = ffi.new("char[]", b"bogus"), ffi.new("char[]", b"1")
    keys, vals = ffi.new("const char*[]", [key]), ffi.new("const char*[]", [val])
    assert _LIB.MXOpCallCreate(op, 1, keys, vals, out) != 0         # unknown parameter
    assert "bogus" in str(get_last_error())
    assert _LIB.MXOpCallFree(ffi.NULL) == 0
    assert _LIB.MXOpCallFree(call) == 0
    assert _LIB.MXOpCallInvoke(call, 1, ins, 1, outs) != 0          # freed call
    assert isinstance(get_last_error(), MXNetError)
    assert _LIB.MXOpCallGetNumOutputs(call, n_out) != 0
    assert _LIB.MXOpCallFree(call) != 0                             # double free
    still_works()


def test_error_kind_maps_to_builtin():
    assert issubclass(base.MXNetValueError, MXNetError) and issubclass(base.MXNetValueError, ValueError)
    assert issubclass(base.MXNetTypeError, TypeError)
    assert issubclass(base.MXNetIndexError, IndexError)
    assert issubclass(base.MXNetOSError, OSError)
    assert issubclass(MXNetError, RuntimeError)


def test_gpu_the_process_does_not_have():
    missing = mx.gpu(mx.context.num_gpus())
    with pytest.raises(MXNetError, match=r"gpu\(\d+\) is not available"):
        mx.nd.zeros((2,), ctx=missing).asnumpy()
    with pytest.raises(MXNetError, match=r"gpu\(\d+\) is not available"):
        mx.nd.ones((2,)).copyto(missing).asnumpy()
    still_works()


# ---------------------------------------------------------------------------
# errors inside the engine
# ---------------------------------------------------------------------------

def _failing(message="engine function failed on purpose"):
    def fn():
        raise ValueError(message)
    return fn


def test_engine_error_raised_at_wait_to_read_then_cleared():
    a = mx.nd.zeros((3,))
    mx.engine.push(_failing("boom-at-wait"), mutable_arrays=[a])
    with pytest.raises(MXNetError) as info:
        a.wait_to_read()
    assert "boom-at-wait" in str(info.value)
    assert "ValueError" in str(info.value)
    a.wait_to_read()  # cleared
    np.testing.assert_array_equal(a.asnumpy(), np.zeros(3))
    still_works()


def test_engine_error_raised_at_asnumpy_then_cleared():
    a = mx.nd.ones((2, 2))
    mx.engine.push(_failing("boom-at-asnumpy"), mutable_arrays=[a])
    with pytest.raises(MXNetError) as info:
        a.asnumpy()
    assert "boom-at-asnumpy" in str(info.value)
    np.testing.assert_array_equal(a.asnumpy(), np.ones((2, 2)))


def test_engine_error_propagates_to_dependent_ops():
    a = mx.nd.ones((2,))
    mx.engine.push(_failing("boom-upstream"), mutable_arrays=[a])
    b = a + 1
    with pytest.raises(MXNetError) as info:
        b.asnumpy()
    assert "boom-upstream" in str(info.value)


def test_engine_error_then_waitall_does_not_reraise():
    """MXNet clears an error once a wait on its array raised it: a later
    waitall() does not raise it again."""
    a = mx.nd.zeros((2,))
    mx.engine.push(_failing("boom-once"), mutable_arrays=[a])
    with pytest.raises(MXNetError):
        a.wait_to_read()
    mx.nd.waitall()  # must not raise the already-reported error


def test_waitall_raises_pending_error():
    a = mx.nd.zeros((2,))
    b = mx.nd.zeros((2,))
    mx.engine.push(_failing("boom-pending"), mutable_arrays=[a])
    c = b + 1
    with pytest.raises(MXNetError) as info:
        mx.nd.waitall()
    assert "boom-pending" in str(info.value)
    mx.nd.waitall()  # raised once
    np.testing.assert_array_equal(c.asnumpy(), [1, 1])


def test_waitall_clears_the_array_error():
    """After waitall() raised an error, a wait on the array does not raise it
    again (MXNet: "WaitToRead following WaitForAll shouldn't throw")."""
    a = mx.nd.zeros((2,))
    mx.engine.push(_failing("boom-then-read"), mutable_arrays=[a])
    with pytest.raises(MXNetError):
        mx.nd.waitall()
    a.wait_to_read()
    np.testing.assert_array_equal(a.asnumpy(), [0, 0])


def test_engine_error_const_only_function():
    """A failing function with no mutable arrays is reported by waitall()."""
    a = mx.nd.ones((2,))
    mx.engine.push(_failing("boom-const"), const_arrays=[a])
    with pytest.raises(MXNetError) as info:
        mx.nd.waitall()
    assert "boom-const" in str(info.value)
    still_works()


def test_many_errors_no_crash():
    arrays = [mx.nd.zeros((4,)) for _ in range(50)]
    for i, a in enumerate(arrays):
        mx.engine.push(_failing("boom-%d" % i), mutable_arrays=[a])
    for i, a in enumerate(arrays):
        with pytest.raises(MXNetError) as info:
            a.asnumpy()
        assert "boom-%d" % i in str(info.value)
    still_works()
