"""The foundation's ops, called as functions (mx.nd.<op> / mx.nd._internal.<op>),
against numpy.

Like every tests/ops/test_<family>.py module, this one exports HARNESS
(canonical op name -> checker(fn, dtype)) and ALIASES (MXNet alias ->
canonical name); test_coverage.py fails when a registered op is in no
module's HARNESS.
"""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError, _LIB, ffi
from mxnet.ndarray import register

from _mxref import (DTYPES, canonical_name, check, gen, is_float, is_unsigned, op_function,
                    op_handle, operands, ref_binary)

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

BROADCAST_CASES = [
    ((2, 3), (2, 3)),
    ((2, 3), (3,)),
    ((2, 3), (1,)),
    ((3, 1), (1, 4)),
    ((2, 1, 3), (4, 1)),
    ((4, 1, 5, 1), (3, 1, 2)),
    ((1,), (1,)),
    ((1, 1, 1), (1,)),
    ((0,), (1,)),
    ((0, 3), (1, 3)),
    ((2, 0), (2, 1)),
    ((3, 0, 2), (1, 2)),
]

ELEMWISE_SHAPES = [(5,), (2, 3), (2, 3, 4), (1, 1), (1,), (0,), (0, 3), (3, 0, 2)]


def nd(x, dtype):
    return mx.nd.array(x, dtype=dtype)


def rng_for(*key):
    return np.random.default_rng(abs(hash(tuple(str(k) for k in key))) % (2 ** 32))


# ---------------------------------------------------------------------------
# checkers
# ---------------------------------------------------------------------------

def broadcast_checker(family):
    def run(fn, dtype):
        rng = rng_for(family, dtype)
        for lshape, rshape in BROADCAST_CASES:
            for ls, rs in ((lshape, rshape), (rshape, lshape)):
                x, y = operands(family, ls, rs, dtype, rng)
                expected = ref_binary(family, x, y, dtype)
                assert expected.shape == np.broadcast_shapes(ls, rs)
                check(fn(nd(x, dtype), nd(y, dtype)), expected, dtype)
        # keyword inputs and out=
        x, y = operands(family, (2, 3), (3,), dtype, rng)
        check(fn(lhs=nd(x, dtype), rhs=nd(y, dtype)), ref_binary(family, x, y, dtype), dtype)
        out = mx.nd.zeros((2, 3), dtype=dtype)
        r = fn(nd(x, dtype), nd(y, dtype), out=out)
        assert r is out
        check(out, ref_binary(family, x, y, dtype), dtype)
    return run


def elemwise_checker(family):
    def run(fn, dtype):
        rng = rng_for(family, "elemwise", dtype)
        for shape in ELEMWISE_SHAPES:
            x, y = operands(family, shape, shape, dtype, rng)
            check(fn(nd(x, dtype), nd(y, dtype)), ref_binary(family, x, y, dtype), dtype)
        x, y = operands(family, (3, 2), (3, 2), dtype, rng)
        out = mx.nd.zeros((3, 2), dtype=dtype)
        r = fn(nd(x, dtype), nd(y, dtype), out=out)
        assert r is out
        check(out, ref_binary(family, x, y, dtype), dtype)
        # the elemwise forms do not broadcast
        with pytest.raises(MXNetError):
            fn(nd(np.ones((2, 3)), dtype), nd(np.ones((3,)), dtype))
    return run


def _scalar_values(family, dtype, reverse):
    if is_float(dtype):
        if family == "power":
            return [2.0, 1.5] if reverse else [2.0, 0.5, -1.0, 3.0]
        return [2.5, -1.5, 3.0, 0.5]
    if family == "power":
        return [2, 3] if reverse else [0, 2, 3]
    values = [3, 2, 1]
    if family in ("div", "mod") and not reverse:
        values.append(0)  # integer x / 0 and x % 0 give 0
    if not is_unsigned(dtype):
        values.append(-4)
    return values


