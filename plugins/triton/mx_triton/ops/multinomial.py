"""_sample_multinomial and its gradient (plugins/cpu/random_multinomial.cc).
Output element i inverts its distribution's cumulative sum (in float64) at
the first uniform of its Philox stream: the first category whose cumulative
probability exceeds u, or, past the end (the probabilities sum to less than
1 by rounding), the last category with any probability; get_prob also
writes log p of the draw.  The gradient of those log-probabilities adds
ograd / p into each drawn category (atomically: draws repeat)."""
import triton
import triton.language as tl

from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices
from ..launch import launch
from ..registry import KernelError, register
from ..strides import INT32_LIMIT, write_request
from .fill import fill
from .indexing import load_index
from .random import philox_uniform, seed_argument

DTYPES = ("float32", "float64", "float16")


@triton.jit(do_not_specialize=["seed", "per_dist"])
def multinomial_kernel(prob_ptr, out_ptr, logp_ptr, n, k, per_dist, seed, GET_PROB: tl.constexpr,
                       IDX: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, IDX)
    i64 = i.to(tl.int64)
    u = philox_uniform(seed, i64, tl.zeros(i.shape, tl.int32))
    row = prob_ptr + (i64 // per_dist) * k
    cumulative = tl.zeros(i.shape, tl.float64)
    last_possible = tl.zeros(i.shape, tl.int64)
    chosen = tl.full(i.shape, -1, tl.int64)
    for j in range(0, k):
        p = tl.load(row + j, mask=mask, other=0).to(tl.float64)
        last_possible = tl.where(p > 0, j, last_possible)
        cumulative += p
        chosen = tl.where((chosen < 0) & (u < cumulative), j, chosen)
    chosen = tl.where(chosen < 0, last_possible, chosen)
    tl.store(out_ptr + i, chosen.to(out_ptr.dtype.element_ty), mask=mask)
    if GET_PROB:
        p = tl.load(row + chosen, mask=mask, other=1).to(tl.float64)
        tl.store(logp_ptr + i, tl.log(p).to(logp_ptr.dtype.element_ty), mask=mask)


@register("_sample_multinomial", "sample_multinomial", dtypes=DTYPES)
def sample_multinomial(call):
    data, out = call.inputs[0], call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    k = data.shape[-1]
    num_dists = data.numel // k if k else 0
    if num_dists == 0:
        return
    if not (data.is_contiguous() and out.is_contiguous()):
        raise KernelError("_sample_multinomial needs contiguous arrays")
    get_prob = len(call.outputs) > 1 and call.req[1] != "null"
    launch(multinomial_kernel, (triton.cdiv(out.numel, BLOCK),), data, out, call.outputs[-1], out.numel, k,
           out.numel // num_dists, seed_argument(call), GET_PROB=get_prob,
           IDX=tl.int64 if out.numel >= INT32_LIMIT else tl.int32, BLOCK=BLOCK, num_warps=NUM_WARPS)


@triton.jit
def multinomial_backward_kernel(og_ptr, prob_ptr, sample_ptr, grad_ptr, n, k, per_dist, IDX: tl.constexpr,
                                BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, IDX)
    draw = load_index(sample_ptr, i, mask)
    inside = mask & (draw >= 0) & (draw < k)  # the CPU raises for the others: a device cannot
    at = (i // per_dist).to(tl.int64) * k + draw
    T: tl.constexpr = grad_ptr.dtype.element_ty
    share = tl.load(og_ptr + i, mask=inside, other=0) / tl.load(prob_ptr + at, mask=inside, other=1)
    tl.atomic_add(grad_ptr + at, share.to(T), mask=inside, sem="relaxed")


@register("_backward_sample_multinomial", dtypes=DTYPES)
def sample_multinomial_backward(call):
    og, data, sample = call.inputs
    grad = call.outputs[0]
    if not write_request(call) or grad.numel == 0:
        return
    fill(grad, 0)
    k = data.shape[-1]
    num_dists = data.numel // k
    if og.numel:
        launch(multinomial_backward_kernel, (triton.cdiv(og.numel, BLOCK),), og, data, sample, grad, og.numel, k,
               og.numel // num_dists, IDX=tl.int64 if og.numel >= INT32_LIMIT else tl.int32, BLOCK=BLOCK,
               num_warps=NUM_WARPS)
