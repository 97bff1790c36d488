"""Convolution, Deconvolution and their gradients (channel-first layouts) as
implicit gemms on tl.dot: the column matrix of im2col is never stored, each
tile gathers its entries from the image (0 in the padding).

Both ops relate an image I (N, CI, *img) to its windows V (N, CV, *win)
through a weight W (CV, CI / G, *kernel); Convolution's image is its data,
Deconvolution's its output.  Three products serve all four ops, per group:
  gather   V[n, v, s] = sum_{i, k} W[v, i, k] I[n, i, at(s, k)]   (+ bias[v])
  scatter  I[n, i, x] = sum_{v, k: x = at(s, k)} W[v, i, k] V[n, v, s]   (+ bias[i])
  weight   W[v, i, k] = sum_{n, s} V[n, v, s] I[n, i, at(s, k)]
with at(s, k) = s * stride - pad + k * dilate per spatial axis.
Convolution: forward gather, data gradient scatter, weight gradient weight.
Deconvolution: forward scatter, data gradient gather, weight gradient weight.
Bias gradients sum the output gradient per channel (reduce.py).  1-D and
2-D problems are 3-D ones with leading axes of size 1 (plugins/cpu).
float32 multiplies exactly ("ieee", as gemm), float16 on tensor cores
accumulating in float32.
"""
from dataclasses import dataclass

import triton
import triton.language as tl

from ..call import TensorView
from ..launch import interpreting, launch
from ..registry import KernelError, register
from .reduce import reduce_into

DTYPES = ("float32", "float64", "float16")
# tl.dot wants tiles of at least 16; the interpreter is cheapest with small ones.
GPU_TILES = dict(BLOCK_M=64, BLOCK_N=64, BLOCK_K=32, num_warps=4, num_stages=3)
INTERPRETER_TILES = dict(BLOCK_M=32, BLOCK_N=16, BLOCK_K=32, num_warps=4, num_stages=1)


@dataclass
class Geometry:
    batch: int
    image_channels: int     # CI
    window_channels: int    # CV
    groups: int
    image: tuple            # (d, h, w)
    windows: tuple          # (d, h, w)
    kernel: tuple
    stride: tuple
    dilate: tuple
    pad: tuple

    @staticmethod
    def size(dims):
        return dims[0] * dims[1] * dims[2]

    def spatial(self):
        return self.image, self.windows, self.kernel, self.stride, self.dilate, self.pad


def _widened(values, ndim, fill):
    """A parameter tuple of ndim entries (empty: `fill`) as three, leading 1 / 0."""
    values = tuple(values or ()) or (fill,) * ndim
    lead = (1,) * (3 - ndim) if fill == 1 else (0,) * (3 - ndim)
    return lead + tuple(values)


