"""im2col, col2im and _backward_im2col (plugins/cpu/im2col.cc) for images
(N, C, *spatial) and column matrices (N, C * K, S), K the kernel's size and
S the block positions, with convolution.py's window arithmetic (1-D and 2-D
problems as 3-D ones with leading axes of size 1):

    im2col  col[n, c K + k, s] = image[n, c, at(s, k)]   (0 in the padding)
    col2im  image[n, c, x] = sum over k of col[n, c K + k, s] where at(s, k) = x

Both run one program per block of output elements; col2im gathers the
entries of each pixel (no atomics), summing in float32 (float64 for
float64).
"""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, compute_type
from ..launch import launch
from ..registry import KernelError, register
from ..strides import INT32_LIMIT, write_request
from .convolution import _image_offset, _widened, _window_position

DTYPES = ("float32", "float64", "float16")


def _window(call, image):
    """(image, blocks, kernel, stride, dilate, pad) spatial triples for an
    image (N, C, *spatial) under the call's parameters."""
    ndim = image.ndim - 2
    img = (1,) * (3 - ndim) + tuple(image.shape[2:])
    kernel = _widened(call.attrs["kernel"], ndim, 1)
    stride = _widened(call.attrs.get("stride"), ndim, 1)
    dilate = _widened(call.attrs.get("dilate"), ndim, 1)
    pad = _widened(call.attrs.get("pad"), ndim, 0)
    blocks = tuple((i + 2 * p - d * (k - 1) - 1) // s + 1 for i, k, s, d, p in zip(img, kernel, stride, dilate, pad))
    return img, blocks, kernel, stride, dilate, pad


def _checked(call):
    if not write_request(call):
        return False
    if not all(t.is_contiguous() for t in list(call.inputs) + list(call.outputs)):
        raise KernelError("im2col and col2im need contiguous arrays")
    return call.outputs[0].numel > 0


@triton.jit
def im2col_kernel(img_ptr, col_ptr, n, IMG, WIN, KSZ, STRIDE, DILATE, PAD, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """col[q] for the flat indices q = ((n C + c) K + k) S + s."""
    q, mask = block_indices(n, BLOCK, IDX)
    S = WIN[0] * WIN[1] * WIN[2]
    K = KSZ[0] * KSZ[1] * KSZ[2]
    plane = q // (K * S)  # n C + c
    off, inside = _image_offset(q % S, (q // S) % K, IMG, WIN, KSZ, STRIDE, DILATE, PAD)
    x = tl.load(img_ptr + plane * (IMG[0] * IMG[1] * IMG[2]) + off, mask=mask & inside, other=0.0)
    tl.store(col_ptr + q, x, mask=mask)


@triton.jit
def col2im_kernel(col_ptr, img_ptr, n, IMG, WIN, KSZ, STRIDE, DILATE, PAD, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """image[q] for the flat indices q = (n C + c) X + x."""
    q, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = img_ptr.dtype.element_ty
    S = WIN[0] * WIN[1] * WIN[2]
    K = KSZ[0] * KSZ[1] * KSZ[2]
    X = IMG[0] * IMG[1] * IMG[2]
    columns = col_ptr + (q // X) * (K * S)
    acc = tl.zeros((BLOCK,), compute_type(T))
    for k in range(K):
        s, hit = _window_position(q % X, k, IMG, WIN, KSZ, STRIDE, DILATE, PAD)
        acc += tl.load(columns + k * S + s, mask=mask & hit, other=0.0).to(acc.dtype)
    tl.store(img_ptr + q, acc.to(T), mask=mask)


def _index_type(*views):
    return tl.int64 if max(v.numel for v in views) >= INT32_LIMIT else tl.int32


@register("im2col", dtypes=DTYPES)
def im2col(call):
    image, col = call.inputs[0], call.outputs[0]
    if _checked(call):
        launch(im2col_kernel, (triton.cdiv(col.numel, BLOCK),), image, col, col.numel, *_window(call, image),
               IDX=_index_type(image, col), BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("col2im", dtypes=DTYPES)
def col2im(call):
    """Also _backward_im2col: (ograd, data) -> data's gradient."""
    col, image = call.inputs[0], call.outputs[0]
    if _checked(call):
        launch(col2im_kernel, (triton.cdiv(image.numel, BLOCK),), col, image, image.numel, *_window(call, image),
               IDX=_index_type(image, col), BLOCK=BLOCK, num_warps=NUM_WARPS)


register("_backward_im2col", dtypes=DTYPES)(col2im)
