"""depth_to_space and space_to_depth against numpy's reshape / transpose
(MXNet 1.9's documented definition), every dtype, each the other's inverse
and gradient, and the error cases."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _adjoint import check_linear_gradient
from _mxref import DTYPES, check, gen, seeded_rng


def ref_depth_to_space(x, b):
    n, c, h, w = x.shape
    y = x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
    return y.reshape(n, c // (b * b), h * b, w * b)


def ref_space_to_depth(x, b):
    n, c, h, w = x.shape
    y = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
    return y.reshape(n, c * b * b, h // b, w // b)


# (shape, block_size) of depth_to_space's input
D2S_CASES = [((1, 4, 2, 3), 2), ((2, 18, 1, 2), 3), ((2, 3, 2, 2), 1), ((1, 8, 0, 2), 2), ((3, 16, 5, 4), 4)]
S2D_CASES = [((1, 1, 4, 6), 2), ((2, 2, 3, 6), 3), ((2, 3, 2, 2), 1), ((1, 2, 0, 4), 2), ((2, 1, 8, 4), 4)]


def depth_to_space_checker(fn, dtype):
    rng = seeded_rng("depth_to_space", np.dtype(dtype).name)
    for shape, b in D2S_CASES:
        x = gen(shape, dtype, rng)
        check(fn(mx.nd.array(x, dtype=dtype), block_size=b), ref_depth_to_space(x, b), dtype)
    x = mx.nd.array(gen((1, 8, 2, 2), dtype, rng), dtype=dtype)
    with pytest.raises(MXNetError, match="multiple of block_size"):
        fn(x, block_size=3)
    error_cases(fn, dtype)


def space_to_depth_checker(fn, dtype):
    rng = seeded_rng("space_to_depth", np.dtype(dtype).name)
    for shape, b in S2D_CASES:
        x = gen(shape, dtype, rng)
        check(fn(mx.nd.array(x, dtype=dtype), block_size=b), ref_space_to_depth(x, b), dtype)
    x = mx.nd.array(gen((1, 1, 4, 6), dtype, rng), dtype=dtype)
    with pytest.raises(MXNetError, match="multiples of block_size"):
        fn(x, block_size=4)
    error_cases(fn, dtype)


def error_cases(fn, dtype):
    x = mx.nd.ones((1, 4, 2, 2), dtype=dtype)
    for b in (0, -2):
        with pytest.raises(MXNetError, match="block_size must be positive"):
            fn(x, block_size=b)
    with pytest.raises(MXNetError, match="4-D"):
        fn(mx.nd.ones((4, 2, 2), dtype=dtype), block_size=2)
    with pytest.raises(MXNetError, match="block_size"):
        fn(x)  # required
    assert fn(x, block_size=1).shape == (1, 4, 2, 2)  # the process keeps working


HARNESS = {"depth_to_space": depth_to_space_checker, "space_to_depth": space_to_depth_checker}
ALIASES = {}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES + [np.bool_], ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd, name), dtype)


def test_documented_example_and_round_trip():
    x = mx.nd.array(np.arange(24, dtype=np.float32).reshape(1, 4, 2, 3))
    y = mx.nd.depth_to_space(x, block_size=2)
    np.testing.assert_array_equal(y.asnumpy()[0, 0], [[0, 6, 1, 7, 2, 8], [12, 18, 13, 19, 14, 20],
                                                      [3, 9, 4, 10, 5, 11], [15, 21, 16, 22, 17, 23]])
    np.testing.assert_array_equal(mx.nd.space_to_depth(y, block_size=2).asnumpy(), x.asnumpy())


X = np.random.default_rng(4).standard_normal((2, 8, 2, 3))


def _depth_to_space_gradient():
    check_linear_gradient(lambda x: mx.nd.depth_to_space(x, block_size=2), X)


def _space_to_depth_gradient():
    check_linear_gradient(lambda x: mx.nd.space_to_depth(x, block_size=2), X.reshape(2, 2, 4, 6))


GRAD_HARNESS = {"depth_to_space": _depth_to_space_gradient, "space_to_depth": _space_to_depth_gradient}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
