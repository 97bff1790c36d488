"""UpSampling and _backward_UpSampling (plugins/cpu/upsampling.cc).

Nearest: one launch per input; output element (n, c, y, x) of the input's
channels reads (y // f, x // f) with f = out_h // h.  multi_input_mode='sum'
adds the inputs in order into an accumulator of the compute type (the
output itself, or float32 workspace for float16) and rounds once, as the CPU
does.  The gradient of an input sums each f x f block of its channels of
out_grad.  Bilinear is the grouped Deconvolution of convolution.py (kernel
2s - s % 2, stride s, pad ceil((s - 1) / 2), one group per channel).
"""
import triton
import triton.language as tl

from .. import workspace
from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, compute_type
from ..launch import launch
from ..registry import register
from ..strides import INT32_LIMIT, write_request
from .convolution import Geometry, scatter

DTYPES = ("float32", "float64", "float16")


@triton.jit
def nearest_kernel(x_ptr, acc_ptr, out_ptr, n, C_IN, H_IN, W_IN, C_OUT, FIRST_CHANNEL, H, W, F,
                   FIRST: tl.constexpr, LAST: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """The input's share of the output: its n elements (N, C_IN, H, W) land on
    channels FIRST_CHANNEL... of the (N, C_OUT, H, W) output.  FIRST: the
    accumulator starts here; LAST: the sum is rounded into out."""
    idx, mask = block_indices(n, BLOCK, IDX)
    x = idx % W
    rest = idx // W
    y = rest % H
    rest = rest // H
    c = rest % C_IN
    b = rest // C_IN
    C: tl.constexpr = compute_type(out_ptr.dtype.element_ty)
    v = tl.load(x_ptr + ((b * C_IN + c) * H_IN + y // F) * W_IN + x // F, mask=mask, other=0).to(C)
    at = ((b * C_OUT + FIRST_CHANNEL + c) * H + y) * W + x
    if not FIRST:
        v += tl.load(acc_ptr + at, mask=mask, other=0).to(C)
    if LAST:
        tl.store(out_ptr + at, v.to(out_ptr.dtype.element_ty), mask=mask)
    else:
        tl.store(acc_ptr + at, v.to(acc_ptr.dtype.element_ty), mask=mask)


@triton.jit
def block_sum_kernel(g_ptr, dx_ptr, n, C_IN, H_IN, W_IN, C_OUT, FIRST_CHANNEL, H, W, F,
                     IDX: tl.constexpr, BLOCK: tl.constexpr):
    """dx (N, C_IN, H_IN, W_IN): each element sums its F x F block of
    out_grad's channel FIRST_CHANNEL + c."""
    idx, mask = block_indices(n, BLOCK, IDX)
    x = idx % W_IN
    rest = idx // W_IN
    y = rest % H_IN
    rest = rest // H_IN
    c = rest % C_IN
    b = rest // C_IN
    C: tl.constexpr = compute_type(dx_ptr.dtype.element_ty)
    base = ((b * C_OUT + FIRST_CHANNEL + c) * H + y * F) * W + x * F
    acc = tl.zeros((BLOCK,), C)
    for k in range(0, F * F):
        acc += tl.load(g_ptr + base + (k // F) * W + k % F, mask=mask, other=0).to(C)
    tl.store(dx_ptr + idx, acc.to(dx_ptr.dtype.element_ty), mask=mask)


def _index_type(*tensors):
    return tl.int64 if max(t.numel for t in tensors) >= INT32_LIMIT else tl.int32


def _first_channels(call, inputs):
    """The output channel each input's channel 0 lands on."""
    firsts, first = [], 0
    for t in inputs:
        firsts.append(0 if call.attrs.get("multi_input_mode") == "sum" else first)
        first += t.shape[1]
    return firsts


def _needs_accumulator(call):
    return call.attrs.get("multi_input_mode") == "sum" and len(call.inputs) > 1 and \
        call.outputs[0].dtype == "float16"


def _bilinear_geometry(data, out, scale):
    """UpSampling's bilinear mode as Convolution's image (out) and windows (data)."""
    kernel = 2 * scale - scale % 2
    return Geometry(batch=out.shape[0], image_channels=out.shape[1], window_channels=data.shape[1],
                    groups=data.shape[1], image=(1,) + out.shape[2:], windows=(1,) + data.shape[2:],
                    kernel=(1, kernel, kernel), stride=(1, scale, scale), dilate=(1, 1, 1),
                    pad=(0, scale // 2, scale // 2))


def _workspace(call):
    return workspace.size([(call.outputs[0].shape, "float32")]) if _needs_accumulator(call) else 0


@register("UpSampling", dtypes=DTYPES, workspace=_workspace)
def upsampling(call):
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    if call.attrs.get("sample_type") == "bilinear":
        data, weight = call.inputs
        scatter(_bilinear_geometry(data, out, call.attrs["scale"]), data, weight, None, out)
        return
    total, h, w = out.shape[1], out.shape[2], out.shape[3]
    acc = workspace.carve(call, [(out.shape, "float32")])[0] if _needs_accumulator(call) else out
    summed = call.attrs.get("multi_input_mode") == "sum"
    last = len(call.inputs) - 1
    for i, (x, first) in enumerate(zip(call.inputs, _first_channels(call, call.inputs))):
        n = out.shape[0] * x.shape[1] * h * w
        if n == 0:  # an input without channels adds nothing
            continue
        launch(nearest_kernel, (triton.cdiv(n, BLOCK),), x, acc, out, n, x.shape[1], x.shape[2], x.shape[3], total,
               first, h, w, h // x.shape[2], FIRST=not summed or i == 0, LAST=not summed or i == last,
               IDX=_index_type(out, x), BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("_backward_UpSampling", dtypes=DTYPES)
def upsampling_backward(call):
    ograd, inputs = call.inputs[0], call.inputs[1:]
    total, h, w = ograd.shape[1], ograd.shape[2], ograd.shape[3]
    for k, (x, first) in enumerate(zip(inputs, _first_channels(call, inputs))):
        dx = call.outputs[k]
        if not write_request(call, k) or dx.numel == 0:
            continue
        launch(block_sum_kernel, (triton.cdiv(dx.numel, BLOCK),), ograd, dx, dx.numel, x.shape[1], x.shape[2],
               x.shape[3], total, first, h, w, h // x.shape[2], IDX=_index_type(ograd, dx), BLOCK=BLOCK,
               num_warps=NUM_WARPS)