def scalar_checker(family, reverse):
    def run(fn, dtype):
        rng = rng_for(family, "scalar", reverse, dtype)
        for s in _scalar_values(family, dtype, reverse):
            for shape in ((3, 4), (0, 2), (1,)):
                if family == "power":
                    x = gen(shape, dtype, rng, "pow_exp" if reverse else "pow_base")
                elif reverse and family in ("div", "mod") and is_float(dtype):
                    x = gen(shape, dtype, rng, "nonzero")
                else:
                    x = gen(shape, dtype, rng)
                s_dt = np.asarray(s).astype(dtype)  # MXNet converts the scalar first
                expected = ref_binary(family, s_dt, x, dtype) if reverse else \
                    ref_binary(family, x, s_dt, dtype)
                check(fn(nd(x, dtype), scalar=s), expected, dtype)
            # the scalar given positionally, and out=
            check(fn(nd(x, dtype), s), expected, dtype)
            out = mx.nd.zeros(x.shape, dtype=dtype)
            r = fn(nd(x, dtype), scalar=s, out=out)
            assert r is out
            check(out, expected, dtype)
    return run


def negative_checker(fn, dtype):
    rng = rng_for("negative", dtype)
    for shape in ((3, 4), (0,), (1, 1)):
        x = gen(shape, dtype, rng)
        with np.errstate(all="ignore"):
            expected = (-x.astype(np.int64)).astype(dtype) if not is_float(dtype) else -x
        check(fn(nd(x, dtype)), expected, dtype)
    x = gen((3, 4), dtype, rng)
    out = mx.nd.zeros((3, 4), dtype=dtype)
    assert fn(nd(x, dtype), out=out) is out
    with np.errstate(all="ignore"):
        check(out, (-x.astype(np.int64)).astype(dtype) if not is_float(dtype) else -x, dtype)


def copy_checker(fn, dtype):
    rng = rng_for("copy", dtype)
    for shape in ((3, 4), (0, 2), (1,)):
        x = gen(shape, dtype, rng)
        a = nd(x, dtype)
        r = fn(a)
        check(r, x, dtype)
        assert r.handle != a.handle
    # a real copy: writing the result leaves the input alone
    a = nd(np.arange(4), dtype)
    r = fn(a)
    r[:] = 9
    np.testing.assert_array_equal(a.asnumpy(), np.arange(4).astype(dtype))
    out = mx.nd.zeros((4,), dtype=dtype)
    assert fn(a, out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), np.arange(4).astype(dtype))


def copyto_checker(fn, dtype):
    x = np.array([[0, 1, 2], [3, 5, 100]]).astype(dtype)
    for dst in DTYPES:
        out = mx.nd.zeros((2, 3), dtype=dst)
        r = fn(nd(x, dtype), out=out)
        assert r is out
        check(out, x.astype(dst), dst)


CAST_TARGETS = ["float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool"]


def cast_checker(fn, dtype):
    if is_float(dtype):
        x = np.array([0, 0.5, 1.7, 2.0, 3.999, 100.9, 99.5]).astype(dtype)
        x_signed = np.array([-0.5, -1.7, -100.9, 5.5]).astype(dtype)
    else:
        x = np.array([0, 1, 2, 3, 100, 127]).astype(dtype)
        x_signed = None if is_unsigned(dtype) else np.array([-1, -100, 5]).astype(dtype)
    for dst in CAST_TARGETS:
        r = fn(nd(x, dtype), dtype=dst)
        check(r, x.astype(dst), np.dtype(dst).type)
        if x_signed is not None and dst != "uint8":
            check(fn(nd(x_signed, dtype), dtype=dst), x_signed.astype(dst), np.dtype(dst).type)
    # numpy dtype objects are accepted too, and out=
    assert fn(nd(x, dtype), dtype=np.int32).dtype is np.int32
    assert fn(nd(x, dtype), dtype=np.dtype("float64")).dtype is np.float64
    out = mx.nd.zeros(x.shape, dtype="int64")
    assert fn(nd(x, dtype), dtype="int64", out=out) is out
    check(out, x.astype(np.int64), np.int64)
    # float -> int truncates toward zero
    if is_float(dtype):
        np.testing.assert_array_equal(
            fn(nd(np.array([-2.7, -0.2, 0.2, 2.7]), dtype), dtype="int32").asnumpy(), [-2, 0, 0, 2])


