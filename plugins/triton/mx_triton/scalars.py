"""Scalar parameters as kernel arguments.

Rationale: Triton passes a Python float as float32, too narrow for float64
arrays, so scalars travel as int64: a float as its float64 bit pattern, an
integer as itself (jit_helpers.scalar_from_bits reads them back).  The value
is first converted to the array's dtype, as MXNet does.
"""
import math
import struct

import numpy as np

INT_RANGE = {"uint8": (0, 255), "int8": (-128, 127), "int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}


def round_bfloat16(value):
    """value rounded to bfloat16 (to nearest, ties to even), as a float."""
    bits = struct.unpack("<I", struct.pack("<f", np.float32(value)))[0]
    if math.isnan(value):
        return value
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def in_dtype(value, dtype):
    """value converted to dtype: integers truncate toward zero and saturate
    (NaN gives 0), bool is value != 0, floats round."""
    if dtype == "bool":
        return int(value != 0)
    if dtype in INT_RANGE:
        if value != value:
            return 0
        lo, hi = INT_RANGE[dtype]
        return lo if value <= lo else hi if value >= hi else int(value)
    if dtype == "bfloat16":
        return round_bfloat16(value)
    return float(np.dtype(dtype).type(value))


def as_bits(value, dtype):
    """The int64 argument carrying `value` converted to `dtype`."""
    v = in_dtype(value, dtype)
    if isinstance(v, float):
        return struct.unpack("<q", struct.pack("<d", v))[0]
    return v
