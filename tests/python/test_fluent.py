"""NDArray fluent methods: a.<op>(...) is mx.nd.<op>(a, ...)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.ndarray import register
from mxnet.ndarray.ndarray import _FLUENT_METHODS

# Arguments a method needs beyond the array (others use the op's defaults).
ARGS = {
    "broadcast_axes": dict(axis=0, size=2), "repeat": dict(repeats=2),
    "pad": dict(mode="constant", pad_width=(0, 0, 0, 0, 1, 1, 1, 1)),
    "swapaxes": dict(dim1=0, dim2=1), "split": dict(num_outputs=2, axis=3),
    "slice": dict(begin=(0, 0), end=(1, 2)), "slice_axis": dict(axis=1, begin=0, end=1),
    "take": (mx.nd.array([0, 0]),), "one_hot": dict(depth=3), "pick": (mx.nd.zeros((1, 2, 2)),),
    "tile": dict(reps=(2,)), "expand_dims": dict(axis=0), "slice_like": (mx.nd.zeros((1, 1, 1, 1)),),
    "reshape_like": (mx.nd.zeros((2, 2, 2)),), "clip": dict(a_min=0.2, a_max=0.8),
    "squeeze": dict(axis=0), "flip": dict(axis=0), "depth_to_space": dict(block_size=1),
    "space_to_depth": dict(block_size=1),
}
REGISTERED = set(register.list_ops())
# Methods that also take inplace=True (a view instead of the op's copy).
VIEW_METHODS = ("flatten", "expand_dims", "squeeze")


@pytest.mark.parametrize("name", _FLUENT_METHODS)
def test_fluent_method_matches_op(name):
    if name not in REGISTERED:
        pytest.skip("op %s is not implemented yet" % name)
    data = mx.nd.array(np.random.RandomState(0).uniform(0.1, 0.9, (1, 2, 2, 2)))
    extra = ARGS.get(name, {})
    args, kwargs = (extra, {}) if isinstance(extra, tuple) else ((), extra)
    got = getattr(data, name)(*args, **kwargs)
    want = getattr(mx.nd, name)(data, *args, **kwargs)
    got = got if isinstance(got, list) else [got]
    want = want if isinstance(want, list) else [want]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.asnumpy(), w.asnumpy())
    if name not in VIEW_METHODS:
        assert getattr(mx.nd.NDArray, name).__doc__.startswith("Convenience fluent method")


def test_depth_space_methods_and_as_nd_ndarray():
    a = mx.nd.array(np.arange(16).reshape(1, 4, 2, 2))
    np.testing.assert_array_equal(a.depth_to_space(2).asnumpy(), mx.nd.depth_to_space(a, 2).asnumpy())
    assert a.depth_to_space(block_size=2).space_to_depth(2).asnumpy().tolist() == a.asnumpy().tolist()
    assert a.as_nd_ndarray() is a


def test_T_and_broadcast_to():
    a = mx.nd.array(np.arange(6).reshape(2, 3))
    if "transpose" in REGISTERED:
        np.testing.assert_array_equal(a.T.asnumpy(), np.arange(6).reshape(2, 3).T)
    v = mx.nd.array([1, 2, 3])
    assert v.T is v
    if "broadcast_to" in REGISTERED:
        np.testing.assert_array_equal(v.broadcast_to((2, 3)).asnumpy(), np.broadcast_to([1, 2, 3], (2, 3)))
        np.testing.assert_array_equal(v.broadcast_like(a).asnumpy(), np.broadcast_to([1, 2, 3], (2, 3)))
    with pytest.raises(ValueError):
        v.broadcast_to((2, 4))
    with pytest.raises(ValueError):
        a.broadcast_to((3,))


def test_inplace_flatten_expand_dims_squeeze_are_views():
    for make_view, shape in ((lambda a: a.flatten(inplace=True), (2, 12)),
                             (lambda a: a.expand_dims(-2, inplace=True), (2, 3, 1, 4)),
                             (lambda a: a.expand_dims(0, inplace=True), (1, 2, 3, 4))):
        a = mx.nd.array(np.arange(24.0).reshape(2, 3, 4))
        view = make_view(a)
        assert view.shape == shape
        view[:] = -1
        assert (a.asnumpy() == -1).all()  # the view shares a's memory
    a = mx.nd.array(np.arange(6.0).reshape(1, 2, 1, 3))
    assert a.squeeze(inplace=True).shape == (2, 3)
    assert a.squeeze(axis=(0, -2), inplace=True).shape == (2, 3)
    assert a.squeeze(axis=2, inplace=True).shape == (1, 2, 3)
    assert mx.nd.ones((1, 1)).squeeze(inplace=True).shape == (1,)
    copy = a.squeeze()
    copy[:] = 0
    assert a.asnumpy().sum() == 15  # without inplace, a copy


def test_inplace_view_bad_axes():
    a = mx.nd.ones((1, 2))
    for bad in (lambda: a.expand_dims(3, inplace=True), lambda: a.squeeze(axis=1, inplace=True),
                lambda: a.squeeze(axis=(0, 0), inplace=True), lambda: a.squeeze(axis=5, inplace=True)):
        with pytest.raises(ValueError):
            bad()
    assert a.squeeze(inplace=True).shape == (2,)