def init_checker(kind):
    def run(fn, dtype):
        name = np.dtype(dtype).name
        extra = {"value": 7} if kind == "full" else {}
        fill = {"zeros": 0, "ones": 1, "full": 7}[kind]
        for shape in ((2, 3), (4,), (0,), (2, 0, 3), (1, 1, 1)):
            r = fn(shape=shape, dtype=name, **extra)
            check(r, np.full(shape, fill, dtype=dtype), dtype)
            assert r.context == mx.cpu(0)
        # dtype as a numpy type, ctx, out=
        r = fn(shape=(2,), dtype=dtype, ctx=mx.cpu(1), **extra)
        assert r.context == mx.cpu(1) and r.dtype is np.dtype(dtype).type
        out = mx.nd.empty((3, 2), dtype=dtype)
        r = fn(shape=(3, 2), dtype=name, out=out, **extra)
        assert r is out
        check(out, np.full((3, 2), fill, dtype=dtype), dtype)
        # the default dtype is float32
        r = fn(shape=(2, 3), **extra)
        check(r, np.full((2, 3), fill, dtype=np.float32), np.float32)
        if kind == "full" and not is_unsigned(dtype):
            # a fractional value is converted to the dtype (truncated for integers)
            check(fn(shape=(2,), value=-2.5, dtype=name), np.full((2,), -2.5).astype(dtype), dtype)
    return run


RESHAPE_CASES = [
    # MXNet's Reshape documentation examples
    ((2, 3, 4), dict(shape=(4, 0, 2)), (4, 3, 2)),
    ((2, 3, 4), dict(shape=(2, 0, 0)), (2, 3, 4)),
    ((2, 3, 4), dict(shape=(6, 1, -1)), (6, 1, 4)),
    ((2, 3, 4), dict(shape=(3, -1, 8)), (3, 1, 8)),
    ((2, 3, 4), dict(shape=(-1,)), (24,)),
    ((2, 3, 4), dict(shape=(-2,)), (2, 3, 4)),
    ((2, 3, 4), dict(shape=(2, -2)), (2, 3, 4)),
    ((2, 3, 4), dict(shape=(-2, 1, 1)), (2, 3, 4, 1, 1)),
    ((2, 3, 4), dict(shape=(-3, 4)), (6, 4)),
    ((2, 3, 4, 5), dict(shape=(-3, -3)), (6, 20)),
    ((2, 3, 4), dict(shape=(0, -3)), (2, 12)),
    ((2, 3, 4), dict(shape=(-3, -2)), (6, 4)),
    ((2, 3, 4), dict(shape=(-4, 1, 2, -2)), (1, 2, 3, 4)),
    ((2, 3, 4), dict(shape=(2, -4, -1, 3, -2)), (2, 1, 3, 4)),
    ((10, 5, 4), dict(shape=(-1, 0)), (40, 5)),
    ((10, 5, 4), dict(shape=(-1, 0), reverse=True), (50, 4)),
    ((3, 0), dict(shape=(0, 0)), (3, 0)),
    ((1, 1), dict(shape=(1,)), (1,)),
    # the deprecated target_shape / keep_highest
    ((4, 3, 2), dict(target_shape=(0, 2)), (12, 2)),
    ((4, 3, 2), dict(target_shape=(0, 6), keep_highest=True), (4, 6)),
]


def reshape_checker(fn, dtype):
    for src, kwargs, expected in RESHAPE_CASES:
        x = np.arange(int(np.prod(src))).reshape(src).astype(dtype)
        r = fn(nd(x, dtype), **kwargs)
        check(r, x.reshape(expected), dtype)
    x = np.arange(6).astype(dtype)
    out = mx.nd.zeros((3, 2), dtype=dtype)
    assert fn(nd(x, dtype), shape=(3, 2), out=out) is out
    check(out, x.reshape(3, 2), dtype)
    with pytest.raises(MXNetError):
        fn(nd(x, dtype), shape=(4, 2))


DOT_CASES = [
    # (lhs shape, rhs shape, transpose_a, transpose_b)
    ((3,), (3,), False, False),
    ((1,), (1,), False, False),
    ((2, 3), (3, 4), False, False),
    ((1, 1), (1, 1), False, False),
    ((1, 3), (3, 1), False, False),
    ((3,), (3, 4), False, False),
    ((2, 3), (3,), False, False),
    ((2, 3, 4), (4, 5), False, False),
    ((2, 3), (3, 4, 5), False, False),
    ((2, 2, 3), (3, 2, 2), False, False),
    ((3, 2), (3, 4), True, False),
    ((2, 3), (4, 3), False, True),
    ((3, 2), (4, 3), True, True),
    ((4, 2, 3), (4, 5), True, False),
    ((2, 3), (5, 2, 3), False, True),
    ((3,), (3, 4), True, False),  # two vectors may not be transposed, one beside a matrix may
    ((2, 3), (3,), False, True),
    ((0, 3), (3, 2), False, False),
    ((2, 3), (3, 0), False, False),
]


