"""The kernel library's interface: registry, dispatch and bad calls."""
import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

import mx_triton  # noqa: E402
from _run import run_op  # noqa: E402


def test_every_kernel_declares_names_dtypes_and_a_launcher():
    kernels = mx_triton.kernels()
    assert len(kernels) > 150
    for k in kernels:
        assert k.dtypes and set(k.dtypes) <= set(mx_triton.ALL) and callable(k.fn)
        for name in (k.op, *k.aliases):
            assert mx_triton.find(name) is k


def test_internal_names_and_aliases_resolve_to_their_op():
    assert mx_triton.find("_plus").op == "elemwise_add"
    assert mx_triton.find("_RMinusScalar").op == "_rminus_scalar"
    assert mx_triton.find("broadcast_plus").op == "broadcast_add"
    assert mx_triton.find("flip").op == "reverse"
    assert mx_triton.find("no_such_op") is None


def test_an_op_without_a_kernel_is_a_clear_error():
    with pytest.raises(mx_triton.KernelError, match=r"operator NoSuchOp on gpu\(0\): no GPU kernel"):
        run_op("NoSuchOp", [(np.ones(3), "float32")], [((3,), "float32")])


def test_an_unsupported_dtype_is_a_clear_error_and_the_next_call_works():
    with pytest.raises(mx_triton.KernelError, match="no GPU kernel for dtype bool"):
        run_op("exp", [(np.ones(3), "bool")], [((3,), "bool")])
    np.testing.assert_allclose(run_op("exp", [(np.zeros(3), "float32")], [((3,), "float32")]), 1.0)


def test_req_add_where_the_op_cannot_accumulate_is_refused():
    with pytest.raises(mx_triton.KernelError, match="operator exp .*req=add"):
        run_op("exp", [(np.zeros(3), "float32")], [((3,), "float32")], req=["add"])


def test_req_null_writes_nothing():
    out = run_op("exp", [(np.zeros(3), "float32")], [((3,), "float32")], req=["null"], initial=[np.full(3, 7.0)])
    np.testing.assert_array_equal(out, 7.0)


def test_take_mode_raise_is_refused_on_the_gpu():
    with pytest.raises(mx_triton.KernelError, match="mode='raise'"):
        run_op("take", [(np.ones((3, 2)), "float32"), (np.zeros(2), "int32")], [((2, 2), "float32")],
               {"axis": 0, "mode": "raise"})


def test_stream_hook_returns_the_calls_stream_only_inside_on_stream():
    from mx_triton import launch

    class Driver:
        def get_current_stream(self, device):
            return 0

        def get_current_device(self):
            return 0

        def set_current_device(self, device):
            raise AssertionError("device 0 is already current")

    driver = Driver()
    launch._install_stream_hook(driver)
    launch._state.stream = 1234
    assert driver.get_current_stream(0) == 1234
    launch._state.stream = None
    assert driver.get_current_stream(0) == 0
