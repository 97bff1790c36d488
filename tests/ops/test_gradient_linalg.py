"""Gradients of the matrix products -- dot (any rank, transposes), batch_dot,
_linalg_gemm2, _linalg_gemm, FullyConnected (flatten, no_bias, a
(num_hidden, 1) bias) -- against float64 finite differences, first and
second order.  khatri_rao has none (MXNet 1.9 defines no gradient for it).

Also _backward_dot and _backward_FullyConnected, the gradient ops of dot
and FullyConnected, against numpy.
"""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order
from _mxref import DTYPES, check, gen, seeded_rng

RNG = seeded_rng("gradient_linalg")


def normal(*shape):
    return RNG.standard_normal(shape)


def check_both(fn, inputs):
    check_gradient(fn, inputs)
    check_second_order(fn, inputs)


DOT_CASES = [  # lhs, rhs, transpose_a, transpose_b
    ((3,), (3,), False, False), ((2, 3), (3, 4), False, False), ((3,), (3, 2), False, False),
    ((2, 3, 4), (4, 2), False, False), ((2, 3), (3, 2, 2), False, False), ((3, 2), (3, 4), True, False),
    ((2, 3), (4, 3), False, True), ((3, 2), (4, 3), True, True), ((3, 2, 2), (3, 2), True, False),
    ((2, 3), (2, 2, 3), False, True), ((3, 2, 2), (2, 2, 3), True, True),
]


def dot_grad():
    for ls, rs, ta, tb in DOT_CASES:
        check_both(lambda a, b: mx.nd.dot(a, b, transpose_a=ta, transpose_b=tb), [normal(*ls), normal(*rs)])


def batch_dot_grad():
    for ls, rs, ta, tb in [((2, 2, 3), (2, 3, 4), False, False), ((2, 3, 2), (2, 3, 4), True, False),
                           ((2, 2, 3), (2, 4, 3), False, True), ((2, 3, 2), (2, 4, 3), True, True),
                           ((2, 1, 2, 3), (2, 1, 3, 2), False, False)]:
        check_both(lambda a, b: mx.nd.batch_dot(a, b, transpose_a=ta, transpose_b=tb), [normal(*ls), normal(*rs)])


GEMM_CASES = [  # A, B, transpose_a, transpose_b, axis
    ((2, 3), (3, 4), False, False, -2), ((3, 2), (3, 4), True, False, -2), ((2, 3), (4, 3), False, True, -2),
    ((3, 2), (4, 3), True, True, -2), ((2, 2, 3), (2, 3, 2), False, False, -2),
    ((2, 3, 2, 2), (2, 2, 2, 3), False, False, 1), ((2, 3, 2, 2), (2, 2, 2, 3), True, True, -3),
]


def gemm2_grad():
    for ash, bsh, ta, tb, axis in GEMM_CASES:
        check_both(lambda a, b: mx.nd.linalg.gemm2(a, b, transpose_a=ta, transpose_b=tb, alpha=0.7, axis=axis),
                   [normal(*ash), normal(*bsh)])


def gemm_grad():
    for ash, bsh, ta, tb, axis in GEMM_CASES:
        out_shape = mx.nd.linalg.gemm2(mx.nd.ones(ash), mx.nd.ones(bsh), transpose_a=ta, transpose_b=tb,
                                       axis=axis).shape
        check_both(lambda a, b, c: mx.nd.linalg.gemm(a, b, c, transpose_a=ta, transpose_b=tb, alpha=0.7, beta=-1.5,
                                                     axis=axis),
                   [normal(*ash), normal(*bsh), normal(*out_shape)])


FC_CASES = [  # data, num_hidden, flatten, bias shape (None: no_bias)
    ((3, 4), 2, True, (2,)), ((2, 2, 3), 2, True, (2,)), ((2, 2, 3), 2, False, (2,)), ((3, 4), 2, True, None),
    ((2, 2, 3), 3, False, None), ((3, 4), 2, True, (2, 1)), ((3,), 2, True, (2,)),
]


def input_dim(data_shape, flatten):
    return int(np.prod(data_shape[1:])) if flatten else data_shape[-1]


def fully_connected_grad():
    for dshape, hidden, flatten, bshape in FC_CASES:
        inputs = [normal(*dshape), normal(hidden, input_dim(dshape, flatten))]
        if bshape is None:
            fn = lambda x, w: mx.nd.FullyConnected(x, w, num_hidden=hidden, flatten=flatten, no_bias=True)  # noqa
        else:
            inputs.append(normal(*bshape))
            fn = lambda x, w, b: mx.nd.FullyConnected(x, w, b, num_hidden=hidden, flatten=flatten)  # noqa
        check_both(fn, inputs)


# -- _backward_dot, _backward_FullyConnected -------------------------------------------------

FLOATS = (np.float32, np.float64, np.float16)


def as_matrix(x, split_first):
    """dot's 2-D views: (shape[0], the rest) or (the rest, shape[-1])."""
    if split_first:
        return x.reshape(x.shape[0], int(np.prod(x.shape[1:])))
    return x.reshape(int(np.prod(x.shape[:-1])), x.shape[-1])


def dot_grads_reference(og, a, b, ta, tb):
    a2, b2 = as_matrix(a, ta), as_matrix(b, not tb)
    op_a, op_b = (a2.T if ta else a2), (b2.T if tb else b2)
    og2 = og.reshape(op_a.shape[0], op_b.shape[1])
    d_op_a, d_op_b = og2 @ op_b.T, op_a.T @ og2
    return (d_op_a.T if ta else d_op_a).reshape(a.shape), (d_op_b.T if tb else d_op_b).reshape(b.shape)