def dot_reference(a, b, ta, tb):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    r = np.tensordot(a, b, axes=([0 if ta else a.ndim - 1], [b.ndim - 1 if tb else 0]))
    return r.reshape((1,)) if r.ndim == 0 else r


def dot_checker(fn, dtype):
    rng = rng_for("dot", dtype)
    if np.dtype(dtype) not in (np.float32, np.float64, np.float16):
        # MXNet's dot supports floating-point dtypes only
        a, b = nd(np.ones((2, 3)), dtype), nd(np.ones((3, 2)), dtype)
        with pytest.raises(MXNetError):
            fn(a, b).asnumpy()
        return
    # float16 accumulates in float32 and rounds once: within float16's precision
    rtol = {np.float32: 1e-5, np.float64: 1e-12, np.float16: 2e-3}[np.dtype(dtype).type]
    for ls, rs, ta, tb in DOT_CASES:
        x = rng.standard_normal(ls).astype(dtype)
        y = rng.standard_normal(rs).astype(dtype)
        r = fn(nd(x, dtype), nd(y, dtype), transpose_a=ta, transpose_b=tb)
        expected = dot_reference(x, y, ta, tb)
        assert r.shape == expected.shape, (ls, rs, ta, tb, r.shape, expected.shape)
        assert r.dtype is np.dtype(dtype).type
        np.testing.assert_allclose(r.asnumpy().astype(np.float64), expected, rtol=rtol, atol=rtol)
    x = rng.standard_normal((2, 3)).astype(dtype)
    y = rng.standard_normal((3, 4)).astype(dtype)
    out = mx.nd.zeros((2, 4), dtype=dtype)
    assert fn(nd(x, dtype), nd(y, dtype), out=out) is out
    np.testing.assert_allclose(out.asnumpy().astype(np.float64), dot_reference(x, y, False, False),
                               rtol=rtol, atol=rtol)


# ---------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------

# family -> (broadcast op, equal-shape op, scalar op, reversed scalar op or None)
BINARY_NAMES = {
    "add": ("broadcast_add", "elemwise_add", "_plus_scalar", None),
    "sub": ("broadcast_sub", "elemwise_sub", "_minus_scalar", "_rminus_scalar"),
    "mul": ("broadcast_mul", "elemwise_mul", "_mul_scalar", None),
    "div": ("broadcast_div", "elemwise_div", "_div_scalar", "_rdiv_scalar"),
    "mod": ("broadcast_mod", "_mod", "_mod_scalar", "_rmod_scalar"),
    "power": ("broadcast_power", "_power", "_power_scalar", "_rpower_scalar"),
    "maximum": ("broadcast_maximum", "_maximum", "_maximum_scalar", None),
    "minimum": ("broadcast_minimum", "_minimum", "_minimum_scalar", None),
    "hypot": ("broadcast_hypot", "_hypot", "_hypot_scalar", None),
    "equal": ("broadcast_equal", "_equal", "_equal_scalar", None),
    "not_equal": ("broadcast_not_equal", "_not_equal", "_not_equal_scalar", None),
    "greater": ("broadcast_greater", "_greater", "_greater_scalar", None),
    "greater_equal": ("broadcast_greater_equal", "_greater_equal", "_greater_equal_scalar", None),
    "lesser": ("broadcast_lesser", "_lesser", "_lesser_scalar", None),
    "lesser_equal": ("broadcast_lesser_equal", "_lesser_equal", "_lesser_equal_scalar", None),
    "logical_and": ("broadcast_logical_and", "_logical_and", "_logical_and_scalar", None),
    "logical_or": ("broadcast_logical_or", "_logical_or", "_logical_or_scalar", None),
    "logical_xor": ("broadcast_logical_xor", "_logical_xor", "_logical_xor_scalar", None),
}

HARNESS = {}
for _family, (_b, _e, _s, _r) in BINARY_NAMES.items():
    HARNESS[_b] = broadcast_checker(_family)
    HARNESS[_e] = elemwise_checker(_family)
    HARNESS[_s] = scalar_checker(_family, reverse=False)
    if _r:
        HARNESS[_r] = scalar_checker(_family, reverse=True)
HARNESS.update({
    "negative": negative_checker,
    "_copy": copy_checker,
    "_copyto": copyto_checker,
    "Cast": cast_checker,
    "_zeros": init_checker("zeros"),
    "_ones": init_checker("ones"),
    "_full": init_checker("full"),
    "Reshape": reshape_checker,
    "dot": dot_checker,
})

