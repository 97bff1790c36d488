"""mx.nd.add / maximum / greater / ...: arrays, numbers and broadcasting, as in MXNet 1.9."""
import numpy as np
import pytest

import mxnet as mx

CASES = {
    "add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.divide,
    "true_divide": np.true_divide, "modulo": np.mod, "power": np.power, "maximum": np.maximum,
    "minimum": np.minimum, "hypot": np.hypot, "equal": np.equal, "not_equal": np.not_equal,
    "greater": np.greater, "greater_equal": np.greater_equal, "lesser": np.less,
    "lesser_equal": np.less_equal, "logical_and": np.logical_and, "logical_or": np.logical_or,
    "logical_xor": np.logical_xor,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_arrays_numbers_and_broadcasting(name):
    fn, ref = getattr(mx.nd, name), CASES[name]
    a = np.array([[1.0, 5.0, 3.0], [0.5, 2.0, 4.0]], dtype=np.float32)
    b = np.array([2.0, 5.0, 1.0], dtype=np.float32)
    expect = lambda x, y: np.asarray(ref(x, y), dtype=np.float64)
    np.testing.assert_allclose(fn(mx.nd.array(a), mx.nd.array(b)).asnumpy(), expect(a, b), rtol=1e-6)
    np.testing.assert_allclose(fn(mx.nd.array(a), 2.0).asnumpy(), expect(a, np.float32(2)), rtol=1e-6)
    np.testing.assert_allclose(fn(3.0, mx.nd.array(a)).asnumpy(), expect(np.float32(3), a), rtol=1e-6)
    assert fn(3.0, 2.0) == ref(3.0, 2.0)
    with pytest.raises(TypeError):
        fn("a", mx.nd.array(a))


def test_power_takes_base_and_exp_by_keyword():
    a = mx.nd.array([1.0, 2.0, 3.0])
    assert np.array_equal(mx.nd.power(base=a, exp=2).asnumpy(), [1, 4, 9])
    assert np.array_equal(mx.nd.power(base=2, exp=a).asnumpy(), [2, 4, 8])
    y = mx.sym.pow(base=mx.sym.var("a"), exp=mx.sym.var("b"))
    assert y.list_arguments() == ["a", "b"]
