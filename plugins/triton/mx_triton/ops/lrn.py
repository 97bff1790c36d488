"""LRN and _backward_LRN over (N, C, H, W) (plugins/cpu/lrn.cc).  Channel
c's window is [c - nsize/2, c - nsize/2 + nsize) clipped to [0, C):
  norm = knorm + alpha / nsize * sum over the window of x^2,  out = x norm^-beta;
the gradient sums over the channels whose windows hold c:
  dx[c] = dy[c] norm[c]^-beta - 2 alpha beta / nsize x[c] sum dy[c'] x[c'] norm[c']^(-beta-1).
Each element loops over its nsize channels; float16 computes in float32."""
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, compute_type, scalar_from_bits
from ..launch import launch
from ..registry import KernelError, register
from ..scalars import as_bits
from ..strides import INT32_LIMIT

DTYPES = ("float32", "float64", "float16")


@triton.jit
def _pow(x, e):
    return libdevice.pow(x, tl.full(x.shape, e, x.dtype))


@triton.jit(do_not_specialize=["knorm_bits", "scale_bits", "beta_bits"])
def lrn_kernel(x_ptr, out_ptr, norm_ptr, n, channels, plane, nsize, knorm_bits, scale_bits, beta_bits,
               IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    C: tl.constexpr = compute_type(out_ptr.dtype.element_ty)
    c = (idx // plane) % channels
    image = idx - c * plane  # the element at channel 0
    first = c - nsize // 2
    total = tl.zeros((BLOCK,), C)
    for k in range(0, nsize):
        ch = first + k
        inside = mask & (ch >= 0) & (ch < channels)
        v = tl.load(x_ptr + image + ch * plane, mask=inside, other=0).to(C)
        total += v * v
    norm = scalar_from_bits(knorm_bits, tl.float64, C) + scalar_from_bits(scale_bits, tl.float64, C) * total
    x = tl.load(x_ptr + idx, mask=mask).to(C)
    beta = scalar_from_bits(beta_bits, tl.float64, C)
    tl.store(norm_ptr + idx, norm.to(norm_ptr.dtype.element_ty), mask=mask)
    tl.store(out_ptr + idx, (x * _pow(norm, -beta)).to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit(do_not_specialize=["beta_bits", "factor_bits"])
def lrn_backward_kernel(dy_ptr, x_ptr, norm_ptr, dx_ptr, n, channels, plane, nsize, beta_bits, factor_bits,
                        IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    C: tl.constexpr = compute_type(dx_ptr.dtype.element_ty)
    beta = scalar_from_bits(beta_bits, tl.float64, C)
    c = (idx // plane) % channels
    image = idx - c * plane
    first = c + nsize // 2 - nsize + 1  # c' holds c when c' - nsize/2 <= c < c' - nsize/2 + nsize
    total = tl.zeros((BLOCK,), C)
    for k in range(0, nsize):
        ch = first + k
        inside = mask & (ch >= 0) & (ch < channels)
        at = image + ch * plane
        t = tl.load(dy_ptr + at, mask=inside, other=0).to(C) * tl.load(x_ptr + at, mask=inside, other=0).to(C) * \
            _pow(tl.load(norm_ptr + at, mask=inside, other=1).to(C), -beta - 1)
        total += tl.where(inside, t, 0.0)
    dx = tl.load(dy_ptr + idx, mask=mask).to(C) * _pow(tl.load(norm_ptr + idx, mask=mask, other=1).to(C), -beta) + \
        scalar_from_bits(factor_bits, tl.float64, C) * tl.load(x_ptr + idx, mask=mask).to(C) * total
    tl.store(dx_ptr + idx, dx.to(dx_ptr.dtype.element_ty), mask=mask)


def _geometry(call, data):
    if any(r == "add" for r in call.req):
        raise KernelError("req=add is not supported")
    for t in list(call.inputs) + list(call.outputs):
        if not t.is_contiguous():
            raise KernelError("LRN needs contiguous arrays")
    plane = data.numel // (data.shape[0] * data.shape[1]) if data.shape[0] * data.shape[1] else 0
    return data.numel, data.shape[1], plane


@register("LRN", dtypes=DTYPES)
def lrn(call):
    data = call.inputs[0]
    n, channels, plane = _geometry(call, data)
    if n == 0:
        return
    a = call.attrs
    launch(lrn_kernel, (triton.cdiv(n, BLOCK),), data, *call.outputs, n, channels, plane, a["nsize"],
           as_bits(a.get("knorm", 2.0), "float64"), as_bits(a.get("alpha", 1e-4) / a["nsize"], "float64"),
           as_bits(a.get("beta", 0.75), "float64"), IDX=tl.int64 if n >= INT32_LIMIT else tl.int32, BLOCK=BLOCK,
           num_warps=NUM_WARPS)


@register("_backward_LRN", dtypes=DTYPES)
def lrn_backward(call):
    dy, data, norm = call.inputs
    n, channels, plane = _geometry(call, data)
    if n == 0 or call.req[0] == "null":
        return
    a = call.attrs
    beta = a.get("beta", 0.75)
    launch(lrn_backward_kernel, (triton.cdiv(n, BLOCK),), dy, data, norm, call.outputs[0], n, channels, plane,
           a["nsize"], as_bits(beta, "float64"), as_bits(-2.0 * a.get("alpha", 1e-4) / a["nsize"] * beta, "float64"),
           IDX=tl.int64 if n >= INT32_LIMIT else tl.int32, BLOCK=BLOCK, num_warps=NUM_WARPS)
