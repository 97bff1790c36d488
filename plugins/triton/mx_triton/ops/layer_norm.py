"""LayerNorm and _backward_LayerNorm (plugins/cpu/layer_norm.cc).  The data
is (outer, len, inner) around the normalized axis: one slice of len
elements, inner apart, per (outer, inner) position.  A program owns BLOCK_I
slices of one outer index (contiguous along inner, as softmax's kernel) and
walks len in tiles; statistics accumulate in float64, as the CPU's.  The
gamma and beta gradients sum over the slices: a program per tile of len."""
import triton
import triton.language as tl

from ..jit_helpers import compute_type, scalar_from_bits
from ..launch import launch
from ..registry import KernelError, register
from ..scalars import as_bits
from ..strides import normalize_axis

DTYPES = ("float32", "float64", "float16")
TILE = 4096  # elements a program holds per step


@triton.jit(do_not_specialize=["eps_bits"])
def layer_norm_kernel(x_ptr, gamma_ptr, beta_ptr, y_ptr, mean_ptr, std_ptr, L, n_inner, eps_bits,
                      BLOCK_L: tl.constexpr, BLOCK_I: tl.constexpr):
    o = tl.program_id(1).to(tl.int64)
    inner = tl.program_id(0) * BLOCK_I + tl.arange(0, BLOCK_I)
    inner_mask = inner < n_inner
    base = o * L * n_inner + inner
    C: tl.constexpr = compute_type(y_ptr.dtype.element_ty)
    total = tl.zeros((BLOCK_I,), tl.float64)
    for start in range(0, L, BLOCK_L):
        ls = start + tl.arange(0, BLOCK_L)
        mask = (ls < L)[:, None] & inner_mask[None, :]
        total += tl.sum(tl.load(x_ptr + base[None, :] + ls[:, None].to(tl.int64) * n_inner, mask=mask,
                                other=0).to(tl.float64), 0)
    mean = total / L
    squares = tl.zeros((BLOCK_I,), tl.float64)
    for start in range(0, L, BLOCK_L):
        ls = start + tl.arange(0, BLOCK_L)
        mask = (ls < L)[:, None] & inner_mask[None, :]
        x = tl.load(x_ptr + base[None, :] + ls[:, None].to(tl.int64) * n_inner, mask=mask, other=0).to(tl.float64)
        d = tl.where(mask, x - mean[None, :], 0.0)
        squares += tl.sum(d * d, 0)
    std = tl.sqrt(squares / L + scalar_from_bits(eps_bits, tl.float64, tl.float64))
    m = mean.to(C)
    inv = (1 / std).to(C)
    for start in range(0, L, BLOCK_L):
        ls = start + tl.arange(0, BLOCK_L)
        mask = (ls < L)[:, None] & inner_mask[None, :]
        offs = base[None, :] + ls[:, None].to(tl.int64) * n_inner
        x = tl.load(x_ptr + offs, mask=mask, other=0).to(C)
        g = tl.load(gamma_ptr + ls, mask=ls < L, other=0).to(C)
        b = tl.load(beta_ptr + ls, mask=ls < L, other=0).to(C)
        y = (x - m[None, :]) * inv[None, :] * g[:, None] + b[:, None]
        tl.store(y_ptr + offs, y.to(y_ptr.dtype.element_ty), mask=mask)
    stats = o * n_inner + inner
    tl.store(mean_ptr + stats, mean.to(mean_ptr.dtype.element_ty), mask=inner_mask)
    tl.store(std_ptr + stats, std.to(std_ptr.dtype.element_ty), mask=inner_mask)


@triton.jit
def layer_norm_data_grad_kernel(dy_ptr, x_ptr, gamma_ptr, mean_ptr, std_ptr, dx_ptr, L, n_inner,
                                BLOCK_L: tl.constexpr, BLOCK_I: tl.constexpr):
    """dx = (g - mean(g) - xhat * mean(g * xhat)) / std per slice, g = dy * gamma."""
    o = tl.program_id(1).to(tl.int64)
    inner = tl.program_id(0) * BLOCK_I + tl.arange(0, BLOCK_I)
    inner_mask = inner < n_inner
    base = o * L * n_inner + inner
    stats = o * n_inner + inner
    m = tl.load(mean_ptr + stats, mask=inner_mask, other=0).to(tl.float64)
    inv = 1 / tl.load(std_ptr + stats, mask=inner_mask, other=1).to(tl.float64)
    sum_g = tl.zeros((BLOCK_I,), tl.float64)
    sum_gx = tl.zeros((BLOCK_I,), tl.float64)
    for start in range(0, L, BLOCK_L):
        ls = start + tl.arange(0, BLOCK_L)
        mask = (ls < L)[:, None] & inner_mask[None, :]
        offs = base[None, :] + ls[:, None].to(tl.int64) * n_inner
        g = tl.load(dy_ptr + offs, mask=mask, other=0).to(tl.float64) * \
            tl.load(gamma_ptr + ls, mask=ls < L, other=0).to(tl.float64)[:, None]
        xhat = (tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64) - m[None, :]) * inv[None, :]
        sum_g += tl.sum(g, 0)
        sum_gx += tl.sum(g * xhat, 0)
    mean_g = sum_g / L
    mean_gx = sum_gx / L
    for start in range(0, L, BLOCK_L):
        ls = start + tl.arange(0, BLOCK_L)
        mask = (ls < L)[:, None] & inner_mask[None, :]
        offs = base[None, :] + ls[:, None].to(tl.int64) * n_inner
        g = tl.load(dy_ptr + offs, mask=mask, other=0).to(tl.float64) * \
            tl.load(gamma_ptr + ls, mask=ls < L, other=0).to(tl.float64)[:, None]
        xhat = (tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64) - m[None, :]) * inv[None, :]
        dx = (g - mean_g[None, :] - xhat * mean_gx[None, :]) * inv[None, :]
        tl.store(dx_ptr + offs, dx.to(dx_ptr.dtype.element_ty), mask=mask)


