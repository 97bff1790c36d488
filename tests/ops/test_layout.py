"""Layout ops (transpose, SwapAxis, reverse, tile, repeat, Pad, Concat,
stack, SliceChannel, _split_v2, broadcast_to / broadcast_like / broadcast_axis, diag)
against numpy, over every dtype (bool included), 0-size and size-1 dims,
negative axes and the error cases.

Exports HARNESS and ALIASES like every tests/ops/test_<family>.py.
"""
import numpy as np
import pytest

import mxnet as mx

from _adjoint import adjoint_checker, check_linear_gradient
from _mxref import check, gen, op_function
from test_shape import LAYOUT_DTYPES, check_cases, check_out, nd, raises, rng_for


def transpose_checker(fn, dtype):
    cases = [((2, 3), {}), ((2, 3, 4), {}), ((2, 3, 4), dict(axes=(1, 0, 2))),
             ((2, 3, 4), dict(axes=(2, 0, 1))), ((2, 3, 4), dict(axes=(0, 2, 1))),
             ((2, 3, 4, 5), dict(axes=(3, 1, 0, 2))), ((2, 3, 4), dict(axes=(-1, 0, -2))),
             ((37, 70), {}), ((3, 33, 65), dict(axes=(2, 1, 0))), ((0, 3), {}), ((1, 5, 1), {}),
             ((4,), {})]
    check_cases(fn, dtype, cases, lambda x, axes=None: np.transpose(x, axes), "transpose")
    check_out(fn, dtype, np.arange(6).reshape(2, 3).astype(dtype), np.arange(6).reshape(2, 3).T.astype(dtype))
    x = nd(np.ones((2, 3, 4)), dtype)
    for bad in ((0, 1), (0, 1, 3), (0, 0, 1), (0, 1, -4)):
        raises(fn, x, axes=bad)


def swapaxis_checker(fn, dtype):
    cases = [((2, 3, 4), dict(dim1=0, dim2=2)), ((2, 3, 4), dict(dim1=1, dim2=1)),
             ((2, 3, 4), dict(dim1=-1, dim2=0)), ((2, 3), {}), ((0, 3), dict(dim1=0, dim2=1))]
    check_cases(fn, dtype, cases, lambda x, dim1=0, dim2=0: np.swapaxes(x, dim1, dim2), "SwapAxis")
    raises(fn, nd(np.ones((2, 3)), dtype), dim1=0, dim2=2)


def _np_reverse(x, axis):
    for a in axis:
        x = np.flip(x, a)
    return x


def reverse_checker(fn, dtype):
    cases = [((2, 3), dict(axis=(0,))), ((2, 3, 4), dict(axis=(1, 2))), ((2, 3, 4), dict(axis=(-1,))),
             ((5,), dict(axis=(0,))), ((2, 0), dict(axis=(1,))), ((3, 4), dict(axis=(1, 1)))]
    check_cases(fn, dtype, cases, _np_reverse, "reverse")
    raises(fn, nd(np.ones((2, 3)), dtype), axis=(2,))


def tile_checker(fn, dtype):
    cases = [((2, 3), dict(reps=(2, 2))), ((2, 3), dict(reps=(3,))), ((2, 3), dict(reps=(2, 1, 2))),
             ((3,), dict(reps=(2, 2))), ((2, 3), dict(reps=())), ((2, 0), dict(reps=(2, 2))),
             ((2, 3), dict(reps=(0, 1)))]
    check_cases(fn, dtype, cases, lambda x, reps: np.tile(x, reps), "tile")
    raises(fn, nd(np.ones((2, 3)), dtype), reps=(-1, 1))


def _np_repeat(x, repeats, axis=None):
    return np.repeat(x, repeats, None if repeats == 0 else axis)  # MXNet 1.9: repeats 0 gives (0,)


def repeat_checker(fn, dtype):
    cases = [((2, 3), dict(repeats=2)), ((2, 3), dict(repeats=3, axis=1)), ((2, 3), dict(repeats=2, axis=-2)),
             ((2, 3), dict(repeats=0, axis=0)), ((0, 3), dict(repeats=2, axis=1)), ((4,), dict(repeats=1))]
    check_cases(fn, dtype, cases, _np_repeat, "repeat")
    raises(fn, nd(np.ones((2, 3)), dtype), repeats=-1)
    raises(fn, nd(np.ones((2, 3)), dtype), repeats=2, axis=2)


_PAD_MODES = {"constant": "constant", "edge": "edge", "reflect": "reflect"}


