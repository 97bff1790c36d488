"""GridGenerator, BilinearSampler, SpatialTransformer and the gradients of
the first two (plugins/cpu/spatial_transformer.cc).

Grids are (N, 2, H, W) in the data's dtype, normalised source coordinates
(x then y).  The sampler reads four taps per point, zero outside the image;
its data gradient adds into the taps atomically, its grid gradient loops
over the channels per point.  SpatialTransformer builds its grid in the
workspace with GridGenerator's kernel and samples it, so it equals the two
ops in sequence.  float16 computes in float32.
"""
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from .. import workspace
from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, compute_type, div_rn, scalar_from_bits
from ..launch import launch
from ..registry import register
from ..scalars import as_bits
from ..strides import INT32_LIMIT, write_request
from .fill import fill

DTYPES = ("float32", "float64", "float16")


@triton.jit
def _target(i, step_bits, C: tl.constexpr):
    """The normalised target coordinate -1 + i * step of pixel i."""
    return -1.0 + i.to(C) * scalar_from_bits(step_bits, tl.float64, C)


@triton.jit(do_not_specialize=["step_x_bits", "step_y_bits"])
def affine_grid_kernel(theta_ptr, grid_ptr, n, H, W, step_x_bits, step_y_bits, IDX: tl.constexpr,
                       BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    w = idx % W
    h = (idx // W) % H
    b = idx // (W * H)
    C: tl.constexpr = compute_type(grid_ptr.dtype.element_ty)
    x = _target(w, step_x_bits, C)
    y = _target(h, step_y_bits, C)
    t = theta_ptr + b * 6
    gx = tl.load(t, mask=mask).to(C) * x + tl.load(t + 1, mask=mask).to(C) * y + tl.load(t + 2, mask=mask).to(C)
    gy = tl.load(t + 3, mask=mask).to(C) * x + tl.load(t + 4, mask=mask).to(C) * y + tl.load(t + 5, mask=mask).to(C)
    out = grid_ptr + b * 2 * H * W + h * W + w
    tl.store(out, gx.to(grid_ptr.dtype.element_ty), mask=mask)
    tl.store(out + H * W, gy.to(grid_ptr.dtype.element_ty), mask=mask)


@triton.jit(do_not_specialize=["step_x_bits", "step_y_bits"])
def affine_grid_backward_kernel(g_ptr, dtheta_ptr, H, W, step_x_bits, step_y_bits, BLOCK: tl.constexpr):
    """Program r = (n, axis): dtheta[n, 3 axis + j] = out_grad[n, axis] against
    (x, y, 1), summed in float64 as the CPU does."""
    r = tl.program_id(0).to(tl.int64)
    C: tl.constexpr = compute_type(dtheta_ptr.dtype.element_ty)
    sx = tl.zeros((BLOCK,), tl.float64)
    sy = tl.zeros((BLOCK,), tl.float64)
    s1 = tl.zeros((BLOCK,), tl.float64)
    for start in range(0, H * W, BLOCK):
        i = start + tl.arange(0, BLOCK)
        mask = i < H * W
        g = tl.load(g_ptr + r * H * W + i, mask=mask, other=0).to(tl.float64)
        sx += g * _target(i % W, step_x_bits, C).to(tl.float64)
        sy += g * _target(i // W, step_y_bits, C).to(tl.float64)
        s1 += g
    T: tl.constexpr = dtheta_ptr.dtype.element_ty
    tl.store(dtheta_ptr + r * 3, tl.sum(sx, 0).to(T))
    tl.store(dtheta_ptr + r * 3 + 1, tl.sum(sy, 0).to(T))
    tl.store(dtheta_ptr + r * 3 + 2, tl.sum(s1, 0).to(T))


@triton.jit
def warp_grid_kernel(src_ptr, dst_ptr, n, H, W, BACKWARD: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """grid = (flow + pixel) / ((size - 1) / 2) - 1 per axis; BACKWARD: the
    gradient, out_grad / ((size - 1) / 2)."""
    idx, mask = block_indices(n, BLOCK, IDX)
    w = idx % W
    h = (idx // W) % H
    axis = (idx // (W * H)) % 2
    C: tl.constexpr = compute_type(dst_ptr.dtype.element_ty)
    scale = tl.where(axis == 0, W - 1, H - 1).to(C) * 0.5
    v = tl.load(src_ptr + idx, mask=mask, other=0).to(C)
    if BACKWARD:
        out = div_rn(v, scale)
    else:
        out = div_rn(v + tl.where(axis == 0, w, h).to(C), scale) - 1.0
    tl.store(dst_ptr + idx, out.to(dst_ptr.dtype.element_ty), mask=mask)


@triton.jit
def _taps(grid_ptr, b, s, S, H, W, mask, C: tl.constexpr):
    """Point s of image b: its top-left tap (x0, y0) -- (-2, -2) when no tap
    can be inside, NaN included -- and the weights of column x0 and row y0."""
    g = grid_ptr + b * 2 * S + s
    x = (tl.load(g, mask=mask, other=0).to(C) + 1.0) * (W - 1) * 0.5
    y = (tl.load(g + S, mask=mask, other=0).to(C) + 1.0) * (H - 1) * 0.5
    fx = libdevice.floor(x)
    fy = libdevice.floor(y)
    x0 = tl.where((fx >= -1.0) & (fx <= W - 1), fx, -2.0).to(tl.int32)
    y0 = tl.where((fy >= -1.0) & (fy <= H - 1), fy, -2.0).to(tl.int32)
    return x0, y0, 1.0 - (x - fx), 1.0 - (y - fy)


@triton.jit
def _inside(x, y, H, W):
    return (x >= 0) & (x < W) & (y >= 0) & (y < H)


@triton.jit
def _tap_values(plane_ptr, x0, y0, H, W, mask, C: tl.constexpr):
    p = plane_ptr + y0 * W + x0
    v0 = tl.load(p, mask=mask & _inside(x0, y0, H, W), other=0).to(C)
    v1 = tl.load(p + 1, mask=mask & _inside(x0 + 1, y0, H, W), other=0).to(C)
    v2 = tl.load(p + W, mask=mask & _inside(x0, y0 + 1, H, W), other=0).to(C)
    v3 = tl.load(p + W + 1, mask=mask & _inside(x0 + 1, y0 + 1, H, W), other=0).to(C)
    return v0, v1, v2, v3


@triton.jit
def sample_kernel(data_ptr, grid_ptr, out_ptr, n, CH, H, W, S, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """out (N, CH, S) at the grid's points of data (N, CH, H, W)."""
    idx, mask = block_indices(n, BLOCK, IDX)
    s = idx % S
    plane = idx // S
    b = plane // CH
    C: tl.constexpr = compute_type(out_ptr.dtype.element_ty)
    x0, y0, wx, wy = _taps(grid_ptr, b, s, S, H, W, mask, C)
    v0, v1, v2, v3 = _tap_values(data_ptr + plane * H * W, x0, y0, H, W, mask, C)
    out = v0 * (wy * wx) + v1 * (wy * (1.0 - wx)) + v2 * ((1.0 - wy) * wx) + v3 * ((1.0 - wy) * (1.0 - wx))
    tl.store(out_ptr + idx, out.to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit
def sample_data_grad_kernel(g_ptr, grid_ptr, dx_ptr, n, CH, H, W, S, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    s = idx % S
    plane = idx // S
    b = plane // CH
    T: tl.constexpr = dx_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    x0, y0, wx, wy = _taps(grid_ptr, b, s, S, H, W, mask, C)
    g = tl.load(g_ptr + idx, mask=mask, other=0).to(C)
    p = dx_ptr + plane * H * W + y0 * W + x0
    tl.atomic_add(p, (g * (wy * wx)).to(T), mask=mask & _inside(x0, y0, H, W), sem="relaxed")
    tl.atomic_add(p + 1, (g * (wy * (1.0 - wx))).to(T), mask=mask & _inside(x0 + 1, y0, H, W), sem="relaxed")
    tl.atomic_add(p + W, (g * ((1.0 - wy) * wx)).to(T), mask=mask & _inside(x0, y0 + 1, H, W), sem="relaxed")
    tl.atomic_add(p + W + 1, (g * ((1.0 - wy) * (1.0 - wx))).to(T), mask=mask & _inside(x0 + 1, y0 + 1, H, W),
                  sem="relaxed")


@triton.jit
def sample_grid_grad_kernel(g_ptr, data_ptr, grid_ptr, dgrid_ptr, n, CH, H, W, S, IDX: tl.constexpr,
                            BLOCK: tl.constexpr):
    """Lane (b, s): d out / d (x, y) summed over the channels, scaled by the
    normalisation's (W - 1) / 2 and (H - 1) / 2."""
    idx, mask = block_indices(n, BLOCK, IDX)
    s = idx % S
    b = idx // S
    C: tl.constexpr = compute_type(dgrid_ptr.dtype.element_ty)
    x0, y0, wx, wy = _taps(grid_ptr, b, s, S, H, W, mask, C)
    dx = tl.zeros((BLOCK,), C)
    dy = tl.zeros((BLOCK,), C)
    for c in range(0, CH):
        plane = b * CH + c
        v0, v1, v2, v3 = _tap_values(data_ptr + plane * H * W, x0, y0, H, W, mask, C)
        g = tl.load(g_ptr + plane * S + s, mask=mask, other=0).to(C)
        cross = v0 - v1 - v2 + v3
        dy -= g * (v1 - v3 + cross * wx)
        dx -= g * (v2 - v3 + cross * wy)
    out = dgrid_ptr + b * 2 * S + s
    T: tl.constexpr = dgrid_ptr.dtype.element_ty
    tl.store(out, (dx * (W - 1) * 0.5).to(T), mask=mask)
    tl.store(out + S, (dy * (H - 1) * 0.5).to(T), mask=mask)


def _index_type(*tensors):
    return tl.int64 if max(t.numel for t in tensors) >= INT32_LIMIT else tl.int32


def _steps(H, W):
    """The target coordinates' steps 2 / (size - 1) as float64 bits (inf for a
    size of 1, as MXNet divides)."""
    step = lambda size: 2.0 / (size - 1) if size > 1 else float("inf")  # noqa: E731
    return as_bits(step(W), "float64"), as_bits(step(H), "float64")


def affine_grid(theta, grid):
    n, H, W = grid.shape[0] * grid.shape[2] * grid.shape[3], grid.shape[2], grid.shape[3]
    if n:
        launch(affine_grid_kernel, (triton.cdiv(n, BLOCK),), theta, grid, n, H, W, *_steps(H, W),
               IDX=_index_type(grid), BLOCK=BLOCK, num_warps=NUM_WARPS)


def sample(data, grid, out):
    n, S = out.numel, grid.shape[2] * grid.shape[3]
    if n:
        launch(sample_kernel, (triton.cdiv(n, BLOCK),), data, grid, out, n, data.shape[1], data.shape[2],
               data.shape[3], S, IDX=_index_type(data, out), BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("GridGenerator", dtypes=DTYPES)
def grid_generator(call):
    data, grid = call.inputs[0], call.outputs[0]
    if not write_request(call) or grid.numel == 0:
        return
    if call.attrs["transform_type"] == "affine":
        affine_grid(data, grid)
    else:
        launch(warp_grid_kernel, (triton.cdiv(grid.numel, BLOCK),), data, grid, grid.numel, grid.shape[2],
               grid.shape[3], BACKWARD=False, IDX=_index_type(grid), BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("_backward_GridGenerator", dtypes=DTYPES)
def grid_generator_backward(call):
    grad, ddata = call.inputs[0], call.outputs[0]
    if not write_request(call) or ddata.numel == 0:
        return
    H, W = grad.shape[2], grad.shape[3]
    if call.attrs["transform_type"] == "affine":
        launch(affine_grid_backward_kernel, (grad.shape[0] * 2,), grad, ddata, H, W, *_steps(H, W), BLOCK=1024,
               num_warps=4)
    else:
        launch(warp_grid_kernel, (triton.cdiv(grad.numel, BLOCK),), grad, ddata, grad.numel, H, W, BACKWARD=True,
               IDX=_index_type(grad), BLOCK=BLOCK, num_warps=NUM_WARPS)


@register("BilinearSampler", dtypes=DTYPES)
def bilinear_sampler(call):
    if write_request(call):
        sample(call.inputs[0], call.inputs[1], call.outputs[0])


@register("_backward_BilinearSampler", dtypes=DTYPES)
def bilinear_sampler_backward(call):
    grad, data, grid = call.inputs
    ddata, dgrid = call.outputs
    CH, H, W, S = data.shape[1], data.shape[2], data.shape[3], grid.shape[2] * grid.shape[3]
    idx = _index_type(grad, data)
    if write_request(call, 0) and ddata.numel:
        fill(ddata, 0)
        if grad.numel:
            launch(sample_data_grad_kernel, (triton.cdiv(grad.numel, BLOCK),), grad, grid, ddata, grad.numel, CH, H,
                   W, S, IDX=idx, BLOCK=BLOCK, num_warps=NUM_WARPS)
    if write_request(call, 1) and dgrid.numel:
        n = grid.shape[0] * S
        launch(sample_grid_grad_kernel, (triton.cdiv(n, BLOCK),), grad, data, grid, dgrid, n, CH, H, W, S, IDX=idx,
               BLOCK=BLOCK, num_warps=NUM_WARPS)


def _grid_piece(call):
    out = call.outputs[0]
    return [((out.shape[0], 2) + out.shape[2:], out.dtype)]


@register("SpatialTransformer", dtypes=DTYPES, workspace=lambda call: workspace.size(_grid_piece(call)))
def spatial_transformer(call):
    data, loc = call.inputs
    if not write_request(call) or call.outputs[0].numel == 0:
        return
    grid = workspace.carve(call, _grid_piece(call))[0]
    affine_grid(loc, grid)
    sample(data, grid, call.outputs[0])