def _geometry(call, image, windows, deconvolution=False):
    if call.attrs.get("layout") not in (None, "NCW", "NCHW", "NCDHW"):
        raise KernelError("only the NCW, NCHW and NCDHW layouts are supported")
    if any(r == "add" for r in call.req):
        raise KernelError("req=add is not supported")
    for t in list(call.inputs) + list(call.outputs):
        if not t.is_contiguous():
            raise KernelError("convolutions need contiguous arrays")
    ndim = image.ndim - 2
    spatial = lambda t: (1,) * (3 - ndim) + t.shape[2:]  # noqa: E731
    kernel = _widened(call.attrs["kernel"], ndim, 1)
    stride = _widened(call.attrs.get("stride"), ndim, 1)
    dilate = _widened(call.attrs.get("dilate"), ndim, 1)
    pad = _widened(call.attrs.get("pad"), ndim, 0)
    img, win = spatial(image), spatial(windows)
    if deconvolution and any(call.attrs.get("target_shape") or ()):
        # the padding MXNet's InferPad picks for a target shape
        pad = tuple(p if k < 3 - ndim else (stride[k] * (win[k] - 1) + dilate[k] * (kernel[k] - 1) + 1 - img[k] + 1)
                    // 2 for k, p in enumerate(pad))
    return Geometry(image.shape[0], image.shape[1], windows.shape[1], call.attrs.get("num_group", 1), img, win,
                    kernel, stride, dilate, pad)


@triton.jit
def _image_offset(s, k, IMG, WIN, KSZ, STRIDE, DILATE, PAD):
    """The offset in an image plane of window position s under kernel
    offset k (broadcast against each other), and whether it lies inside."""
    ow = s % WIN[2]
    oh = (s // WIN[2]) % WIN[1]
    od = s // (WIN[2] * WIN[1])
    kw = k % KSZ[2]
    kh = (k // KSZ[2]) % KSZ[1]
    kd = k // (KSZ[2] * KSZ[1])
    d = od * STRIDE[0] - PAD[0] + kd * DILATE[0]
    h = oh * STRIDE[1] - PAD[1] + kh * DILATE[1]
    w = ow * STRIDE[2] - PAD[2] + kw * DILATE[2]
    inside = (d >= 0) & (d < IMG[0]) & (h >= 0) & (h < IMG[1]) & (w >= 0) & (w < IMG[2])
    return (d * IMG[1] + h) * IMG[2] + w, inside


@triton.jit
def _window_position(x, k, IMG, WIN, KSZ, STRIDE, DILATE, PAD):
    """The window position s with at(s, k) = image position x, and whether
    there is one."""
    iw = x % IMG[2]
    ih = (x // IMG[2]) % IMG[1]
    idd = x // (IMG[2] * IMG[1])
    kw = k % KSZ[2]
    kh = (k // KSZ[2]) % KSZ[1]
    kd = k // (KSZ[2] * KSZ[1])
    d = idd + PAD[0] - kd * DILATE[0]
    h = ih + PAD[1] - kh * DILATE[1]
    w = iw + PAD[2] - kw * DILATE[2]
    od = d // STRIDE[0]
    oh = h // STRIDE[1]
    ow = w // STRIDE[2]
    hit = (d >= 0) & (d % STRIDE[0] == 0) & (od < WIN[0]) & (h >= 0) & (h % STRIDE[1] == 0) & (oh < WIN[1]) & \
        (w >= 0) & (w % STRIDE[2] == 0) & (ow < WIN[2])
    return (od * WIN[1] + oh) * WIN[2] + ow, hit


@triton.jit
def _dot(a, b, acc):
    if a.dtype == tl.float32:
        return tl.dot(a, b, acc, input_precision="ieee")
    return tl.dot(a, b, acc)


@triton.constexpr_function
def _accumulator(T):
    if T == tl.float64:
        return tl.float64
    return tl.float32


@triton.jit
def conv_gather_kernel(img_ptr, w_ptr, bias_ptr, win_ptr, rows_total, IMG, WIN, KSZ, STRIDE, DILATE, PAD, CI, CV,
                       CIG, CVG, HAS_BIAS: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr,
                       BLOCK_K: tl.constexpr):
    """V[n, g CVG + v, s], rows m = (n, s), columns v, reducing over (i, k)."""
    g = tl.program_id(1)
    tiles_n = tl.cdiv(CVG, BLOCK_N)
    rows = (tl.program_id(0) // tiles_n) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = (tl.program_id(0) % tiles_n) * BLOCK_N + tl.arange(0, BLOCK_N)
    S = WIN[0] * WIN[1] * WIN[2]
    X = IMG[0] * IMG[1] * IMG[2]
    K = KSZ[0] * KSZ[1] * KSZ[2]
    depth = CIG * K
    n = (rows // S).to(tl.int64)
    s = rows % S
    row_mask = rows < rows_total
    col_mask = cols < CVG
    ACC: tl.constexpr = _accumulator(win_ptr.dtype.element_ty)
    acc = tl.zeros((BLOCK_M, BLOCK_N), ACC)
    for start in range(0, depth, BLOCK_K):
        kk = start + tl.arange(0, BLOCK_K)
        i = kk // K
        off, inside = _image_offset(s[:, None], (kk % K)[None, :], IMG, WIN, KSZ, STRIDE, DILATE, PAD)
        a = tl.load(img_ptr + (n[:, None] * CI + g * CIG + i[None, :]) * X + off,
                    mask=inside & row_mask[:, None] & (kk < depth)[None, :], other=0.0)
        b = tl.load(w_ptr + (g * CVG + cols[None, :]).to(tl.int64) * depth + kk[:, None],
                    mask=(kk < depth)[:, None] & col_mask[None, :], other=0.0)
        acc = _dot(a, b, acc)
    if HAS_BIAS:
        acc += tl.load(bias_ptr + g * CVG + cols, mask=col_mask, other=0.0).to(ACC)[None, :]
    out = win_ptr + (n[:, None] * CV + g * CVG + cols[None, :]) * S + s[:, None]
    tl.store(out, acc.to(win_ptr.dtype.element_ty), mask=row_mask[:, None] & col_mask[None, :])


@triton.jit
def conv_scatter_kernel(win_ptr, w_ptr, bias_ptr, img_ptr, rows_total, IMG, WIN, KSZ, STRIDE, DILATE, PAD, CI, CV,
                        CIG, CVG, HAS_BIAS: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr,
                        BLOCK_K: tl.constexpr):
    """I[n, g CIG + i, x], rows m = (n, x), columns i, reducing over (v, k)
    where some window position s has at(s, k) = x."""
    g = tl.program_id(1)
    tiles_n = tl.cdiv(CIG, BLOCK_N)
    rows = (tl.program_id(0) // tiles_n) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = (tl.program_id(0) % tiles_n) * BLOCK_N + tl.arange(0, BLOCK_N)
    S = WIN[0] * WIN[1] * WIN[2]
    X = IMG[0] * IMG[1] * IMG[2]
    K = KSZ[0] * KSZ[1] * KSZ[2]
    depth = CVG * K
    n = (rows // X).to(tl.int64)
    x = rows % X
    row_mask = rows < rows_total
    col_mask = cols < CIG
    ACC: tl.constexpr = _accumulator(img_ptr.dtype.element_ty)
    acc = tl.zeros((BLOCK_M, BLOCK_N), ACC)
    for start in range(0, depth, BLOCK_K):
        kk = start + tl.arange(0, BLOCK_K)
        v = kk // K
        k = kk % K
        s, hit = _window_position(x[:, None], k[None, :], IMG, WIN, KSZ, STRIDE, DILATE, PAD)
        a = tl.load(win_ptr + (n[:, None] * CV + g * CVG + v[None, :]) * S + s,
                    mask=hit & row_mask[:, None] & (kk < depth)[None, :], other=0.0)
        b = tl.load(w_ptr + ((g * CVG + v[:, None]).to(tl.int64) * CIG + cols[None, :]) * K + k[:, None],
                    mask=(kk < depth)[:, None] & col_mask[None, :], other=0.0)
        acc = _dot(a, b, acc)
    if HAS_BIAS:
        acc += tl.load(bias_ptr + g * CIG + cols, mask=col_mask, other=0.0).to(ACC)[None, :]
    out = img_ptr + (n[:, None] * CI + g * CIG + cols[None, :]) * X + x[:, None]
    tl.store(out, acc.to(img_ptr.dtype.element_ty), mask=row_mask[:, None] & col_mask[None, :])


@triton.jit
def conv_weight_kernel(win_ptr, img_ptr, w_ptr, batch, IMG, WIN, KSZ, STRIDE, DILATE, PAD, CI, CV, CIG, CVG,
                       BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    """W[g CVG + v, i, k], rows v, columns (i, k), reducing over (n, s)."""
    g = tl.program_id(1)
    S = WIN[0] * WIN[1] * WIN[2]
    X = IMG[0] * IMG[1] * IMG[2]
    K = KSZ[0] * KSZ[1] * KSZ[2]
    width = CIG * K
    tiles_n = tl.cdiv(width, BLOCK_N)
    rows = (tl.program_id(0) // tiles_n) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = (tl.program_id(0) % tiles_n) * BLOCK_N + tl.arange(0, BLOCK_N)
    row_mask = rows < CVG
    col_mask = cols < width
    i = cols // K
    k = cols % K
    depth = batch * S
    ACC: tl.constexpr = _accumulator(w_ptr.dtype.element_ty)
    acc = tl.zeros((BLOCK_M, BLOCK_N), ACC)
    for start in range(0, depth, BLOCK_K):
        r = start + tl.arange(0, BLOCK_K)
        r_mask = r < depth
        n = (r // S).to(tl.int64)
        s = r % S
        a = tl.load(win_ptr + (n[None, :] * CV + g * CVG + rows[:, None]) * S + s[None, :],
                    mask=row_mask[:, None] & r_mask[None, :], other=0.0)
        off, inside = _image_offset(s[:, None], k[None, :], IMG, WIN, KSZ, STRIDE, DILATE, PAD)
        b = tl.load(img_ptr + (n[:, None] * CI + g * CIG + i[None, :]) * X + off,
                    mask=inside & r_mask[:, None] & col_mask[None, :], other=0.0)
        acc = _dot(a, b, acc)
    out = w_ptr + (g * CVG + rows[:, None]).to(tl.int64) * width + cols[None, :]
    tl.store(out, acc.to(w_ptr.dtype.element_ty), mask=row_mask[:, None] & col_mask[None, :])


def _tiles():
    return INTERPRETER_TILES if interpreting() else GPU_TILES


def _channels(geo):
    return (geo.image_channels, geo.window_channels, geo.image_channels // geo.groups,
            geo.window_channels // geo.groups)


def gather(geo, image, weight, bias, windows):
    rows = geo.batch * Geometry.size(geo.windows)
    t = _tiles()
    grid = (triton.cdiv(rows, t["BLOCK_M"]) * triton.cdiv(geo.window_channels // geo.groups, t["BLOCK_N"]),
            geo.groups)
    if windows.numel:
        launch(conv_gather_kernel, grid, image, weight, windows if bias is None else bias, windows, rows,
               *geo.spatial(), *_channels(geo), HAS_BIAS=bias is not None, **t)


def scatter(geo, windows, weight, bias, image):
    rows = geo.batch * Geometry.size(geo.image)
    t = _tiles()
    grid = (triton.cdiv(rows, t["BLOCK_M"]) * triton.cdiv(geo.image_channels // geo.groups, t["BLOCK_N"]),
            geo.groups)
    if image.numel:
        launch(conv_scatter_kernel, grid, windows, weight, image if bias is None else bias, image, rows,
               *geo.spatial(), *_channels(geo), HAS_BIAS=bias is not None, **t)


def weight_gradient(geo, windows, image, weight):
    t = _tiles()
    width = geo.image_channels // geo.groups * Geometry.size(geo.kernel)
    grid = (triton.cdiv(geo.window_channels // geo.groups, t["BLOCK_M"]) * triton.cdiv(width, t["BLOCK_N"]),
            geo.groups)
    if weight.numel:
        launch(conv_weight_kernel, grid, windows, image, weight, geo.batch, *geo.spatial(), *_channels(geo), **t)


def bias_gradient(ograd, bias):
    """bias[c] = ograd (N, C, ...) summed over all but axis 1."""
    n, c = ograd.shape[:2]
    view = TensorView(ograd.ptr, (n, c, ograd.numel // (n * c) if n * c else 0), ograd.dtype,
                      device_id=ograd.device_id)
    reduce_into(view, bias, {0, 2}, "sum")


def _bias(call):
    return call.inputs[2] if len(call.inputs) == 3 and not call.attrs.get("no_bias") else None


@register("Convolution", dtypes=DTYPES)
def convolution(call):
    data, weight = call.inputs[:2]
    out = call.outputs[0]
    if call.req[0] != "null":
        gather(_geometry(call, data, out), data, weight, _bias(call), out)


@register("_backward_Convolution", dtypes=DTYPES)
def convolution_backward(call):
    ograd, data, weight = call.inputs
    geo = _geometry(call, data, ograd)
    if call.req[0] != "null":
        scatter(geo, ograd, weight, None, call.outputs[0])
    if call.req[1] != "null":
        weight_gradient(geo, ograd, data, call.outputs[1])
    if len(call.outputs) == 3 and call.req[2] != "null":
        bias_gradient(ograd, call.outputs[2])


@register("Deconvolution", dtypes=DTYPES)
def deconvolution(call):
    data, weight = call.inputs[:2]
    out = call.outputs[0]
    if call.req[0] != "null":
        scatter(_geometry(call, out, data, deconvolution=True), data, weight, _bias(call), out)


@register("_backward_Deconvolution", dtypes=DTYPES)
def deconvolution_backward(call):
    ograd, data, weight = call.inputs
    geo = _geometry(call, ograd, data, deconvolution=True)
    if call.req[0] != "null":
        gather(geo, ograd, weight, None, call.outputs[0])
    if call.req[1] != "null":
        weight_gradient(geo, data, ograd, call.outputs[1])
    if len(call.outputs) == 3 and call.req[2] != "null":
        bias_gradient(ograd, call.outputs[2])