def _np_pad(x, mode, pad_width, constant_value=0):
    widths = list(zip(pad_width[::2], pad_width[1::2]))
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=np.array(constant_value).astype(x.dtype))
    return np.pad(x, widths, mode=mode)


def pad_checker(fn, dtype):
    cases = []
    for mode in _PAD_MODES:
        cases += [((2, 3, 4, 5), dict(mode=mode, pad_width=(0, 0, 0, 0, 1, 2, 3, 1))),
                  ((1, 2, 3, 4, 5), dict(mode=mode, pad_width=(0, 0, 0, 0, 2, 1, 1, 2, 0, 3))),
                  ((1, 1, 2, 2), dict(mode=mode, pad_width=(0, 0, 0, 0, 0, 0, 0, 0))),
                  ((2, 1, 3, 1), dict(mode=mode, pad_width=(0, 0, 0, 0, 2, 2, 0, 0)))]
    cases.append(((2, 1, 3, 3), dict(mode="constant", pad_width=(0, 0, 0, 0, 1, 1, 1, 1), constant_value=3)))
    cases.append(((2, 1, 0, 3), dict(mode="constant", pad_width=(0, 0, 0, 0, 1, 1, 1, 1), constant_value=2)))
    check_cases(fn, dtype, cases, _np_pad, "Pad")
    x = nd(np.ones((1, 1, 2, 2)), dtype)
    raises(fn, nd(np.ones((2, 3)), dtype), mode="constant", pad_width=(1, 1, 1, 1))   # 2-D
    raises(fn, x, mode="constant", pad_width=(0, 0, 0, 0, 1, 1))                      # too short
    raises(fn, x, mode="constant", pad_width=(1, 0, 0, 0, 1, 1, 1, 1))                # batch axis
    raises(fn, x, mode="reflect", pad_width=(0, 0, 0, 0, 2, 0, 0, 0))                 # beyond the axis
    raises(fn, x, mode="wrap", pad_width=(0, 0, 0, 0, 1, 1, 1, 1))


def concat_checker(fn, dtype):
    rng = rng_for("Concat", dtype)
    for shapes, dim in [([(2, 3), (2, 4)], 1), ([(2, 3), (1, 3), (3, 3)], 0), ([(2, 3, 4), (2, 1, 4)], -2),
                        ([(2, 0), (2, 3)], 1), ([(4,)], 0), ([(1, 2, 3)] * 4, 2)]:
        xs = [gen(s, dtype, rng) for s in shapes]
        check(fn(*[nd(x, dtype) for x in xs], dim=dim), np.concatenate(xs, axis=dim), dtype)
    x = gen((2, 3), dtype, rng)
    check(fn(nd(x, dtype), nd(x, dtype)), np.concatenate([x, x], axis=1), dtype)  # default dim=1
    out = mx.nd.zeros((4, 3), dtype=dtype)
    assert fn(nd(x, dtype), nd(x, dtype), dim=0, out=out) is out
    check(out, np.concatenate([x, x]), dtype)
    raises(fn, nd(np.ones((2, 3)), dtype), nd(np.ones((3, 3)), dtype), dim=1)
    raises(fn, nd(np.ones((2, 3)), dtype), nd(np.ones((2, 3, 1)), dtype), dim=1)
    raises(fn, nd(np.ones((2, 3)), dtype), nd(np.ones((2, 3)), dtype), dim=2)


def stack_checker(fn, dtype):
    rng = rng_for("stack", dtype)
    for shape, n, axis in [((2, 3), 2, 0), ((2, 3), 3, 1), ((2, 3), 2, 2), ((2, 3), 2, -1),
                           ((2, 3), 2, -3), ((0, 3), 2, 1), ((4,), 1, 0)]:
        xs = [gen(shape, dtype, rng) for _ in range(n)]
        check(fn(*[nd(x, dtype) for x in xs], axis=axis), np.stack(xs, axis=axis), dtype)
    raises(fn, nd(np.ones((2, 3)), dtype), nd(np.ones((3, 2)), dtype))
    raises(fn, nd(np.ones((2, 3)), dtype), nd(np.ones((2, 3)), dtype), axis=3)


def check_split(fn, dtype, x, kwargs, cuts):
    """fn(x, **kwargs) gives numpy.split(x, cuts) along kwargs' axis (1 by default)."""
    axis = kwargs.get("axis", 1)
    parts = np.split(x, cuts, axis=axis)
    if kwargs.get("squeeze_axis"):
        parts = [np.squeeze(p, axis=axis) for p in parts]
    result = fn(nd(x, dtype), **kwargs)
    result = result if isinstance(result, list) else [result]
    assert len(result) == len(parts)
    for r, p in zip(result, parts):
        check(r, p, dtype)


