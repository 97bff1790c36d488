"""_linalg_extractdiag / _linalg_makediag / _linalg_extracttrian /
_linalg_maketrian: moves between the n x n matrices in the last two axes of
`full` and the vectors in the last axis of `compact`, batched over the
leading axes.  A diagonal is one strided copy (stride: row + column); a
triangle, packed row by row, is one strided copy per row of the triangle.
ops/linalg/diag_trian.cc checked the offset."""
from ..copy_kernel import strided_copy
from ..registry import register
from ..strides import write_request
from .fill import fill

# MXNet's la_op takes float32 and float64 only.
LA_DTYPES = ("float32", "float64")


def _segments(call, n, triangle):
    """(full offset, compact offset, length, full step) of each run of the
    diagonal or triangle inside one matrix."""
    offset = call.attrs.get("offset", 0)
    m = n - abs(offset)
    row0, col0 = max(0, -offset), max(0, offset)
    if not triangle:
        return [(row0 * n + col0, 0, m, n + 1)]
    below = offset < 0 or (offset == 0 and call.attrs.get("lower", True))
    runs, packed = [], 0
    for r in range(m):
        first, length = (0, r + 1) if below else (r, m - r)
        runs.append(((r + row0) * n + first + col0, packed, length, 1))
        packed += length
    return runs


def _move(call, full, compact, triangle, into_full):
    n = full.shape[-1]
    batch = list(full.shape[:-2])
    full_batch, compact_batch = list(full.strides[:-2]), list(compact.strides[:-1])
    row, col, step = full.strides[-2], full.strides[-1], compact.strides[-1]
    if into_full:
        fill(full, 0)
    for at, packed, length, stride in _segments(call, n, triangle):
        # (at // n, at % n): the run's first row and column; stride 1 runs along the row, n + 1 down the diagonal
        full_base = (at // n) * row + (at % n) * col
        full_step = col if stride == 1 else row + col
        shape = batch + [length]
        if into_full:
            strided_copy(compact, full, shape, compact_batch + [step], full_batch + [full_step],
                         src_base=packed * step, dst_base=full_base)
        else:
            strided_copy(full, compact, shape, full_batch + [full_step], compact_batch + [step],
                         src_base=full_base, dst_base=packed * step)


def _register(name, triangle, into_full):
    @register(name, dtypes=LA_DTYPES)
    def kernel(call):
        if write_request(call):
            src, dst = call.inputs[0], call.outputs[0]
            full, compact = (dst, src) if into_full else (src, dst)
            _move(call, full, compact, triangle, into_full)
    return kernel


extractdiag = _register("_linalg_extractdiag", triangle=False, into_full=False)
makediag = _register("_linalg_makediag", triangle=False, into_full=True)
extracttrian = _register("_linalg_extracttrian", triangle=True, into_full=False)
maketrian = _register("_linalg_maketrian", triangle=True, into_full=True)
