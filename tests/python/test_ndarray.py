"""NDArray against MXNet 1.9's documented behaviour, values checked with numpy.

Reference semantics (MXNet 1.x's legacy NDArray):
- every arithmetic / comparison result keeps the input dtype; comparisons
  give 1 or 0 in that dtype;
- a scalar operand is converted to the array's dtype first;
- integer division truncates toward zero, and integer x / 0 and x % 0 give 0;
- % takes the sign of the divisor (as numpy).
"""
import gc

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import (DTYPES, FLOAT_DTYPES, check, gen, is_float, is_unsigned, operands,
                    ref_binary)

BROADCAST_CASES = [
    ((2, 3), (2, 3)),
    ((2, 3), (3,)),
    ((3, 1), (1, 4)),
    ((2, 1, 3), (4, 1)),
    ((1,), (5,)),
    ((1, 1), (1, 1)),
    ((3, 1, 1), (1, 1, 2)),
    ((0, 3), (1, 3)),
    ((2, 0), (2, 1)),
]


OPERATORS = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "mod": lambda x, y: x % y,
    "pow": lambda x, y: x ** y,
    "eq": lambda x, y: x == y,
    "ne": lambda x, y: x != y,
    "gt": lambda x, y: x > y,
    "ge": lambda x, y: x >= y,
    "lt": lambda x, y: x < y,
    "le": lambda x, y: x <= y,
}


# ---------------------------------------------------------------------------
# attributes
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_attributes(dtype):
    a = mx.nd.zeros((2, 3, 4), dtype=dtype)
    assert a.shape == (2, 3, 4)
    assert isinstance(a.shape, tuple)
    assert a.dtype is np.dtype(dtype).type
    assert a.size == 24
    assert a.ndim == 3
    assert a.stype == "default"
    assert a.context == mx.cpu(0)
    assert a.ctx == mx.cpu(0)
    assert isinstance(a.context, mx.Context)
    assert a.context.device_type == "cpu"
    assert a.context.device_id == 0


def test_attributes_zero_size():
    a = mx.nd.zeros((0, 3))
    assert a.shape == (0, 3)
    assert a.size == 0
    assert a.ndim == 2
    assert a.asnumpy().shape == (0, 3)


# ---------------------------------------------------------------------------
# values out
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_asnumpy_roundtrip(dtype):
    src = np.arange(12).reshape(3, 4).astype(dtype)
    a = mx.nd.array(src, dtype=dtype)
    out = a.asnumpy()
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, src)
    # a copy: changing it leaves the NDArray alone
    out[:] = 0
    np.testing.assert_array_equal(a.asnumpy(), src)


