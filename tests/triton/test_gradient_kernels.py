"""The kernels autograd needs (the `_backward_*` ops, the sums gradients are
made of, slice assignment and the scatters) against numpy float64."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _run import run_op  # noqa: E402

RNG = np.random.default_rng(3)


@pytest.mark.parametrize("op", ["_backward_sum", "_backward_mean"])
@pytest.mark.parametrize("axis, keepdims, exclude", [(None, False, False), ((1,), True, False), ((0, 2), False, False),
                                                     ((1,), False, True)])
def test_reduction_gradients_spread_ograd(op, axis, keepdims, exclude):
    data = np.zeros((3, 4, 5))
    reduced = set(range(3)) if axis is None else (set(range(3)) - set(axis) if exclude else set(axis))
    kept_shape = tuple(1 if k in reduced else d for k, d in enumerate(data.shape))
    ograd = RNG.standard_normal(kept_shape)
    expected = np.broadcast_to(ograd, data.shape) / (60 / ograd.size if op == "_backward_mean" else 1)
    attrs = {"axis": axis, "keepdims": keepdims, "exclude": exclude}
    got = run_op(op, [(ograd.reshape(ograd.size), "float64"), (data, "float64")], [(data.shape, "float64")], attrs)
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    ints = run_op(op, [(np.array([7, -7]), "int32"), (np.zeros((2, 2)), "int32")], [((2, 2), "int32")],
                  {"axis": (1,), "keepdims": False, "exclude": False})
    np.testing.assert_array_equal(ints, [[7, 7], [-7, -7]] if op == "_backward_sum" else [[3, 3], [-3, -3]])


def test_reduce_sum_like_prelu_reduce_like_and_add_n():
    x = RNG.standard_normal((2, 3, 4, 5))
    for like in [(1, 3, 1, 5), (4, 1), (5,), (1,)]:
        axes = tuple(k for k in range(4) if k < 4 - len(like) or like[k - 4 + len(like)] == 1)
        got = run_op("_reduce_sum_like", [(x, "float64"), (np.zeros(like), "float64")], [(like, "float64")])
        np.testing.assert_allclose(got, x.sum(axis=axes).reshape(like), rtol=1e-12)
    for gamma, expected in [((3,), x.sum(axis=(0, 2, 3))), ((1,), [x.sum()]), (x.shape, x)]:
        got = run_op("_prelu_reduce_like", [(x, "float64"), (np.zeros(gamma), "float64")], [(gamma, "float64")])
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    parts = [RNG.standard_normal((3, 4)).astype(np.float16) for _ in range(4)]
    expected = ((parts[0] + parts[1]) + parts[2]) + parts[3]  # float16 at each step, as the CPU
    got = run_op("add_n", [(p, "float16") for p in parts], [((3, 4), "float16")], {"num_args": 4})
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(run_op("add_n", [(parts[0], "float16")], [((3, 4), "float16")]), parts[0])


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_backward_dot_all_transposes(ta, tb):
    a = RNG.standard_normal((4, 2, 3) if ta else (2, 3, 4))  # op(A): 6 x 4 either way
    b = RNG.standard_normal((5, 4) if tb else (4, 5))
    op_a = a.reshape(4, 6).T if ta else a.reshape(6, 4)
    op_b = b.T if tb else b
    og = RNG.standard_normal((6, 5))
    da, db = og @ op_b.T, op_a.T @ og
    got = run_op("_backward_dot", [(og, "float64"), (a, "float64"), (b, "float64")],
                 [(a.shape, "float64"), (b.shape, "float64")], {"transpose_a": ta, "transpose_b": tb})
    np.testing.assert_allclose(got[0], (da.T if ta else da).reshape(a.shape), rtol=1e-12)
    np.testing.assert_allclose(got[1], db.T if tb else db, rtol=1e-12)


def test_backward_fully_connected_with_bias_and_req_add():
    data, weight = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((5, 12))
    og = RNG.standard_normal((2, 5))
    initial = [np.ones(data.shape), np.ones(weight.shape), np.ones(5)]
    got = run_op("_backward_FullyConnected", [(og, "float64"), (data, "float64"), (weight, "float64")],
                 [(data.shape, "float64"), (weight.shape, "float64"), ((5,), "float64")],
                 {"num_hidden": 5, "no_bias": False, "flatten": True}, req=["write", "add", "add"], initial=initial)
    np.testing.assert_allclose(got[0], (og @ weight).reshape(data.shape), rtol=1e-12)
    np.testing.assert_allclose(got[1], 1 + og.T @ data.reshape(2, 12), rtol=1e-12)
    np.testing.assert_allclose(got[2], 1 + og.sum(0), rtol=1e-12)


def _scatter_add(shape, axis, index, values):
    out = np.zeros(shape)
    np.add.at(np.moveaxis(out, axis, 0), index, np.moveaxis(values, axis, 0))
    return out


def test_take_embedding_pick_topk_gradients():
    a = np.zeros((4, 3))
    idx = np.array([[0, 5], [-1, 0]], np.float32)
    og = RNG.standard_normal((2, 2, 3))
    for mode, resolved in [("clip", np.clip(idx, 0, 3)), ("wrap", np.mod(idx, 4))]:
        got = run_op("_backward_take", [(og, "float64"), (a, "float64"), (idx, "float32")], [(a.shape, "float64")],
                     {"axis": 0, "mode": mode})
        np.testing.assert_allclose(got, _scatter_add(a.shape, 0, resolved.astype(int).ravel(), og.reshape(4, 3)))
    got = run_op("_backward_take", [(og.reshape(3, 2, 2), "float32"), (np.zeros((3, 4)), "float32"), (idx, "int64")],
                 [((3, 4), "float32")], {"axis": 1, "mode": "clip"})
    np.testing.assert_allclose(got, _scatter_add((3, 4), 1, np.clip(idx, 0, 3).astype(int).ravel(),
                                                 og.reshape(3, 4)), rtol=1e-6)
    got = run_op("_backward_Embedding", [(og, "float64"), (idx, "float32")], [((4, 3), "float64")],
                 {"input_dim": 4, "output_dim": 3})
    np.testing.assert_allclose(got, _scatter_add((4, 3), 0, np.clip(idx, 0, 3).astype(int).ravel(), og.reshape(4, 3)))

    data = np.zeros((3, 4, 2))
    index = np.array([[0, 3], [5, 1], [-1, 2]])
    og = RNG.standard_normal((3, 2))
    expected = np.zeros(data.shape)
    for o in range(3):
        for i in range(2):
            expected[o, np.clip(index[o, i], 0, 3), i] = og[o, i]
    got = run_op("_backward_pick", [(og, "float64"), (data, "float64"), (index, "int32")], [(data.shape, "float64")],
                 {"axis": 1, "mode": "clip", "keepdims": False})
    np.testing.assert_array_equal(got, expected)

    x = RNG.standard_normal((3, 5))
    top = np.argsort(-x, axis=1)[:, :2]
    og = RNG.standard_normal((3, 2))
    expected = np.zeros(x.shape)
    np.put_along_axis(expected, top, og, axis=1)
    got = run_op("_backward_topk", [(og, "float64"), (x, "float64"), (top, "float32")], [(x.shape, "float64")],
                 {"axis": 1})
    np.testing.assert_array_equal(got, expected)
    flat = np.argsort(-x, axis=None)[:4]
    og = RNG.standard_normal(4)
    expected = np.zeros(x.size)
    expected[flat] = og
    got = run_op("_backward_topk", [(og, "float64"), (x, "float64"), (flat, "int32")], [(x.shape, "float64")],
                 {"axis": None})
    np.testing.assert_array_equal(got.ravel(), expected)


def test_scatters_last_write_wins_and_gather_nd_gradient_accumulates():
    indices = np.array([[0, 2, 0, -1, 9], [1, 0, 1, 1, 0]])  # (0, 1) three times; (9, 0) outside: skipped
    values = RNG.standard_normal((5, 3))
    expected = np.zeros((3, 2, 3))
    for c in range(4):
        expected[indices[0, c], indices[1, c]] = values[c]
    got = run_op("scatter_nd", [(values, "float64"), (indices, "int32")], [((3, 2, 3), "float64")],
                 {"shape": (3, 2, 3)})
    np.testing.assert_array_equal(got, expected)
    lhs = RNG.standard_normal((3, 2, 3))
    expected_set = lhs.copy()
    for c in range(4):
        expected_set[indices[0, c], indices[1, c]] = values[c]
    got = run_op("_scatter_set_nd", [(lhs, "float64"), (values, "float64"), (indices, "float32")],
                 [((3, 2, 3), "float64")], {"shape": (3, 2, 3)})
    np.testing.assert_array_equal(got, expected_set)
    expected_add = np.zeros((3, 2, 3))
    for c in range(4):
        expected_add[indices[0, c], indices[1, c]] += values[c]
    got = run_op("_backward_gather_nd", [(values, "float64"), (lhs, "float64"), (indices, "int64")],
                 [((3, 2, 3), "float64")])
    np.testing.assert_allclose(got, expected_add, rtol=1e-14)
    many = RNG.integers(0, 3, (1, 70))  # repeats across the kernel's index tiles
    got = run_op("scatter_nd", [(np.arange(70.0), "float64"), (many, "int32")], [((3,), "float64")], {"shape": (3,)})
    np.testing.assert_array_equal(got, [max(np.flatnonzero(many[0] == v), default=0) for v in range(3)])


@pytest.mark.parametrize("dtype", ["float32", "int8", "bool"])
def test_layout_gradients_and_slice_assignment(dtype):
    x = (RNG.standard_normal((3, 4, 5)) * 4).astype(dtype)
    pieces = run_op("_backward_Concat", [(x, dtype)], [((3, 1, 5), dtype), ((3, 3, 5), dtype)],
                    {"dim": 1, "num_args": 2})
    np.testing.assert_array_equal(pieces[0], x[:, :1])
    np.testing.assert_array_equal(pieces[1], x[:, 1:])
    og = x[:, 1:3]
    got = run_op("_backward_slice_axis", [(og, dtype), (x, dtype)], [(x.shape, dtype)],
                 {"axis": -2, "begin": -3, "end": 3})
    expected = np.zeros_like(x)
    expected[:, 1:3] = og
    np.testing.assert_array_equal(got, expected)
    got = run_op("_backward_slice_like", [(og, dtype), (x, dtype), (og, dtype)], [(x.shape, dtype)], {"axes": ()})
    expected = np.zeros_like(x)
    expected[:, :2] = og
    np.testing.assert_array_equal(got, expected)
    box = {"begin": (None, 3, 1), "end": (None, 0, None), "step": (None, -2, 2)}
    rhs = x[:, 3:0:-2, 1::2][::-1].copy()
    expected = x.copy()
    expected[:, 3:0:-2, 1::2] = rhs
    got = run_op("_slice_assign", [(x, dtype), (rhs, dtype)], [(x.shape, dtype)], box)
    np.testing.assert_array_equal(got, expected)
    expected = x.copy()
    expected[:, 3:0:-2, 1::2] = 1
    np.testing.assert_array_equal(run_op("_slice_assign_scalar", [(x, dtype)], [(x.shape, dtype)],
                                         dict(box, scalar=1.0)), expected)


def test_pad_tile_repeat_gradients():
    data = np.zeros((1, 2, 3, 4))
    width = (0, 0, 0, 0, 2, 1, 1, 3)
    og = RNG.standard_normal((1, 2, 6, 8))
    for mode, np_mode in [("constant", None), ("edge", "edge"), ("reflect", "reflect")]:
        # the adjoint of numpy's pad: every source element sums what it was copied to
        expected = np.zeros(data.size)
        positions = np.arange(data.size).reshape(data.shape).astype(float)
        if np_mode is None:
            padded = np.pad(positions, [(0, 0), (0, 0), (2, 1), (1, 3)], constant_values=-1)
        else:
            padded = np.pad(positions, [(0, 0), (0, 0), (2, 1), (1, 3)], mode=np_mode)
        inside = padded >= 0
        np.add.at(expected, padded[inside].astype(int), og[inside])
        got = run_op("_backward_Pad", [(og, "float64"), (data, "float64")], [(data.shape, "float64")],
                     {"mode": mode, "pad_width": width, "constant_value": 0.0})
        np.testing.assert_allclose(got, expected.reshape(data.shape), rtol=1e-14, err_msg=mode)
    x = np.zeros((3, 2))
    og = RNG.standard_normal((2, 6, 4))
    got = run_op("_backward_tile", [(og, "float64"), (x, "float64")], [(x.shape, "float64")], {"reps": (2, 2, 2)})
    np.testing.assert_allclose(got, og.reshape(2, 2, 3, 2, 2).sum(axis=(0, 1, 3)), rtol=1e-12)
    og = RNG.standard_normal((3, 6))
    got = run_op("_backward_repeat", [(og, "float64"), (x, "float64")], [(x.shape, "float64")],
                 {"repeats": 3, "axis": 1})
    np.testing.assert_allclose(got, og.reshape(3, 2, 3).sum(2), rtol=1e-12)
    og = RNG.standard_normal(12)
    got = run_op("_backward_repeat", [(og, "float64"), (x, "float64")], [(x.shape, "float64")],
                 {"repeats": 2, "axis": None})
    np.testing.assert_allclose(got, og.reshape(6, 2).sum(1).reshape(3, 2), rtol=1e-12)
