"""softmax, log_softmax and softmin against numpy float64 references: every
axis, temperature, the output dtype parameter, the `length` input
(use_length=True), 0-size and size-1 dims, and the error cases."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _mxref import FLOAT_DTYPES, is_float

LENGTH_DTYPES = [np.int32, np.int64, np.int8, np.uint8]
SHAPES_AXES = [((2, 3, 4), -1), ((2, 3, 4), 0), ((2, 3, 4), 1), ((5,), 0), ((1, 1), -1),
               ((3, 1), 1), ((0, 4), -1), ((4, 0), 0), ((7, 1000), -1), ((30, 50, 3), 1)]


def rng_for(*key):
    return np.random.default_rng(abs(hash(tuple(str(k) for k in key))) % (2 ** 32))


def reference(name, x, axis, temperature):
    z = x.astype(np.float64) / (temperature or 1.0)
    if name == "softmin":
        z = -z
    if z.size == 0:
        return z
    z = z - z.max(axis=axis, keepdims=True)
    log_sum = np.log(np.exp(z).sum(axis=axis, keepdims=True))
    return z - log_sum if name == "log_softmax" else np.exp(z - log_sum)


def reference_with_length(name, x, lengths, axis, temperature):
    """Each slice along axis over its first length positions; the rest 0
    (log_softmax too).  lengths has x's shape without the axis."""
    moved = np.moveaxis(x.astype(np.float64), axis, -1)
    result = np.zeros_like(moved)
    for index in np.ndindex(moved.shape[:-1]):
        n = int(np.clip(lengths.reshape(moved.shape[:-1])[index], 0, moved.shape[-1]))
        if n:
            result[index][:n] = reference(name, moved[index][:n], -1, temperature)
    return np.moveaxis(result, -1, axis)


def length_cases(name, fn, dtype, rng):
    for shape, axis in SHAPES_AXES:
        x = (rng.standard_normal(shape) * 3).astype(dtype)
        without_axis = tuple(d for i, d in enumerate(shape) if i != axis % len(shape)) or (1,)
        for length_dtype in LENGTH_DTYPES:
            # from 0 (all outputs 0) to beyond the axis (the whole slice)
            lengths = rng.integers(0, shape[axis] + 2, size=without_axis).astype(length_dtype)
            r = fn(mx.nd.array(x, dtype=dtype), length=mx.nd.array(lengths, dtype=length_dtype), axis=axis,
                   use_length=True)
            assert_close(r, reference_with_length(name, x, lengths, axis, None), dtype)
    x = (rng.standard_normal((3, 5)) * 3).astype(dtype)
    a = mx.nd.array(x, dtype=dtype)
    lengths = np.array([2, 5, 1])
    length = mx.nd.array(lengths, dtype="int32")
    assert_close(fn(a, length=length, use_length=True, temperature=2.0),
                 reference_with_length(name, x, lengths, -1, 2.0), dtype)
    assert_close(fn(a, length=length, use_length=True, dtype="float64"),
                 reference_with_length(name, x, lengths, -1, None), np.float64, dtype)
    for bad in (mx.nd.array([2, 5], dtype="int32"), mx.nd.array([[2, 5, 1]], dtype="int32")):
        with pytest.raises(MXNetError, match="length must have shape"):
            fn(a, length=bad, use_length=True)
    with pytest.raises(MXNetError, match="length must have shape"):
        fn(a, length=length, use_length=True, axis=0)  # axis 0: length has 5 entries
    with pytest.raises(MXNetError, match="integer"):
        fn(a, length=mx.nd.array(lengths, dtype="float32"), use_length=True)
    with pytest.raises(MXNetError, match="input"):
        fn(a, use_length=True)  # the length is missing
    with pytest.raises(MXNetError, match="input"):
        fn(a, length=length)  # a length without use_length


def tolerance(*dtypes):
    return 3e-3 if np.float16 in dtypes else 1e-5 if np.float32 in dtypes else 1e-12


def assert_close(result, expected, dtype, *compute_dtypes):
    assert result.dtype is np.dtype(dtype).type, (result.dtype, dtype)
    got = result.asnumpy()
    assert got.shape == expected.shape
    tol = tolerance(dtype, *compute_dtypes)
    np.testing.assert_allclose(got.astype(np.float64), expected, rtol=tol, atol=tol)


