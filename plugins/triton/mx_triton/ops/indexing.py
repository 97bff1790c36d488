"""take, Embedding, pick, one_hot and gather_nd.  Index arrays may have any
dtype (floats truncate toward zero, NaN reads as 0).  take and pick clip or
wrap out-of-range indices per `mode`; Embedding clips; gather_nd reads 0
for coordinates outside the data (the CPU kernel raises: a device cannot).
take's mode='raise' needs the indices on the host and is refused."""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, cast_to, scalar_from_bits
from ..launch import launch
from ..registry import ALL, NUMERIC, KernelError, register
from ..scalars import as_bits
from ..strides import INT32_LIMIT, normalize_axis, write_request

CLIP, WRAP = 0, 1


@triton.jit
def load_index(ptr, offs, mask):
    """Index values as int64, floats truncated and NaN read as 0."""
    v = tl.load(ptr + offs, mask=mask, other=0)
    if v.dtype.is_floating():
        return cast_to(v, tl.int64)
    return v.to(tl.int64)


@triton.jit
def resolve(j, n, MODE: tl.constexpr):
    if MODE == 0:
        return tl.minimum(tl.maximum(j, 0), n - 1)
    return ((j % n) + n) % n


@triton.jit
def take_kernel(a_ptr, idx_ptr, out_ptr, total, n, count, inner, MODE: tl.constexpr, IDX: tl.constexpr,
                BLOCK: tl.constexpr):
    """out (outer, count, inner) = a (outer, n, inner) at the indices."""
    p, mask = block_indices(total, BLOCK, IDX)
    i = p % inner
    j = (p // inner) % count
    o = p // (inner * count)
    row = resolve(load_index(idx_ptr, j, mask), n, MODE)
    tl.store(out_ptr + p, tl.load(a_ptr + (o * n + row) * inner + i, mask=mask), mask=mask)


@triton.jit
def pick_kernel(x_ptr, idx_ptr, out_ptr, total, n, inner, MODE: tl.constexpr, IDX: tl.constexpr,
                BLOCK: tl.constexpr):
    """out (outer, inner) = x (outer, n, inner) at one index per output."""
    p, mask = block_indices(total, BLOCK, IDX)
    i = p % inner
    o = p // inner
    row = resolve(load_index(idx_ptr, p, mask), n, MODE)
    tl.store(out_ptr + p, tl.load(x_ptr + (o * n + row) * inner + i, mask=mask), mask=mask)


@triton.jit(do_not_specialize=["on_bits", "off_bits"])
def one_hot_kernel(idx_ptr, out_ptr, total, depth, on_bits, off_bits, IDX: tl.constexpr, BLOCK: tl.constexpr):
    p, mask = block_indices(total, BLOCK, IDX)
    T: tl.constexpr = out_ptr.dtype.element_ty
    hot = load_index(idx_ptr, p // depth, mask) == p % depth
    on = cast_to(scalar_from_bits(on_bits, tl.float64, tl.float64), T)
    off = cast_to(scalar_from_bits(off_bits, tl.float64, tl.float64), T)
    tl.store(out_ptr + p, tl.where(hot, on, off), mask=mask)


@triton.jit
def gather_nd_kernel(x_ptr, idx_ptr, out_ptr, total, num_y, num_z, x_shape, x_strides, IDX: tl.constexpr,
                     BLOCK: tl.constexpr):
    """out (Y, Z) = x[idx[0, y], ..., idx[M-1, y], z]; M = len(x_shape)."""
    p, mask = block_indices(total, BLOCK, IDX)
    y = p // num_z
    off = p % num_z
    inside = mask
    for m in tl.static_range(len(x_shape)):
        c = load_index(idx_ptr, m * num_y + y, mask)
        c = tl.where(c < 0, c + x_shape[m], c)
        inside = inside & (c >= 0) & (c < x_shape[m])
        off += c * x_strides[m]
    tl.store(out_ptr + p, tl.load(x_ptr + off, mask=inside, other=0), mask=mask)


def _index_type(*sizes):
    return tl.int64 if max(sizes) >= INT32_LIMIT else tl.int32


def _contiguous(*views):
    if not all(v.is_contiguous() for v in views):
        raise KernelError("indexing needs contiguous arrays")


def _take(call, a, indices, axis, mode):
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    _contiguous(a, indices, out)
    n = a.shape[axis]
    inner = 1
    for d in a.shape[axis + 1:]:
        inner *= d
    launch(take_kernel, (triton.cdiv(out.numel, BLOCK),), a, indices, out, out.numel, n, indices.numel, inner,
           MODE=mode, IDX=_index_type(out.numel, a.numel), BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("take", dtypes=ALL)
def take(call):
    a, indices = call.inputs
    mode = call.attrs.get("mode", "clip")
    if mode == "raise":
        raise KernelError("mode='raise' is not supported on the GPU (use 'clip' or 'wrap')")
    _take(call, a, indices, normalize_axis(call.attrs.get("axis", 0), a.ndim), WRAP if mode == "wrap" else CLIP)


@register("Embedding", "_npx_embedding", dtypes=ALL)
def embedding(call):
    data, weight = call.inputs
    _take(call, weight, data, 0, CLIP)


@register("pick", dtypes=ALL)
def pick(call):
    x, index = call.inputs
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    _contiguous(x, index, out)
    axis = call.attrs.get("axis", -1)
    if axis is None:
        n, inner = x.numel, 1
    else:
        axis = normalize_axis(axis, x.ndim)
        n = x.shape[axis]
        inner = 1
        for d in x.shape[axis + 1:]:
            inner *= d
    mode = WRAP if call.attrs.get("mode", "clip") == "wrap" else CLIP
    launch(pick_kernel, (triton.cdiv(out.numel, BLOCK),), x, index, out, out.numel, n, inner, MODE=mode,
           IDX=_index_type(out.numel, x.numel), BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("one_hot", dtypes=NUMERIC)
def one_hot(call):
    indices, out = call.inputs[0], call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    _contiguous(indices, out)
    launch(one_hot_kernel, (triton.cdiv(out.numel, BLOCK),), indices, out, out.numel, call.attrs["depth"],
           as_bits(call.attrs.get("on_value", 1.0), "float64"), as_bits(call.attrs.get("off_value", 0.0), "float64"),
           IDX=_index_type(out.numel), BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("gather_nd", dtypes=ALL)
def gather_nd(call):
    x, indices = call.inputs
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    _contiguous(x, indices, out)
    m = indices.shape[0]
    num_y = indices.numel // m
    launch(gather_nd_kernel, (triton.cdiv(out.numel, BLOCK),), x, indices, out, out.numel, num_y,
           out.numel // num_y, x.shape[:m], x.strides[:m], IDX=_index_type(out.numel, x.numel), BLOCK=BLOCK,
           num_warps=NUM_WARPS)
