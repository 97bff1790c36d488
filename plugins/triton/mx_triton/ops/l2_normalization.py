"""L2Normalization (plugins/cpu/l2_normalization.cc): data seen as (outer,
len, inner) by mode, each (outer, inner) line divided by sqrt(sum x^2 +
eps), summed in float64 as the CPU's; the norm is output 1.  A program owns
BLOCK_I lines of one outer index (contiguous along inner) and walks len in
tiles of BLOCK_L."""
import triton
import triton.language as tl

from ..launch import launch
from ..registry import FLOATS, KernelError, register
from ..strides import write_request

TILE = 4096  # elements a program holds per step


@triton.jit
def l2_normalization_kernel(x_ptr, y_ptr, norm_ptr, length, n_inner, eps, BLOCK_L: tl.constexpr,
                            BLOCK_I: tl.constexpr):
    o = tl.program_id(1).to(tl.int64)
    inner = tl.program_id(0) * BLOCK_I + tl.arange(0, BLOCK_I)
    inner_mask = inner < n_inner
    base = o * length * n_inner + inner
    squares = tl.zeros((BLOCK_I,), tl.float64)
    for start in range(0, length, BLOCK_L):
        ls = start + tl.arange(0, BLOCK_L)
        mask = (ls < length)[:, None] & inner_mask[None, :]
        x = tl.load(x_ptr + base[None, :] + ls[:, None].to(tl.int64) * n_inner, mask=mask, other=0).to(tl.float64)
        squares += tl.sum(x * x, 0)
    norm = tl.sqrt(squares + eps)
    tl.store(norm_ptr + o * n_inner + inner, norm.to(norm_ptr.dtype.element_ty), mask=inner_mask)
    for start in range(0, length, BLOCK_L):
        ls = start + tl.arange(0, BLOCK_L)
        mask = (ls < length)[:, None] & inner_mask[None, :]
        offs = base[None, :] + ls[:, None].to(tl.int64) * n_inner
        x = tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64)
        tl.store(y_ptr + offs, (x / norm[None, :]).to(y_ptr.dtype.element_ty), mask=mask)


@register("L2Normalization", dtypes=FLOATS)
def l2_normalization(call):
    x, (y, norm) = call.inputs[0], call.outputs
    if not (write_request(call, 0) or write_request(call, 1)) or x.numel == 0:
        return
    if not all(t.is_contiguous() for t in (x, y, norm)):
        raise KernelError("L2Normalization needs contiguous arrays")
    n = x.shape[0]
    c = x.shape[1] if x.ndim > 1 else 1
    mode = call.attrs["mode"]
    outer, inner = (n * c, 1) if mode == "spatial" else (n, x.numel // (n * c) if mode == "channel" else 1)
    length = x.numel // (outer * inner)
    block_i = min(triton.next_power_of_2(inner), 128)
    block_l = min(triton.next_power_of_2(max(length, 1)), max(TILE // block_i, 1))
    launch(l2_normalization_kernel, (triton.cdiv(inner, block_i), outer), x, y, norm, length, inner,
           float(call.attrs["eps"]), BLOCK_L=block_l, BLOCK_I=block_i)
