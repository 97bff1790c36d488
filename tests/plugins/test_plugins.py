"""Plugins loaded at run time through mx.library.load.

The plugins are small C sources in src/, compiled here with the system C
compiler against the headers installed with mxnet (the plugin ABI a
third party builds against).  Without a compiler the tests are skipped.
"""
import inspect
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError, _LIB, ffi

from _plugin_build import CC, CFLAGS, expect_load_error, still_works


@pytest.fixture(scope="session")
def good(plugins):
    """The good plugin, loaded once for the session."""
    mx.library.load(plugins["good_plugin"])
    return plugins["good_plugin"]


def op_registered(name):
    return _LIB.MXGetOpHandle(name.encode(), ffi.new("MXOpHandle*")) == 0


# ---------------------------------------------------------------------------
# (a) a good plugin defining a new op
# ---------------------------------------------------------------------------

def test_good_plugin_op_registered(good):
    assert "my_scale" in mx.nd.register.list_ops()
    assert good in mx.library.loaded_libraries()
    info = mx.nd.register.OpInfo("my_scale")
    assert info.input_names == ["data"]
    assert info.params[0][:3] == ("factor", "float", "2")
    assert "my_scale" in dir(mx.nd)


def test_good_plugin_op_values(good):
    x = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
    r = mx.nd.my_scale(mx.nd.array(x), factor=3)
    assert r.shape == (3, 4)
    assert r.dtype is np.float32
    np.testing.assert_array_equal(r.asnumpy(), x * 3)
    # the default factor, 2
    np.testing.assert_array_equal(mx.nd.my_scale(mx.nd.array(x)).asnumpy(), x * 2)
    # float64, a fractional factor, positional parameter
    y = np.linspace(-1, 1, 7)
    r = mx.nd.my_scale(mx.nd.array(y, dtype="float64"), 0.5)
    assert r.dtype is np.float64
    np.testing.assert_allclose(r.asnumpy(), y * 0.5, rtol=1e-15)


def test_good_plugin_op_shapes_and_out(good):
    for shape in ((5,), (2, 3, 4), (0, 3), (1, 1)):
        x = np.ones(shape, dtype=np.float32)
        r = mx.nd.my_scale(mx.nd.array(x), factor=4)
        assert r.shape == shape
        np.testing.assert_array_equal(r.asnumpy(), x * 4)
    out = mx.nd.zeros((2, 2))
    r = mx.nd.my_scale(mx.nd.ones((2, 2)), factor=1.5, out=out)
    assert r is out
    np.testing.assert_array_equal(out.asnumpy(), np.full((2, 2), 1.5))
    # composes with the built-in ops and the engine
    a = mx.nd.ones((3,))
    np.testing.assert_array_equal((mx.nd.my_scale(a + 1, factor=3) - 1).asnumpy(), [5, 5, 5])


def test_good_plugin_op_function(good):
    fn = mx.nd.my_scale
    assert fn.__name__ == "my_scale"
    params = list(inspect.signature(fn).parameters)
    assert params[:2] == ["data", "factor"]
    assert "factor : float, optional, default=2" in fn.__doc__
    assert "Multiplies the input by a factor" in fn.__doc__


def test_good_plugin_op_errors(good):
    a = mx.nd.ones((2,))
    with pytest.raises(MXNetError) as info:
        mx.nd.my_scale(a, factor="big")
    assert "factor" in str(info.value)
    with pytest.raises(MXNetError) as info:
        mx.nd.my_scale(a, scale=2)
    assert "scale" in str(info.value)
    with pytest.raises(MXNetError) as info:
        mx.nd.my_scale(mx.nd.ones((2,), dtype="int32")).asnumpy()
    assert "int32" in str(info.value)
    still_works()
    np.testing.assert_array_equal(mx.nd.my_scale(a, factor=2).asnumpy(), [2, 2])


