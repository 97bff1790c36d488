"""mx.util: MXNet 1.9's general utilities."""
import os

import pytest

import mxnet as mx
from mxnet.base import MXNetError


def test_gpu_queries_match_the_context_module():
    assert mx.util.get_gpu_count() == mx.context.num_gpus()
    if mx.context.num_gpus() == 0:
        with pytest.raises(MXNetError, match=r"gpu\(0\) is not available"):
            mx.util.get_gpu_memory(0)
    else:
        free, total = mx.util.get_gpu_memory(0)
        assert 0 <= free <= total


def test_makedirs_creates_parents_and_tolerates_existing(tmp_path):
    target = tmp_path / "a" / "b" / "c"
    mx.util.makedirs(str(target))
    mx.util.makedirs(str(target))
    assert target.is_dir()


def test_getenv_and_setenv():
    name = "MX_TEST_UTIL_VARIABLE"
    assert mx.util.getenv(name) is None
    mx.util.setenv(name, 3)
    assert mx.util.getenv(name) == "3" and os.environ[name] == "3"
    mx.util.setenv(name, None)
    assert mx.util.getenv(name) is None


def test_numpy_semantics_are_off_and_cannot_be_turned_on():
    assert not mx.util.is_np_shape() and not mx.util.is_np_array() and not mx.util.is_np_default_dtype()
    assert mx.util.set_np_shape(False) is False
    mx.util.reset_np()
    with pytest.raises(NotImplementedError, match="legacy NDArray semantics"):
        mx.util.set_np()
    with pytest.raises(NotImplementedError, match="legacy NDArray semantics"):
        mx.util.set_np_shape(True)

    @mx.util.use_np
    def needs_numpy_semantics():
        return 1

    with pytest.raises(NotImplementedError, match="legacy NDArray semantics"):
        needs_numpy_semantics()
    assert (mx.nd.ones((2,)) + 1).asnumpy().tolist() == [2, 2]
