"""Pooling and _backward_Pooling (channel-first layouts; plugins/cpu/
pooling.cc).  Each output element loops over its window, clipped to the
padded input and then to the input (MXNet's rule): avg divides by the first
size when count_include_pad (the default), by the second otherwise; max
skips NaN; lp takes p = 1, 2 or 3.  The gradient adds each window's share
into the input atomically (windows may overlap); max's goes to the first
element of the window equal to the output, in row-major order.  1-D and 2-D
pooling are 3-D with leading axes of size 1; float16 computes in float32."""
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, compute_type, div_rn, sqrt_rn
from ..launch import launch
from ..registry import KernelError, register
from ..strides import INT32_LIMIT
from .fill import fill

DTYPES = ("float32", "float64", "float16")
KINDS = {"max": 0, "avg": 1, "sum": 2, "lp": 3}


@triton.jit
def _window(idx, IMG, WIN, KSZ, STRIDE, PAD):
    """The input plane's offset (elements) and the window's first corner and
    element count (with / without the padding) of output element idx."""
    ow = idx % WIN[2]
    rest = idx // WIN[2]
    oh = rest % WIN[1]
    rest = rest // WIN[1]
    od = rest % WIN[0]
    plane = rest // WIN[0]
    d0 = od * STRIDE[0] - PAD[0]
    h0 = oh * STRIDE[1] - PAD[1]
    w0 = ow * STRIDE[2] - PAD[2]
    padded = (tl.minimum(d0 + KSZ[0], IMG[0] + PAD[0]) - d0) * (tl.minimum(h0 + KSZ[1], IMG[1] + PAD[1]) - h0) * \
        (tl.minimum(w0 + KSZ[2], IMG[2] + PAD[2]) - w0)
    inside = (tl.minimum(d0 + KSZ[0], IMG[0]) - tl.maximum(d0, 0)) * \
        (tl.minimum(h0 + KSZ[1], IMG[1]) - tl.maximum(h0, 0)) * (tl.minimum(w0 + KSZ[2], IMG[2]) - tl.maximum(w0, 0))
    return plane.to(tl.int64) * (IMG[0] * IMG[1] * IMG[2]), d0, h0, w0, padded, inside


