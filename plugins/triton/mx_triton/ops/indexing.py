"""take, Embedding, pick (and batch_take, a pick along the last axis),
fill_element_0index, one_hot and gather_nd, and the gradients of take, Embedding, pick and topk.
Index arrays may have any dtype (floats truncate toward zero, NaN reads as 0).  take and pick clip or wrap out-of-range
indices per `mode`; Embedding clips; gather_nd reads 0 for coordinates
outside the data (the CPU kernel raises: a device cannot).  take's
mode='raise' needs the indices on the host and is refused.

The gradients add ograd back where each element was taken: atomically for
take and Embedding (indices repeat; so float sums may round in another
order than the CPU's), by plain stores for pick and topk (one index per
destination)."""
import triton
import triton.language as tl

from ..copy_kernel import copy_unless_inplace
from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, cast_to, scalar_from_bits
from ..launch import launch
from ..registry import ALL, ATOMIC, NUMERIC, KernelError, register
from ..scalars import as_bits
from ..strides import INT32_LIMIT, normalize_axis, write_request
from .fill import fill

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


@triton.jit
def fill_element_kernel(value_ptr, idx_ptr, out_ptr, rows, cols, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """out[r, idx[r]] = value[r] where 0 <= idx[r] < cols (other rows unchanged)."""
    r, mask = block_indices(rows, BLOCK, IDX)
    col = load_index(idx_ptr, r, mask)
    inside = mask & (col >= 0) & (col < cols)
    tl.store(out_ptr + r * cols + col, tl.load(value_ptr + r, mask=inside), mask=inside)


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


def _pick(call, n, inner, mode):
    """out[p] = x[o, index[p], i] for x seen as (outer, n, inner), p = (o, i)."""
    x, index = call.inputs
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    _contiguous(x, index, out)
    launch(pick_kernel, (triton.cdiv(out.numel, BLOCK),), x, index, out, out.numel, n, inner, MODE=mode,
           IDX=_index_type(out.numel, x.numel), BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("pick", dtypes=ALL)
def pick(call):
    x = call.inputs[0]
    axis = call.attrs.get("axis", -1)
    if axis is None:
        n, inner = x.numel, 1
    else:
        axis = normalize_axis(axis, x.ndim)
        n = x.shape[axis]
        inner = 1
        for d in x.shape[axis + 1:]:
            inner *= d
    _pick(call, n, inner, WRAP if call.attrs.get("mode", "clip") == "wrap" else CLIP)


@register("batch_take", dtypes=ALL)
def batch_take(call):
    """pick along the last axis, indices clipped."""
    _pick(call, call.inputs[0].shape[-1], 1, CLIP)


@register("fill_element_0index", dtypes=ALL)
def fill_element_0index(call):
    lhs, values, index = call.inputs
    out = call.outputs[0]
    if not write_request(call):
        return
    _contiguous(lhs, values, index, out)
    copy_unless_inplace(call, lhs, out)
    if out.numel:
        launch(fill_element_kernel, (triton.cdiv(out.shape[0], BLOCK),), values, index, out, out.shape[0],
               out.shape[1], IDX=_index_type(out.numel), BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("one_hot", dtypes=ALL)
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


@triton.jit
def scatter_kernel(src_ptr, idx_ptr, dst_ptr, total, n, count, inner, idx_outer, idx_count, idx_inner,
                   MODE: tl.constexpr, ATOMIC: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """src seen as (outer, count, inner) added into dst (outer, n, inner):
    src[o, k, i] goes to dst[o, index, i], index read at
    o * idx_outer + k * idx_count + i * idx_inner."""
    p, mask = block_indices(total, BLOCK, IDX)
    i = p % inner
    k = (p // inner) % count
    o = p // (inner * count)
    row = resolve(load_index(idx_ptr, o * idx_outer + k * idx_count + i * idx_inner, mask), n, MODE)
    dst = dst_ptr + (o * n + row) * inner + i
    x = tl.load(src_ptr + p, mask=mask)
    if ATOMIC:
        tl.atomic_add(dst, x, mask=mask, sem="relaxed")
    else:
        tl.store(dst, x, mask=mask)


def _scatter(call, outer, n, inner, count, idx_strides, mode=CLIP, atomic=True):
    """grad = zeros (kept for req=add) plus ograd at the indices (input 2,
    or 1 for Embedding)."""
    ograd, grad = call.inputs[0], call.outputs[0]
    if not write_request(call, allow_add=atomic):
        return
    indices = call.inputs[-1]
    _contiguous(ograd, indices, grad)
    if call.req[0] != "add":
        fill(grad, 0)
    if ograd.numel == 0:
        return
    launch(scatter_kernel, (triton.cdiv(ograd.numel, BLOCK),), ograd, indices, grad, ograd.numel, n, count, inner,
           *idx_strides, MODE=mode, ATOMIC=atomic, IDX=_index_type(ograd.numel, grad.numel), BLOCK=BLOCK,
           num_warps=NUM_WARPS)


def _axis_sizes(t, axis):
    outer = inner = 1
    for d in t.shape[:axis]:
        outer *= d
    for d in t.shape[axis + 1:]:
        inner *= d
    return outer, t.shape[axis], inner


@register("_backward_take", dtypes=ATOMIC)
def take_backward(call):
    a, indices = call.inputs[1:]
    mode = call.attrs.get("mode", "clip")
    if mode == "raise":
        raise KernelError("mode='raise' is not supported on the GPU (use 'clip' or 'wrap')")
    outer, n, inner = _axis_sizes(a, normalize_axis(call.attrs.get("axis", 0), a.ndim))
    _scatter(call, outer, n, inner, indices.numel, (0, 1, 0), WRAP if mode == "wrap" else CLIP)


@register("_backward_Embedding", dtypes=ATOMIC)
def embedding_backward(call):
    data, grad = call.inputs[1], call.outputs[0]
    _scatter(call, 1, grad.shape[0], grad.shape[1], data.numel, (0, 1, 0))


@register("_backward_pick", dtypes=NUMERIC)
def pick_backward(call):
    data = call.inputs[1]
    axis = call.attrs.get("axis", -1)
    outer, n, inner = (1, data.numel, 1) if axis is None else _axis_sizes(data, normalize_axis(axis, data.ndim))
    mode = WRAP if call.attrs.get("mode", "clip") == "wrap" else CLIP
    _scatter(call, outer, n, inner, 1, (inner, 0, 1), mode, atomic=False)


@register("_backward_topk", dtypes=NUMERIC)
def topk_backward(call):
    """An index per ograd element, along the axis or into the flattened data."""
    ograd, data = call.inputs[:2]
    axis = call.attrs.get("axis", -1)
    if axis is None:
        _scatter(call, 1, data.numel, 1, ograd.numel, (0, 1, 0), atomic=False)
        return
    axis = normalize_axis(axis, data.ndim)
    outer, n, inner = _axis_sizes(data, axis)
    count = ograd.shape[axis]
    _scatter(call, outer, n, inner, count, (count * inner, inner, 1), atomic=False)
