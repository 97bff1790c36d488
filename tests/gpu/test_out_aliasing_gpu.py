"""out= over an input's own memory on a GPU (tests/_out_aliasing.py): the
Triton kernels read and write in tiles, so an aliased output corrupted
dot, batch_dot and trmm there."""
import importlib.util

import pytest

import mxnet as mx
from _out_aliasing import (CASES, check_out_is_the_input, check_out_overlapping_part_of_the_input,
                           check_out_returned_is_the_callers_array)

if importlib.util.find_spec("triton") is None:  # not imported at collection: see conftest.py
    pytest.skip("triton is not installed", allow_module_level=True)


@pytest.mark.parametrize("name", sorted(CASES))
def test_out_is_the_input(name):
    check_out_is_the_input(name, mx.gpu(0))


def test_out_overlapping_part_of_the_input():
    check_out_overlapping_part_of_the_input(mx.gpu(0))


def test_out_returned_is_the_callers_array_and_later_reads_wait_for_it():
    check_out_returned_is_the_callers_array(mx.gpu(0))