@triton.jit
def _element(k, d0, h0, w0, mask, IMG, KSZ):
    """Window element k's offset in the plane, and whether it is in the input."""
    kw = k % KSZ[2]
    kh = (k // KSZ[2]) % KSZ[1]
    kd = k // (KSZ[2] * KSZ[1])
    d = d0 + kd
    h = h0 + kh
    w = w0 + kw
    valid = mask & (d >= 0) & (d < IMG[0]) & (h >= 0) & (h < IMG[1]) & (w >= 0) & (w < IMG[2])
    return (d * IMG[1] + h) * IMG[2] + w, valid


@triton.jit
def _power(v, P: tl.constexpr):
    if P == 1:
        return v
    elif P == 2:
        return v * v
    else:
        return v * v * v


@triton.jit
def pool_kernel(x_ptr, y_ptr, n, IMG, WIN, KSZ, STRIDE, PAD, KIND: tl.constexpr, P: tl.constexpr,
                COUNT_PAD: tl.constexpr, LOWEST: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """LOWEST: the compute type's lowest finite value, max's start (as the CPU's)."""
    idx, mask = block_indices(n, BLOCK, IDX)
    base, d0, h0, w0, padded, inside = _window(idx, IMG, WIN, KSZ, STRIDE, PAD)
    C: tl.constexpr = compute_type(y_ptr.dtype.element_ty)
    if KIND == 0:
        acc = tl.full((BLOCK,), LOWEST, C)
    else:
        acc = tl.zeros((BLOCK,), C)
    for k in range(0, KSZ[0] * KSZ[1] * KSZ[2]):
        off, valid = _element(k, d0, h0, w0, mask, IMG, KSZ)
        x = tl.load(x_ptr + base + off, mask=valid, other=0).to(C)
        if KIND == 0:
            acc = tl.where(valid & (acc < x), x, acc)  # NaN never wins
        elif KIND == 3:
            acc += tl.where(valid, _power(x, P), 0.0)
        else:
            acc += tl.where(valid, x, 0.0)
    if KIND == 1:
        if COUNT_PAD:
            acc = div_rn(acc, padded.to(C))
        else:
            acc = div_rn(acc, inside.to(C))
    elif KIND == 3:
        if P == 2:
            acc = sqrt_rn(acc)
        elif P == 3:
            acc = libdevice.cbrt(acc)
    tl.store(y_ptr + idx, acc.to(y_ptr.dtype.element_ty), mask=mask)


@triton.jit
def pool_backward_kernel(dy_ptr, x_ptr, y_ptr, dx_ptr, n, IMG, WIN, KSZ, STRIDE, PAD, KIND: tl.constexpr,
                         P: tl.constexpr, COUNT_PAD: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    base, d0, h0, w0, padded, inside = _window(idx, IMG, WIN, KSZ, STRIDE, PAD)
    T: tl.constexpr = dx_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    g = tl.load(dy_ptr + idx, mask=mask, other=0).to(C)
    y = tl.load(y_ptr + idx, mask=mask, other=1).to(C)
    if KIND == 1:
        if COUNT_PAD:
            g = div_rn(g, padded.to(C))
        else:
            g = div_rn(g, tl.maximum(inside, 1).to(C))
    found = ~mask
    for k in range(0, KSZ[0] * KSZ[1] * KSZ[2]):
        off, valid = _element(k, d0, h0, w0, mask, IMG, KSZ)
        if KIND == 0:  # the first element equal to the output
            hit = valid & ~found & (tl.load(x_ptr + base + off, mask=valid, other=0).to(C) == y)
            tl.atomic_add(dx_ptr + base + off, g.to(T), mask=hit, sem="relaxed")
            found = found | hit
        elif KIND == 3:  # d (sum x^p)^(1/p) / dx = (x / y)^(p-1)
            ratio = div_rn(tl.load(x_ptr + base + off, mask=valid, other=0).to(C), y)
            if P == 1:
                share = g
            elif P == 2:
                share = g * ratio
            else:
                share = g * ratio * ratio
            tl.atomic_add(dx_ptr + base + off, share.to(T), mask=valid, sem="relaxed")
        else:
            tl.atomic_add(dx_ptr + base + off, g.to(T), mask=valid, sem="relaxed")


def _geometry(call, data, out):
    """(image, windows, kernel, stride, pad) as three spatial axes each."""
    if call.attrs.get("layout") not in (None, "NCW", "NCHW", "NCDHW"):
        raise KernelError("only the NCW, NCHW and NCDHW layouts are supported")
    if call.req[0] == "add":
        raise KernelError("req=add is not supported")
    for t in list(call.inputs) + list(call.outputs):
        if not t.is_contiguous():
            raise KernelError("Pooling needs contiguous arrays")
    ndim = data.ndim - 2
    lead = 3 - ndim
    img = (1,) * lead + data.shape[2:]
    win = (1,) * lead + out.shape[2:]
    if call.attrs.get("global_pool"):
        return img, win, img, (1, 1, 1), (0, 0, 0)

    def widened(name, fill):
        values = tuple(call.attrs.get(name) or ())
        return (fill,) * lead + (values if len(values) == ndim else (fill,) * ndim)
    return img, win, widened("kernel", 1), widened("stride", 1), widened("pad", 0)


def _options(call):
    a = call.attrs
    p = a.get("p_value")
    include = a.get("count_include_pad")
    return dict(KIND=KINDS[a.get("pool_type", "max")], P=1 if p is None else p,
                COUNT_PAD=include is None or bool(include))


@register("Pooling", dtypes=DTYPES)
def pooling(call):
    data, out = call.inputs[0], call.outputs[0]
    if call.req[0] == "null" or out.numel == 0:
        return
    geometry = _geometry(call, data, out)
    lowest = -1.7976931348623157e308 if data.dtype == "float64" else -3.4028234663852886e38
    launch(pool_kernel, (triton.cdiv(out.numel, BLOCK),), data, out, out.numel, *geometry, **_options(call),
           LOWEST=lowest, IDX=tl.int64 if max(out.numel, data.numel) >= INT32_LIMIT else tl.int32, BLOCK=BLOCK,
           num_warps=NUM_WARPS)


@register("_backward_Pooling", dtypes=DTYPES)
def pooling_backward(call):
    dy, data, y = call.inputs
    dx = call.outputs[0]
    if call.req[0] == "null" or dx.numel == 0:
        return
    geometry = _geometry(call, data, dy)
    fill(dx, 0)
    launch(pool_backward_kernel, (triton.cdiv(dy.numel, BLOCK),), dy, data, y, dx, dy.numel, *geometry,
           **_options(call), IDX=tl.int64 if max(dy.numel, data.numel) >= INT32_LIMIT else tl.int32, BLOCK=BLOCK,
           num_warps=NUM_WARPS)
