"""numpy references for the _backward_<op> ops: the adjoints of ops that copy
elements (tile, repeat, Pad, slice_axis, take, gather_nd, ...).

A copying op applied to the flat index of every data element tells where each
output element came from; the adjoint adds each output gradient element onto
its source.  One reference thus serves every copying op, given the op's
numpy reference.
"""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order
from _mxref import check, gen, seeded_rng


def adjoint_reference(forward, data_shape, ograd):
    """The gradient of <forward(data), ograd> by data.  forward maps an int64
    array of data_shape to the output, filling with 0 where an output element
    copies no data element (diag's zeros, Pad's constant_value=0)."""
    size = int(np.prod(data_shape, dtype=np.int64))
    ids = np.arange(1, size + 1, dtype=np.int64).reshape(data_shape)
    sources = np.asarray(forward(ids)).ravel() - 1
    copied = sources >= 0
    grad = np.bincount(sources[copied], weights=ograd.astype(np.float64).ravel()[copied], minlength=size)
    return grad.reshape(data_shape)


def adjoint_checker(cases, key):
    """A HARNESS checker of an adjoint op fn(ograd, data, *extra, **kwargs).

    cases: (data_shape, extra numpy inputs, kwargs, forward) with forward the
    numpy reference of the forward op as a function of data alone.  Gradients
    are numeric: bool data is refused.
    """
    def checker(fn, dtype):
        if np.dtype(dtype) == np.bool_:
            with pytest.raises(MXNetError):
                fn(mx.nd.ones((2, 2), dtype=dtype), mx.nd.ones((2, 2), dtype=dtype)).asnumpy()
            return
        rng = seeded_rng(key, np.dtype(dtype).name)
        for data_shape, extra, kwargs, forward in cases:
            out_shape = np.shape(forward(np.zeros(data_shape, dtype=np.int64)))
            ograd = gen(out_shape, dtype, rng)
            expected = adjoint_reference(forward, data_shape, ograd)
            result = fn(mx.nd.array(ograd, dtype=dtype), mx.nd.zeros(data_shape, dtype=dtype),
                        *[mx.nd.array(e) for e in extra], **kwargs)
            check(result, expected.astype(dtype), dtype)
        # ograd must have the shape the forward op gives
        data_shape, extra, kwargs, forward = cases[0]
        bad = np.shape(forward(np.zeros(data_shape, dtype=np.int64))) + (2,)
        with pytest.raises(MXNetError, match="ograd"):
            fn(mx.nd.zeros(bad, dtype=dtype), mx.nd.zeros(data_shape, dtype=dtype),
               *[mx.nd.array(e) for e in extra], **kwargs).asnumpy()
    return checker


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def check_linear_gradient(fn, data, *constants):
    """fn(data, *constants), linear in data: its gradient against finite
    differences, and the gradient of that gradient (through fn(data)**2),
    which differentiates the gradient ops themselves.  constants (index
    arrays) stay fixed."""
    fixed = [mx.nd.array(c, dtype=np.float64) for c in constants]

    def f(x):
        return fn(x, *fixed)
    check_gradient(f, [data])
    check_second_order(lambda x: [y * y for y in _as_list(f(x))], [data])


def check_index_gets_no_gradient(fn, data, index):
    """fn(data, index) gives the index array a zero gradient."""
    x, i = mx.nd.array(data, dtype=np.float64), mx.nd.array(index, dtype=np.float64)
    i.attach_grad()
    with mx.autograd.record():
        y = fn(x, i)
    y.backward()
    assert not i.grad.asnumpy().any()


def check_zero_gradient(fn, inputs):
    """fn is differentiable, with zero gradients (MXNet's MakeZeroGradNodes)."""
    for g in check_gradient(fn, inputs):
        assert not g.any()


def has_gradient(name):
    """Whether the registry gives op `name` a gradient."""
    from mxnet._registry import op_handle
    from mxnet.base import _LIB, check_call, ffi
    out = ffi.new("int*")
    check_call(_LIB.MXOpHasGradient(op_handle(name), out))
    return bool(out[0])