def backward_dot_checker(fn, dtype):
    if dtype not in FLOATS:
        with pytest.raises(MXNetError):
            fn(*[mx.nd.ones(s, dtype=dtype) for s in ((2, 3), (2, 4), (4, 3))])[0].asnumpy()
        return
    rng = seeded_rng("backward_dot", np.dtype(dtype).name)
    for ls, rs, ta, tb in DOT_CASES + [((0, 3), (3, 2), False, False), ((2, 0), (0, 3), False, False)]:
        a, b = gen(ls, dtype, rng), gen(rs, dtype, rng)
        og = gen(mx.nd.dot(mx.nd.ones(ls), mx.nd.ones(rs), transpose_a=ta, transpose_b=tb).shape, dtype, rng)
        da, db = fn(*[mx.nd.array(v, dtype=dtype) for v in (og, a, b)], transpose_a=ta, transpose_b=tb)
        want_a, want_b = dot_grads_reference(*[v.astype(np.float64) for v in (og, a, b)], ta, tb)
        check(da, want_a.astype(dtype), dtype)
        check(db, want_b.astype(dtype), dtype)
    with pytest.raises(MXNetError, match="ograd must have"):
        fn(mx.nd.ones((2, 2), dtype=dtype), mx.nd.ones((2, 3), dtype=dtype), mx.nd.ones((3, 4), dtype=dtype))
    with pytest.raises(MXNetError, match="not aligned"):
        fn(mx.nd.ones((2, 4), dtype=dtype), mx.nd.ones((2, 3), dtype=dtype), mx.nd.ones((2, 4), dtype=dtype))


def backward_dot_grad():
    for ls, rs, ta, tb in DOT_CASES[4:]:
        og_shape = mx.nd.dot(mx.nd.ones(ls), mx.nd.ones(rs), transpose_a=ta, transpose_b=tb).shape
        fn = lambda og, a, b: mx.nd._internal._backward_dot(og, a, b, transpose_a=ta, transpose_b=tb)  # noqa
        check_both(fn, [normal(*og_shape), normal(*ls), normal(*rs)])


def backward_fully_connected_checker(fn, dtype):
    if dtype not in FLOATS:
        with pytest.raises(MXNetError):
            fn(*[mx.nd.ones(s, dtype=dtype) for s in ((3, 2), (3, 4), (2, 4))], num_hidden=2, no_bias=True)[0].asnumpy()
        return
    rng = seeded_rng("backward_fully_connected", np.dtype(dtype).name)
    for dshape, hidden, flatten, bshape in FC_CASES + [((0, 3), 2, True, (2,)), ((3, 0), 2, True, (2,))]:
        x, w = gen(dshape, dtype, rng), gen((hidden, input_dim(dshape, flatten)), dtype, rng)
        og = gen(((dshape[0], hidden) if flatten else dshape[:-1] + (hidden,)), dtype, rng)
        inputs = [og, x, w] + ([] if bshape is None else [np.zeros(bshape, dtype)])
        grads = fn(*[mx.nd.array(v, dtype=dtype) for v in inputs], num_hidden=hidden, flatten=flatten,
                   no_bias=bshape is None)
        og2 = as_matrix(og.astype(np.float64), False)
        x2 = x.astype(np.float64).reshape(og2.shape[0], w.shape[1])
        check(grads[0], (og2 @ w.astype(np.float64)).reshape(dshape).astype(dtype), dtype)
        check(grads[1], (og2.T @ x2).astype(dtype), dtype)
        if bshape is not None:
            check(grads[2], og2.sum(axis=0).reshape(bshape).astype(dtype), dtype)
        else:
            assert len(grads) == 2
    with pytest.raises(MXNetError, match="ograd must have"):
        fn(*[mx.nd.ones(s, dtype=dtype) for s in ((3, 3), (3, 4), (2, 4))], num_hidden=2, no_bias=True)
    with pytest.raises(MXNetError, match="does not fit"):
        fn(*[mx.nd.ones(s, dtype=dtype) for s in ((3, 2), (3, 4), (2, 5))], num_hidden=2, no_bias=True)


def backward_fully_connected_grad():
    for dshape, hidden, flatten, bshape in FC_CASES:
        og_shape = (dshape[0], hidden) if flatten else dshape[:-1] + (hidden,)
        inputs = [normal(*og_shape), normal(*dshape), normal(hidden, input_dim(dshape, flatten))]
        if bshape is None:
            fn = lambda og, x, w: mx.nd._internal._backward_FullyConnected(  # noqa: E731
                og, x, w, num_hidden=hidden, flatten=flatten, no_bias=True)
        else:
            bias = mx.nd.zeros(bshape, dtype=np.float64)
            fn = lambda og, x, w: mx.nd._internal._backward_FullyConnected(  # noqa: E731
                og, x, w, bias, num_hidden=hidden, flatten=flatten)
        check_both(fn, inputs)


HARNESS = {"_backward_dot": backward_dot_checker, "_backward_FullyConnected": backward_fully_connected_checker}
ALIASES = {}


@pytest.mark.parametrize("name", sorted(HARNESS))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd._internal, name), dtype)


GRAD_HARNESS = {
    "dot": dot_grad,
    "batch_dot": batch_dot_grad,
    "_linalg_gemm2": gemm2_grad,
    "_linalg_gemm": gemm_grad,
    "FullyConnected": fully_connected_grad,
    "_backward_dot": backward_dot_grad,
    "_backward_FullyConnected": backward_fully_connected_grad,
}
NO_GRADIENT = {"khatri_rao"}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()
