"""Pad and its gradient: each output position maps to a source position
per axis -- constant: outside the source is the fill value; edge: clamped;
reflect: mirrored about the end elements (plugins/cpu/pad.cc).  The
gradient crops ograd (constant) or adds every ograd element into the source
element it copied (edge, reflect: atomically, as several copy one)."""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, cast_to, scalar_from_bits
from ..launch import launch
from ..copy_kernel import strided_copy
from ..registry import ALL, ATOMIC, NUMERIC, KernelError, register
from ..scalars import as_bits
from ..strides import index_type, write_request
from .fill import fill

MODES = {"constant": 0, "edge": 1, "reflect": 2}


@triton.jit
def source_offset(idx, mask, out_shape, src_shape, src_strides, before, MODE: tl.constexpr):
    """The source offset output index idx copies, and whether it copies
    one (constant mode: not outside the source)."""
    rest = idx
    src_off = idx * 0
    inside = mask
    for d in tl.static_range(len(out_shape) - 1, -1, -1):
        j = rest % out_shape[d] - before[d]
        rest = rest // out_shape[d]
        size = src_shape[d]
        if MODE == 0:
            inside = inside & (j >= 0) & (j < size)
        elif MODE == 1:
            j = tl.minimum(tl.maximum(j, 0), size - 1)
        else:
            j = tl.where(j < 0, -j, tl.where(j >= size, 2 * (size - 1) - j, j))
        src_off += j * src_strides[d]
    return src_off, inside


@triton.jit(do_not_specialize=["value_bits"])
def pad_kernel(src_ptr, dst_ptr, n, value_bits, out_shape, src_shape, src_strides, before,
               MODE: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    src_off, inside = source_offset(idx, mask, out_shape, src_shape, src_strides, before, MODE)
    T: tl.constexpr = dst_ptr.dtype.element_ty
    x = tl.load(src_ptr + src_off, mask=inside)
    if MODE == 0:
        x = tl.where(inside, x, cast_to(scalar_from_bits(value_bits, tl.float64, tl.float64), T))
    tl.store(dst_ptr + idx, x, mask=mask)


@triton.jit
def pad_backward_kernel(ograd_ptr, grad_ptr, n, out_shape, src_shape, src_strides, before, MODE: tl.constexpr,
                        IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    src_off, inside = source_offset(idx, mask, out_shape, src_shape, src_strides, before, MODE)
    tl.atomic_add(grad_ptr + src_off, tl.load(ograd_ptr + idx, mask=mask), mask=inside, sem="relaxed")


def _contiguous_output(out):
    if not out.is_contiguous():
        raise KernelError("the output must be contiguous")


@register("Pad", "pad", dtypes=ALL)
def pad(call):
    src, dst = call.inputs[0], call.outputs[0]
    if not write_request(call) or dst.numel == 0:
        return
    _contiguous_output(dst)
    width = call.attrs["pad_width"]
    launch(pad_kernel, ((dst.numel + BLOCK - 1) // BLOCK,), src, dst, dst.numel,
           as_bits(call.attrs["constant_value"], "float64"), dst.shape, src.shape, src.strides, tuple(width[0::2]),
           MODE=MODES[call.attrs["mode"]], IDX=index_type(dst.numel, src.shape, [src.strides]), BLOCK=BLOCK,
           num_warps=NUM_WARPS)


@register("_backward_Pad", dtypes=NUMERIC)
def pad_backward(call):
    ograd, grad = call.inputs[0], call.outputs[0]
    if not write_request(call) or grad.numel == 0:
        return
    before = tuple(call.attrs["pad_width"][0::2])
    mode = MODES[call.attrs["mode"]]
    if mode == 0:  # the copied box of ograd
        base = sum(b * s for b, s in zip(before, ograd.strides))
        strided_copy(ograd, grad, grad.shape, ograd.strides, grad.strides, src_base=base)
        return
    if ograd.dtype not in ATOMIC:
        raise KernelError(f"mode={call.attrs['mode']!r} needs an atomic add, which {ograd.dtype} lacks on the GPU")
    if not (ograd.is_contiguous() and grad.is_contiguous()):
        raise KernelError("the gradient of Pad needs contiguous arrays")
    fill(grad, 0)
    launch(pad_backward_kernel, ((ograd.numel + BLOCK - 1) // BLOCK,), ograd, grad, ograd.numel, ograd.shape,
           grad.shape, grad.strides, before, MODE=mode, IDX=index_type(ograd.numel, grad.shape, [grad.strides]),
           BLOCK=BLOCK, num_warps=NUM_WARPS)
