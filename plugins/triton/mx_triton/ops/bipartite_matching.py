"""_contrib_bipartite_matching (plugins/cpu/bipartite_matching.cc).

One program per batch item, its N * M scores one per lane.  MXNet walks the
stably sorted scores; the same matches come from repeatedly taking the best
score among pairs whose row and column are both free (the lowest flat index
among equals), stopping at the first that fails the threshold or once more
than topk pairs matched.  NaN scores never match, as on the CPU."""
import triton
import triton.language as tl

from ..launch import launch
from ..jit_helpers import compute_type
from ..registry import register
from ..strides import write_request
from .box_geometry import float32
from .fill import fill

DTYPES = ("float32", "float64", "float16")


@triton.jit
def bipartite_matching_kernel(x_ptr, row_ptr, col_ptr, N, M, steps, threshold, topk, ASCEND: tl.constexpr,
                              BLOCK: tl.constexpr):
    b = tl.program_id(0).to(tl.int64)
    lane = tl.arange(0, BLOCK)
    inb = lane < N * M
    T: tl.constexpr = row_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    s = tl.load(x_ptr + b * N * M + lane, mask=inb, other=0).to(C)
    r = lane // M
    c = lane % M
    rows = row_ptr + b * N
    cols = col_ptr + b * M
    tl.store(rows + lane, tl.full([BLOCK], -1, T), mask=lane < N)
    tl.store(cols + lane, tl.full([BLOCK], -1, T), mask=lane < M)
    free = inb & (s == s)
    running = tl.program_id(0) >= 0
    count = tl.program_id(0) * 0
    for _ in range(0, steps):
        if ASCEND:
            best = tl.min(tl.where(free, s, float("inf")), axis=0)
        else:
            best = tl.max(tl.where(free, s, float("-inf")), axis=0)
        at = free & (s == best)
        k = tl.min(tl.where(at, lane, BLOCK), axis=0)
        if ASCEND:
            passes = best < threshold
        else:
            passes = best > threshold
        take = running & (k < BLOCK) & passes
        kr = k // M
        kc = k % M
        tl.store(rows + kr, kc.to(T), mask=take)
        tl.store(cols + kc, kr.to(T), mask=take)
        free = free & ~(take & ((r == kr) | (c == kc)))
        count += take.to(tl.int32)
        running = take & ~((topk > 0) & (count > topk))


@register("_contrib_bipartite_matching", dtypes=DTYPES)
def bipartite_matching(call):
    data = call.inputs[0]
    row_match, col_match = call.outputs
    if not (write_request(call, 0) or write_request(call, 1)):
        return
    N, M = data.shape[-2], data.shape[-1]
    if N * M == 0:  # nothing to match: every row and column unmatched
        for out in (row_match, col_match):
            if out.numel:
                fill(out, -1)
        return
    launch(bipartite_matching_kernel, (data.numel // (N * M),), data, row_match, col_match, N, M, min(N, M),
           float32(call.attrs["threshold"]), call.attrs["topk"], ASCEND=bool(call.attrs["is_ascend"]),
           BLOCK=triton.next_power_of_2(N * M), num_warps=4)
