"""Reductions, softmax, the gemm kernels and khatri_rao against numpy float64."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _run import TOLERANCE, rounded, run_op  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
RNG = np.random.default_rng(1)
REDUCE = {"sum": np.sum, "mean": np.mean, "prod": np.prod, "nansum": np.nansum, "nanprod": np.nanprod,
          "max": np.max, "min": np.min}


@pytest.mark.parametrize("op", sorted(REDUCE))
@pytest.mark.parametrize("axis, keepdims, exclude", [(None, False, False), ((1,), True, False), ((0, 2), False, False),
                                                     ((1,), False, True), ((2,), False, False)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_reductions(op, axis, keepdims, exclude, dtype):
    x = rounded(RNG.uniform(0.5, 1.5, (3, 40, 5)), dtype)
    x[0, 1, 2] = np.nan
    np_axis = None if axis is None else tuple(set(range(3)) - set(axis)) if exclude else axis
    expected = REDUCE[op](x, axis=np_axis, keepdims=keepdims)
    expected = np.reshape(expected, (1,)) if np.ndim(expected) == 0 else expected
    got = run_op(op, [(x, dtype)], [(expected.shape, dtype)], {"axis": axis, "keepdims": keepdims, "exclude": exclude})
    np.testing.assert_allclose(got, rounded(expected, dtype), rtol=TOLERANCE[dtype] * 20)


# Few outputs over a long extent: cut into splits whose partials a second
# kernel combines (ops/reduce.py).
@pytest.mark.parametrize("op", sorted(REDUCE) + ["norm"])
@pytest.mark.parametrize("shape, axis, dtype", [((40, 1000), None, "float32"), ((3, 40_000), (1,), "float16"),
                                                ((9_000, 3), (0,), "float64")])
def test_long_reductions_in_splits(op, shape, axis, dtype):
    x = rounded(RNG.uniform(0.5, 1.5, shape), dtype)
    if op.startswith("nan"):
        x[0, 1] = np.nan
    if op in ("prod", "nanprod"):  # keep the product finite: factors around 1
        x = rounded(1 + (x - 1) / 64, dtype)
    attrs = {"axis": axis, "keepdims": False, "exclude": False}
    if op == "norm":
        expected = np.sqrt((x * x).sum(axis=axis))
        attrs["ord"] = 2
    else:
        expected = REDUCE[op](x, axis=axis)
    expected = np.reshape(expected, (-1,))
    import mx_triton
    cut = mx_triton.Call(op, [mx_triton.TensorView(0, shape, dtype)], [mx_triton.TensorView(0, expected.shape, dtype)],
                         attrs=attrs)
    assert mx_triton.workspace_bytes(cut) > 0  # the shape is cut into splits
    got = run_op(op, [(x, dtype)], [(expected.shape, dtype)], attrs)
    np.testing.assert_allclose(got, rounded(expected, dtype), rtol=TOLERANCE[dtype] * 20)


def test_long_integer_reductions_in_splits():
    x = RNG.integers(-100, 100, (40, 1000)).astype(np.int32)
    wide = x.astype(np.int64)
    for op, expected in [("sum", wide.sum()), ("mean", int(wide.sum() / wide.size)), ("max", wide.max()),
                         ("min", wide.min())]:
        got = run_op(op, [(x, "int32")], [((1,), "int32")], {"axis": None, "keepdims": False, "exclude": False})
        np.testing.assert_array_equal(got, [expected], err_msg=op)
    got = run_op("sum", [(x.astype(np.int8), "int8")], [((1,), "int8")], {"axis": None})
    np.testing.assert_array_equal(got, [np.int8(x.astype(np.int8).astype(np.int64).sum() & 0xFF)])
    got = run_op("norm", [(x, "int32")], [((1,), "float32")], {"ord": 1, "axis": None, "keepdims": False})
    np.testing.assert_allclose(got, [np.abs(wide).sum()], rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float16", "int8"])
def test_long_searches_in_splits_find_the_first_extreme(dtype):
    x = RNG.integers(-100, 100, (40, 1000)).astype(dtype)
    flat = x.reshape(-1)
    flat[[7, 20_000, 39_999]] = 120  # equal maxima in different splits: the first wins
    flat[[5, 30_000]] = -120
    for op, expected in (("argmax", 7), ("argmin", 5)):
        got = run_op(op, [(x, dtype)], [((1,), dtype)], {"axis": None})
        np.testing.assert_array_equal(got, [expected], err_msg=op)
    if dtype != "int8":
        with_nan = x.astype(dtype).copy()
        with_nan.reshape(-1)[[25_000, 33_000]] = np.nan
        assert run_op("argmax", [(with_nan, dtype)], [((1,), dtype)], {"axis": None})[0] == 25_000
    columns = RNG.standard_normal((40_000, 3)).astype(np.float32)
    np.testing.assert_array_equal(run_op("argmin", [(columns, "float32")], [((3,), "float32")], {"axis": 0}),
                                  columns.argmin(0))


def test_split_reductions_add_to_the_output():
    """reduce_into with accumulate (req=add) adds the combined result once."""
    import mx_triton
    from mx_triton.ops.reduce import reduce_into
    from _run import DEVICE, with_workspace
    x = RNG.standard_normal((4, 40_000)).astype(np.float32)
    start = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    xv, out = DEVICE.tensor(x, "float32"), DEVICE.tensor(start.copy(), "float32")
    call = with_workspace(mx_triton.Call("sum", [xv], [out], attrs={"axis": (1,), "keepdims": False,
                                                                     "exclude": False}))
    assert call.workspace is not None  # the reduction is cut
    reduce_into(xv, out, {1}, "sum", accumulate=True, call=call)
    np.testing.assert_allclose(DEVICE.read(out, start), start + x.astype(np.float64).sum(1), rtol=1e-5)
    DEVICE.free()


def test_a_cut_reduction_without_its_workspace_is_a_clear_error():
    import mx_triton
    x = np.ones((40, 1000), np.float32)
    from _run import DEVICE
    call = mx_triton.Call("sum", [DEVICE.tensor(x, "float32")], [DEVICE.tensor(np.zeros(1, np.float32), "float32")],
                          attrs={"axis": None, "keepdims": False, "exclude": False})
    with pytest.raises(mx_triton.KernelError, match=r"operator sum on gpu\(0\): needs \d+ bytes of workspace"):
        mx_triton.run(call)
    DEVICE.free()


@pytest.mark.parametrize("dtype", ["int8", "int32", "uint8"])
def test_integer_reductions_wrap_and_mean_truncates(dtype):
    x = RNG.integers(0, 100, (4, 9)).astype(dtype)
    wide = x.astype(np.int64)
    for op, expected in [("sum", wide.sum(1)), ("prod", np.prod(wide, 1)), ("mean", wide.sum(1) // 9),
                         ("max", wide.max(1))]:
        got = run_op(op, [(x, dtype)], [((4,), dtype)], {"axis": (1,), "keepdims": False, "exclude": False})
        np.testing.assert_array_equal(got, expected.astype(dtype))


def test_norm_and_empty_reductions():
    x = RNG.standard_normal((4, 6))
    for ord_, expected in [(1, np.abs(x).sum(0)), (2, np.sqrt((x * x).sum(0)))]:
        got = run_op("norm", [(x, "float64")], [((6,), "float64")], {"ord": ord_, "axis": (0,), "keepdims": False})
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    empty = np.zeros((0, 3))
    np.testing.assert_array_equal(run_op("sum", [(empty, "float64")], [((3,), "float64")], {"axis": (0,)}), 0)
    np.testing.assert_array_equal(run_op("mean", [(empty, "float64")], [((3,), "float64")], {"axis": (0,)}), np.nan)


def test_argmax_argmin_first_occurrence_and_nan():
    x = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, np.nan, 5.0, np.nan], [-1.0, -1.0, -1.0, -1.0]])
    np.testing.assert_array_equal(run_op("argmax", [(x, "float64")], [((3,), "float64")], {"axis": 1}), [1, 1, 0])
    np.testing.assert_array_equal(run_op("argmin", [(x, "float64")], [((3,), "float64")], {"axis": 1}), [3, 1, 0])
    big = RNG.standard_normal((5, 300))
    np.testing.assert_array_equal(run_op("argmax", [(big, "float32")], [((1,), "float32")], {"axis": None}),
                                  [np.argmax(big.astype(np.float32))])
    np.testing.assert_array_equal(run_op("argmax_channel", [(big, "float64")], [((5,), "float64")]), big.argmax(1))


def _softmax(x, axis, t=1.0):
    z = x / t
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("shape, axis", [((4, 37), -1), ((3, 50, 6), 1), ((2, 3), 0), ((1, 3000), -1), ((5,), 0)])
@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
def test_softmax_family(shape, axis, dtype, monkeypatch):
    x = rounded(RNG.standard_normal(shape) * 3, dtype)
    import mx_triton.ops.softmax as softmax
    monkeypatch.setattr(softmax, "TILE", 1024)  # long axes take the two-pass path
    tol = TOLERANCE[dtype] * 50
    got = run_op("softmax", [(x, dtype)], [(shape, dtype)], {"axis": axis, "temperature": 2.0})
    np.testing.assert_allclose(got, rounded(_softmax(x, axis, 2.0), dtype), rtol=tol, atol=tol * 1e-2)
    got = run_op("log_softmax", [(x, dtype)], [(shape, dtype)], {"axis": axis})
    np.testing.assert_allclose(got, rounded(np.log(_softmax(x, axis)), dtype), rtol=tol, atol=tol)
    got = run_op("softmin", [(x, dtype)], [(shape, "float64")], {"axis": axis, "dtype": "float64"})
    np.testing.assert_allclose(got, _softmax(-x, axis), rtol=1e-10 if dtype != "float16" else 1e-3)


@pytest.mark.parametrize("mode, axis", [("instance", -1), ("channel", 1)])
def test_softmax_activation(mode, axis):
    x = RNG.standard_normal((2, 3, 4))
    got = run_op("SoftmaxActivation", [(x, "float32")], [(x.shape, "float32")], {"mode": mode})
    np.testing.assert_allclose(got, _softmax(x, axis), rtol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_softmax_cross_entropy(dtype):
    x = rounded(np.array([[0.0, 60.0, 1.0], [1.0, 2.0, 3.0], [3.0, -1.0, 0.5], [0.2, 0.1, 0.0]]), dtype)
    label = np.array([0.0, 1.7, 5.0, -2.0])  # clamped probability; truncated and clipped labels
    p = _softmax(x, 1)[np.arange(4), [0, 1, 2, 0]]
    got = run_op("softmax_cross_entropy", [(x, dtype), (label, dtype)], [((1,), dtype)], {})
    np.testing.assert_allclose(got, [-np.log(np.maximum(p, 1e-8)).sum()], rtol=TOLERANCE[dtype] * 10)


def test_softmax_with_length_masks_the_tail():
    x = RNG.standard_normal((3, 5))
    length = np.array([2, 5, 0])
    got = run_op("softmax", [(x, "float64"), (length, "int32")], [((3, 5), "float64")], {"axis": -1, "use_length": True})
    for r, n in enumerate(length):
        np.testing.assert_allclose(got[r, :n], _softmax(x[r, :n], 0) if n else [], rtol=1e-12)
        np.testing.assert_array_equal(got[r, n:], 0)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("ta, tb", [(False, False), (True, False), (False, True), (True, True)])
def test_dot_and_batch_dot(dtype, ta, tb):
    a, b = rounded(RNG.standard_normal((33, 17)), dtype), rounded(RNG.standard_normal((17, 45)), dtype)
    a_in, b_in = (a.T.copy() if ta else a), (b.T.copy() if tb else b)
    tol = {"float32": 1e-5, "float64": 1e-12, "float16": 2e-2, "bfloat16": 5e-2}[dtype]
    got = run_op("dot", [(a_in, dtype), (b_in, dtype)], [((33, 45), dtype)], {"transpose_a": ta, "transpose_b": tb})
    np.testing.assert_allclose(got, rounded(a @ b, dtype), rtol=tol, atol=tol * 5)
    ba, bb = rounded(RNG.standard_normal((2, 3, 9, 5)), dtype), rounded(RNG.standard_normal((2, 3, 5, 7)), dtype)
    got = run_op("batch_dot", [(ba.swapaxes(-1, -2).copy() if ta else ba, dtype),
                               (bb.swapaxes(-1, -2).copy() if tb else bb, dtype)], [((2, 3, 9, 7), dtype)],
                 {"transpose_a": ta, "transpose_b": tb})
    np.testing.assert_allclose(got, rounded(ba @ bb, dtype), rtol=tol, atol=tol * 5)


@pytest.mark.parametrize("dtype", ["float64", "float16", "int8"])
def test_khatri_rao(dtype):
    mats = [RNG.integers(-3, 4, (m, 3)) for m in (2, 1, 3)]
    expected = (mats[0][:, None, :] * mats[1][None, :, :]).reshape(-1, 3)
    expected = (expected[:, None, :] * mats[2][None, :, :]).reshape(-1, 3)
    got = run_op("khatri_rao", [(m, dtype) for m in mats], [((6, 3), dtype)], {"num_args": 3})
    np.testing.assert_array_equal(got, expected)


def test_fully_connected_linalg_gemm_and_req_add():
    x, w, bias = RNG.standard_normal((4, 2, 3)), RNG.standard_normal((5, 6)), RNG.standard_normal(5)
    got = run_op("FullyConnected", [(x, "float64"), (w, "float64"), (bias, "float64")], [((4, 5), "float64")],
                 {"num_hidden": 5, "no_bias": False, "flatten": True})
    np.testing.assert_allclose(got, x.reshape(4, 6) @ w.T + bias, rtol=1e-12)
    start = RNG.standard_normal((4, 5))
    got = run_op("FullyConnected", [(x, "float64"), (w, "float64")], [((4, 5), "float64")],
                 {"num_hidden": 5, "no_bias": True}, req=["add"], initial=[start])
    np.testing.assert_allclose(got, start + x.reshape(4, 6) @ w.T, rtol=1e-12)
    a, b, c = RNG.standard_normal((2, 4, 3, 5)), RNG.standard_normal((2, 5, 3, 6)), RNG.standard_normal((2, 4, 3, 6))
    # axis=1: the matrices are a[i, :, j, :]
    got = run_op("_linalg_gemm", [(a, "float64"), (b, "float64"), (c, "float64")], [((2, 4, 3, 6), "float64")],
                 {"axis": 1, "alpha": 2.0, "beta": 0.5})
    np.testing.assert_allclose(got, 2.0 * np.einsum("imjk,ikjn->imjn", a, b) + 0.5 * c, rtol=1e-12)


# moments: axes already last (read in place) or not (copied into rows in the workspace).
@pytest.mark.parametrize("axes, keepdims", [(None, False), ((2,), True), ((0, 2), False), ((1,), False),
                                            ((-1, -2), True)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_moments(axes, keepdims, dtype):
    x = rounded(RNG.uniform(-1.5, 1.5, (3, 7, 5)), dtype)
    mean = x.mean(axis=axes, keepdims=keepdims)
    var = x.var(axis=axes, keepdims=keepdims)
    shape = np.shape(mean) if np.ndim(mean) else (1,)
    got = run_op("moments", [(x, dtype)], [(shape, dtype), (shape, dtype)], {"axes": axes, "keepdims": keepdims})
    for g, e in zip(got, (mean, var)):
        np.testing.assert_allclose(g, rounded(np.reshape(e, shape), dtype), rtol=TOLERANCE[dtype] * 4, atol=1e-6)
