"""_random_pdf_<dist> and _backward_pdf_<dist>, in float64 as
plugins/cpu/random_pdf.cc computes them.  A distribution's samples are
contiguous: element i belongs to distribution i // per.  The forward runs
one element (a Dirichlet vector) per lane; the backward one distribution
per lane, walking its samples and summing its parameters' gradients
(uniform and the discrete distributions give the sample zero, as MXNet)."""
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices
from ..launch import launch
from ..registry import KernelError, register
from ..strides import INT32_LIMIT
from .polygamma import _digamma

# The scalar distributions and their parameter counts; DIST is the index.
SCALAR = {"uniform": 2, "normal": 2, "gamma": 2, "exponential": 1, "poisson": 1, "negative_binomial": 2,
          "generalized_negative_binomial": 2}
DIST = {name: k for k, name in enumerate(SCALAR)}
REQ = {"null": 0, "write": 1, "inplace": 1, "add": 2}
LOG_SQRT_2PI = tl.constexpr(0.91893853320467274178)


@triton.jit
def _nbinom_log_pmf(x, k, p):
    return libdevice.lgamma(x + k) - libdevice.lgamma(x + 1) - libdevice.lgamma(k) + k * tl.log(p) + \
        x * libdevice.log1p(-p)


@triton.jit
def _log_pdf(x, p0, p1, DIST: tl.constexpr):
    if DIST == 0:  # uniform on [p0, p1): not checked against the support, as MXNet
        lp = -tl.log(p1 - p0) + 0 * x
    elif DIST == 1:  # normal (mean, standard deviation)
        z = (x - p0) / p1
        lp = -0.5 * z * z - tl.log(p1) - LOG_SQRT_2PI
    elif DIST == 2:  # gamma (shape, rate)
        lp = p0 * tl.log(p1) + (p0 - 1) * tl.log(x) - p1 * x - libdevice.lgamma(p0)
    elif DIST == 3:  # exponential (rate)
        lp = tl.log(p0) - p0 * x
    elif DIST == 4:  # poisson (rate)
        lp = x * tl.log(p0) - libdevice.lgamma(x + 1) - p0
    elif DIST == 5:  # negative binomial (failure limit, failure probability)
        lp = _nbinom_log_pmf(x, p0, p1)
    else:  # generalized negative binomial (mean, dispersion): k = 1 / alpha, p = 1 / (mu alpha + 1)
        lp = _nbinom_log_pmf(x, 1 / p1, 1 / (p0 * p1 + 1))
    return lp


@triton.jit
def _log_pdf_grad(x, p0, p1, DIST: tl.constexpr):
    """The log-density's derivatives (by the sample, p0, p1)."""
    zero = 0 * x
    if DIST == 0:
        dx, d0 = zero, 1 / (p1 - p0) + zero
        d1 = -d0
    elif DIST == 1:
        d, s2 = x - p0, p1 * p1
        dx, d0, d1 = -d / s2, d / s2, (d * d - s2) / (s2 * p1)
    elif DIST == 2:
        dx, d0, d1 = (p0 - 1) / x - p1, tl.log(p1) + tl.log(x) - _digamma(p0), p0 / p1 - x
    elif DIST == 3:
        dx, d0, d1 = -p0 + zero, 1 / p0 - x, zero
    elif DIST == 4:
        dx, d0, d1 = zero, x / p0 - 1, zero
    elif DIST == 5:
        dx, d0, d1 = zero, _digamma(x + p0) - _digamma(p0) + tl.log(p1), p0 / p1 - x / (1 - p1)
    else:
        k, p, den = 1 / p1, 1 / (p0 * p1 + 1), p0 * p1 + 1
        dk, dp = _digamma(x + k) - _digamma(k) + tl.log(p), k / p - x / (1 - p)
        dx, d0, d1 = zero, -dp * p1 / (den * den), -dk / (p1 * p1) - dp * p0 / (den * den)
    return dx, d0, d1


