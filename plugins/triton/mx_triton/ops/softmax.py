"""softmax, log_softmax and softmin along one axis, with temperature, an
output dtype and the optional length input (use_length: only the first
length[slice] positions take part; the rest output 0).

The input is viewed as (outer, L, inner).  A program owns a tile of
BLOCK_I slices (contiguous along inner, so loads coalesce): when the axis
fits in BLOCK_L it reads each element once and writes it once (max, exp,
sum, normalise in registers); longer axes take an online-softmax pass
(running max and rescaled sum) and a second pass that writes.  float16,
bfloat16 and float32 compute in float32, float64 (in or out) in float64.

SoftmaxActivation is softmax over the last axis (mode='instance') or axis 1
(mode='channel'); softmax_cross_entropy takes the rows' softmax into the
workspace and sums -log(max(p, 1e-8)) at the labels in one program.
"""
import triton
import triton.language as tl

from .. import workspace
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


def _along(call, axis, kind="softmax", scale=1.0, length=None):
    """kind of x * scale along axis (normalized) of the call's input into its output."""
    x, out = call.inputs[0], call.outputs[0]
    if not (x.is_contiguous() and out.is_contiguous()):
        raise KernelError(f"{call.op} needs contiguous arrays")
    outer = inner = 1
    for d in x.shape[:axis]:
        outer *= d
    for d in x.shape[axis + 1:]:
        inner *= d
    L = x.shape[axis] if x.ndim else 1
    softmax_rows(x, out, outer, L, inner, kind, scale, length)


def run_softmax(call, kind):
    if not write_request(call) or call.outputs[0].numel == 0:
        return
    t = call.attrs.get("temperature")
    scale = (-1.0 if kind == "softmin" else 1.0) / (1.0 if t is None else t)
    _along(call, normalize_axis(call.attrs["axis"], max(call.inputs[0].ndim, 1)), kind, scale,
           call.inputs[1] if call.attrs.get("use_length") else None)


def _register(name):
    @register(name, dtypes=FLOATS)
    def softmax(call):
        run_softmax(call, name)


for _name in KINDS:
    _register(_name)


@register("SoftmaxActivation", dtypes=FLOATS)
def softmax_activation(call):
    if write_request(call) and call.outputs[0].numel:
        _along(call, 1 if call.attrs["mode"] == "channel" else call.inputs[0].ndim - 1)


@triton.jit
def summed_cross_entropy_kernel(p_ptr, label_ptr, out_ptr, rows, classes, BLOCK: tl.constexpr, C: tl.constexpr):
    total = tl.zeros((BLOCK,), C)
    for start in range(0, rows, BLOCK):
        r = start + tl.arange(0, BLOCK)
        mask = r < rows
        k = tl.load(label_ptr + r, mask=mask, other=0).to(C)
        k = tl.minimum(tl.maximum(k, 0.0), classes - 1.0).to(tl.int64)  # truncated, clipped into the row
        p = tl.load(p_ptr + r.to(tl.int64) * classes + k, mask=mask, other=1.0)
        total += tl.where(mask, -tl.log(tl.maximum(p, 1e-8)), 0.0)
    tl.store(out_ptr, tl.sum(total, 0).to(out_ptr.dtype.element_ty))


def _probabilities(call):
    """The workspace piece for the rows' softmax: float64 for float64 data, else float32."""
    return [(call.inputs[0].shape, "float64" if call.inputs[0].dtype == "float64" else "float32")]


@register("softmax_cross_entropy", dtypes=FLOATS, workspace=lambda call: workspace.size(_probabilities(call)))
def softmax_cross_entropy(call):
    data, label, out = call.inputs[0], call.inputs[1], call.outputs[0]
    if not write_request(call):
        return
    if not (data.is_contiguous() and label.is_contiguous()):
        raise KernelError("softmax_cross_entropy needs contiguous arrays")
    rows, classes = data.shape
    (probabilities,) = workspace.carve(call, _probabilities(call))
    if rows:
        softmax_rows(data, probabilities, rows, classes, 1)
    wide = probabilities.dtype == "float64"
    launch(summed_cross_entropy_kernel, (1,), probabilities, label, out, rows, classes,
           BLOCK=min(triton.next_power_of_2(max(rows, 1)), 1024), C=tl.float64 if wide else tl.float32)
