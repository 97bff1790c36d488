"""amp_cast and amp_multicast, the casts of AMP: float16/float32 values
converted (amp_multicast: to the widest float type among the inputs, or
with cast_narrow the narrowest), every other dtype passed through; their
gradients cast back to the inputs' dtypes; the error cases."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient
from _mxref import DTYPES, check, gen, seeded_rng

AMP_FLOATS = (np.float16, np.float32)


def amp_cast_checker(fn, dtype):
    rng = seeded_rng("amp_cast", np.dtype(dtype).name)
    x = gen((3, 4), dtype, rng)
    for target in (np.float16, np.float32, np.float64, np.int32):
        expected = x.astype(target) if dtype in AMP_FLOATS else x  # other dtypes pass through
        check(fn(mx.nd.array(x, dtype=dtype), dtype=np.dtype(target).name), expected, expected.dtype)


def multicast_target(dtypes, narrow):
    """MXNet 1.9's rule: float16 (cast_narrow) or float32 if any input has
    it, else float32 (cast_narrow) or input 0's dtype, even a non-float one."""
    extreme = np.float16 if narrow else np.float32
    if any(d == extreme for d in dtypes):
        return extreme
    return np.float32 if narrow else dtypes[0]


def amp_multicast_checker(fn, dtype):
    rng = seeded_rng("amp_multicast", np.dtype(dtype).name)
    x = gen((2, 3), dtype, rng)
    for other in AMP_FLOATS:
        y = np.abs(gen((4,), other, rng))  # cast to a non-float input 0 dtype: in every range
        for narrow in (False, True):
            outs = fn(mx.nd.array(x, dtype=dtype), mx.nd.array(y, dtype=other), num_outputs=2, cast_narrow=narrow)
            target = multicast_target([dtype, other], narrow)
            check(outs[0], x.astype(target) if dtype in AMP_FLOATS else x)
            check(outs[1], y.astype(target))


HARNESS = {"amp_cast": amp_cast_checker, "amp_multicast": amp_multicast_checker}
ALIASES = {}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", sorted(HARNESS))
def test_op(name, dtype):
    HARNESS[name](getattr(mx.nd, name), dtype)


def test_multicast_of_one_dtype_keeps_it_and_symbols_infer_types():
    outs = mx.nd.amp_multicast(mx.nd.ones(2, dtype=np.float16), mx.nd.ones(3, dtype=np.float16), num_outputs=2)
    assert [o.dtype for o in outs] == [np.float16, np.float16]
    s = mx.sym.amp_multicast(mx.sym.var("a"), mx.sym.var("b"), mx.sym.var("c"), num_outputs=3)
    _, out_types, _ = s.infer_type(a=np.float16, b=np.float32, c=np.int8)
    assert out_types == [np.float32, np.float32, np.int8]
    _, out_shapes, _ = s.infer_shape(a=(2,), b=(3, 1), c=(4,))
    assert out_shapes == [(2,), (3, 1), (4,)]
    _, out_types, _ = s.infer_type(a=np.float64, b=np.float16, c=np.float16)  # input 0's dtype, as MXNet
    assert out_types == [np.float64, np.float64, np.float64]
    _, out_types, _ = mx.sym.amp_cast(mx.sym.var("a"), dtype="float16").infer_type(a=np.float32)
    assert out_types == [np.float16]


def _amp_gradients():
    x = np.random.default_rng(0).standard_normal((3, 4))
    check_gradient(lambda a: mx.nd.amp_cast(a, dtype="float16"), [x])  # float64 passes through
    check_gradient(lambda a, b: mx.nd.amp_multicast(a, b, num_outputs=2), [x, x[0]])
    # float32 -> float16: the float16 gradient comes back as float32
    a, b = mx.nd.array(x, dtype=np.float32), mx.nd.array(x[0], dtype=np.float16)
    a.attach_grad()
    b.attach_grad()
    head = mx.nd.array(np.arange(12).reshape(3, 4) / 8, dtype=np.float16)
    with mx.autograd.record():
        out = mx.nd.amp_cast(a, dtype="float16")
    out.backward(head)
    check(a.grad, head.asnumpy().astype(np.float32))
    with mx.autograd.record():
        outs = mx.nd.amp_multicast(a, b, num_outputs=2)
    assert [o.dtype for o in outs] == [np.float32, np.float32]
    mx.autograd.backward(outs, [mx.nd.ones((3, 4)), mx.nd.full((4,), 0.5)])
    check(b.grad, np.full(4, 0.5, np.float16))


GRAD_HARNESS = {"amp_cast": _amp_gradients, "amp_multicast": _amp_gradients}


def test_gradient():
    _amp_gradients()


BAD_CALLS = {
    "amp_cast without dtype": (lambda: mx.nd.amp_cast(mx.nd.ones(2)), "dtype"),
    "amp_cast unknown dtype": (lambda: mx.nd.amp_cast(mx.nd.ones(2), dtype="float8"), "float8"),
    "amp_multicast count differs": (lambda: mx.nd.amp_multicast(mx.nd.ones(2), num_outputs=2), "2"),
    "amp_multicast no inputs": (lambda: mx.nd.amp_multicast(num_outputs=0), "at least 1"),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_input_raises(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(MXNetError, match=message):
        out = call()
        (out[0] if isinstance(out, list) else out).asnumpy()
    assert mx.nd.amp_cast(mx.nd.ones(2), dtype="float16").dtype == np.float16  # still working
