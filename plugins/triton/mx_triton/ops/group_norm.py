"""GroupNorm, InstanceNorm and their gradients (plugins/cpu/group_norm.cc).
Data of shape (N, C, ...) is N * G contiguous slices of L elements, slice s
in group s % G, with gamma and beta of shape (G,) and one statistic pair per
slice; GroupNorm keeps std = sqrt(var + eps), InstanceNorm var.  A program
owns one slice and walks it in tiles; statistics accumulate in float64, as
the CPU's.  The gradient's program also leaves its slice's sums of dy and
dy * xhat in the workspace, which a second kernel adds up per group into
the gamma and beta gradients."""
import triton
import triton.language as tl

from ..jit_helpers import compute_type, scalar_from_bits
from ..launch import launch
from ..registry import KernelError, register
from ..scalars import as_bits
from ..workspace import carve, size

DTYPES = ("float32", "float64", "float16")
TILE = 4096  # elements a program holds per step


@triton.jit
def _inv_std(stat, eps, STAT_IS_VAR: tl.constexpr):
    if STAT_IS_VAR:
        return 1 / tl.sqrt(stat + eps)
    return 1 / stat


@triton.jit(do_not_specialize=["eps_bits"])
def group_norm_kernel(x_ptr, gamma_ptr, beta_ptr, y_ptr, mean_ptr, stat_ptr, L, groups, eps_bits,
                      STAT_IS_VAR: tl.constexpr, BLOCK: tl.constexpr):
    s = tl.program_id(0).to(tl.int64)
    base = s * L
    C: tl.constexpr = compute_type(y_ptr.dtype.element_ty)
    total = tl.zeros((BLOCK,), tl.float64)
    for start in range(0, L, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        total += tl.load(x_ptr + base + offs, mask=offs < L, other=0).to(tl.float64)
    mean = tl.sum(total, 0) / L
    squares = tl.zeros((BLOCK,), tl.float64)
    for start in range(0, L, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        x = tl.load(x_ptr + base + offs, mask=offs < L, other=0).to(tl.float64)
        d = tl.where(offs < L, x - mean, 0.0)
        squares += d * d
    var = tl.sum(squares, 0) / L
    std = tl.sqrt(var + scalar_from_bits(eps_bits, tl.float64, tl.float64))
    g = s % groups
    scale = (tl.load(gamma_ptr + g).to(tl.float64) / std).to(C)
    shift = tl.load(beta_ptr + g).to(C)
    m = mean.to(C)
    for start in range(0, L, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        x = tl.load(x_ptr + base + offs, mask=offs < L, other=0).to(C)
        tl.store(y_ptr + base + offs, ((x - m) * scale + shift).to(y_ptr.dtype.element_ty), mask=offs < L)
    tl.store(mean_ptr + s, mean.to(mean_ptr.dtype.element_ty))
    if STAT_IS_VAR:
        tl.store(stat_ptr + s, var.to(stat_ptr.dtype.element_ty))
    else:
        tl.store(stat_ptr + s, std.to(stat_ptr.dtype.element_ty))


@triton.jit(do_not_specialize=["eps_bits"])
def group_norm_data_grad_kernel(dy_ptr, x_ptr, gamma_ptr, mean_ptr, stat_ptr, dx_ptr, sums_ptr, L, groups, eps_bits,
                                STAT_IS_VAR: tl.constexpr, WRITE_DX: tl.constexpr, BLOCK: tl.constexpr):
    """dx = gamma / std * (dy - mean(dy) - xhat * mean(dy * xhat)) over the
    slice; sums[s] = (sum of dy, sum of dy * xhat)."""
    s = tl.program_id(0).to(tl.int64)
    base = s * L
    m = tl.load(mean_ptr + s).to(tl.float64)
    inv = _inv_std(tl.load(stat_ptr + s).to(tl.float64), scalar_from_bits(eps_bits, tl.float64, tl.float64),
                   STAT_IS_VAR)
    sum_dy = tl.zeros((BLOCK,), tl.float64)
    sum_dy_xhat = tl.zeros((BLOCK,), tl.float64)
    for start in range(0, L, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        dy = tl.load(dy_ptr + base + offs, mask=offs < L, other=0).to(tl.float64)
        x = tl.load(x_ptr + base + offs, mask=offs < L, other=0).to(tl.float64)
        sum_dy += dy
        sum_dy_xhat += dy * (x - m) * inv
    a = tl.sum(sum_dy, 0)
    b = tl.sum(sum_dy_xhat, 0)
    tl.store(sums_ptr + 2 * s, a)
    tl.store(sums_ptr + 2 * s + 1, b)
    if WRITE_DX:
        mean_dy = a / L
        mean_dy_xhat = b / L
        scale = tl.load(gamma_ptr + s % groups).to(tl.float64) * inv
        for start in range(0, L, BLOCK):
            offs = start + tl.arange(0, BLOCK)
            dy = tl.load(dy_ptr + base + offs, mask=offs < L, other=0).to(tl.float64)
            xhat = (tl.load(x_ptr + base + offs, mask=offs < L, other=0).to(tl.float64) - m) * inv
            dx = scale * (dy - mean_dy - xhat * mean_dy_xhat)
            tl.store(dx_ptr + base + offs, dx.to(dx_ptr.dtype.element_ty), mask=offs < L)


@triton.jit
def group_norm_param_grad_kernel(sums_ptr, dgamma_ptr, dbeta_ptr, n, groups, WRITE_GAMMA: tl.constexpr,
                                 WRITE_BETA: tl.constexpr, BLOCK_G: tl.constexpr, BLOCK_N: tl.constexpr):
    """dgamma[g], dbeta[g]: the slices' sums of dy * xhat and dy over the samples."""
    gs = tl.program_id(0) * BLOCK_G + tl.arange(0, BLOCK_G)
    g_mask = gs < groups
    to_beta = tl.zeros((BLOCK_G, BLOCK_N), tl.float64)
    to_gamma = tl.zeros((BLOCK_G, BLOCK_N), tl.float64)
    for start in range(0, n, BLOCK_N):
        ns = start + tl.arange(0, BLOCK_N).to(tl.int64)
        slices = ns[None, :] * groups + gs[:, None]
        mask = g_mask[:, None] & (ns < n)[None, :]
        to_beta += tl.load(sums_ptr + 2 * slices, mask=mask, other=0)
        to_gamma += tl.load(sums_ptr + 2 * slices + 1, mask=mask, other=0)
    if WRITE_GAMMA:
        tl.store(dgamma_ptr + gs, tl.sum(to_gamma, 1).to(dgamma_ptr.dtype.element_ty), mask=g_mask)
    if WRITE_BETA:
        tl.store(dbeta_ptr + gs, tl.sum(to_beta, 1).to(dbeta_ptr.dtype.element_ty), mask=g_mask)


def _slices(call, data, gamma):
    """(samples N, groups G, slice length L)."""
    for t in list(call.inputs) + list(call.outputs):
        if t.numel and not t.is_contiguous():  # an empty array has no layout to respect
            raise KernelError(f"{call.op} needs contiguous arrays")
    if any(r == "add" for r in call.req):
        raise KernelError("req=add is not supported")
    n, groups = data.shape[0], gamma.shape[0]
    return n, groups, (data.numel // (n * groups) if n * groups else 0)


def _block(L):
    return min(triton.next_power_of_2(max(L, 1)), TILE)


def _sums_piece(call):
    """The workspace piece holding every slice's two sums."""
    data, gamma = call.inputs[1], call.inputs[2]
    return [((max(data.shape[0] * gamma.shape[0], 1), 2), "float64")]


def _forward(call, stat_is_var):
    data, gamma, beta = call.inputs
    n, groups, L = _slices(call, data, gamma)
    if n * groups == 0:
        return
    launch(group_norm_kernel, (n * groups,), data, gamma, beta, *call.outputs, L, groups,
           as_bits(call.attrs.get("eps"), "float64"), STAT_IS_VAR=stat_is_var, BLOCK=_block(L), num_warps=4)


def _backward(call, stat_is_var):
    dy, data, gamma, mean, stat = call.inputs
    dx, dgamma, dbeta = call.outputs
    n, groups, L = _slices(call, data, gamma)
    (sums,) = carve(call, _sums_piece(call))
    if n * groups:
        launch(group_norm_data_grad_kernel, (n * groups,), dy, data, gamma, mean, stat, dx, sums, L, groups,
               as_bits(call.attrs.get("eps"), "float64"), STAT_IS_VAR=stat_is_var, WRITE_DX=call.req[0] != "null",
               BLOCK=_block(L), num_warps=4)
    if groups and (call.req[1] != "null" or call.req[2] != "null"):  # zeros for an empty batch
        block_g = min(triton.next_power_of_2(groups), 32)
        launch(group_norm_param_grad_kernel, (triton.cdiv(groups, block_g),), sums, dgamma, dbeta, n, groups,
               WRITE_GAMMA=call.req[1] != "null", WRITE_BETA=call.req[2] != "null", BLOCK_G=block_g, BLOCK_N=32,
               num_warps=4)


def _workspace(call):
    return size(_sums_piece(call))


@register("GroupNorm", dtypes=DTYPES)
def group_norm(call):
    _forward(call, stat_is_var=False)


@register("_backward_GroupNorm", dtypes=DTYPES, workspace=_workspace)
def group_norm_backward(call):
    _backward(call, stat_is_var=False)


@register("InstanceNorm", dtypes=DTYPES)
def instance_norm(call):
    _forward(call, stat_is_var=True)


@register("_backward_InstanceNorm", dtypes=DTYPES, workspace=_workspace)
def instance_norm_backward(call):
    _backward(call, stat_is_var=True)
