"""Model parallelism over GPUs (and the CPU): the programs of
tests/python/test_model_parallel.py with groups on gpu(0), gpu(1) and
cpu(0).  Here an array on the wrong device, or a memory block shared
between two, fails: every GPU op checks its arrays' devices."""
import importlib.util

import pytest

import mxnet as mx
from _model_parallel import check_chain, check_staged_mlp

if importlib.util.find_spec("triton") is None:  # not imported at collection: see conftest.py
    pytest.skip("triton is not installed", allow_module_level=True)

two_gpus = pytest.mark.skipif(mx.context.num_gpus() < 2, reason="needs two GPUs")


@two_gpus
def test_chain_over_two_gpus():
    check_chain(mx.gpu(0), mx.gpu(1))


def test_chain_from_the_cpu_to_a_gpu_and_back():
    check_chain(mx.cpu(), mx.gpu(0))
    check_chain(mx.gpu(0), mx.cpu())


@two_gpus
@pytest.mark.parametrize("grad_req", ["write", "add"])
def test_staged_mlp_over_two_gpus(grad_req):
    check_staged_mlp({"stage1": mx.gpu(0), "stage2": mx.gpu(1)}, mx.gpu(0), grad_req)


def test_staged_mlp_over_the_cpu_and_a_gpu():
    check_staged_mlp({"stage1": mx.gpu(0), "stage2": mx.cpu()}, mx.cpu(), "write")