# MXNet 1.9's aliases (alias -> canonical name)
ALIASES = {
    "broadcast_plus": "broadcast_add", "broadcast_minus": "broadcast_sub",
    "_add": "elemwise_add", "_plus": "elemwise_add", "_Plus": "elemwise_add",
    "_sub": "elemwise_sub", "_minus": "elemwise_sub", "_Minus": "elemwise_sub",
    "_mul": "elemwise_mul", "_Mul": "elemwise_mul",
    "_div": "elemwise_div", "_Div": "elemwise_div",
    "_Mod": "_mod", "_Power": "_power", "_Maximum": "_maximum", "_Minimum": "_minimum",
    "_Hypot": "_hypot",
    "_PlusScalar": "_plus_scalar", "_MinusScalar": "_minus_scalar",
    "_RMinusScalar": "_rminus_scalar", "_MulScalar": "_mul_scalar",
    "_DivScalar": "_div_scalar", "_RDivScalar": "_rdiv_scalar",
    "_ModScalar": "_mod_scalar", "_RModScalar": "_rmod_scalar",
    "_PowerScalar": "_power_scalar", "_RPowerScalar": "_rpower_scalar",
    "_MaximumScalar": "_maximum_scalar", "_MinimumScalar": "_minimum_scalar",
    "_HypotScalar": "_hypot_scalar",
    "_EqualScalar": "_equal_scalar", "_NotEqualScalar": "_not_equal_scalar",
    "_GreaterScalar": "_greater_scalar", "_GreaterEqualScalar": "_greater_equal_scalar",
    "_LesserScalar": "_lesser_scalar", "_LesserEqualScalar": "_lesser_equal_scalar",
    "identity": "_copy", "cast": "Cast", "reshape": "Reshape",
}

REGISTERED = register.list_ops()
_HANDLE_TO_ENTRY = {}
for _name in HARNESS:
    try:
        _HANDLE_TO_ENTRY[op_handle(_name)] = _name
    except MXNetError:
        pass  # reported by test_harness_ops_are_registered


def harness_entry(name):
    """The harness entry covering a registered op name (through its canonical op)."""
    return _HANDLE_TO_ENTRY.get(op_handle(name))


def _cases():
    cases = []
    for name in REGISTERED:
        if harness_entry(name) is None:
            continue  # another family's op
        is_canonical = canonical_name(name) == name
        for dtype in (DTYPES if is_canonical else [np.float32, np.int32]):
            cases.append(pytest.param(name, dtype, id="%s-%s" % (name, np.dtype(dtype).name)))
    return cases


@pytest.mark.parametrize("name,dtype", _cases())
def test_op(name, dtype):
    entry = harness_entry(name)
    if entry is None:
        pytest.fail("op %r has no harness entry" % name)
    HARNESS[entry](op_function(name), dtype)


# ---------------------------------------------------------------------------
# coverage
# ---------------------------------------------------------------------------

def test_list_ops_sorted_and_unique():
    assert REGISTERED == sorted(REGISTERED)
    assert len(set(REGISTERED)) == len(REGISTERED)


# ---------------------------------------------------------------------------
# examples spelled out
# ---------------------------------------------------------------------------

def test_examples_from_the_brief():
    x = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(mx.nd.broadcast_add(x, mx.nd.array([10, 20, 30])).asnumpy(),
                                  [[11, 22, 33], [14, 25, 36]])
    np.testing.assert_array_equal(mx.nd.elemwise_add(x, x).asnumpy(), 2 * x.asnumpy())
    np.testing.assert_array_equal(mx.nd._internal._plus_scalar(x, scalar=1).asnumpy(),
                                  x.asnumpy() + 1)
    np.testing.assert_array_equal(mx.nd._internal._rminus_scalar(x, scalar=2).asnumpy(),
                                  2 - x.asnumpy())
    r = mx.nd.dot(mx.nd.array([[1, 2], [3, 4], [5, 6]]), mx.nd.array([[1, 0], [0, 1], [1, 1]]),
                  transpose_a=True)
    np.testing.assert_array_equal(r.asnumpy(), [[6, 8], [8, 10]])
    c = mx.nd.Cast(mx.nd.array([1.9, -1.9]), dtype="int32")
    assert c.dtype is np.int32
    np.testing.assert_array_equal(c.asnumpy(), [1, -1])
    f = mx.nd._internal._full(shape=(2, 3), value=7)
    assert f.dtype is np.float32
    np.testing.assert_array_equal(f.asnumpy(), np.full((2, 3), 7))
    r = mx.nd.Reshape(mx.nd.zeros((2, 3, 4)), shape=(-1, 0))
    assert r.shape == (8, 3)  # 0 copies input dim 1; -1 takes the rest
    out = mx.nd.zeros((2, 3))
    assert mx.nd.broadcast_mul(x, x, out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), x.asnumpy() ** 2)


