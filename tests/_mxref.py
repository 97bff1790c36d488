"""numpy references for MXNet 1.9's legacy NDArray ops (shared by the tests).

MXNet 1.x semantics the references encode:
- every arithmetic / comparison / logic result keeps the input dtype;
  comparisons and logic ops give 1 or 0 in that dtype;
- a scalar operand is converted to the array's dtype first;
- integer division truncates toward zero; integer x / 0 and x % 0 give 0;
- % takes the sign of the divisor (as numpy);
- integer hypot truncates the real result.
"""
import zlib

import numpy as np

import mxnet as mx
from mxnet.base import _LIB, ffi
from mxnet.ndarray import register

DTYPES = [np.float32, np.float64, np.float16, np.int32, np.int64, np.int8, np.uint8]
FLOAT_DTYPES = [np.float32, np.float64, np.float16]
RTOL = {np.float16: 2e-3, np.float32: 1e-6, np.float64: 1e-12}

# numpy function of each binary family (applied to float64 / int64 values)
BINARY_FAMILIES = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": None,       # special-cased
    "mod": None,       # special-cased
    "power": np.power,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "hypot": np.hypot,
    "equal": np.equal,
    "not_equal": np.not_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "lesser": np.less,
    "lesser_equal": np.less_equal,
    "logical_and": lambda x, y: np.logical_and(x != 0, y != 0),
    "logical_or": lambda x, y: np.logical_or(x != 0, y != 0),
    "logical_xor": lambda x, y: np.logical_xor(x != 0, y != 0),
}

# short names used by test_ndarray
ALIASES = {"pow": "power", "eq": "equal", "ne": "not_equal", "gt": "greater",
           "ge": "greater_equal", "lt": "lesser", "le": "lesser_equal"}


def is_float(dtype):
    return np.dtype(dtype).kind == "f"


def is_unsigned(dtype):
    return np.dtype(dtype).kind == "u"


def seeded_rng(*key):
    """A numpy Generator seeded from key, the same in every run (str hashes
    are salted per process)."""
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def gen(shape, dtype, rng, role="any"):
    """Small values every op keeps in range; multiples of 1/2 for floats so
    equal elements (for ==, <=, ...) occur."""
    if is_float(dtype):
        if role == "pow_base":
            x = rng.integers(1, 9, size=shape) / 4.0          # 0.25 .. 2
        elif role == "pow_exp":
            x = rng.integers(-4, 5, size=shape) / 2.0          # -2 .. 2
        elif role == "nonzero":
            x = rng.integers(1, 9, size=shape) / 2.0 * rng.choice([-1, 1], size=shape)
        else:
            x = rng.integers(-8, 9, size=shape) / 2.0          # -4 .. 4
    elif is_unsigned(dtype):
        if role in ("pow_base", "pow_exp"):
            x = rng.integers(0, 4, size=shape)
        else:
            x = rng.integers(0, 12, size=shape)
    else:
        if role == "pow_base":
            x = rng.integers(-3, 4, size=shape)
        elif role == "pow_exp":
            x = rng.integers(0, 4, size=shape)
        else:
            x = rng.integers(-6, 7, size=shape)
    return np.asarray(x).astype(dtype)


def operands(family, lshape, rshape, dtype, rng):
    """(lhs, rhs) numpy arrays suited to a binary family."""
    family = ALIASES.get(family, family)
    if family == "power":
        return gen(lshape, dtype, rng, "pow_base"), gen(rshape, dtype, rng, "pow_exp")
    if family in ("div", "mod") and is_float(dtype):
        return gen(lshape, dtype, rng), gen(rshape, dtype, rng, "nonzero")
    return gen(lshape, dtype, rng), gen(rshape, dtype, rng)


def ref_binary(family, a, b, dtype):
    """MXNet's result of the binary family on a, b (arrays or scalars already
    converted to dtype), in dtype."""
    family = ALIASES.get(family, family)
    dt = np.dtype(dtype)
    with np.errstate(all="ignore"):
        if dt.kind == "f":
            x = np.asarray(a, dtype=np.float64)
            y = np.asarray(b, dtype=np.float64)
            if family == "div":
                r = x / y
            elif family == "mod":
                r = np.mod(x, y)
            else:
                r = BINARY_FAMILIES[family](x, y)
            return np.asarray(r).astype(dt)
        x = np.asarray(a, dtype=np.int64)
        y = np.asarray(b, dtype=np.int64)
        if family == "div":
            safe = np.where(y == 0, 1, y)
            r = np.where(y == 0, 0, np.trunc(x.astype(np.float64) / safe).astype(np.int64))
        elif family == "mod":
            safe = np.where(y == 0, 1, y)
            r = np.where(y == 0, 0, np.mod(x, safe))
        elif family == "hypot":
            r = np.trunc(np.hypot(x.astype(np.float64), y.astype(np.float64)))
        else:
            r = BINARY_FAMILIES[family](x, y)
        return np.asarray(r).astype(np.int64).astype(dt)  # wraps like C for int8 / uint8


def check(result, expected, dtype=None):
    """result (an NDArray) has expected's shape, the dtype and its values."""
    assert isinstance(result, mx.nd.NDArray), type(result)
    dtype = np.dtype(dtype or expected.dtype).type
    got = result.asnumpy()
    assert result.dtype is dtype, (result.dtype, dtype)
    assert got.dtype == np.dtype(dtype), (got.dtype, dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if is_float(dtype):
        tol = RTOL[dtype]
        np.testing.assert_allclose(got.astype(np.float64), expected.astype(np.float64),
                                   rtol=tol, atol=tol)
    else:
        np.testing.assert_array_equal(got, expected)


# -- the op harness ------------------------------------------------------------

def op_function(name):
    """The Python function of an op: mx.nd.<name> or mx.nd._internal.<name>."""
    module, func = register.module_of(name)
    namespace = {"": mx.nd, "_internal": mx.nd._internal}[module]
    return getattr(namespace, func)


def op_handle(name):
    return int(ffi.cast("uintptr_t", register.OpInfo(name).handle))


def canonical_name(name):
    out = ffi.new("const char**")
    h = ffi.new("MXOpHandle*")
    assert _LIB.MXGetOpHandle(name.encode(), h) == 0
    assert _LIB.MXOpGetInfo(h[0], out, ffi.NULL, ffi.NULL, ffi.NULL, ffi.NULL) == 0
    return ffi.string(out[0]).decode()