def split_checker(fn, dtype):
    rng = rng_for("SliceChannel", dtype)
    for shape, kwargs in [((2, 6), dict(num_outputs=3)), ((4, 3), dict(num_outputs=2, axis=0)),
                          ((2, 3, 4), dict(num_outputs=4, axis=-1)),
                          ((2, 3, 4), dict(num_outputs=3, axis=1, squeeze_axis=True)),
                          ((0, 4), dict(num_outputs=2)), ((3, 2), dict(num_outputs=1, axis=0))]:
        check_split(fn, dtype, gen(shape, dtype, rng), kwargs, kwargs["num_outputs"])
    raises(lambda *a, **k: fn(*a, **k)[0], nd(np.ones((2, 5)), dtype), num_outputs=2)
    raises(lambda *a, **k: fn(*a, **k)[0], nd(np.ones((2, 4)), dtype), num_outputs=2, squeeze_axis=True)
    raises(fn, nd(np.ones((2, 4)), dtype), num_outputs=0)


def broadcast_to_checker(fn, dtype):
    cases = [((1, 3), dict(shape=(4, 3))), ((2, 1, 1), dict(shape=(2, 3, 4))), ((2, 1), dict(shape=(0, 5))),
             ((1, 1), dict(shape=(1, 1))), ((1, 3), dict(shape=(0, 3))), ((1, 3), dict(shape=(0, 0)))]

    def ref(x, shape):
        return np.broadcast_to(x, tuple(s if t == 0 else t for s, t in zip(x.shape, shape)))
    check_cases(fn, dtype, cases, ref, "broadcast_to")
    raises(fn, nd(np.ones((2, 3)), dtype), shape=(4, 3))
    raises(fn, nd(np.ones((2, 3)), dtype), shape=(2, 3, 1))


def broadcast_like_checker(fn, dtype):
    rng = rng_for("broadcast_like", dtype)
    for ls, rs, kwargs, shape in [((1, 3), (4, 3), {}, (4, 3)), ((2, 1, 1), (2, 3, 4), {}, (2, 3, 4)),
                                  ((1, 3), (5, 6, 7), dict(lhs_axes=(0,), rhs_axes=(-1,)), (7, 3)),
                                  ((2, 1), (2, 0), {}, (2, 0))]:
        x = gen(ls, dtype, rng)
        # rhs gives only its shape; its dtype may differ
        check(fn(nd(x, dtype), nd(np.zeros(rs), np.float32), **kwargs), np.broadcast_to(x, shape), dtype)
    raises(fn, nd(np.ones((2, 3)), dtype), nd(np.ones((4, 3)), dtype))
    raises(fn, nd(np.ones((2, 3)), dtype), nd(np.ones((2, 3, 1)), dtype))
    raises(fn, nd(np.ones((1, 3)), dtype), nd(np.ones((4, 3)), dtype), lhs_axes=(0,), rhs_axes=(0, 1))
    raises(fn, nd(np.ones((1, 3)), dtype), nd(np.ones((4, 3)), dtype), lhs_axes=(0,))


def broadcast_axis_checker(fn, dtype):
    cases = [((1, 3), dict(axis=0, size=4)), ((2, 1, 1), dict(axis=(1, 2), size=(3, 4))),
             ((2, 1), dict(axis=-1, size=5)), ((1, 3), dict(axis=0, size=0)), ((2, 3), dict())]

    def ref(x, axis=(), size=()):
        shape = list(x.shape)
        for a, s in zip(np.atleast_1d(axis), np.atleast_1d(size)):
            shape[a] = s
        return np.broadcast_to(x, shape)
    check_cases(fn, dtype, cases, ref, "broadcast_axis")
    raises(fn, nd(np.ones((2, 3)), dtype), axis=0, size=4)
    raises(fn, nd(np.ones((1, 3)), dtype), axis=(0, 1), size=(4,))
    raises(fn, nd(np.ones((1, 3)), dtype), axis=2, size=4)


def _np_diag(x, k=0, axis1=0, axis2=1):
    return np.diag(x, k) if x.ndim == 1 else np.diagonal(x, k, axis1, axis2)