def test_dot_vector_vector_shape_1():
    r = mx.nd.dot(mx.nd.array([1, 2, 3]), mx.nd.array([4, 5, 6]))
    assert r.shape == (1,)
    assert r.asscalar() == 32


@pytest.mark.parametrize("ta,tb", [(True, False), (False, True), (True, True)])
def test_dot_transposed_vectors_rejected(ta, tb):
    # MXNet: "Cannot transpose vectors" -- the flags are not silently ignored
    v = mx.nd.array([1, 2, 3])
    with pytest.raises(MXNetError, match="transpose vectors"):
        mx.nd.dot(v, v, transpose_a=ta, transpose_b=tb)
    assert mx.nd.dot(v, v).asscalar() == 14  # the process keeps working
    # one vector beside a matrix may be transposed (its single axis is contracted)
    m = mx.nd.array([[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(mx.nd.dot(v, m, transpose_a=True).asnumpy(), [22, 28])


def test_dot_large_against_float64():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 129)).astype(np.float32)
    y = rng.standard_normal((129, 33)).astype(np.float32)
    r = mx.nd.dot(mx.nd.array(x), mx.nd.array(y))
    np.testing.assert_allclose(r.asnumpy(), x.astype(np.float64) @ y.astype(np.float64),
                               rtol=1e-4, atol=1e-4)
    r = mx.nd.dot(mx.nd.array(y), mx.nd.array(x), transpose_a=True, transpose_b=True)
    np.testing.assert_allclose(r.asnumpy(), (x.astype(np.float64) @ y.astype(np.float64)).T,
                               rtol=1e-4, atol=1e-4)


_ZERO_INNER_SCRIPT = textwrap.dedent("""
    import numpy as np
    import mxnet as mx
    for ls, rs, ta, tb, expected in [((2, 0), (0, 3), False, False, (2, 3)),
                                     ((0,), (0,), False, False, (1,)),
                                     ((0, 2), (0, 3), True, False, (2, 3)),
                                     ((2, 0), (3, 0), False, True, (2, 3))]:
        for dtype in ("float32", "float64", "float16"):
            r = mx.nd.dot(mx.nd.ones(ls, dtype=dtype), mx.nd.ones(rs, dtype=dtype),
                          transpose_a=ta, transpose_b=tb)
            assert r.shape == expected, (ls, rs, r.shape)
            np.testing.assert_array_equal(r.asnumpy(), np.zeros(expected))
    print("OK")
""")


def test_dot_zero_size_inner_dimension_gives_zeros():
    """dot with a 0-size contracted axis is all zeros (MXNet fills the output
    with 0).  Run in a child process: a crash must not take the suite down."""
    proc = subprocess.run([sys.executable, "-c", _ZERO_INNER_SCRIPT], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and "OK" in proc.stdout, (
        "dot with a 0-size inner dimension failed: returncode %d (negative = killed by "
        "signal)\nstdout: %s\nstderr: %s" % (proc.returncode, proc.stdout, proc.stderr[-2000:]))


# ---------------------------------------------------------------------------
# property tests (hypothesis): random broadcastable shapes and reshapes
# ---------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

_FAMILIES = sorted(BINARY_NAMES)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=5,
                                                  min_side=0, max_side=4),
       family=st.sampled_from(_FAMILIES),
       dtype=st.sampled_from(DTYPES),
       seed=st.integers(0, 2 ** 16))
def test_broadcast_property(shapes, family, dtype, seed):
    (ls, rs), expected_shape = shapes.input_shapes, shapes.result_shape
    rng = np.random.default_rng(seed)
    x, y = operands(family, ls, rs, dtype, rng)
    fn = op_function(BINARY_NAMES[family][0])
    r = fn(nd(x, dtype), nd(y, dtype))
    assert r.shape == expected_shape
    check(r, ref_binary(family, x, y, dtype), dtype)