def softmax_checker(name):
    def run(fn, dtype):
        if not is_float(dtype):
            with pytest.raises(MXNetError, match="float"):
                fn(mx.nd.array(np.ones((2, 3)), dtype=dtype))
            return
        rng = rng_for(name, dtype)
        for shape, axis in SHAPES_AXES:
            x = (rng.standard_normal(shape) * 3).astype(dtype)
            assert_close(fn(mx.nd.array(x, dtype=dtype), axis=axis), reference(name, x, axis, None), dtype)
        x = (rng.standard_normal((4, 6)) * 3).astype(dtype)
        a = mx.nd.array(x, dtype=dtype)
        assert_close(fn(a), reference(name, x, -1, None), dtype)  # default axis -1
        for t in (0.5, 2.0, -1.5):
            assert_close(fn(a, axis=0, temperature=t), reference(name, x, 0, t), dtype)
        for out_dtype in ("float16", "float32", "float64"):
            r = fn(a, dtype=out_dtype)
            assert_close(r, reference(name, x, -1, None), np.dtype(out_dtype).type, dtype)
        out = mx.nd.zeros((4, 6), dtype=dtype)
        assert fn(a, out=out) is out
        assert_close(out, reference(name, x, -1, None), dtype)
        # large values do not overflow (the maximum is subtracted first)
        big = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1000.0, -1000.0]], dtype=dtype)
        assert_close(fn(mx.nd.array(big, dtype=dtype)), reference(name, big.astype(np.float64), -1, None), dtype)
        for axis in (2, -3):
            with pytest.raises(MXNetError, match="out of range"):
                fn(a, axis=axis)
        length_cases(name, fn, dtype, rng)
    return run


def softmax_activation_checker(fn, dtype):
    """mode='instance': softmax over the last axis (MXNet flattens to 2-D
    keeping it); mode='channel': over axis 1 of data of 3+ dimensions."""
    if not is_float(dtype):
        with pytest.raises(MXNetError, match="float"):
            fn(mx.nd.array(np.ones((2, 3)), dtype=dtype))
        return
    rng = rng_for("SoftmaxActivation", dtype)
    for shape in ((5,), (3, 4), (2, 3, 4), (2, 3, 2, 5), (0, 4)):
        x = (rng.standard_normal(shape) * 3).astype(dtype)
        assert_close(fn(mx.nd.array(x, dtype=dtype)), reference("softmax", x, -1, None), dtype)
        assert_close(fn(mx.nd.array(x, dtype=dtype), mode="instance"), reference("softmax", x, -1, None), dtype)
        if len(shape) >= 3:
            assert_close(fn(mx.nd.array(x, dtype=dtype), mode="channel"), reference("softmax", x, 1, None), dtype)
    for shape in ((3, 4), (5,)):
        with pytest.raises(MXNetError, match="at least 3 dimensions"):
            fn(mx.nd.ones(shape, dtype=dtype), mode="channel")
    with pytest.raises(MXNetError, match="mode"):
        fn(mx.nd.ones((2, 3, 4), dtype=dtype), mode="spatial")


HARNESS = {name: softmax_checker(name) for name in ("softmax", "log_softmax", "softmin")}
HARNESS["SoftmaxActivation"] = softmax_activation_checker
ALIASES = {}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES + [np.int32], ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd, name), dtype)


def test_softmax_rows_sum_to_one():
    x = mx.nd.array(np.random.default_rng(1).standard_normal((512, 1000)).astype(np.float32) * 10)
    np.testing.assert_allclose(mx.nd.softmax(x).asnumpy().sum(axis=1), np.ones(512), rtol=1e-5)
    np.testing.assert_allclose(mx.nd.softmax(x, axis=0).asnumpy().sum(axis=0), np.ones(1000), rtol=1e-5)


def test_extreme_inputs():
    x = mx.nd.array([[-np.inf, 0.0, 0.0], [np.nan, 1.0, 2.0], [-200.0, 0.0, 200.0]])
    r = mx.nd.softmax(x).asnumpy()
    np.testing.assert_allclose(r[0], [0, 0.5, 0.5])
    assert np.isnan(r[1]).all()
    np.testing.assert_allclose(r[2], [0, 0, 1], atol=1e-30)


def test_float32_accuracy_and_gradual_underflow():
    # inputs whose differences are exact in float32: what remains is exp's,
    # the sum's and the division's error
    x = (np.random.default_rng(2).integers(-5000, 5000, size=(64, 4096)) / 64.0).astype(np.float32)
    expected = reference("softmax", x, -1, None)
    got = mx.nd.softmax(mx.nd.array(x)).asnumpy().astype(np.float64)
    normal = expected > np.finfo(np.float32).tiny
    np.testing.assert_allclose(got[normal], expected[normal], rtol=5e-7)
    # e^-100 is a float32 denormal, not 0
    tail = mx.nd.softmax(mx.nd.array([0.0, -100.0])).asnumpy()[1]
    np.testing.assert_allclose(tail, np.exp(-100.0), rtol=0.05)
