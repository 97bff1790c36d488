"""out= over an input's own memory on the CPU (tests/_out_aliasing.py)."""
import pytest

import mxnet as mx
from _out_aliasing import (CASES, check_out_is_the_input, check_out_overlapping_part_of_the_input,
                           check_out_returned_is_the_callers_array)


@pytest.mark.parametrize("name", sorted(CASES))
def test_out_is_the_input(name):
    check_out_is_the_input(name, mx.cpu())


def test_out_overlapping_part_of_the_input():
    check_out_overlapping_part_of_the_input(mx.cpu())


def test_out_returned_is_the_callers_array_and_later_reads_wait_for_it():
    check_out_returned_is_the_callers_array(mx.cpu())
