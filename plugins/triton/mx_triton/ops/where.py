"""where(condition, x, y): x where condition is non-zero, else y; the
condition has x's shape or is 1-D with one entry per row of x."""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS, plan_strides
from ..strides import broadcast_strides
from ..jit_helpers import block_indices, element_offset
from ..launch import launch
from ..registry import ALL, register
from ..strides import write_request


@triton.jit
def where_kernel(c_ptr, x_ptr, y_ptr, out_ptr, n, shape, c_strides, x_strides, y_strides, out_strides,
                 FLAT: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    c_off = element_offset(idx, shape, c_strides, FLAT)
    x_off = element_offset(idx, shape, x_strides, FLAT)
    y_off = element_offset(idx, shape, y_strides, FLAT)
    out_off = element_offset(idx, shape, out_strides, FLAT)
    take_x = tl.load(c_ptr + c_off, mask=mask) != 0
    # read only the side each element takes
    x = tl.load(x_ptr + x_off, mask=mask & take_x)
    y = tl.load(y_ptr + y_off, mask=mask & ~take_x)
    tl.store(out_ptr + out_off, tl.where(take_x, x, y), mask=mask)


@register("where", dtypes=ALL)
def where(call):
    cond, x, y = call.inputs
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    if cond.ndim == out.ndim:
        cond_strides = cond.strides
    else:  # one condition per row, the same for the whole row
        cond_strides = (cond.strides[0],) + (0,) * (out.ndim - 1)
    p = plan_strides(out, [cond_strides] + [broadcast_strides(t.shape, t.strides, out.shape) for t in (x, y)])
    launch(where_kernel, p.grid, cond, x, y, out, p.numel, p.shape, p.strides[1], p.strides[2],
           p.strides[3], p.strides[0], FLAT=p.flat, IDX=p.index, BLOCK=BLOCK, num_warps=NUM_WARPS)