def diag_checker(fn, dtype):
    cases = [((4,), {}), ((3,), dict(k=2)), ((3,), dict(k=-1)), ((0,), {}), ((3, 4), {}),
             ((3, 4), dict(k=1)), ((3, 4), dict(k=-2)), ((3, 4), dict(k=4)), ((3, 4), dict(k=-3)),
             ((2, 3, 4), dict(axis1=1, axis2=2)), ((2, 3, 4), dict(axis1=-1, axis2=0, k=1)), ((1, 1), {})]
    check_cases(fn, dtype, cases, _np_diag, "diag")
    for k in (5, -4):  # MXNet 1.9: "Diagonal does not exist." past the last (empty) one
        raises(fn, nd(np.ones((3, 4)), dtype), k=k)
    raises(fn, nd(np.ones((2, 3)), dtype), axis1=1, axis2=1)
    raises(fn, nd(np.ones((2, 3)), dtype), axis1=2)


# -- the gradient ops (adjoints) -------------------------------------------------------

def _with_kwargs(reference, **kwargs):
    return lambda x: reference(x, **kwargs)


backward_tile_checker = adjoint_checker(
    [(shape, [], dict(reps=reps), _with_kwargs(np.tile, reps=reps))
     for shape, reps in [((2, 3), (2, 2)), ((2, 3), (3,)), ((3,), (2, 2)), ((2, 3), (2, 1, 2)),
                         ((2, 3), ()), ((2, 0), (2, 2)), ((2, 3), (0, 1))]], "_backward_tile")

backward_repeat_checker = adjoint_checker(
    [(shape, [], kwargs, lambda x, k=kwargs: _np_repeat(x, **k))
     for shape, kwargs in [((2, 3), dict(repeats=2)), ((2, 3), dict(repeats=3, axis=1)),
                           ((2, 3), dict(repeats=2, axis=-2)), ((2, 3), dict(repeats=0, axis=0)),
                           ((0, 3), dict(repeats=2, axis=1))]], "_backward_repeat")

# The constant border copies nothing, whatever its value.
backward_pad_checker = adjoint_checker(
    [(shape, [], dict(mode=mode, pad_width=width, constant_value=5), lambda x, m=mode, w=width: _np_pad(x, m, w))
     for mode in _PAD_MODES
     for shape, width in [((2, 3, 4, 5), (0, 0, 0, 0, 1, 2, 3, 1)), ((1, 1, 3, 2), (0, 0, 0, 0, 2, 2, 1, 1)),
                          ((1, 2, 3, 4, 5), (0, 0, 0, 0, 2, 1, 1, 2, 0, 3))]], "_backward_Pad")

backward_diag_checker = adjoint_checker(
    [(shape, [], kwargs, lambda x, k=kwargs: _np_diag(x, **k))
     for shape, kwargs in [((4,), {}), ((3,), dict(k=2)), ((3,), dict(k=-1)), ((3, 4), dict(k=1)),
                           ((3, 4), dict(k=-2)), ((3, 4), dict(k=4)), ((2, 3, 4), dict(axis1=1, axis2=2)),
                           ((2, 3, 4), dict(axis1=-1, axis2=0, k=1))]], "_backward_diag")


def backward_concat_checker(fn, dtype):
    """_backward_Concat(ograd, data..., num_args, dim): ograd cut into parts."""
    rng = rng_for("_backward_Concat", dtype)
    for shapes, dim in [([(2, 3), (2, 4)], 1), ([(2, 3), (1, 3), (3, 3)], 0), ([(2, 3, 4), (2, 1, 4)], -2),
                        ([(2, 0), (2, 3)], 1)]:
        ograd = gen(np.concatenate([np.zeros(s) for s in shapes], axis=dim).shape, dtype, rng)
        parts = fn(nd(ograd, dtype), *[mx.nd.zeros(s, dtype=dtype) for s in shapes], dim=dim)
        cuts = np.cumsum([s[dim] for s in shapes])[:-1]
        for part, expected in zip(parts, np.split(ograd, cuts, axis=dim)):
            check(part, expected, dtype)
    raises(lambda *a, **k: fn(*a, **k)[0], nd(np.ones((2, 5)), dtype), nd(np.ones((2, 3)), dtype),
           nd(np.ones((2, 3)), dtype))
    raises(fn, nd(np.ones((2, 5)), dtype), num_args=1)


