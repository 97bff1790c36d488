"""softmax, log_softmax and softmin along one axis, with temperature, an
output dtype and the optional length input (use_length: only the first
length[slice] positions take part; the rest output 0).

The input is viewed as (outer, L, inner).  A program owns a tile of
BLOCK_I slices (contiguous along inner, so loads coalesce): when the axis
fits in BLOCK_L it reads each element once and writes it once (max, exp,
sum, normalise in registers); longer axes take an online-softmax pass
(running max and rescaled sum) and a second pass that writes.  float16,
bfloat16 and float32 compute in float32, float64 (in or out) in float64.
"""
import triton
import triton.language as tl

from ..jit_helpers import scalar_from_bits
from ..launch import launch
from ..registry import FLOATS, KernelError, register
from ..scalars import as_bits
from ..strides import normalize_axis, write_request

KINDS = {"softmax": 0, "log_softmax": 1, "softmin": 2}
# Elements a program holds in registers.
TILE = 8192


@triton.jit(do_not_specialize=["scale_bits"])
def softmax_kernel(x_ptr, out_ptr, length_ptr, n_inner, L, scale_bits, outer_stride, axis_stride,
                   KIND: tl.constexpr, HAS_LENGTH: tl.constexpr, ONE_PASS: tl.constexpr,
                   BLOCK_L: tl.constexpr, BLOCK_I: tl.constexpr, C: tl.constexpr):
    o = tl.program_id(1).to(tl.int64)
    inner = tl.program_id(0) * BLOCK_I + tl.arange(0, BLOCK_I)
    inner_mask = inner < n_inner
    base = o * outer_stride + inner  # inner positions are contiguous
    if HAS_LENGTH:
        n = tl.load(length_ptr + o * n_inner + inner, mask=inner_mask, other=0).to(tl.int64)
        n = tl.minimum(tl.maximum(n, 0), L)
    else:
        n = tl.full((BLOCK_I,), L, tl.int64)
    s = scalar_from_bits(scale_bits, tl.float64, C)
    if ONE_PASS:
        ls = tl.arange(0, BLOCK_L)
        valid = (ls[:, None] < n[None, :]) & inner_mask[None, :]
        offs = base[None, :] + ls[:, None].to(tl.int64) * axis_stride
        x = tl.load(x_ptr + offs, mask=valid, other=0.0).to(C) * s
        x = tl.where(valid, x, float("-inf"))
        top = tl.max(x, 0)
        top = tl.where(top == float("-inf"), 0.0, top)  # empty slice: nothing to shift
        e = tl.where(valid, tl.exp(x - top[None, :]), 0.0)
        total = tl.sum(e, 0)
        if KIND == 1:
            y = x - (top + tl.log(total))[None, :]
        else:
            y = e / total[None, :]
        y = tl.where(valid, y, 0.0)
        tl.store(out_ptr + offs, y.to(out_ptr.dtype.element_ty), mask=(ls[:, None] < L) & inner_mask[None, :])
    else:
        top = tl.full((BLOCK_I,), float("-inf"), C)
        total = tl.zeros((BLOCK_I,), C)
        for start in range(0, L, BLOCK_L):
            ls = start + tl.arange(0, BLOCK_L)
            valid = (ls[:, None] < n[None, :]) & inner_mask[None, :]
            offs = base[None, :] + ls[:, None].to(tl.int64) * axis_stride
            x = tl.where(valid, tl.load(x_ptr + offs, mask=valid, other=0.0).to(C) * s, float("-inf"))
            new_top = tl.maximum(top, tl.max(x, 0))
            shift = tl.where(new_top == float("-inf"), 0.0, new_top)
            total = total * tl.exp(tl.where(top == float("-inf"), float("-inf"), top - shift)) + \
                tl.sum(tl.where(valid, tl.exp(x - shift[None, :]), 0.0), 0)
            top = new_top
        top = tl.where(top == float("-inf"), 0.0, top)
        for start in range(0, L, BLOCK_L):
            ls = start + tl.arange(0, BLOCK_L)
            valid = (ls[:, None] < n[None, :]) & inner_mask[None, :]
            offs = base[None, :] + ls[:, None].to(tl.int64) * axis_stride
            x = tl.load(x_ptr + offs, mask=valid, other=0.0).to(C) * s
            if KIND == 1:
                y = x - (top + tl.log(total))[None, :]
            else:
                y = tl.exp(x - top[None, :]) / total[None, :]
            y = tl.where(valid, y, 0.0)
            tl.store(out_ptr + offs, y.to(out_ptr.dtype.element_ty), mask=(ls[:, None] < L) & inner_mask[None, :])


def softmax_rows(x, out, outer, L, inner, kind="softmax", scale=1.0, length=None):
    """out = kind of (x * scale) over the axis of x (contiguous) seen as
    (outer, L, inner); length: the use_length input."""
    block_i = min(triton.next_power_of_2(inner), 128)
    block_l = min(triton.next_power_of_2(L), max(TILE // block_i, 1))
    wide = "float64" in (x.dtype, out.dtype)
    launch(softmax_kernel, (triton.cdiv(inner, block_i), outer), x, out, x if length is None else length, inner, L,
           as_bits(scale, "float64"), L * inner, inner, KIND=KINDS[kind], HAS_LENGTH=length is not None,
           ONE_PASS=block_l >= L, BLOCK_L=block_l, BLOCK_I=block_i, C=tl.float64 if wide else tl.float32,
           num_warps=8 if block_l * block_i >= 4096 else 4)


def run_softmax(call, kind):
    x, out = call.inputs[0], call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    if not (x.is_contiguous() and out.is_contiguous()):
        raise KernelError("softmax needs contiguous arrays")
    axis = normalize_axis(call.attrs["axis"], max(x.ndim, 1))
    outer = inner = 1
    for d in x.shape[:axis]:
        outer *= d
    for d in x.shape[axis + 1:]:
        inner *= d
    L = x.shape[axis] if x.ndim else 1
    t = call.attrs.get("temperature")
    scale = (-1.0 if kind == "softmin" else 1.0) / (1.0 if t is None else t)
    softmax_rows(x, out, outer, L, inner, kind, scale, call.inputs[1] if call.attrs.get("use_length") else None)


def _register(name):
    @register(name, dtypes=FLOATS)
    def softmax(call):
        run_softmax(call, name)


for _name in KINDS:
    _register(_name)
