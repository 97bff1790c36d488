"""mx.nd functions and NDArray methods of MXNet 1.9 that are Python over ops:
moveaxis, concatenate, split_v2 (and a.split_v2), onehot_encode, abs(a),
a.tostype, a.rcbrt, and the samplers' internal names
(mx.nd._internal._random_uniform)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize("source,destination", [(0, -1), (-1, 0), ([0, 1], [-1, 0]),
                                                ((2, 0), (0, 1))])
def test_moveaxis(source, destination):
    r = mx.nd.moveaxis(mx.nd.array(X), source, destination)
    np.testing.assert_array_equal(r.asnumpy(), np.moveaxis(X, source, destination))


@pytest.mark.parametrize("source,destination", [(3, 0), ([0, 0], [1, 2]), ([0, 1], [2])])
def test_moveaxis_bad_axes(source, destination):
    with pytest.raises(ValueError):
        mx.nd.moveaxis(mx.nd.array(X), source, destination)


def test_concatenate():
    a, b = X[:, :1], X[:, 1:]
    r = mx.nd.concatenate([mx.nd.array(a), mx.nd.array(b)], axis=1)
    np.testing.assert_array_equal(r.asnumpy(), X)
    np.testing.assert_array_equal(mx.nd.concatenate([mx.nd.array(X)] * 2).asnumpy(),
                                  np.concatenate([X, X]))
    one = mx.nd.array(X)
    assert mx.nd.concatenate([one], always_copy=False) is one
    assert mx.nd.concatenate([one]) is not one
    with pytest.raises(MXNetError):
        mx.nd.concatenate([one, mx.nd.zeros((2, 2, 2))])
    with pytest.raises(TypeError):
        mx.nd.concatenate([one, X])


@pytest.mark.parametrize("spec,axis", [(2, 0), (3, 1), (4, -1), ([1], 1), ([1, 3], 2),
                                       ((2, 2), 2)])
def test_split_v2(spec, axis):
    pieces = mx.nd.split_v2(mx.nd.array(X), spec, axis=axis)
    expected = np.split(X, spec, axis=axis)
    assert len(pieces) == len(expected)
    for got, want in zip(pieces, expected):
        np.testing.assert_array_equal(got.asnumpy(), want)


def test_split_v2_method():
    pieces = mx.nd.array(X).split_v2([1], axis=1)
    assert [p.shape for p in pieces] == [(2, 1, 4), (2, 2, 4)]


def test_rcbrt_method():
    np.testing.assert_allclose(mx.nd.array([1, 8, 27]).rcbrt().asnumpy(), [1, 0.5, 1 / 3], rtol=1e-6)


def test_split_v2_squeeze_and_errors():
    pieces = mx.nd.split_v2(mx.nd.array(X), 3, axis=1, squeeze_axis=True)
    assert [p.shape for p in pieces] == [(2, 4)] * 3
    single = mx.nd.split_v2(mx.nd.array(X), 1)
    assert isinstance(single, mx.nd.NDArray) and single.shape == X.shape
    with pytest.raises(ValueError):
        mx.nd.split_v2(mx.nd.array(X), 5, axis=1)  # 3 is not divisible by 5
    with pytest.raises(ValueError):
        mx.nd.split_v2(mx.nd.array(X), 2, axis=2, squeeze_axis=True)
    with pytest.raises(MXNetError, match="must not decrease"):
        mx.nd.split_v2(mx.nd.array(X), (3, 1), axis=2)  # numpy would give overlapping pieces
    with pytest.raises(ValueError):
        mx.nd.split_v2(mx.nd.array(X), 1.5)
    assert mx.nd.split_v2(mx.nd.array(X), (3,), axis=2)[1].shape == (2, 3, 1)


def test_onehot_encode():
    out = mx.nd.zeros((3, 4))
    assert mx.nd.onehot_encode(mx.nd.array([1, 0, 3]), out) is out
    np.testing.assert_array_equal(out.asnumpy(), np.eye(4)[[1, 0, 3]])
    with pytest.raises(ValueError):
        mx.nd.onehot_encode(mx.nd.array([1, 0]), mx.nd.zeros((3, 4)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int8])
def test_builtin_abs(dtype):
    x = np.array([[-3, 2], [0, -1]], dtype=dtype)
    r = abs(mx.nd.array(x, dtype=dtype))
    assert r.dtype is np.dtype(dtype).type
    np.testing.assert_array_equal(r.asnumpy(), np.abs(x))


def test_tostype():
    a = mx.nd.array(X)
    d = a.tostype("default")
    np.testing.assert_array_equal(d.asnumpy(), X)
    assert d.handle != a.handle
    with pytest.raises(NotImplementedError):
        a.tostype("csr")


def test_internal_sampler_names():
    # MXNet 1.9 keeps _random_<dist> in _internal beside the mx.nd.random wrappers
    mx.random.seed(3)
    a = mx.nd._internal._random_uniform(low=2, high=3, shape=(4,))
    mx.random.seed(3)
    b = mx.nd.random.uniform(2, 3, shape=(4,))
    np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    assert mx.nd._internal._random_randint(low=0, high=5, shape=(3,)).dtype is np.int32
    assert "_random_normal" in dir(mx.nd._internal)
    assert mx.sym._internal._random_normal(shape=(2,)).infer_shape()[1] == [(2,)]