def split_v2_checker(fn, dtype):
    """indices are where pieces start (from 0, never decreasing); sections cut
    equal pieces."""
    rng = rng_for("_split_v2", dtype)
    for shape, kwargs, cuts in [((2, 6), dict(indices=(0, 1, 4)), [1, 4]),
                                ((5, 3), dict(indices=(0,), axis=0), 1),
                                ((2, 3, 4), dict(indices=(), sections=2, axis=-1), 2),
                                ((2, 3, 4), dict(indices=(0, 1, 2), axis=1, squeeze_axis=True), 3),
                                ((2, 3, 4), dict(indices=(0, 2, 99), sections=3, axis=1, squeeze_axis=True), 3),
                                ((0, 4), dict(indices=(0, 3), axis=1), [3]),
                                ((2, 5), dict(indices=(0, 2, 2, 5)), [2, 2, 5])]:  # empty pieces, as numpy
        check_split(fn, dtype, gen(shape, dtype, rng), kwargs, cuts)
    x = nd(np.ones((2, 5)), dtype)
    first = lambda *a, **k: fn(*a, **k)[0]  # noqa: E731
    raises(first, x, indices=(), sections=2)  # 5 is not divisible by 2
    raises(first, x, indices=(1, 3))  # must start at 0
    raises(first, x, indices=(0, 3, 2))  # decreasing
    raises(first, x, indices=(0, 6))  # past the axis
    raises(first, x, indices=(0, 2), squeeze_axis=True)
    raises(first, x, indices=(0, 1), axis=2)
    raises(fn, x, indices=())  # no pieces
    raises(fn, x, indices=(), sections=-1)
    raises(fn, x, sections=5)  # indices is required
    check(fn(x, indices=(), sections=5)[4], np.ones((2, 1)), dtype)  # the process keeps working

HARNESS = {
    "_backward_tile": backward_tile_checker,
    "_backward_repeat": backward_repeat_checker,
    "_backward_Pad": backward_pad_checker,
    "_backward_diag": backward_diag_checker,
    "_backward_Concat": backward_concat_checker,
    "transpose": transpose_checker,
    "SwapAxis": swapaxis_checker,
    "reverse": reverse_checker,
    "tile": tile_checker,
    "repeat": repeat_checker,
    "Pad": pad_checker,
    "Concat": concat_checker,
    "stack": stack_checker,
    "SliceChannel": split_checker,
    "_split_v2": split_v2_checker,
    "broadcast_to": broadcast_to_checker,
    "broadcast_like": broadcast_like_checker,
    "broadcast_axis": broadcast_axis_checker,
    "diag": diag_checker,
}

ALIASES = {"swapaxes": "SwapAxis", "flip": "reverse", "pad": "Pad", "concat": "Concat",
           "split": "SliceChannel", "broadcast_axes": "broadcast_axis"}