def _factorisations(n, parts):
    """Shapes with `parts` dims whose product is n."""
    if parts == 1:
        return [(n,)]
    out = []
    for d in range(1, n + 1):
        if n % d == 0:
            out += [(d,) + rest for rest in _factorisations(n // d, parts - 1)]
    return out


@settings(max_examples=100, deadline=None, database=None)
@given(src=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4),
       parts=st.integers(1, 4), pick=st.integers(0, 10 ** 6), infer=st.booleans(),
       infer_at=st.integers(0, 3))
def test_reshape_property(src, parts, pick, infer, infer_at):
    n = int(np.prod(src))
    options = _factorisations(n, parts)
    target = list(options[pick % len(options)])
    if infer:
        target[infer_at % parts] = -1
    x = np.arange(n, dtype=np.float32).reshape(src)
    expected = x.reshape(target)
    r = mx.nd.Reshape(mx.nd.array(x), shape=tuple(target))
    assert r.shape == expected.shape
    np.testing.assert_array_equal(r.asnumpy(), expected)
    v = mx.nd.array(x).reshape(tuple(target))
    assert v.shape == expected.shape


# ---------------------------------------------------------------------------
# big arrays (run on engine workers), views as inputs and outputs
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("family", ["add", "sub", "mul", "div", "maximum", "greater", "power"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.float16])
def test_big_broadcast(family, dtype):
    rng = rng_for("big", family, dtype)
    for ls, rs in (((300, 200), (200,)), ((300, 1), (1, 200)), ((64, 1, 512), (3, 1))):
        x, y = operands(family, ls, rs, dtype, rng)
        check(op_function(BINARY_NAMES[family][0])(nd(x, dtype), nd(y, dtype)),
              ref_binary(family, x, y, dtype), dtype)
    x = gen((400, 100), dtype, rng)
    check(op_function(BINARY_NAMES[family][2])(nd(x, dtype), scalar=2),
          ref_binary(family, x, np.asarray(2).astype(dtype), dtype), dtype)


def test_views_as_inputs_and_outputs():
    x = np.arange(24, dtype=np.float32).reshape(6, 4)
    y = np.arange(4, dtype=np.float32) + 1
    a = mx.nd.array(x)
    b = mx.nd.array(y)
    check(mx.nd.broadcast_add(a[2:5], b), x[2:5] + y)
    check(mx.nd.elemwise_mul(a[1:3], a[3:5]), x[1:3] * x[3:5])
    check(mx.nd._internal._rminus_scalar(a[4], scalar=1), 1 - x[4])
    check(mx.nd.negative(a[5:6]), -x[5:6])
    check(mx.nd.Cast(a[1:2], dtype="int32"), x[1:2].astype(np.int32))
    np.testing.assert_allclose(mx.nd.dot(a[2:4], a[0:4]).asnumpy(), x[2:4] @ x[0:4], rtol=1e-6)
    np.testing.assert_allclose(mx.nd.dot(a[1], a[2]).asnumpy(), [x[1] @ x[2]], rtol=1e-6)
    # out= a view writes into the base array
    out_base = mx.nd.zeros((6, 4))
    mx.nd.broadcast_mul(a[0:2], b, out=out_base[3:5])
    expected = np.zeros((6, 4), np.float32)
    expected[3:5] = x[0:2] * y
    np.testing.assert_array_equal(out_base.asnumpy(), expected)
    mx.nd.dot(a[0:2], mx.nd.array(np.eye(4, dtype=np.float32)), out=out_base[0:2])
    expected[0:2] = x[0:2]
    np.testing.assert_array_equal(out_base.asnumpy(), expected)


def test_int64_large_values_exact():
    v = np.array([2 ** 40 + 1, -(2 ** 41) + 3, 2 ** 52 - 1], dtype=np.int64)
    a = mx.nd.array(v, dtype="int64")
    np.testing.assert_array_equal((a + a).asnumpy(), v + v)
    np.testing.assert_array_equal((a - 1).asnumpy(), v - 1)
    np.testing.assert_array_equal((a * 2).asnumpy(), v * 2)
    np.testing.assert_array_equal((a == a).asnumpy(), np.ones(3, np.int64))
    np.testing.assert_array_equal(mx.nd.full((2,), 2 ** 40 + 1, dtype="int64").asnumpy(),
                                  [2 ** 40 + 1] * 2)
