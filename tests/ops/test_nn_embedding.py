"""Embedding and _backward_Embedding: rows of the weight by index (indices
of any dtype, floats truncated, out-of-range clipped), the weight's dtype,
shape inference, and the weight's gradient as a scatter-add (checked
against finite differences)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import seeded_rng

WEIGHT_DTYPES = [np.float32, np.float64, np.float16, np.int32]
INDEX_DTYPES = [np.float32, np.int32, np.int64, np.uint8, np.float64]


def reference_rows(indices, input_dim):
    return np.clip(np.trunc(indices.astype(np.float64)).astype(np.int64), 0, input_dim - 1)


def embedding_checker(dtype):
    rng = seeded_rng("Embedding", np.dtype(dtype).name)
    weight = (rng.standard_normal((7, 4)) * 4).astype(dtype)
    for index_dtype in INDEX_DTYPES:
        for shape in [(5,), (2, 3), (2, 0), (3, 1, 2)]:
            indices = rng.integers(0, 7, shape).astype(index_dtype)
            out = mx.nd.Embedding(mx.nd.array(indices, dtype=index_dtype), mx.nd.array(weight, dtype=dtype),
                                  input_dim=7, output_dim=4, dtype=np.dtype(dtype).name)
            assert out.dtype == np.dtype(dtype) and out.shape == shape + (4,)
            np.testing.assert_array_equal(out.asnumpy(), weight[reference_rows(indices, 7)])
    indices = np.array([-3.0, 1.7, 6.9, 12.0, -0.5])
    out = mx.nd.Embedding(mx.nd.array(indices), mx.nd.array(weight, dtype=dtype), input_dim=7, output_dim=4)
    np.testing.assert_array_equal(out.asnumpy(), weight[[0, 1, 6, 6, 0]])


def backward_checker(dtype):
    rng = seeded_rng("_backward_Embedding", np.dtype(dtype).name)
    indices = np.array([[1, 4, 1], [0, 9, 4]], dtype=np.float32)  # repeats, and one clipped to 5
    grad = (rng.integers(-4, 5, (2, 3, 3))).astype(dtype)
    out = mx.nd._internal._backward_Embedding(mx.nd.array(grad, dtype=dtype), mx.nd.array(indices),
                                              input_dim=6, output_dim=3)
    expected = np.zeros((6, 3))
    np.add.at(expected, reference_rows(indices, 6).reshape(-1), grad.reshape(-1, 3).astype(np.float64))
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_allclose(out.asnumpy().astype(np.float64), expected)


HARNESS = {"Embedding": embedding_checker, "_backward_Embedding": backward_checker}
ALIASES = {"_npx_embedding": "Embedding"}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", WEIGHT_DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](dtype)


def test_symbol_infers_the_weight():
    emb = mx.sym.Embedding(mx.sym.Variable("data"), input_dim=10, output_dim=3, name="emb")
    assert emb.list_arguments() == ["data", "emb_weight"]
    args, outs, _ = emb.infer_shape(data=(4, 5))
    assert args == [(4, 5), (10, 3)] and outs == [(4, 5, 3)]
    arg_types, out_types, _ = emb.infer_type(data=np.int32)
    assert arg_types == [np.int32, np.float32] and out_types == [np.float32]
    f16 = mx.sym.Embedding(mx.sym.Variable("data"), input_dim=10, output_dim=3, dtype="float16")
    assert f16.infer_type(data=np.float32)[1] == [np.float16]


def test_gradient_accumulates_into_the_executor():
    emb = mx.sym.Embedding(mx.sym.Variable("data"), input_dim=4, output_dim=2, sparse_grad=True, name="emb")
    ex = emb.simple_bind(mx.cpu(), data=(3,), grad_req={"data": "null", "emb_weight": "write"})
    ex.arg_dict["data"][:] = [2, 2, 0]
    ex.arg_dict["emb_weight"][:] = np.arange(8).reshape(4, 2)
    ex.forward(is_train=True)
    ex.backward(mx.nd.array([[1, 2], [3, 4], [5, 6]]))
    np.testing.assert_array_equal(ex.grad_dict["emb_weight"].asnumpy(), [[5, 6], [0, 0], [4, 6], [0, 0]])


@pytest.mark.parametrize("kwargs,shapes,match", [
    (dict(input_dim=4, output_dim=2), [(3,), (4, 3)], "weight"),
    (dict(input_dim=0, output_dim=2), [(3,), (0, 2)], "input_dim"),
    (dict(input_dim=4, output_dim=0), [(3,), (4, 0)], "output_dim"),
])
def test_errors(kwargs, shapes, match):
    with pytest.raises(MXNetError, match=match):
        mx.nd.Embedding(*[mx.nd.ones(s) for s in shapes], **kwargs)


def test_missing_parameters():
    with pytest.raises(MXNetError, match="output_dim"):
        mx.nd.Embedding(mx.nd.ones((3,)), mx.nd.ones((4, 2)), input_dim=4)
    with pytest.raises(MXNetError, match="dtype"):
        mx.nd.Embedding(mx.nd.ones((3,)), mx.nd.ones((4, 2)), input_dim=4, output_dim=2, dtype="complex64")


# -- gradients ----------------------------------------------------------------------
def _embedding_grad():
    indices = mx.nd.array([[3, 0], [3, 1], [4, 3]])
    weight = np.random.default_rng(2).standard_normal((5, 3))
    check_gradient(lambda w: mx.nd.Embedding(indices, w, input_dim=5, output_dim=3), [weight])


GRAD_HARNESS = {"Embedding": _embedding_grad}
NO_GRADIENT = ["_backward_Embedding"]


def test_gradient():
    _embedding_grad()