@triton.jit
def layer_norm_param_grad_kernel(dy_ptr, x_ptr, mean_ptr, std_ptr, dgamma_ptr, dbeta_ptr, L, n_inner, slices,
                                 WRITE_GAMMA: tl.constexpr, WRITE_BETA: tl.constexpr, BLOCK_J: tl.constexpr,
                                 BLOCK_S: tl.constexpr):
    """dgamma[j] = sum over slices of dy * xhat, dbeta[j] = sum of dy."""
    js = tl.program_id(0) * BLOCK_J + tl.arange(0, BLOCK_J)
    j_mask = js < L
    sum_gamma = tl.zeros((BLOCK_J, BLOCK_S), tl.float64)
    sum_beta = tl.zeros((BLOCK_J, BLOCK_S), tl.float64)
    for start in range(0, slices, BLOCK_S):
        s = start + tl.arange(0, BLOCK_S).to(tl.int64)
        s_mask = s < slices
        m = tl.load(mean_ptr + s, mask=s_mask, other=0).to(tl.float64)
        inv = 1 / tl.load(std_ptr + s, mask=s_mask, other=1).to(tl.float64)
        offs = ((s // n_inner) * L * n_inner + s % n_inner)[None, :] + js[:, None].to(tl.int64) * n_inner
        mask = j_mask[:, None] & s_mask[None, :]
        g = tl.load(dy_ptr + offs, mask=mask, other=0).to(tl.float64)
        x = tl.load(x_ptr + offs, mask=mask, other=0).to(tl.float64)
        sum_gamma += g * (x - m[None, :]) * inv[None, :]
        sum_beta += g
    if WRITE_GAMMA:
        tl.store(dgamma_ptr + js, tl.sum(sum_gamma, 1).to(dgamma_ptr.dtype.element_ty), mask=j_mask)
    if WRITE_BETA:
        tl.store(dbeta_ptr + js, tl.sum(sum_beta, 1).to(dbeta_ptr.dtype.element_ty), mask=j_mask)


def _layout(call, data):
    """(outer, len, inner) around the normalized axis."""
    for t in list(call.inputs) + list(call.outputs):
        if not t.is_contiguous():
            raise KernelError("LayerNorm needs contiguous arrays")
    if any(r == "add" for r in call.req):
        raise KernelError("req=add is not supported")
    axis = normalize_axis(call.attrs.get("axis", -1), data.ndim)
    outer = inner = 1
    for d in data.shape[:axis]:
        outer *= d
    for d in data.shape[axis + 1:]:
        inner *= d
    return outer, data.shape[axis], inner


def _tiles(L, inner):
    block_i = min(triton.next_power_of_2(inner), 64)
    return min(triton.next_power_of_2(L), max(TILE // block_i, 1)), block_i


@register("LayerNorm", dtypes=DTYPES)
def layer_norm(call):
    data, gamma, beta = call.inputs
    outer, L, inner = _layout(call, data)
    if data.numel == 0:
        return
    block_l, block_i = _tiles(L, inner)
    launch(layer_norm_kernel, (triton.cdiv(inner, block_i), outer), data, gamma, beta, *call.outputs, L, inner,
           as_bits(call.attrs.get("eps", 1e-5), "float64"), BLOCK_L=block_l, BLOCK_I=block_i, num_warps=4)


@register("_backward_LayerNorm", dtypes=DTYPES)
def layer_norm_backward(call):
    dy, data, gamma, mean, std = call.inputs
    dx, dgamma, dbeta = call.outputs
    outer, L, inner = _layout(call, data)
    if data.numel == 0:
        return
    if call.req[0] != "null":
        block_l, block_i = _tiles(L, inner)
        launch(layer_norm_data_grad_kernel, (triton.cdiv(inner, block_i), outer), dy, data, gamma, mean, std, dx, L,
               inner, BLOCK_L=block_l, BLOCK_I=block_i, num_warps=4)
    if call.req[1] != "null" or call.req[2] != "null":
        block_j = min(triton.next_power_of_2(L), 32)
        launch(layer_norm_param_grad_kernel, (triton.cdiv(L, block_j),), dy, data, mean, std, dgamma, dbeta, L,
               inner, outer * inner, WRITE_GAMMA=call.req[1] != "null", WRITE_BETA=call.req[2] != "null",
               BLOCK_J=block_j, BLOCK_S=64, num_warps=4)
