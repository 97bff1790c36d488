"""khatri_rao: out[r, c] = A_1[r_1, c] * ... * A_n[r_n, c], with (r_1, ...,
r_n) the mixed-radix digits of r over the inputs' row counts (the last
input's fastest).  One launch per input multiplies its factor into out, in
the inputs' order as the CPU kernel does."""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices
from ..launch import launch
from ..registry import NUMERIC, KernelError, register
from ..strides import INT32_LIMIT, write_request


@triton.jit
def khatri_rao_factor_kernel(a_ptr, out_ptr, total, cols, rows_a, inner, FIRST: tl.constexpr, IDX: tl.constexpr,
                             BLOCK: tl.constexpr):
    """out = A[(r // inner) % rows_a, c] (FIRST) or out * that, at each (r, c)."""
    p, mask = block_indices(total, BLOCK, IDX)
    r, c = p // cols, p % cols
    factor = tl.load(a_ptr + ((r // inner) % rows_a) * cols + c, mask=mask)
    if not FIRST:
        factor = tl.load(out_ptr + p, mask=mask) * factor
    tl.store(out_ptr + p, factor.to(out_ptr.dtype.element_ty), mask=mask)


@register("khatri_rao", dtypes=NUMERIC)
def khatri_rao(call):
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    if not all(v.is_contiguous() for v in (*call.inputs, out)):
        raise KernelError("khatri_rao needs contiguous arrays")
    rows, cols = out.shape
    idx = tl.int64 if out.numel >= INT32_LIMIT else tl.int32
    inner = rows
    for k, a in enumerate(call.inputs):
        inner //= a.shape[0]
        launch(khatri_rao_factor_kernel, (triton.cdiv(out.numel, BLOCK),), a, out, out.numel, cols, a.shape[0], inner,
               FIRST=k == 0, IDX=idx, BLOCK=BLOCK, num_warps=NUM_WARPS)