_KERNEL_ERROR_SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    import mxnet as mx
    mx.library.load(sys.argv[1])
    for shape in ((2,), (300, 300)):  # run inline and on a worker thread
        a = mx.nd.ones(shape)
        try:
            mx.nd.my_scale(a, factor=-1).asnumpy()
        except mx.base.MXNetError as e:
            # the plugin's message, the op and the plugin's path
            for part in ("factor must be non-negative", "operator my_scale", sys.argv[1]):
                assert part in str(e), str(e)
        else:
            raise AssertionError("no error")
        np.testing.assert_array_equal(mx.nd.my_scale(a, factor=2).asnumpy(), np.full(shape, 2))
    print("KERNEL-ERROR-OK")
""")


def test_good_plugin_kernel_error(plugins):
    """A kernel that fails calls host->set_error (the header's contract: the
    host table given to mx_plugin_init is what kernels report through); the
    message reaches Python as an MXNetError naming the op and the plugin.  Run in a child process so a
    crash cannot take the suite down."""
    proc = subprocess.run([sys.executable, "-c", _KERNEL_ERROR_SCRIPT, plugins["good_plugin"]],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "KERNEL-ERROR-OK" in proc.stdout, (
        "returncode %d (negative: killed by a signal)\nstdout: %s\nstderr: %s"
        % (proc.returncode, proc.stdout, proc.stderr[-3000:]))


def test_good_plugin_loaded_twice(good):
    """A second load of the same plugin would redefine my_scale: it is
    refused and the first stays usable."""
    with pytest.raises(MXNetError) as info:
        mx.library.load(good)
    assert isinstance(info.value, OSError)
    assert "my_scale" in str(info.value)
    np.testing.assert_array_equal(mx.nd.my_scale(mx.nd.ones((2,)), factor=5).asnumpy(), [5, 5])


# ---------------------------------------------------------------------------
# (b) - (f) bad plugins
# ---------------------------------------------------------------------------

def test_missing_file(tmp_path):
    path = str(tmp_path / "does_not_exist.so")
    msg = expect_load_error(path)
    assert "does_not_exist.so" in msg
    assert "exist" in msg.lower()


def test_missing_file_at_the_c_api(tmp_path):
    path = str(tmp_path / "missing.so")
    assert _LIB.MXPluginLoad(path.encode()) != 0
    err = mx.base.get_last_error()
    assert isinstance(err, MXNetError) and isinstance(err, OSError)
    assert "missing.so" in str(err)
    still_works()


def test_library_without_init(plugins):
    expect_load_error(plugins["no_init"], "mx_plugin_init")


def test_abi_mismatch_by_macro(plugins):
    expect_load_error(plugins["abi_macro"], "ABI")


def test_abi_mismatch_by_return(plugins):
    expect_load_error(plugins["abi_return"], "ABI")


@pytest.mark.parametrize("variant", ["kernel_abi99", "kernel_abi99_ignored"])
def test_kernel_descriptor_for_abi_99(plugins, variant):
    msg = expect_load_error(plugins[variant], "ABI")
    assert "99" in msg
    # negative keeps the CPU plugin's kernel
    np.testing.assert_array_equal(mx.nd.negative(mx.nd.array([1, 2])).asnumpy(), [-1, -2])


def test_init_fails_after_registering(plugins):
    msg = expect_load_error(plugins["fail_after_register"], "device is on fire")
    assert "fail_after_register" in msg
    # all or nothing: neither the op nor its kernels survive
    assert "my_failing_op" not in mx.nd.register.list_ops()
    assert not op_registered("my_failing_op")
    with pytest.raises(AttributeError):
        mx.nd.my_failing_op
    x = mx.nd.array([1.5, -2.5, 3.0])
    np.testing.assert_array_equal(mx.nd.negative(x).asnumpy(), [-1.5, 2.5, -3.0])
    np.testing.assert_array_equal((-x).asnumpy(), [-1.5, 2.5, -3.0])


def test_plugin_of_abi_1_1_still_loads(plugins):
    """A 1.1 plugin's MXOpDesc ends before backward_op and flags: the host
    reads them as unset (here they hold garbage past struct_size)."""
    mx.library.load(plugins["good_plugin_abi11"])
    r = mx.nd.my_scale_abi11(mx.nd.array([1, 2]), factor=3)
    np.testing.assert_array_equal(r.asnumpy(), [3, 6])
    x = mx.nd.array([1, 2])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.my_scale_abi11(x)
    with pytest.raises(MXNetError) as info:  # it declared no gradient
        y.backward()
    assert "my_scale_abi11" in str(info.value)
    still_works()


@pytest.mark.parametrize("defect,fragments", [
    ("twice", ["'sdk_bad_op' already exists"]),
    ("name_exists", ["'negative' already exists"]),
    ("op_abi99", ["register_op", "ABI major 99"]),
    ("unknown_flags", ["'sdk_bad_op'", "unknown flags 0x100"]),
    ("unknown_backward", ["'sdk_bad_op'", "backward_op 'sdk_no_such_backward' is not an operator"]),
    ("backward_arity", ["'sdk_bad_op'", "backward_op 'negative' takes 1 input(s), but the flags give it 3"]),
    ("backward_param", ["'sdk_bad_op'", "declares parameter 'scale'"]),
])
def test_bad_op_descriptor(plugins, defect, fragments):
    """Each is refused whole, with the plugin and the op in the message."""
    path = plugins["bad_op_desc_" + defect]
    expect_load_error(path, path, *fragments)
    assert "sdk_bad_op" not in mx.nd.register.list_ops()
    assert "_backward_sdk_bad_op" not in mx.nd.register.list_ops()
    # the built-in op a bad plugin tried to replace or borrow is untouched
    np.testing.assert_array_equal(mx.nd.negative(mx.nd.array([1, -2])).asnumpy(), [-1, 2])


def test_kernel_for_unknown_op(plugins):
    expect_load_error(plugins["kernel_unknown_op"], "op_that_does_not_exist_anywhere")


def test_text_file_named_so(plugins):
    msg = expect_load_error(plugins["text"])
    assert "x.so" in msg


def test_directory_path(tmp_path):
    expect_load_error(str(tmp_path))


def test_process_keeps_working_after_all_failures(plugins, tmp_path):
    for name in ("no_init", "abi_macro", "abi_return", "kernel_abi99", "fail_after_register",
                 "text", "bad_op_desc_twice", "bad_op_desc_unknown_backward"):
        with pytest.raises(MXNetError):
            mx.library.load(plugins[name])
    with pytest.raises(MXNetError):
        mx.library.load(str(tmp_path / "nope.so"))
    still_works()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 5)).astype(np.float32)
    np.testing.assert_allclose(mx.nd.dot(mx.nd.array(x), mx.nd.array(x.T)).asnumpy(),
                               x.astype(np.float64) @ x.T.astype(np.float64), rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------------------
# the installed headers
# ---------------------------------------------------------------------------

def test_installed_headers_are_plain_c99(tmp_path):
    if CC is None:
        pytest.skip("no C compiler (cc) on this machine")
    src = tmp_path / "h.c"
    src.write_text(textwrap.dedent("""
        #include "mx/plugin.h"
        #include "mx/c_api.h"
        int main(void) {
          int major = 0, minor = 0;
          (void)MX_PLUGIN_ABI_VERSION;
          (void)sizeof(MXKernelCall);
          (void)sizeof(MXOpDesc);
          (void)sizeof(MXPluginHost);
          return MXGetABIVersion(&major, &minor);
        }
    """))
    cmd = [CC, *CFLAGS, "-Werror", "-I", mx.libinfo.include_dir(), "-c", str(src), "-o",
           str(tmp_path / "h.o")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_load_in_fresh_process(plugins):
    """Loading in a new process, before any other op ran, works too."""
    script = textwrap.dedent("""
        import sys
        import numpy as np
        import mxnet as mx
        mx.library.load(sys.argv[1])
        r = mx.nd.my_scale(mx.nd.array([1, 2, 3]), factor=3)
        np.testing.assert_array_equal(r.asnumpy(), [3, 6, 9])
        print("FRESH-OK")
    """)
    proc = subprocess.run([sys.executable, "-c", script, plugins["good_plugin"]],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "FRESH-OK" in proc.stdout, proc.stderr[-3000:]
