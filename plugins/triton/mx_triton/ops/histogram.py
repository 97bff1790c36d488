"""_histogram: the bin edges (bin_cnt equal bins over range, or a copy of
the bins input), then each element's bin added to the int64 counts with
atomics.  An element's bin is found as numpy.histogram does: from its
position in range for equal bins (checked against the edges as written in
the dtype), else by counting the edges at or below it.  Edges that do not
increase give meaningless counts here (the CPU kernel raises: a device
cannot)."""
import triton
import triton.language as tl

from ..copy_kernel import copy_into
from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, scalar_from_bits
from ..launch import launch
from ..registry import NUMERIC, KernelError, register
from ..scalars import as_bits
from ..strides import index_type, write_request
from .fill import fill


@triton.jit(do_not_specialize=["lo_bits", "hi_bits"])
def uniform_edges_kernel(edges_ptr, bins, lo_bits, hi_bits, BLOCK: tl.constexpr):
    i, mask = block_indices(bins + 1, BLOCK, tl.int32)
    lo = scalar_from_bits(lo_bits, tl.float64, tl.float64)
    hi = scalar_from_bits(hi_bits, tl.float64, tl.float64)
    edge = (hi * i + (bins - i) * lo) / bins
    tl.store(edges_ptr + i, edge.to(edges_ptr.dtype.element_ty), mask=mask)


@triton.jit(do_not_specialize=["lo_bits", "hi_bits"])
def histogram_kernel(x_ptr, edges_ptr, count_ptr, n, bins, lo_bits, hi_bits, UNIFORM: tl.constexpr,
                     IDX: tl.constexpr, BLOCK: tl.constexpr):
    p, mask = block_indices(n, BLOCK, IDX)
    v = tl.load(x_ptr + p, mask=mask).to(tl.float64)
    if UNIFORM:
        lo = scalar_from_bits(lo_bits, tl.float64, tl.float64)
        hi = scalar_from_bits(hi_bits, tl.float64, tl.float64)
        inside = mask & (v >= lo) & (v <= hi)  # NaN is outside
        bin = tl.where(inside, tl.minimum(bins - 1, ((v - lo) * bins / (hi - lo)).to(tl.int64)), 0)
        below = inside & (bin > 0) & (v < tl.load(edges_ptr + bin, mask=inside, other=0).to(tl.float64))
        has_next = inside & (bin < bins - 1)
        above = has_next & (v >= tl.load(edges_ptr + bin + 1, mask=has_next, other=0).to(tl.float64))
        bin = tl.where(below, bin - 1, tl.where(above, bin + 1, bin))
    else:
        first = tl.load(edges_ptr).to(tl.float64)
        last = tl.load(edges_ptr + bins).to(tl.float64)
        inside = mask & (v >= first) & (v <= last)
        bin = tl.full([BLOCK], -1, tl.int64)
        for j in range(0, bins + 1):
            bin += (v >= tl.load(edges_ptr + j).to(tl.float64)).to(tl.int64)
        bin = tl.minimum(bin, bins - 1)
    tl.atomic_add(count_ptr + bin, tl.full([BLOCK], 1, tl.int64), mask=inside, sem="relaxed")


@register("_histogram", dtypes=NUMERIC)
def histogram(call):
    data, counts, edges = call.inputs[0], call.outputs[0], call.outputs[1]
    if not (write_request(call, 0) and write_request(call, 1)):
        return
    if not all(v.is_contiguous() for v in (*call.inputs, *call.outputs)):
        raise KernelError("_histogram needs contiguous arrays")
    bins = counts.shape[0]
    uniform = call.attrs.get("range") is not None
    lo, hi = call.attrs["range"] if uniform else (0.0, 0.0)
    if lo == hi:  # numpy's widening of an empty range
        lo, hi = lo - 0.5, hi + 0.5
    if uniform:
        launch(uniform_edges_kernel, (triton.cdiv(bins + 1, BLOCK),), edges, bins, as_bits(lo, "float64"),
               as_bits(hi, "float64"), BLOCK=BLOCK, num_warps=NUM_WARPS)
    else:
        copy_into(call.inputs[1], edges)
    fill(counts, 0)
    if data.numel:
        launch(histogram_kernel, (triton.cdiv(data.numel, BLOCK),), data, edges, counts, data.numel, bins,
               as_bits(lo, "float64"), as_bits(hi, "float64"), UNIFORM=uniform,
               IDX=index_type(data.numel, data.shape, [data.strides]), BLOCK=BLOCK, num_warps=NUM_WARPS)