def test_np_asarray():
    a = mx.nd.array([[1, 2], [3, 4]])
    b = np.asarray(a)
    assert isinstance(b, np.ndarray)
    assert b.dtype == np.float32
    np.testing.assert_array_equal(b, [[1, 2], [3, 4]])
    c = np.asarray(a, dtype=np.float64)
    assert c.dtype == np.float64
    np.testing.assert_array_equal(np.array(a), [[1, 2], [3, 4]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_asscalar(dtype):
    a = mx.nd.array([7], dtype=dtype)
    v = a.asscalar()
    assert v == 7
    assert isinstance(v, np.generic)
    assert type(v) is np.dtype(dtype).type


def test_asscalar_not_scalar():
    with pytest.raises(ValueError):
        mx.nd.zeros((2,)).asscalar()
    with pytest.raises(ValueError):
        mx.nd.zeros((0,)).asscalar()


def test_repr_exact():
    assert repr(mx.nd.ones((1, 2))) == "\n[[1. 1.]]\n<NDArray 1x2 @cpu(0)>"
    assert repr(mx.nd.array([1, 2, 3], dtype="int32")) == "\n[1 2 3]\n<NDArray 3 @cpu(0)>"
    assert repr(mx.nd.zeros((2, 2))) == "\n[[0. 0.]\n [0. 0.]]\n<NDArray 2x2 @cpu(0)>"
    assert repr(mx.nd.zeros((0, 3))) == "\n[]\n<NDArray 0x3 @cpu(0)>"
    assert repr(mx.nd.zeros((1,), ctx=mx.cpu(1))) == "\n[0.]\n<NDArray 1 @cpu(1)>"
    assert str(mx.nd.ones((1, 2))) == repr(mx.nd.ones((1, 2)))


# ---------------------------------------------------------------------------
# arithmetic and comparison operators
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(OPERATORS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_operator_array_array(name, dtype):
    rng = np.random.default_rng(hash((name, np.dtype(dtype).name)) & 0xFFFF)
    fn = OPERATORS[name]
    for lshape, rshape in BROADCAST_CASES:
        for ls, rs in ((lshape, rshape), (rshape, lshape)):
            x, y = operands(name, ls, rs, dtype, rng)
            got = fn(mx.nd.array(x, dtype=dtype), mx.nd.array(y, dtype=dtype))
            expected = ref_binary(name, x, y, dtype)
            assert got.shape == np.broadcast_shapes(ls, rs)
            check(got, expected, dtype)


def _scalars(dtype):
    if is_float(dtype):
        return [2.5, 3, np.float32(1.5), np.float64(-2.0)]
    if is_unsigned(dtype):
        return [3, np.int64(2), np.uint8(5)]
    return [3, -2, np.int32(2), np.int64(-4)]


@pytest.mark.parametrize("name", sorted(OPERATORS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_operator_array_scalar(name, dtype):
    rng = np.random.default_rng(7)
    fn = OPERATORS[name]
    for s in _scalars(dtype):
        if name == "pow":
            x = gen((3, 4), dtype, rng, "pow_base")
            if not is_float(dtype) and s < 0:
                continue
        else:
            x = gen((3, 4), dtype, rng)
        a = mx.nd.array(x, dtype=dtype)
        s_as_dtype = np.asarray(s).astype(dtype)  # MXNet converts the scalar first
        check(fn(a, s), ref_binary(name, x, s_as_dtype, dtype), dtype)


@pytest.mark.parametrize("name", sorted(OPERATORS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_operator_scalar_array(name, dtype):
    """The scalar on the left: reflected operators (2 - x, 2 / x, 2 > x, ...)."""
    rng = np.random.default_rng(11)
    fn = OPERATORS[name]
    for s in _scalars(dtype):
        if name == "pow":
            x = gen((3, 4), dtype, rng, "pow_exp")
            if not is_float(dtype) and s < 0:
                continue
            if is_float(dtype):
                s = abs(s)
        elif name in ("div", "mod") and is_float(dtype):
            x = gen((3, 4), dtype, rng, "nonzero")
        else:
            x = gen((3, 4), dtype, rng)
        a = mx.nd.array(x, dtype=dtype)
        s_as_dtype = np.asarray(s).astype(dtype)
        check(fn(s, a), ref_binary(name, s_as_dtype, x, dtype), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_comparison_returns_input_dtype(dtype):
    a = mx.nd.array([1, 2, 3], dtype=dtype)
    b = mx.nd.array([3, 2, 1], dtype=dtype)
    for r, e in ((a == b, [0, 1, 0]), (a != b, [1, 0, 1]), (a > b, [0, 0, 1]),
                 (a >= b, [0, 1, 1]), (a < b, [1, 0, 0]), (a <= b, [1, 1, 0]),
                 (a > 1, [0, 1, 1]), (2 == a, [0, 1, 0]), (2 >= a, [1, 1, 0])):
        assert r.dtype is np.dtype(dtype).type
        np.testing.assert_array_equal(r.asnumpy(), np.array(e, dtype=dtype))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.int8, np.uint8])
def test_integer_division_by_zero_gives_zero(dtype):
    a = mx.nd.array([5, 0, 7, 9], dtype=dtype)
    z = mx.nd.zeros((4,), dtype=dtype)
    for r in (a / z, a % z, a / 0, a % 0, 3 / z, 3 % z):
        assert r.dtype is np.dtype(dtype).type
        np.testing.assert_array_equal(r.asnumpy(), np.zeros(4, dtype=dtype))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.int8])
def test_integer_division_truncates_toward_zero(dtype):
    a = mx.nd.array([7, -7, 7, -7, 6], dtype=dtype)
    b = mx.nd.array([2, 2, -2, -2, 3], dtype=dtype)
    np.testing.assert_array_equal((a / b).asnumpy(), np.array([3, -3, -3, 3, 2], dtype=dtype))
    # modulo takes the sign of the divisor
    np.testing.assert_array_equal((a % b).asnumpy(), np.array([1, 1, -1, -1, 0], dtype=dtype))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_float_mod_sign_of_divisor(dtype):
    a = mx.nd.array([5.5, -5.5, 5.5, -5.5], dtype=dtype)
    b = mx.nd.array([2, 2, -2, -2], dtype=dtype)
    np.testing.assert_allclose((a % b).asnumpy(), np.mod(a.asnumpy(), b.asnumpy()))


def test_int_array_float_scalar_keeps_int_dtype():
    a = mx.nd.array([1, 2, 3], dtype="int32")
    r = a + 2
    assert r.dtype is np.int32
    np.testing.assert_array_equal(r.asnumpy(), [3, 4, 5])
    r = a / 2
    assert r.dtype is np.int32
    np.testing.assert_array_equal(r.asnumpy(), [0, 1, 1])


def test_negation_and_pos():
    for dtype in [np.float32, np.float64, np.float16, np.int32, np.int64, np.int8]:
        x = np.array([[1, -2], [0, 3]], dtype=dtype)
        a = mx.nd.array(x, dtype=dtype)
        check(-a, -x, dtype)
        check(+a, x, dtype)


def test_python_scalar_op_python_scalar_untouched():
    # the NDArray stays out of scalar-scalar arithmetic
    a = mx.nd.ones((2,))
    r = 2 * a * 3 + 1
    np.testing.assert_array_equal(r.asnumpy(), [7, 7])


def test_operator_unsupported_type():
    a = mx.nd.ones((2,))
    with pytest.raises(TypeError):
        a + "x"
    with pytest.raises(TypeError):
        a * [1, 2, 3, 4]  # a list is not broadcast implicitly


def test_chain_matches_numpy():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    y = rng.standard_normal((5,)).astype(np.float32)
    a, b = mx.nd.array(x), mx.nd.array(y)
    got = ((a + b) * 2 - a / 4) ** 2
    expected = ((x.astype(np.float64) + y) * 2 - x.astype(np.float64) / 4) ** 2
    np.testing.assert_allclose(got.asnumpy(), expected, rtol=1e-5)


# ---------------------------------------------------------------------------
# in-place operators
# ---------------------------------------------------------------------------

INPLACE = {
    "add": lambda x, y: x.__iadd__(y),
    "sub": lambda x, y: x.__isub__(y),
    "mul": lambda x, y: x.__imul__(y),
    "div": lambda x, y: x.__itruediv__(y),
    "mod": lambda x, y: x.__imod__(y),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
@pytest.mark.parametrize("dtype", DTYPES)
def test_inplace_operators(name, dtype):
    rng = np.random.default_rng(5)
    x = gen((3, 4), dtype, rng)
    role = "nonzero" if is_float(dtype) and name in ("div", "mod") else "any"
    y = gen((3, 4), dtype, rng, role)
    y_row = gen((4,), dtype, rng, role)
    s = 3

    a = mx.nd.array(x, dtype=dtype)
    handle = a.handle
    ident = id(a)
    if name == "add":
        a += mx.nd.array(y, dtype=dtype)
    elif name == "sub":
        a -= mx.nd.array(y, dtype=dtype)
    elif name == "mul":
        a *= mx.nd.array(y, dtype=dtype)
    elif name == "div":
        a /= mx.nd.array(y, dtype=dtype)
    else:
        a %= mx.nd.array(y, dtype=dtype)
    assert id(a) == ident and a.handle == handle
    expected = ref_binary(name, x, y, dtype)
    check(a, expected, dtype)

    # broadcast right-hand side
    r = INPLACE[name](a, mx.nd.array(y_row, dtype=dtype))
    assert r is a
    expected = ref_binary(name, expected, y_row, dtype)
    check(a, expected, dtype)

    # scalar right-hand side
    r = INPLACE[name](a, s)
    assert r is a
    expected = ref_binary(name, expected, np.asarray(s).astype(dtype), dtype)
    check(a, expected, dtype)


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_writes_through_view(name):
    x = np.arange(1, 13, dtype=np.float32).reshape(4, 3)
    a = mx.nd.array(x)
    v = a[1:3]
    INPLACE[name](v, 2)
    expected = x.copy()
    expected[1:3] = ref_binary(name, x[1:3], np.float32(2), np.float32)
    np.testing.assert_allclose(a.asnumpy(), expected, rtol=1e-6)

    row = a[0]
    INPLACE[name](row, mx.nd.array([2, 4, 5]))
    expected[0] = ref_binary(name, expected[0], np.array([2, 4, 5], np.float32), np.float32)
    np.testing.assert_allclose(a.asnumpy(), expected, rtol=1e-6)


def test_inplace_on_indexed_item():
    a = mx.nd.zeros((3, 2))
    a[1] += 5
    np.testing.assert_array_equal(a.asnumpy(), [[0, 0], [5, 5], [0, 0]])


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_readonly_raises(name):
    a = mx.nd.ones((2, 3))
    a.writable = False
    with pytest.raises(ValueError):
        INPLACE[name](a, 2)
    with pytest.raises(ValueError):
        INPLACE[name](a, mx.nd.ones((2, 3)))
    np.testing.assert_array_equal(a.asnumpy(), np.ones((2, 3)))
    # views of a readonly array are readonly as well
    v = a[0:1]
    assert v.writable is False
    with pytest.raises(ValueError):
        INPLACE[name](v, 2)
    r = a.reshape((3, 2))
    assert r.writable is False
    with pytest.raises(ValueError):
        INPLACE[name](r, 2)
    np.testing.assert_array_equal(a.asnumpy(), np.ones((2, 3)))


def test_inplace_output_shape_mismatch():
    a = mx.nd.ones((3,))
    with pytest.raises(MXNetError):
        a += mx.nd.ones((2, 3))
    np.testing.assert_array_equal(a.asnumpy(), np.ones(3))


# ---------------------------------------------------------------------------
# copies and conversions
# ---------------------------------------------------------------------------

def test_copyto_ndarray():
    a = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    b = mx.nd.zeros((2, 3))
    r = a.copyto(b)
    assert r is b
    np.testing.assert_array_equal(b.asnumpy(), a.asnumpy())
    b[:] = 0
    np.testing.assert_array_equal(a.asnumpy(), [[1, 2, 3], [4, 5, 6]])


def test_copyto_converts_dtype():
    a = mx.nd.array([1.7, -1.7, 2.5])
    b = mx.nd.zeros((3,), dtype="int32")
    a.copyto(b)
    assert b.dtype is np.int32
    np.testing.assert_array_equal(b.asnumpy(), [1, -1, 2])


def test_copyto_context():
    a = mx.nd.array([1, 2, 3], dtype="int64")
    c = a.copyto(mx.cpu(0))
    assert c is not a
    assert c.context == mx.cpu(0)
    assert c.dtype is np.int64
    c[:] = 0
    np.testing.assert_array_equal(a.asnumpy(), [1, 2, 3])
    d = a.copyto(mx.cpu(1))
    assert d.context == mx.cpu(1)
    np.testing.assert_array_equal(d.asnumpy(), [1, 2, 3])


def test_copyto_itself_warns_and_returns_false():
    a = mx.nd.array([1, 2])
    with pytest.warns(RuntimeWarning, match="copy an array to itself"):
        assert a.copyto(a) is False
    np.testing.assert_array_equal(a.asnumpy(), [1, 2])


def test_copyto_bad_target():
    a = mx.nd.ones((2,))
    with pytest.raises(TypeError):
        a.copyto(np.zeros(2))
    with pytest.raises(MXNetError):
        a.copyto(mx.nd.zeros((3,)))


def test_copy_is_deep():
    a = mx.nd.array([1, 2, 3])
    b = a.copy()
    assert b.handle != a.handle
    assert b.context == a.context and b.dtype == a.dtype
    b += 1
    np.testing.assert_array_equal(a.asnumpy(), [1, 2, 3])
    np.testing.assert_array_equal(b.asnumpy(), [2, 3, 4])


def test_as_in_context():
    a = mx.nd.array([1, 2])
    assert a.as_in_context(mx.cpu(0)) is a
    b = a.as_in_context(mx.cpu(1))
    assert b is not a
    assert b.context == mx.cpu(1)
    np.testing.assert_array_equal(b.asnumpy(), [1, 2])


@pytest.mark.parametrize("src", DTYPES)
@pytest.mark.parametrize("dst", DTYPES)
def test_astype(src, dst):
    x = np.array([0, 1, 2, 5, 100, 127], dtype=src)
    a = mx.nd.array(x, dtype=src)
    b = a.astype(dst)
    assert b.dtype is np.dtype(dst).type
    assert b.shape == a.shape
    np.testing.assert_array_equal(b.asnumpy(), x.astype(dst))
    assert b.handle != a.handle


@pytest.mark.parametrize("dst", [np.int32, np.int64, np.int8])
def test_astype_float_to_int_truncates(dst):
    a = mx.nd.array([-2.9, -1.5, -0.5, 0.5, 1.5, 2.9, 3.0])
    np.testing.assert_array_equal(a.astype(dst).asnumpy(),
                                  np.array([-2, -1, 0, 0, 1, 2, 3], dtype=dst))
    np.testing.assert_array_equal(a.astype(np.uint8).asnumpy()[3:], [0, 1, 2, 3])


def test_astype_copy_flag():
    a = mx.nd.ones((2,))
    assert a.astype(np.float32, copy=False) is a
    b = a.astype(np.float32)
    assert b is not a
    b[:] = 3
    np.testing.assert_array_equal(a.asnumpy(), [1, 1])
    c = a.astype("float64", copy=False)
    assert c is not a and c.dtype is np.float64
    assert a.astype("int32").dtype is np.int32


# ---------------------------------------------------------------------------
# reshape
# ---------------------------------------------------------------------------

# (input shape, shape argument, expected) -- the examples of MXNet's Reshape docs
RESHAPE_DOC_CASES = [
    ((2, 3, 4), (4, 0, 2), (4, 3, 2)),
    ((2, 3, 4), (2, 0, 0), (2, 3, 4)),
    ((2, 3, 4), (6, 1, -1), (6, 1, 4)),
    ((2, 3, 4), (3, -1, 8), (3, 1, 8)),
    ((2, 3, 4), (-1,), (24,)),
    ((2, 3, 4), (-2,), (2, 3, 4)),
    ((2, 3, 4), (2, -2), (2, 3, 4)),
    ((2, 3, 4), (-2, 1, 1), (2, 3, 4, 1, 1)),
    ((2, 3, 4), (-3, 4), (6, 4)),
    ((2, 3, 4, 5), (-3, -3), (6, 20)),
    ((2, 3, 4), (0, -3), (2, 12)),
    ((2, 3, 4), (-3, -2), (6, 4)),
    ((2, 3, 4), (-4, 1, 2, -2), (1, 2, 3, 4)),
    ((2, 3, 4), (2, -4, -1, 3, -2), (2, 1, 3, 4)),
]


@pytest.mark.parametrize("src,spec,expected", RESHAPE_DOC_CASES)
def test_reshape_special_codes(src, spec, expected):
    x = np.arange(int(np.prod(src)), dtype=np.float32).reshape(src)
    a = mx.nd.array(x)
    b = a.reshape(spec)
    assert b.shape == expected
    np.testing.assert_array_equal(b.asnumpy(), x.reshape(expected))


def test_reshape_reverse():
    a = mx.nd.zeros((10, 5, 4))
    assert a.reshape((-1, 0)).shape == (40, 5)
    assert a.reshape((-1, 0), reverse=True).shape == (50, 4)
    assert a.reshape(shape=(-1, 0), reverse=True).shape == (50, 4)


def test_reshape_call_forms():
    a = mx.nd.array(np.arange(6))
    for b in (a.reshape(2, 3), a.reshape((2, 3)), a.reshape([2, 3]), a.reshape(shape=(2, 3))):
        assert b.shape == (2, 3)
        np.testing.assert_array_equal(b.asnumpy(), np.arange(6).reshape(2, 3))
    assert a.reshape(-1).shape == (6,)
    assert a.reshape(6).shape == (6,)


def test_reshape_shares_memory():
    a = mx.nd.zeros((2, 3))
    b = a.reshape((3, 2))
    b[:] = 5
    np.testing.assert_array_equal(a.asnumpy(), np.full((2, 3), 5))
    a[:] = 1
    np.testing.assert_array_equal(b.asnumpy(), np.ones((3, 2)))


def test_reshape_of_view_shares_memory():
    a = mx.nd.zeros((4, 3))
    v = a[1:3].reshape((-1,))
    assert v.shape == (6,)
    v[:] = 7
    expected = np.zeros((4, 3))
    expected[1:3] = 7
    np.testing.assert_array_equal(a.asnumpy(), expected)
    v += 1
    expected[1:3] = 8
    np.testing.assert_array_equal(a.asnumpy(), expected)


def test_reshape_bad():
    a = mx.nd.zeros((2, 3))
    with pytest.raises(MXNetError):
        a.reshape((4, 2))
    with pytest.raises(MXNetError):
        a.reshape((-1, -1))
    with pytest.raises(ValueError):
        a.reshape((5, -1))
    with pytest.raises(TypeError):
        a.reshape((3, 2), bogus=1)


# ---------------------------------------------------------------------------
# indexing
# ---------------------------------------------------------------------------

def test_slice_is_view():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    a = mx.nd.array(x)
    v = a[1:3]
    assert v.shape == (2, 3)
    np.testing.assert_array_equal(v.asnumpy(), x[1:3])
    v[:] = -1
    x[1:3] = -1
    np.testing.assert_array_equal(a.asnumpy(), x)
    # and writes to the base show in the view
    a[:] = 3
    np.testing.assert_array_equal(v.asnumpy(), np.full((2, 3), 3))


def test_slice_forms():
    x = np.arange(10, dtype=np.float32)
    a = mx.nd.array(x)
    np.testing.assert_array_equal(a[2:].asnumpy(), x[2:])
    np.testing.assert_array_equal(a[:3].asnumpy(), x[:3])
    np.testing.assert_array_equal(a[-3:].asnumpy(), x[-3:])
    np.testing.assert_array_equal(a[:].asnumpy(), x)
    assert a[5:5].shape == (0,)
    assert a[7:3].shape == (0,)
    np.testing.assert_array_equal(a[3:100].asnumpy(), x[3:])


def test_integer_index_is_view():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    a = mx.nd.array(x)
    r = a[1]
    assert r.shape == (3,)
    np.testing.assert_array_equal(r.asnumpy(), x[1])
    r[:] = 100
    x[1] = 100
    np.testing.assert_array_equal(a.asnumpy(), x)
    np.testing.assert_array_equal(a[-1].asnumpy(), x[-1])
    b = mx.nd.zeros((2, 3, 4))
    assert b[1].shape == (3, 4)


def test_integer_index_1d_gives_shape_1():
    a = mx.nd.array([10, 20, 30])
    r = a[1]
    assert isinstance(r, mx.nd.NDArray)
    assert r.shape == (1,)
    assert r.asscalar() == 20
    r[:] = 5
    np.testing.assert_array_equal(a.asnumpy(), [10, 5, 30])


def test_index_out_of_range():
    a = mx.nd.zeros((3, 2))
    with pytest.raises(IndexError):
        a[3]
    with pytest.raises(IndexError):
        a[-4]


def test_iteration():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    rows = [r.asnumpy() for r in mx.nd.array(x)]
    assert len(rows) == 3
    for r, e in zip(rows, x):
        np.testing.assert_array_equal(r, e)


# ---------------------------------------------------------------------------
# __setitem__
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_setitem_all(dtype):
    a = mx.nd.zeros((2, 3), dtype=dtype)
    handle = a.handle
    a[:] = 3
    np.testing.assert_array_equal(a.asnumpy(), np.full((2, 3), 3, dtype=dtype))
    a[:] = mx.nd.array(np.arange(6).reshape(2, 3), dtype=dtype)
    np.testing.assert_array_equal(a.asnumpy(), np.arange(6).reshape(2, 3).astype(dtype))
    a[:] = np.ones((2, 3), dtype=np.float64) * 2
    np.testing.assert_array_equal(a.asnumpy(), np.full((2, 3), 2, dtype=dtype))
    a[:] = [[1, 2, 3], [4, 5, 6]]
    np.testing.assert_array_equal(a.asnumpy(), np.array([[1, 2, 3], [4, 5, 6]], dtype=dtype))
    # broadcasting values
    a[:] = [7, 8, 9]
    np.testing.assert_array_equal(a.asnumpy(), np.array([[7, 8, 9], [7, 8, 9]], dtype=dtype))
    a[:] = mx.nd.array([1, 2, 3], dtype=dtype)
    np.testing.assert_array_equal(a.asnumpy(), np.array([[1, 2, 3], [1, 2, 3]], dtype=dtype))
    assert a.handle == handle
    assert a.dtype is np.dtype(dtype).type


def test_setitem_float_value():
    a = mx.nd.zeros((3,))
    a[:] = 2.5
    np.testing.assert_array_equal(a.asnumpy(), [2.5, 2.5, 2.5])
    a[:] = np.float64(-1.25)
    np.testing.assert_array_equal(a.asnumpy(), [-1.25] * 3)


def test_setitem_slice_and_index():
    x = np.zeros((4, 3), dtype=np.float32)
    a = mx.nd.zeros((4, 3))
    a[1:3] = 5
    x[1:3] = 5
    np.testing.assert_array_equal(a.asnumpy(), x)
    a[1:3] = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    x[1:3] = [[1, 2, 3], [4, 5, 6]]
    np.testing.assert_array_equal(a.asnumpy(), x)
    a[0] = mx.nd.array([9, 9, 9])
    x[0] = 9
    np.testing.assert_array_equal(a.asnumpy(), x)
    a[3] = np.array([1, 0, 1])
    x[3] = [1, 0, 1]
    np.testing.assert_array_equal(a.asnumpy(), x)
    a[-2] = 4
    x[-2] = 4
    np.testing.assert_array_equal(a.asnumpy(), x)
    a[2:] = [0.5, 1.5, 2.5]
    x[2:] = [0.5, 1.5, 2.5]
    np.testing.assert_array_equal(a.asnumpy(), x)


def test_setitem_1d():
    a = mx.nd.zeros((4,), dtype="int32")
    a[1] = 7
    a[2:4] = mx.nd.array([1, 2], dtype="int32")
    np.testing.assert_array_equal(a.asnumpy(), [0, 7, 1, 2])


def test_setitem_converts_dtype():
    a = mx.nd.zeros((3,), dtype="int32")
    a[:] = mx.nd.array([1, 2, 3], dtype="float32")
    assert a.dtype is np.int32
    np.testing.assert_array_equal(a.asnumpy(), [1, 2, 3])


def test_setitem_shape_mismatch():
    a = mx.nd.zeros((2, 3))
    with pytest.raises(ValueError):
        a[:] = np.ones((4,))
    with pytest.raises(ValueError):
        a[:] = mx.nd.ones((2, 2))
    np.testing.assert_array_equal(a.asnumpy(), np.zeros((2, 3)))


# ---------------------------------------------------------------------------
# creation
# ---------------------------------------------------------------------------

def test_array_default_dtype_float32():
    assert mx.nd.array([1, 2, 3]).dtype is np.float32
    assert mx.nd.array([[1.5, 2.5]]).dtype is np.float32
    src = np.array([1, 2, 3], dtype=np.int64)
    a = mx.nd.array(src)
    assert a.dtype is np.float32
    np.testing.assert_array_equal(a.asnumpy(), [1, 2, 3])
    assert mx.nd.array(np.zeros(3, dtype=np.float64)).dtype is np.float32
    assert mx.nd.array((1, 2)).shape == (2,)


def test_array_explicit_dtype():
    for dtype in DTYPES:
        a = mx.nd.array([1, 2], dtype=dtype)
        assert a.dtype is np.dtype(dtype).type
        np.testing.assert_array_equal(a.asnumpy(), np.array([1, 2], dtype=dtype))
    assert mx.nd.array([1, 2], dtype="float64").dtype is np.float64
    assert mx.nd.array([1, 2], dtype=np.dtype("int8")).dtype is np.int8


def test_array_from_ndarray_keeps_dtype_and_copies():
    a = mx.nd.array([1, 2, 3], dtype="int64")
    b = mx.nd.array(a)
    assert b.dtype is np.int64
    assert b.handle != a.handle
    b[:] = 0
    np.testing.assert_array_equal(a.asnumpy(), [1, 2, 3])
    c = mx.nd.array(a, dtype="float16")
    assert c.dtype is np.float16
    d = mx.nd.array(a, ctx=mx.cpu(1))
    assert d.context == mx.cpu(1) and d.dtype is np.int64


def test_array_ctx():
    a = mx.nd.array([1, 2], ctx=mx.cpu(1))
    assert a.context == mx.cpu(1)


@pytest.mark.parametrize("dtype", DTYPES)
def test_zeros_ones_full_empty_dtypes(dtype):
    z = mx.nd.zeros((2, 3), dtype=dtype)
    o = mx.nd.ones((2, 3), dtype=dtype)
    f = mx.nd.full((2, 3), 7, dtype=dtype)
    e = mx.nd.empty((2, 3), dtype=dtype)
    for arr in (z, o, f, e):
        assert arr.dtype is np.dtype(dtype).type
        assert arr.shape == (2, 3)
        assert arr.context == mx.cpu(0)
    np.testing.assert_array_equal(z.asnumpy(), np.zeros((2, 3), dtype=dtype))
    np.testing.assert_array_equal(o.asnumpy(), np.ones((2, 3), dtype=dtype))
    np.testing.assert_array_equal(f.asnumpy(), np.full((2, 3), 7, dtype=dtype))


def test_creation_defaults():
    for arr in (mx.nd.zeros((2,)), mx.nd.ones((2,)), mx.nd.full((2,), 3), mx.nd.empty((2,))):
        assert arr.dtype is np.float32
        assert arr.context == mx.cpu(0)
    np.testing.assert_array_equal(mx.nd.full((2, 2), 0.5).asnumpy(), np.full((2, 2), 0.5))


def test_creation_int_shape():
    for fn in (mx.nd.zeros, mx.nd.ones, mx.nd.empty):
        assert fn(5).shape == (5,)
        assert fn((5,)).shape == (5,)
        assert fn((2, 0)).shape == (2, 0)
    assert mx.nd.full(4, 1.0).shape == (4,)


def test_creation_ctx():
    for arr in (mx.nd.zeros((2,), ctx=mx.cpu(1)), mx.nd.ones((2,), ctx=mx.cpu(1)),
                mx.nd.full((2,), 1, ctx=mx.cpu(1)), mx.nd.empty((2,), ctx=mx.cpu(1))):
        assert arr.context == mx.cpu(1)


def test_full_and_zeros_out():
    out = mx.nd.empty((2, 2))
    r = mx.nd.full((2, 2), 4, out=out)
    assert r is out
    np.testing.assert_array_equal(out.asnumpy(), np.full((2, 2), 4))
    r = mx.nd.zeros((2, 2), out=out)
    assert r is out
    np.testing.assert_array_equal(out.asnumpy(), np.zeros((2, 2)))


def test_default_context_scope():
    assert mx.current_context() == mx.cpu(0)
    with mx.cpu(1):
        assert mx.current_context() == mx.cpu(1)
        assert mx.nd.zeros((2,)).context == mx.cpu(1)
        assert mx.nd.ones((2,)).context == mx.cpu(1)
        assert mx.nd.array([1, 2]).context == mx.cpu(1)
        with mx.cpu(0):
            assert mx.nd.zeros((1,)).context == mx.cpu(0)
        assert mx.current_context() == mx.cpu(1)
    assert mx.current_context() == mx.cpu(0)
    with mx.cpu(0) as ctx:
        assert ctx == mx.cpu(0)
        assert mx.nd.zeros((2,)).context == mx.cpu(0)


def test_context_objects():
    assert mx.cpu() == mx.cpu(0)
    assert mx.cpu(1) != mx.cpu(0)
    assert str(mx.cpu(2)) == "cpu(2)"
    assert mx.gpu(1).device_type == "gpu"
    assert hash(mx.cpu(0)) == hash(mx.Context("cpu", 0))
    assert mx.Context(mx.cpu(3)) == mx.cpu(3)


def test_waitall():
    a = mx.nd.ones((100, 100))
    for _ in range(10):
        a = a + 1
    assert mx.nd.waitall() is None
    np.testing.assert_array_equal(a.asnumpy(), np.full((100, 100), 11))
    a.wait_to_read()
    a.wait_to_write()


# ---------------------------------------------------------------------------
# Python protocol
# ---------------------------------------------------------------------------

def test_bool():
    assert bool(mx.nd.array([2])) is True
    assert bool(mx.nd.array([0])) is False
    assert bool(mx.nd.zeros((0,))) is False
    assert not mx.nd.zeros((0, 3))
    with pytest.raises(ValueError):
        bool(mx.nd.ones((2,)))
    if mx.nd.array([1], dtype="int32"):
        pass
    else:
        pytest.fail("a one-element non-zero array is truthy")


def test_len():
    assert len(mx.nd.zeros((3, 4))) == 3
    assert len(mx.nd.zeros((0, 4))) == 0
    assert len(mx.nd.zeros(7)) == 7


def test_float_int():
    assert float(mx.nd.array([2.5])) == 2.5
    assert isinstance(float(mx.nd.array([2.5])), float)
    assert int(mx.nd.array([3.7])) == 3
    assert int(mx.nd.array([-3.7])) == -3
    assert int(mx.nd.array([9], dtype="int64")) == 9
    assert isinstance(int(mx.nd.array([9], dtype="int64")), int)
    with pytest.raises(ValueError):
        float(mx.nd.ones((2,)))
    with pytest.raises(ValueError):
        int(mx.nd.ones((2,)))


# ---------------------------------------------------------------------------
# storage
# ---------------------------------------------------------------------------

def test_storage_stats_grow():
    mx.nd.waitall()
    before = mx.storage.stats()
    for key in ("bytes_in_use", "peak_bytes_in_use", "bytes_pooled", "num_allocs",
                "num_frees", "num_system_allocs"):
        assert key in before and isinstance(before[key], int) and before[key] >= 0
    arrays = [mx.nd.zeros((256, 256)) for _ in range(4)]  # 4 x 256 KiB
    mx.nd.waitall()
    after = mx.storage.stats()
    assert after["num_allocs"] >= before["num_allocs"] + 4
    assert after["bytes_in_use"] >= before["bytes_in_use"] + 4 * 256 * 256 * 4
    assert after["peak_bytes_in_use"] >= after["bytes_in_use"]
    del arrays
    gc.collect()
    mx.nd.waitall()
    freed = mx.storage.stats()
    assert freed["num_frees"] >= after["num_frees"] + 4
    assert freed["bytes_in_use"] <= after["bytes_in_use"] - 4 * 256 * 256 * 4


def test_storage_stats_ctx_and_release():
    s = mx.storage.stats(mx.cpu(0))
    assert isinstance(s, dict)
    gc.collect()
    mx.nd.waitall()
    mx.storage.release_all()
    assert mx.storage.stats()["bytes_pooled"] == 0


def test_hashable():
    a, b = mx.nd.ones((2,)), mx.nd.ones((2,))
    d = {a: 1, b: 2}
    assert d[a] == 1 and d[b] == 2
    assert len({a, b}) == 2


def test_setitem_fractional_scalar_into_int():
    a = mx.nd.zeros((3,), dtype="int32")
    a[:] = 2.7
    np.testing.assert_array_equal(a.asnumpy(), [2, 2, 2])


def test_default_context_is_per_thread():
    import threading
    seen = []
    with mx.cpu(1):
        t = threading.Thread(target=lambda: seen.append(mx.nd.zeros((1,)).context))
        t.start()
        t.join()
        assert mx.nd.zeros((1,)).context == mx.cpu(1)
    assert seen == [mx.cpu(0)]


def test_big_arrays_chain():
    x = np.random.default_rng(1).standard_normal((512, 512)).astype(np.float32)
    a = mx.nd.array(x)
    r = a
    for _ in range(20):
        r = r * 0.5 + a
    expected = x.astype(np.float64)
    e = expected
    for _ in range(20):
        e = e * 0.5 + expected
    np.testing.assert_allclose(r.asnumpy(), e, rtol=1e-5, atol=1e-5)
    v = a[100:300]
    v += 1
    x[100:300] += 1
    np.testing.assert_array_equal(a.asnumpy(), x)


def test_nested_views():
    x = np.arange(60, dtype=np.float32).reshape(5, 3, 4)
    a = mx.nd.array(x)
    np.testing.assert_array_equal(a[1:5][1:3].asnumpy(), x[1:5][1:3])
    np.testing.assert_array_equal(a[2][1].asnumpy(), x[2][1])
    np.testing.assert_array_equal(a[2][1:3].asnumpy(), x[2][1:3])
    np.testing.assert_array_equal(a[1:4].reshape((-1, 4))[2:5].asnumpy(),
                                  x[1:4].reshape(-1, 4)[2:5])
    v = a[1:4][1]
    v[:] = -1
    x[1:4][1] = -1
    np.testing.assert_array_equal(a.asnumpy(), x)
    w = a[3].reshape((12,))[4:8]
    w += 100
    x[3].reshape(12)[4:8] += 100
    np.testing.assert_array_equal(a.asnumpy(), x)


@pytest.mark.parametrize("start, stop, num", [(0, 1, 5), (2.0, 3.0, 5), (-3, 7, 11), (1, 5, 1),
                                              (5, -5, 4), (0, 10, 0)])
@pytest.mark.parametrize("endpoint", [True, False])
def test_linspace_matches_numpy(start, stop, num, endpoint):
    got = mx.nd.linspace(start, stop, num, endpoint=endpoint)
    assert got.dtype is np.float32 and got.context == mx.current_context()
    want = np.linspace(start, stop, num, endpoint=endpoint)
    np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6, atol=1e-6)


def test_linspace_dtype_and_context():
    got = mx.nd.linspace(0, 10, 4, ctx=mx.cpu(1), dtype="int32")
    assert got.dtype is np.int32 and got.context == mx.cpu(1)
    np.testing.assert_array_equal(got.asnumpy(), [0, 3, 6, 10])  # float64 values, truncated
    with pytest.raises(ValueError):
        mx.nd.linspace(0, 1, -1)


def test_arange_warns_for_any_infer_range():
    with pytest.warns(DeprecationWarning):
        np.testing.assert_array_equal(mx.nd.arange(3, infer_range=False).asnumpy(), [0, 1, 2])


def test_mxnet_dtype_and_grad_req_tables():
    assert mx.nd._DTYPE_NP_TO_MX[np.float32] == 0 and mx.nd._DTYPE_NP_TO_MX[np.int64] == 6
    assert mx.nd.ndarray._DTYPE_MX_TO_NP[2] is np.float16
    assert mx.nd._GRAD_REQ_MAP == {"null": 0, "write": 1, "add": 3}
