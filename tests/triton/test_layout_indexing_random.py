"""Layout copies, sort/topk, indexing, histogram and the samplers against numpy."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _run import run_op  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
RNG = np.random.default_rng(2)


@pytest.mark.parametrize("dtype", ["float32", "bool"])
def test_depth_to_space_and_back(dtype):
    x = (RNG.standard_normal((2, 8, 2, 3)) * 5).astype(dtype)
    y = x.reshape(2, 2, 2, 2, 2, 3).transpose(0, 3, 4, 1, 5, 2).reshape(2, 2, 4, 6)
    np.testing.assert_array_equal(run_op("depth_to_space", [(x, dtype)], [(y.shape, dtype)], {"block_size": 2}), y)
    np.testing.assert_array_equal(run_op("space_to_depth", [(y, dtype)], [(x.shape, dtype)], {"block_size": 2}), x)


@pytest.mark.parametrize("dtype", ["float32", "int8", "bool", "float16"])
def test_layout_ops(dtype):
    x = (RNG.standard_normal((2, 3, 4)) * 5).astype(dtype)
    cases = [
        ("transpose", {"axes": (2, 0, 1)}, x.transpose(2, 0, 1)),
        ("transpose", {"axes": ()}, x.transpose()),
        ("SwapAxis", {"dim1": 0, "dim2": 2}, x.swapaxes(0, 2)),
        ("slice", {"begin": (None, 2), "end": (None, 0), "step": (None, -1)}, x[:, 2:0:-1]),
        ("slice", {"begin": (1, 0, 1), "end": (2, 3, 4), "step": (1, 2, 2)}, x[1:2, 0:3:2, 1:4:2]),
        ("slice_axis", {"axis": -1, "begin": -3, "end": None}, x[..., 1:]),
        ("reverse", {"axis": (0, 2)}, x[::-1, :, ::-1]),
        ("tile", {"reps": (2, 1, 1, 2)}, np.tile(x, (2, 1, 1, 2))),
        ("repeat", {"repeats": 2, "axis": 1}, np.repeat(x, 2, axis=1)),
        ("repeat", {"repeats": 3, "axis": None}, np.repeat(x, 3)),
        ("repeat", {"repeats": 0, "axis": 1}, np.zeros((0,), dtype)),  # MXNet 1.9: empty and flat
        ("broadcast_to", {"shape": (2, 2, 3, 4)}, np.broadcast_to(x[:1, None].reshape(1, 1, 3, 4), (2, 2, 3, 4))),
        ("Reshape", {"shape": (6, 4)}, x.reshape(6, 4)),
    ]
    for op, attrs, expected in cases:
        src = x[:1].reshape(1, 1, 3, 4) if op == "broadcast_to" else x
        got = run_op(op, [(src, dtype)], [(expected.shape, dtype)], attrs)
        np.testing.assert_array_equal(got, expected, err_msg=op)
    parts = run_op("SliceChannel", [(x, dtype)], [((2, 1, 4), dtype)] * 3, {"num_outputs": 3, "axis": 1})
    for k, part in enumerate(parts):
        np.testing.assert_array_equal(part, x[:, k:k + 1])
    parts = run_op("_split_v2", [(x, dtype)], [((2, 1, 4), dtype), ((2, 2, 4), dtype)],
                   {"indices": (0, 1), "axis": 1, "squeeze_axis": False, "sections": 0})
    for part, expected in zip(parts, np.split(x, [1], axis=1)):
        np.testing.assert_array_equal(part, expected)
    parts = run_op("_split_v2", [(x, dtype)], [((3, 4), dtype)] * 2,
                   {"indices": (), "axis": 0, "squeeze_axis": True, "sections": 2})
    for k, part in enumerate(parts):
        np.testing.assert_array_equal(part, x[k])
    y = (RNG.standard_normal((2, 2, 4)) * 5).astype(dtype)
    np.testing.assert_array_equal(run_op("Concat", [(x, dtype), (y, dtype)], [((2, 5, 4), dtype)], {"dim": 1}),
                                  np.concatenate([x, y], axis=1))
    np.testing.assert_array_equal(run_op("stack", [(x, dtype), (x, dtype)], [((2, 3, 2, 4), dtype)], {"axis": 2}),
                                  np.stack([x, x], axis=2))


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_pad(mode):
    x = RNG.standard_normal((1, 2, 3, 4))
    width = (0, 0, 0, 0, 2, 1, 1, 3)
    expected = np.pad(x, [(0, 0), (0, 0), (2, 1), (1, 3)], mode=mode, **({"constant_values": 1.5} if mode == "constant" else {}))
    got = run_op("Pad", [(x, "float64")], [(expected.shape, "float64")],
                 {"mode": mode, "pad_width": width, "constant_value": 1.5})
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dtype", ["float32", "int32", "float16"])
def test_sort_argsort_topk_stable_with_nan(dtype):
    x = np.array([[3, 1, np.nan, 1, -5, 2, 2], [0, 7, 7, -1, 4, 4, 9]], np.float64).astype(dtype) \
        if dtype != "int32" else np.array([[3, 1, 0, 1, -5, 2, 2], [0, 7, 7, -1, 4, 4, 9]], dtype)
    asc = np.argsort(x, axis=-1, kind="stable")
    desc = np.argsort(-x.astype(np.float64), axis=-1, kind="stable")
    if dtype != "int32":  # NaN starts a descending order
        desc[0] = [2] + [i for i in np.argsort(-np.nan_to_num(x[0].astype(np.float64), nan=-np.inf), kind="stable") if i != 2]
    np.testing.assert_array_equal(run_op("sort", [(x, dtype)], [(x.shape, dtype)], {"axis": -1, "is_ascend": True}),
                                  np.take_along_axis(x, asc, -1))
    np.testing.assert_array_equal(run_op("argsort", [(x, dtype)], [(x.shape, "int64")],
                                         {"axis": -1, "is_ascend": False, "dtype": "int64"}), desc)
    values, indices = run_op("topk", [(x, dtype)], [((2, 3), dtype), ((2, 3), "float32")],
                             {"axis": -1, "k": 3, "ret_typ": "both", "is_ascend": False})
    np.testing.assert_array_equal(indices, desc[:, :3])
    np.testing.assert_array_equal(values, np.take_along_axis(x, desc[:, :3], -1))
    mask = run_op("topk", [(x, dtype)], [(x.shape, dtype)], {"axis": 0, "k": 1, "ret_typ": "mask", "is_ascend": True})
    np.testing.assert_array_equal(mask, (np.argsort(np.argsort(x.astype(np.float64), 0, kind="stable"), 0) < 1))
    flat = run_op("sort", [(x, dtype)], [((x.size,), dtype)], {"axis": None, "is_ascend": True})
    np.testing.assert_array_equal(flat, np.sort(x, axis=None, kind="stable"))


def test_take_pick_embedding_one_hot_gather_nd():
    a = RNG.standard_normal((4, 3))
    idx = np.array([[0, 5], [-1, 2.7]])
    np.testing.assert_array_equal(run_op("take", [(a, "float64"), (idx, "float32")], [((2, 2, 3), "float64")],
                                         {"axis": 0, "mode": "clip"}), a[np.clip(np.trunc(idx).astype(int), 0, 3)])
    np.testing.assert_array_equal(run_op("take", [(a, "float64"), (idx, "float32")], [((4, 2, 2), "float64")],
                                         {"axis": 1, "mode": "wrap"}), a[:, np.trunc(idx).astype(int) % 3])
    np.testing.assert_array_equal(run_op("Embedding", [(idx, "float32"), (a, "float64")], [((2, 2, 3), "float64")]),
                                  a[np.clip(np.trunc(idx).astype(int), 0, 3)])
    picks = np.array([0, 2, 1, 7])
    np.testing.assert_array_equal(run_op("pick", [(a, "float64"), (picks, "int64")], [((4,), "float64")],
                                         {"axis": 1, "mode": "clip"}), a[np.arange(4), np.clip(picks, 0, 2)])
    np.testing.assert_array_equal(run_op("batch_take", [(a.reshape(2, 2, 3), "float64"), (picks, "int32")],
                                         [((4,), "float64")]), a[np.arange(4), np.clip(picks, 0, 2)])
    values = RNG.standard_normal(4)
    filled = a.copy()
    filled[[0, 2], [0, 1]] = values[[0, 2]]  # rows 1 and 3 index outside
    np.testing.assert_array_equal(run_op("fill_element_0index", [(a, "float64"), (values, "float64"),
                                                                 (np.array([0.5, 3, 1, -1]), "float64")],
                                         [((4, 3), "float64")]), filled)
    hot = run_op("one_hot", [(np.array([1, 0, 5, -1]), "int32")], [((4, 3), "float32")],
                 {"depth": 3, "on_value": 2.0, "off_value": -1.0})
    np.testing.assert_array_equal(hot, [[-1, 2, -1], [2, -1, -1], [-1, -1, -1], [-1, -1, -1]])
    data = RNG.standard_normal((3, 4, 2))
    coords = np.array([[0, 2, -1], [1, 3, 0]])
    np.testing.assert_array_equal(run_op("gather_nd", [(data, "float64"), (coords, "int32")], [((3, 2), "float64")]),
                                  data[coords[0], coords[1]])


def _philox(seed, counter):
    """Philox4x32-10 (plugins/cpu/philox.h), for checking the GPU samplers bit for bit."""
    m0, m1, w0, w1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
    c, k0, k1 = list(counter), seed & 0xFFFFFFFF, seed >> 32
    for _ in range(10):
        p0, p1 = m0 * c[0], m1 * c[2]
        c = [(p1 >> 32) ^ c[1] ^ k0, p1 & 0xFFFFFFFF, (p0 >> 32) ^ c[3] ^ k1, p0 & 0xFFFFFFFF]
        k0, k1 = (k0 + w0) & 0xFFFFFFFF, (k1 + w1) & 0xFFFFFFFF
    return c


def _uniforms(seed, i):
    c = _philox(seed, (i & 0xFFFFFFFF, i >> 32, 0, 0))
    return [((c[0] << 32 | c[1]) >> 11) * 2.0**-53, ((c[2] << 32 | c[3]) >> 11) * 2.0**-53]


def test_samplers_draw_the_cpu_plugins_numbers():
    seed = 0x123456789ABCDEF
    u = np.array([_uniforms(seed, i) for i in range(300)])
    got = run_op("_random_uniform", [], [((300,), "float64")], {"low": -1.0, "high": 3.0}, seed=seed)
    np.testing.assert_array_equal(got, -1.0 + 4.0 * u[:, 0])
    got = run_op("_random_normal", [], [((300,), "float64")], {"loc": 1.0, "scale": 2.0}, seed=seed)
    np.testing.assert_allclose(got, 1.0 + 2.0 * np.sqrt(-2 * np.log(1 - u[:, 0])) * np.cos(2 * np.pi * u[:, 1]),
                               rtol=1e-12)
    lam = np.array([0.5, 2.0, 4.0])
    got = run_op("_sample_exponential", [(lam, "float32")], [((3, 100), "float32")], {"shape": (100,)}, seed=seed)
    np.testing.assert_allclose(got.ravel(), -np.log(1 - u[:, 0]) / np.repeat(lam, 100), rtol=1e-6)


@pytest.mark.parametrize("op, attrs", [
    ("uniform", {"low": -1.0, "high": 3.0}), ("normal", {"loc": 1.0, "scale": 2.0}),
    ("exponential", {"lam": 2.0}), ("gamma", {"alpha": 2.0, "beta": 1.5}), ("poisson", {"lam": 3.0}),
    ("negative_binomial", {"k": 3, "p": 0.4}), ("generalized_negative_binomial", {"mu": 2.0, "alpha": 0.3}),
])
def test_like_samplers_draw_their_samplers_numbers(op, attrs):
    data = np.ones((3, 50), "float32")
    like = run_op(f"_random_{op}_like", [(data, "float32")], [((3, 50), "float32")], attrs, seed=99)
    plain = run_op(f"_random_{op}", [], [((3, 50), "float32")], dict(attrs, shape=(3, 50)), seed=99)
    np.testing.assert_array_equal(like, plain)


def test_uniform_float16_stays_below_high():
    got = run_op("_random_uniform", [], [((20000,), "float16")], {"low": 0.0, "high": 1.0}, seed=3)
    assert got.min() >= 0 and got.max() < 1 and abs(got.astype(np.float64).mean() - 0.5) < 0.02


def _u64(seed, i, t):
    """The t-th 64-bit word of element i's stream (PhiloxStream::NextU64)."""
    c = _philox(seed, (i & 0xFFFFFFFF, i >> 32, t // 2, 0))
    return c[0] << 32 | c[1] if t % 2 == 0 else c[2] << 32 | c[3]


def test_randint_shuffle_and_multinomial_draw_the_cpu_plugins_numbers():
    seed = 0xFEDCBA987654321
    got = run_op("_random_randint", [], [((50,), "int64")], {"low": -7, "high": 2**40}, seed=seed)
    np.testing.assert_array_equal(got, [-7 + (_u64(seed, i, 0) * (2**40 + 7) >> 64) for i in range(50)])
    rows = list(range(6))
    for t, i in enumerate(range(5, 0, -1)):  # Fisher-Yates on element 0's stream
        j = _u64(seed, 0, t) * (i + 1) >> 64
        rows[i], rows[j] = rows[j], rows[i]
    x = np.arange(12, dtype=np.int32).reshape(6, 2)
    np.testing.assert_array_equal(run_op("_shuffle", [(x, "int32")], [((6, 2), "int32")], seed=seed), x[rows])
    prob = np.array([[0.2, 0.0, 0.5, 0.3], [0.0, 0.6, 0.0, 0.3]])  # the second sums below 1: its last category
    draws, logp = run_op("_sample_multinomial", [(prob, "float64")], [((2, 30), "int32"), ((2, 30), "float64")],
                         {"shape": (30,), "get_prob": True}, seed=seed)
    u = np.array([_uniforms(seed, i)[0] for i in range(60)]).reshape(2, 30)
    first_above = np.array([np.searchsorted(np.cumsum(p), row, side="right") for p, row in zip(prob, u)])
    np.testing.assert_array_equal(draws, np.where(first_above == 4, 3, first_above))  # 3: the last possible
    np.testing.assert_allclose(logp, np.log(np.take_along_axis(prob, draws, 1)), rtol=1e-12)
    og = RNG.standard_normal((2, 30))
    grad = run_op("_backward_sample_multinomial", [(og, "float64"), (prob, "float64"), (draws, "int32")],
                  [((2, 4), "float64")])
    expected = np.zeros((2, 4))
    for d in range(2):
        np.add.at(expected[d], draws[d], og[d] / prob[d, draws[d]])
    np.testing.assert_allclose(grad, expected, rtol=1e-12)


@pytest.mark.parametrize("op, attrs, mean, var", [
    ("_random_gamma", {"alpha": 0.4, "beta": 2.0}, 0.8, 1.6),
    ("_random_gamma", {"alpha": 5.0, "beta": 1.0}, 5.0, 5.0),
    ("_random_poisson", {"lam": 3.0}, 3.0, 3.0),
    ("_random_poisson", {"lam": 40.0}, 40.0, 40.0),
    ("_random_negative_binomial", {"k": 3, "p": 0.4}, 4.5, 11.25),
    ("_random_generalized_negative_binomial", {"mu": 4.0, "alpha": 0.5}, 4.0, 12.0),
])
def test_rejection_samplers_have_their_moments(op, attrs, mean, var):
    got = run_op(op, [], [((4000,), "float64")], attrs, seed=17)
    assert abs(got.mean() - mean) < 5 * np.sqrt(var / 4000)
    assert abs(got.var() / var - 1) < 0.2


def test_diag_eye_and_shape_array():
    x = RNG.standard_normal((3, 4, 2))
    got = run_op("diag", [(x, "float64")], [((2, 3), "float64")], {"k": 1, "axis1": 0, "axis2": 1})
    np.testing.assert_array_equal(got, np.diagonal(x, 1, 0, 1))
    grad = run_op("_backward_diag", [(got, "float64"), (x, "float64")], [(x.shape, "float64")],
                  {"k": 1, "axis1": 0, "axis2": 1})
    expected = np.zeros_like(x)
    expected[[0, 1, 2], [1, 2, 3]] = got.T
    np.testing.assert_array_equal(grad, expected)
    v = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(run_op("diag", [(v, "float32")], [((4, 4), "float32")], {"k": -1}), np.diag(v, -1))
    np.testing.assert_array_equal(run_op("_backward_diag", [(np.diag(v, -1), "float32"), (v, "float32")],
                                         [((3,), "float32")], {"k": -1}), v)
    np.testing.assert_array_equal(run_op("_eye", [], [((3, 5), "int8")], {"N": 3, "M": 5, "k": 2}), np.eye(3, 5, 2))
    np.testing.assert_array_equal(run_op("shape_array", [(x, "float64")], [((3,), "int64")]), [3, 4, 2])
    np.testing.assert_array_equal(run_op("size_array", [(x, "bool")], [((1,), "int64")]), [24])


@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8"])
def test_ravel_and_unravel(dtype):
    index = np.array([[3, 6, 6], [4, 5, 1]])
    for shape in ((7, 6), (-1, 6)):
        flat = run_op("_ravel_multi_index", [(index, dtype)], [((3,), dtype)], {"shape": shape})
        np.testing.assert_array_equal(flat, [22, 41, 37])
        np.testing.assert_array_equal(run_op("_unravel_index", [(flat, dtype)], [((2, 3), dtype)], {"shape": shape}),
                                      index)
    grid = np.arange(24).reshape(2, 12)
    got = run_op("_unravel_index", [(grid, dtype)], [((3, 2, 12), dtype)], {"shape": (2, 3, 4)})
    np.testing.assert_array_equal(got, np.stack(np.unravel_index(grid, (2, 3, 4))))


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64", "int8"])
def test_histogram(dtype):
    x = RNG.integers(-5, 6, (7, 9)).astype(dtype)
    x.flat[:4] = (-4, 4, 3, 0)  # on the range's ends and on inner edges
    counts, edges = run_op("_histogram", [(x, dtype)], [((8,), "int64"), ((9,), dtype)],
                           {"bin_cnt": 8, "range": (-4.0, 4.0)})
    ref_counts, ref_edges = np.histogram(x.astype(np.float64), 8, (-4, 4))
    np.testing.assert_array_equal(counts, ref_counts)
    np.testing.assert_array_equal(edges, ref_edges)
    given = np.array([-3, -1, 0, 2, 4], dtype)
    counts, edges = run_op("_histogram", [(x, dtype), (given, dtype)], [((4,), "int64"), ((5,), dtype)],
                           {"bin_cnt": None, "range": None})
    np.testing.assert_array_equal(counts, np.histogram(x.astype(np.float64), given.astype(np.float64))[0])
    np.testing.assert_array_equal(edges, given)
    counts, edges = run_op("_histogram", [(np.full(5, 2, dtype), dtype)], [((2,), "int64"), ((3,), dtype)],
                           {"bin_cnt": 2, "range": (2.0, 2.0)})  # an empty range is widened by 0.5 each side
    np.testing.assert_array_equal(counts, [0, 5])
    np.testing.assert_array_equal(edges, [1.5, 2, 2.5] if dtype != "int8" else [1, 2, 2])