@pytest.mark.parametrize("dtype", LAYOUT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", sorted(HARNESS))
def test_op(name, dtype):
    HARNESS[name](op_function(name), dtype)


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_alias(alias):
    HARNESS[ALIASES[alias]](op_function(alias), np.float32)


# -- gradients -----------------------------------------------------------------------------

GRAD_RNG = np.random.default_rng(5)
X = GRAD_RNG.standard_normal((2, 3, 4))
IMAGE = GRAD_RNG.standard_normal((1, 2, 3, 4))


def _pad_gradient(mode):
    return lambda: check_linear_gradient(
        lambda x: mx.nd.Pad(x, mode=mode, pad_width=(0, 0, 0, 0, 1, 2, 2, 3), constant_value=1.5), IMAGE)


def _split_gradient():
    check_linear_gradient(lambda x: mx.nd.split(x, num_outputs=3, axis=1), X)
    check_linear_gradient(lambda x: mx.nd.split(x, num_outputs=2, axis=-3, squeeze_axis=True), X)
    # An unused part still gives its (zero) share.
    check_linear_gradient(lambda x: mx.nd.split(x, num_outputs=3, axis=1)[1], X)


def _split_v2_gradient():
    split_v2 = mx.nd._internal._split_v2
    check_linear_gradient(lambda x: split_v2(x, indices=(0, 1), axis=1), X)
    check_linear_gradient(lambda x: split_v2(x, indices=(), sections=2, axis=-3, squeeze_axis=True), X)
    # Unused pieces still give their (zero) share.
    check_linear_gradient(lambda x: split_v2(x, indices=(0, 1, 3), axis=2)[1], X)


def _adjoint_gradient(name, forward_shape, **kwargs):
    """The gradient ops are linear in ograd: their gradient is the forward op."""
    fn = getattr(mx.nd._internal, name)
    return lambda: check_linear_gradient(lambda g, x: fn(g, x, **kwargs), GRAD_RNG.standard_normal(forward_shape),
                                         X if name != "_backward_Pad" else IMAGE)


GRAD_HARNESS = {
    "transpose": lambda: (check_linear_gradient(lambda x: mx.nd.transpose(x, axes=(1, -1, 0)), X),
                          check_linear_gradient(mx.nd.transpose, X)),
    "SwapAxis": lambda: check_linear_gradient(lambda x: mx.nd.SwapAxis(x, dim1=-1, dim2=0), X),
    "reverse": lambda: check_linear_gradient(lambda x: mx.nd.reverse(x, axis=(0, 2, 2, 1)), X),
    "tile": lambda: (check_linear_gradient(lambda x: mx.nd.tile(x, reps=(2, 1, 1, 2)), X),
                     check_linear_gradient(lambda x: mx.nd.tile(x, reps=(3,)), X)),
    "repeat": lambda: (check_linear_gradient(lambda x: mx.nd.repeat(x, repeats=3, axis=-2), X),
                       check_linear_gradient(lambda x: mx.nd.repeat(x, repeats=2), X)),
    "Pad": lambda: [_pad_gradient(mode)() for mode in _PAD_MODES],
    "Concat": lambda: check_linear_gradient(lambda x: mx.nd.Concat(x, x[:, 1:] * 2, x, dim=1), X),
    "stack": lambda: check_linear_gradient(lambda x: mx.nd.stack(x, x * 3, axis=-2), X),
    "SliceChannel": _split_gradient,
    "_split_v2": _split_v2_gradient,
    "broadcast_to": lambda: check_linear_gradient(lambda x: mx.nd.broadcast_to(x, shape=(3, 0, 2, 4)),
                                                  X[:1, :, :1].reshape(1, 3, 1, 1)),
    "broadcast_like": lambda: check_linear_gradient(
        lambda x, y: mx.nd.broadcast_like(x, y, lhs_axes=(0, 2), rhs_axes=(0, 2)), X[:1, :, :1], X),
    "broadcast_axis": lambda: check_linear_gradient(lambda x: mx.nd.broadcast_axis(x, axis=(0, 2), size=(2, 4)),
                                                    X[:1, :, :1]),
    "diag": lambda: (check_linear_gradient(lambda x: mx.nd.diag(x, k=-1), X[0, 0]),
                     check_linear_gradient(lambda x: mx.nd.diag(x, k=1, axis1=2, axis2=0), X)),
    "_backward_tile": _adjoint_gradient("_backward_tile", (2, 3, 8), reps=(1, 2)),
    "_backward_repeat": _adjoint_gradient("_backward_repeat", (2, 6, 4), repeats=2, axis=1),
    "_backward_Pad": _adjoint_gradient("_backward_Pad", (1, 2, 5, 5), mode="reflect",
                                       pad_width=(0, 0, 0, 0, 2, 0, 0, 1)),
    "_backward_diag": _adjoint_gradient("_backward_diag", (3, 1), k=1, axis1=2, axis2=0),
    "_backward_Concat": lambda: check_linear_gradient(
        lambda g, x: mx.nd._internal._backward_Concat(g, x, x[:, :1], num_args=3, dim=1),
        GRAD_RNG.standard_normal((2, 4, 4)), X),
}


@pytest.mark.parametrize("name", sorted(GRAD_HARNESS))
def test_gradient(name):
    GRAD_HARNESS[name]()


def test_transpose_large_against_numpy():
    """The blocked, parallel path: edges that are not whole tiles, and a
    batch of transposes."""
    rng = np.random.default_rng(0)
    for shape, axes in [((517, 1031), None), ((3, 300, 257), (0, 2, 1)), ((64, 3, 129), (2, 1, 0))]:
        x = rng.standard_normal(shape).astype(np.float32)
        kwargs = {} if axes is None else dict(axes=axes)
        for dtype in (np.float32, np.float64, np.float16, np.int8):
            np.testing.assert_array_equal(mx.nd.transpose(nd(x, dtype), **kwargs).asnumpy(),
                                          np.transpose(x.astype(dtype), axes))


def test_variadic_and_multi_output_calls():
    a, b = mx.nd.ones((2, 3)), mx.nd.zeros((2, 3))
    assert mx.nd.concat(a, b, dim=0).shape == (4, 3)
    assert mx.nd.stack(a, b, axis=1).shape == (2, 2, 3)
    parts = mx.nd.split(mx.nd.ones((2, 4)), num_outputs=2)
    assert isinstance(parts, list) and [p.shape for p in parts] == [(2, 2), (2, 2)]
