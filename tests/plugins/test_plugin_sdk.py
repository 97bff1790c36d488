"""The plugin SDK as a third party uses it (docs/plugin_sdk.md).

plugins/examples/pairwise_distance.c is compiled with the C compiler and the
flags ``python -m mxnet.config --cflags`` prints, loaded with
mx.library.load, and used everywhere an op is: mx.nd, autograd, mx.sym,
-symbol.json files, executors and the C predict API.  Plugin ABI 1.2's
op fields are checked with small plugins from src/: a gradient that is
differentiated again (cube_plugin.c) and MX_OP_NEEDS_RNG (seeded_plugin.c).
"""
import inspect
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

from _gradcheck import check_gradient, check_second_order
from _plugin_build import CC, CFLAGS, EXAMPLES_DIR, compile_plugin, still_works

EXAMPLE = os.path.join(EXAMPLES_DIR, "pairwise_distance.c")
TEST_PREDICT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "c", "test_predict.c")


def mxnet_config(*args):
    proc = subprocess.run([sys.executable, "-m", "mxnet.config", *args], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


@pytest.fixture(scope="session")
def example(tmp_path_factory):
    """The example plugin built as its README says, then loaded."""
    if CC is None:
        pytest.skip("no C compiler (cc) on this machine")
    path = compile_plugin(EXAMPLE, tmp_path_factory.mktemp("example") / "libpairwise_distance.so",
                          flags=mxnet_config("--cflags"))
    mx.library.load(path)
    return path


@pytest.fixture(scope="session")
def cube(plugins):
    mx.library.load(plugins["cube_plugin"])


@pytest.fixture(scope="session")
def seeded(plugins):
    mx.library.load(plugins["seeded_plugin"])


def reference(lhs, rhs, squared=False):
    """pairwise distances in float64."""
    diff = lhs.astype(np.float64)[:, None, :] - rhs.astype(np.float64)[None, :, :]
    sq = (diff * diff).sum(axis=-1)
    return sq if squared else np.sqrt(sq)


# ---------------------------------------------------------------------------
# mx.libinfo and mxnet-config
# ---------------------------------------------------------------------------

def test_libinfo_finds_the_library_and_the_headers():
    lib = mx.libinfo.find_lib_path()
    assert len(lib) == 1 and lib[0].endswith("libmx.so") and os.path.isfile(lib[0])
    assert os.path.isfile(mx.libinfo.find_lib_path("libmx_cpu")[0])
    with pytest.raises(RuntimeError):
        mx.libinfo.find_lib_path("libnot_there")
    include = mx.libinfo.include_dir()
    assert mx.libinfo.find_include_path() == include
    # installed wheels and build trees alike: include/ beside lib/
    assert os.path.dirname(include) == os.path.dirname(mx.libinfo.lib_dir())
    for header in ("plugin.h", "c_api.h", "c_predict_api.h"):
        assert os.path.isfile(os.path.join(include, "mx", header)), header
    assert mx.libinfo.__version__ == mx.__version__ == "1.9.1"


def test_mxnet_config_prints_flags():
    include, lib_dir = mx.libinfo.include_dir(), mx.libinfo.lib_dir()
    assert mxnet_config("--cflags") == ["-I" + include]
    assert mxnet_config("--include-dir") == [include]
    assert mxnet_config("--lib-dir") == [lib_dir]
    assert mxnet_config("--libs") == ["-L" + lib_dir, "-lmx", "-Wl,-rpath," + lib_dir]
    assert mxnet_config("--cflags", "--libs") == mxnet_config("--cflags") + mxnet_config("--libs")
    proc = subprocess.run([sys.executable, "-m", "mxnet.config"], capture_output=True, text=True)
    assert proc.returncode == 2 and "--cflags" in proc.stderr


# ---------------------------------------------------------------------------
# the example op in mx.nd and under autograd
# ---------------------------------------------------------------------------

def test_example_op_is_registered_with_its_docs(example):
    assert example in mx.library.loaded_libraries()
    for namespace in (mx.nd, mx.sym):
        fn = namespace.pairwise_distance
        assert list(inspect.signature(fn).parameters)[:3] == ["lhs", "rhs", "squared"]
        assert "Euclidean distances between the rows of lhs" in fn.__doc__
        assert "squared : boolean, optional" in fn.__doc__
    assert "_backward_pairwise_distance" in mx.nd.register.list_ops()


@pytest.mark.parametrize("dtype,rtol", [("float32", 1e-6), ("float64", 1e-14)])
@pytest.mark.parametrize("squared", [False, True])
@pytest.mark.parametrize("n,m,d", [(3, 5, 4), (1, 1, 1), (7, 2, 9), (0, 3, 2), (2, 3, 0)])
def test_example_forward_matches_numpy(example, dtype, rtol, squared, n, m, d):
    rng = np.random.default_rng(n * 100 + m * 10 + d)
    lhs = rng.standard_normal((n, d)).astype(dtype)
    rhs = rng.standard_normal((m, d)).astype(dtype)
    out = mx.nd.pairwise_distance(mx.nd.array(lhs, dtype=dtype), mx.nd.array(rhs, dtype=dtype), squared=squared)
    assert out.shape == (n, m) and out.dtype == np.dtype(dtype)
    np.testing.assert_allclose(out.asnumpy(), reference(lhs, rhs, squared), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("squared", [False, True])
def test_example_gradient_matches_finite_differences(example, squared):
    rng = np.random.default_rng(1)
    lhs, rhs = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    check_gradient(lambda a, b: mx.nd.pairwise_distance(a, b, squared=squared), [lhs, rhs])


def test_example_gradient_in_float32_and_where_rows_coincide(example):
    rng = np.random.default_rng(2)
    lhs, rhs = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    rhs[1] = lhs[2]  # distance 0: no derivative there; the op takes 0, never NaN
    grads = {}
    for dtype in ("float32", "float64"):
        a, b = mx.nd.array(lhs, dtype=dtype), mx.nd.array(rhs, dtype=dtype)
        a.attach_grad()
        b.attach_grad()
        with mx.autograd.record():
            out = mx.nd.pairwise_distance(a, b)
        out.backward()
        grads[dtype] = (a.grad.asnumpy(), b.grad.asnumpy())
        assert a.grad.dtype == np.dtype(dtype)
    diff = lhs[:, None, :] - rhs[None, :, :]
    dist = np.sqrt((diff * diff).sum(-1))
    unit = np.divide(diff, dist[..., None], out=np.zeros_like(diff), where=dist[..., None] > 0)
    np.testing.assert_allclose(grads["float64"][0], unit.sum(1), rtol=1e-12)
    np.testing.assert_allclose(grads["float64"][1], -unit.sum(0), rtol=1e-12)
    for want, got in zip(grads["float64"], grads["float32"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------
# the example op in symbols, -symbol.json files and executors
# ---------------------------------------------------------------------------

def test_example_symbol_json_round_trip_and_executor(example):
    a, b = mx.sym.var("a"), mx.sym.var("b")
    net = mx.sym.pairwise_distance(a, b, squared=True, name="dist") * 2
    assert net.list_arguments() == ["a", "b"]
    _, out_shapes, _ = net.infer_shape(a=(3, 4), b=(5, 4))
    assert out_shapes == [(3, 5)]
    text = net.tojson()
    node = [n for n in json.loads(text)["nodes"] if n["op"] == "pairwise_distance"][0]
    assert node["name"] == "dist" and node["attrs"] == {"squared": "True"}
    loaded = mx.sym.load_json(text)
    assert loaded.tojson() == text

    rng = np.random.default_rng(3)
    lhs, rhs, head = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal((3, 5))
    # grad_req='add': the backward kernel is asked to accumulate (MX_REQ_ADD)
    ex = loaded.simple_bind(mx.cpu(), grad_req="add", type_dict={"a": "float64", "b": "float64"},
                            a=lhs.shape, b=rhs.shape)
    for g in ex.grad_arrays:
        g[:] = 0
    ex.forward(is_train=True, a=lhs, b=rhs)
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), 2 * reference(lhs, rhs, True), rtol=1e-13)
    ex.backward(mx.nd.array(head, dtype="float64"))
    ex.backward(mx.nd.array(head, dtype="float64"))

    x, y = mx.nd.array(lhs, dtype="float64"), mx.nd.array(rhs, dtype="float64")
    x.attach_grad()
    y.attach_grad()
    with mx.autograd.record():
        out = mx.nd.pairwise_distance(x, y, squared=True) * 2
    out.backward(mx.nd.array(head, dtype="float64"))
    np.testing.assert_allclose(ex.grad_dict["a"].asnumpy(), 2 * x.grad.asnumpy(), rtol=1e-13)
    np.testing.assert_allclose(ex.grad_dict["b"].asnumpy(), 2 * y.grad.asnumpy(), rtol=1e-13)


def test_example_symbol_gradient_graph(example):
    """mx.sym gradients build the backward op's node into the graph."""
    a, b = mx.sym.var("a"), mx.sym.var("b")
    ex = mx.sym.pairwise_distance(a, b).simple_bind(mx.cpu(), a=(2, 3), b=(4, 3))
    assert "_backward_pairwise_distance" in ex.debug_str()


def test_example_in_the_c_predict_api(example, tmp_path):
    """A C program loads the plugin with MXPluginLoad and predicts a
    -symbol.json + .params model that uses its op."""
    data, centers = mx.sym.var("data"), mx.sym.var("centers")
    net = mx.sym.exp(-mx.sym.pairwise_distance(data, centers, squared=True))  # an RBF layer
    rng = np.random.default_rng(4)
    weights = rng.standard_normal((3, 4)).astype(np.float32)
    inputs = rng.standard_normal((5, 4)).astype(np.float32)
    net.save(str(tmp_path / "rbf-symbol.json"))
    mx.nd.save(str(tmp_path / "rbf-0000.params"), {"arg:centers": mx.nd.array(weights)})
    want = np.exp(-reference(inputs, weights, squared=True)).astype(np.float32)
    (tmp_path / "in.f32").write_bytes(inputs.tobytes())
    (tmp_path / "want.f32").write_bytes(want.tobytes())
    program = str(tmp_path / "test_predict")
    build = subprocess.run([CC, *CFLAGS, *mxnet_config("--cflags"), TEST_PREDICT, "-o", program,
                            *mxnet_config("--libs"), "-pthread", "-lm"], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    model = [str(tmp_path / f) for f in ("rbf-symbol.json", "rbf-0000.params", "in.f32", "want.f32")] + ["5", "4"]

    run = subprocess.run([program, "--plugin", example, *model], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and " passed, 0 failed" in run.stdout, run.stdout + run.stderr
    # without the plugin: a clear error naming the op, not a crash
    run = subprocess.run([program, *model], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "unknown operators: pairwise_distance" in run.stdout, run.stdout + run.stderr


# ---------------------------------------------------------------------------
# bad input to the example op
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("lhs,rhs,fragment", [
    (((2, 3), "float32"), ((4, 5), "float32"), "same number of columns"),
    (((6,), "float32"), ((4, 6), "float32"), "must be 2-D"),
    (((2, 3), "int32"), ((4, 3), "int32"), "float32 or float64"),
    (((2, 3), "float32"), ((4, 3), "float64"), "same dtype"),
])
def test_example_rejects_bad_inputs(example, lhs, rhs, fragment):
    args = [mx.nd.ones(shape, dtype=dtype) for shape, dtype in (lhs, rhs)]
    with pytest.raises(MXNetError) as info:
        mx.nd.pairwise_distance(*args).asnumpy()
    msg = str(info.value)
    for part in (fragment, "operator pairwise_distance", example):
        assert part in msg, msg
    still_works()


def test_example_rejects_bad_shapes_in_symbols(example):
    net = mx.sym.pairwise_distance(mx.sym.var("a"), mx.sym.var("b"))
    with pytest.raises(MXNetError) as info:
        net.infer_shape(a=(2, 3), b=(4, 5))
    assert "same number of columns" in str(info.value) and example in str(info.value)
    with pytest.raises(MXNetError):
        net.simple_bind(mx.cpu(), a=(2, 3), b=(4, 5))
    still_works()


def test_example_backward_op_checks_its_gradient_shapes(example):
    """Called directly with an out_grad of the wrong shape, the backward op
    refuses (its kernel would read past the array)."""
    lhs, rhs = mx.nd.ones((2, 3)), mx.nd.ones((4, 3))
    with pytest.raises(MXNetError) as info:
        mx.nd._internal._backward_pairwise_distance(mx.nd.ones((2, 5)), lhs, rhs, mx.nd.ones((2, 4)))
    assert "out_grad and distances must be (n, m)" in str(info.value)
    grads = mx.nd._internal._backward_pairwise_distance(mx.nd.ones((2, 4)), lhs, rhs, mx.nd.ones((2, 4)))
    assert [g.shape for g in grads] == [(2, 3), (4, 3)]


# ---------------------------------------------------------------------------
# ABI 1.2: second order through a backward op's backward, and random state
# ---------------------------------------------------------------------------

def test_backward_op_differentiated_again(cube):
    x = np.array([[-1.5, 0.3], [0.7, 2.0]])
    check_gradient(mx.nd.cube, [x])
    check_second_order(mx.nd.cube, [x])


def test_ops_needing_rng_get_a_seed_per_call(seeded):
    x = mx.nd.zeros((1000,))
    first, second = mx.nd.add_noise(x).asnumpy(), mx.nd.add_noise(x).asnumpy()
    assert not np.array_equal(first, second)  # a new seed per call
    for sample in (first, second):
        assert sample.min() >= 0 and sample.max() < 1 and 0.4 < sample.mean() < 0.6
    mx.random.seed(11)
    again = [mx.nd.add_noise(x).asnumpy() for _ in range(2)]
    mx.random.seed(11)
    np.testing.assert_array_equal(mx.nd.add_noise(x).asnumpy(), again[0])
    np.testing.assert_array_equal(mx.nd.add_noise(x).asnumpy(), again[1])
