"""The issue's end-to-end line: Python -> C ABI -> engine -> CPU plugin kernel."""
import numpy as np

import mxnet as mx


def test_ones_times_two_plus_one():
    a = mx.nd.ones((2, 3))
    np.testing.assert_array_equal((a * 2 + 1).asnumpy(), np.full((2, 3), 3, np.float32))