@triton.jit
def _store(ptr, offset, value, mask, REQ: tl.constexpr):
    """value into ptr[offset] (REQ 1), added to it (REQ 2), or nothing (0)."""
    if REQ == 2:
        value += tl.load(ptr + offset, mask=mask).to(tl.float64)
    if REQ != 0:
        tl.store(ptr + offset, value.to(ptr.dtype.element_ty), mask=mask)


@triton.jit
def pdf_kernel(x_ptr, p0_ptr, p1_ptr, out_ptr, n, per, IS_LOG: tl.constexpr, DIST: tl.constexpr,
               IDX: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, IDX)
    d = i // per
    x = tl.load(x_ptr + i, mask=mask, other=1).to(tl.float64)
    p0 = tl.load(p0_ptr + d, mask=mask, other=1).to(tl.float64)
    p1 = tl.load(p1_ptr + d, mask=mask, other=2).to(tl.float64)
    lp = _log_pdf(x, p0, p1, DIST)
    tl.store(out_ptr + i, (lp if IS_LOG else tl.exp(lp)).to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit
def pdf_backward_kernel(g_ptr, x_ptr, p0_ptr, p1_ptr, pdf_ptr, dx_ptr, d0_ptr, d1_ptr, dists, per,
                        IS_LOG: tl.constexpr, DIST: tl.constexpr, REQ0: tl.constexpr, REQ1: tl.constexpr,
                        REQ2: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    d, mask = block_indices(dists, BLOCK, IDX)
    p0 = tl.load(p0_ptr + d, mask=mask, other=1).to(tl.float64)
    p1 = tl.load(p1_ptr + d, mask=mask, other=2).to(tl.float64)
    sum0 = tl.zeros([BLOCK], tl.float64)
    sum1 = tl.zeros([BLOCK], tl.float64)
    for s in range(0, per):
        i = d * per + s
        x = tl.load(x_ptr + i, mask=mask, other=1).to(tl.float64)
        scale = tl.load(g_ptr + i, mask=mask, other=0).to(tl.float64)
        if not IS_LOG:
            scale *= tl.load(pdf_ptr + i, mask=mask, other=0).to(tl.float64)
        dx, d0, d1 = _log_pdf_grad(x, p0, p1, DIST)
        _store(dx_ptr, i, scale * dx, mask, REQ0)
        sum0 += scale * d0
        sum1 += scale * d1
    _store(d0_ptr, d, sum0, mask, REQ1)
    _store(d1_ptr, d, sum1, mask, REQ2)


@triton.jit
def dirichlet_kernel(x_ptr, a_ptr, out_ptr, n, per, k, IS_LOG: tl.constexpr, IDX: tl.constexpr,
                     BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, IDX)
    d = i // per
    sum_a = tl.zeros([BLOCK], tl.float64)
    lp = tl.zeros([BLOCK], tl.float64)
    for j in range(0, k):
        a = tl.load(a_ptr + d * k + j, mask=mask, other=1).to(tl.float64)
        x = tl.load(x_ptr + i * k + j, mask=mask, other=1).to(tl.float64)
        sum_a += a
        lp += (a - 1) * tl.log(x) - libdevice.lgamma(a)
    lp += libdevice.lgamma(sum_a)
    tl.store(out_ptr + i, (lp if IS_LOG else tl.exp(lp)).to(out_ptr.dtype.element_ty), mask=mask)


@triton.jit
def dirichlet_backward_kernel(g_ptr, x_ptr, a_ptr, pdf_ptr, dx_ptr, da_ptr, dists, per, k, IS_LOG: tl.constexpr,
                              REQ0: tl.constexpr, REQ1: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    d, mask = block_indices(dists, BLOCK, IDX)
    sum_a = tl.zeros([BLOCK], tl.float64)
    for j in range(0, k):
        sum_a += tl.load(a_ptr + d * k + j, mask=mask, other=1).to(tl.float64)
    psi_sum = _digamma(sum_a)
    for j in range(0, k):
        a = tl.load(a_ptr + d * k + j, mask=mask, other=1).to(tl.float64)
        psi = psi_sum - _digamma(a)
        total = tl.zeros([BLOCK], tl.float64)
        for s in range(0, per):
            i = d * per + s
            scale = tl.load(g_ptr + i, mask=mask, other=0).to(tl.float64)
            if not IS_LOG:
                scale *= tl.load(pdf_ptr + i, mask=mask, other=0).to(tl.float64)
            x = tl.load(x_ptr + i * k + j, mask=mask, other=1).to(tl.float64)
            _store(dx_ptr, i * k + j, scale * (a - 1) / x, mask, REQ0)
            total += scale * (tl.log(x) + psi)
        _store(da_ptr, d * k + j, total, mask, REQ1)


def _contiguous(call):
    if not all(v.numel == 0 or v.is_contiguous() for v in (*call.inputs, *call.outputs)):
        raise KernelError(f"{call.op} needs contiguous arrays")


def _index_type(*views):
    return tl.int64 if max(v.numel for v in views) >= INT32_LIMIT else tl.int32


def _forward(name):
    def launcher(call):
        out = call.outputs[0]
        if REQ[call.req[0]] != 1:
            if call.req[0] == "add":
                raise KernelError("req=add is not supported")
            return
        sample, params = call.inputs[0], call.inputs[1:]
        if out.numel == 0:
            return
        _contiguous(call)
        is_log = bool(call.attrs.get("is_log", False))
        idx = _index_type(sample, out)
        if name == "dirichlet":
            k = sample.shape[-1]
            launch(dirichlet_kernel, (triton.cdiv(out.numel, BLOCK),), sample, params[0], out, out.numel,
                   out.numel // (params[0].numel // k), k, IS_LOG=is_log, IDX=idx, BLOCK=BLOCK, num_warps=NUM_WARPS)
            return
        launch(pdf_kernel, (triton.cdiv(out.numel, BLOCK),), sample, params[0], params[-1], out, out.numel,
               out.numel // params[0].numel, IS_LOG=is_log, DIST=DIST[name], IDX=idx, BLOCK=BLOCK,
               num_warps=NUM_WARPS)
    return launcher


def _backward(name):
    def launcher(call):
        ograd, sample = call.inputs[0], call.inputs[1]
        if call.inputs[2].numel == 0:  # no distributions (with none, samples still give zero gradients)
            return
        _contiguous(call)
        is_log = bool(call.attrs.get("is_log", False))
        reqs = [REQ[r] for r in call.req]
        idx = _index_type(sample)
        if name == "dirichlet":
            alpha, pdf = call.inputs[2], call.inputs[3]
            k = sample.shape[-1]
            dists = alpha.numel // k
            launch(dirichlet_backward_kernel, (triton.cdiv(dists, BLOCK),), ograd, sample, alpha, pdf,
                   *call.outputs, dists, ograd.numel // dists, k, IS_LOG=is_log, REQ0=reqs[0], REQ1=reqs[1],
                   IDX=idx, BLOCK=BLOCK, num_warps=NUM_WARPS)
            return
        params, pdf = call.inputs[2:-1], call.inputs[-1]
        grads = call.outputs[1:]
        dists = params[0].numel
        launch(pdf_backward_kernel, (triton.cdiv(dists, BLOCK),), ograd, sample, params[0], params[-1], pdf,
               call.outputs[0], grads[0], grads[-1], dists, ograd.numel // dists, IS_LOG=is_log, DIST=DIST[name],
               REQ0=reqs[0], REQ1=reqs[1], REQ2=reqs[2] if len(grads) > 1 else 0, IDX=idx, BLOCK=BLOCK,
               num_warps=NUM_WARPS)
    return launcher


for _name in (*SCALAR, "dirichlet"):
    register("_random_pdf_" + _name, dtypes=("float32", "float64", "float16"))(_forward(_name))
    register("_backward_pdf_" + _name, dtypes=("float32", "float64", "float16"))(_backward(_name))
