"""CTCLoss (plugins/cpu/ctc_loss.cc): the forward-backward recursions in log
space over the label with blanks, z = (blank, l1, blank, ..., lL, blank).

One program per sample runs the recursions through time (each frame needs
the one before) over all S = 2L + 1 states at once, keeping every frame's
row in the op's workspace:
    alpha[t][s]  log P(frames 0..t emit z[0..s], in state s at t)
    emit[t][s]   log P(frames t.. emit z[s..], in state s at t)
(both include frame t's emission), reading the previous row shifted by one
and two states back from memory, after a barrier.  Then one program per
(frame, sample) writes that frame's gradient: the softmax, minus each
state's occupancy exp(alpha + emit - emission - log P(label)) on its
channel (atomics: the blank's states, and repeated tokens, share one).

The GPU cannot stop on a bad label or length as the CPU does (the values
stay on the device): such a sample gets a NaN loss and gradient.
"""
import triton
import triton.language as tl

from ..jit_helpers import cast_to
from ..launch import launch
from ..registry import KernelError, register
from ..strides import write_request
from ..workspace import carve, size

DTYPES = ("float32", "float64")
MAX_BLOCK_C = 1024


def _pow2(n):
    return triton.next_power_of_2(max(int(n), 1))


@triton.jit
def _logaddexp(a, b):
    top = tl.maximum(a, b)
    safe = tl.where(top == float("-inf"), 0.0, top)
    return safe + tl.log(tl.exp(a - safe) + tl.exp(b - safe))


@triton.jit
def _log_normaliser(row_ptr, C, ACC: tl.constexpr, BLOCK_C: tl.constexpr):
    """log sum_c exp(row[c]) (the log-softmax's), streamed over the channels."""
    top = tl.full((), float("-inf"), ACC)
    total = tl.zeros((), ACC)
    for start in range(0, C, BLOCK_C):
        cs = start + tl.arange(0, BLOCK_C)
        x = tl.load(row_ptr + cs, mask=cs < C, other=float("-inf")).to(ACC)
        new_top = tl.maximum(top, tl.max(x, 0))
        safe = tl.where(new_top == float("-inf"), 0.0, new_top)
        total = total * tl.exp(top - safe) + tl.sum(tl.exp(x - safe), 0)
        top = new_top
    return top + tl.log(total)


@triton.jit
def _label_at(label_ptr, b, L, i, mask):
    return cast_to(tl.load(label_ptr + b * L + i, mask=mask, other=0).to(tl.float64), tl.int64)


@triton.jit
def _channels(label_ptr, b, L, length, blank, s):
    """z[s], and which s are states."""
    inside = (s >= 0) & (s < 2 * length + 1)
    token = s % 2 == 1
    return tl.where(token, _label_at(label_ptr, b, L, (s - 1) // 2, inside & token), blank), inside


@triton.jit
def _skips(label_ptr, b, L, length, s):
    """Whether state s may be entered from s - 2: a token other than the one before."""
    token = (s % 2 == 1) & (s >= 3) & (s < 2 * length + 1)
    return token & (_label_at(label_ptr, b, L, (s - 1) // 2, token) != _label_at(label_ptr, b, L, (s - 3) // 2, token))


@triton.jit(do_not_specialize=["T", "N", "C", "L", "blank", "padding"])
def ctc_recursions_kernel(data_ptr, label_ptr, data_len_ptr, label_len_ptr, loss_ptr, alpha_ptr, emit_ptr,
                          norm_ptr, info_ptr, loglik_ptr, T, N, C, L, blank, padding,
                          DATA_LENGTHS: tl.constexpr, LABEL_LENGTHS: tl.constexpr, WRITE_LOSS: tl.constexpr,
                          BLOCK_S: tl.constexpr, BLOCK_L: tl.constexpr, BLOCK_C: tl.constexpr):
    """Sample b's lengths and status (info: frames, label length, status:
    0 computed, 1 nothing to align -- MXNet's loss 0 and no gradient --, 2 a
    bad label or length), log P(label), its loss, and its alpha and emit
    rows."""
    b = tl.program_id(0).to(tl.int64)
    DT: tl.constexpr = loss_ptr.dtype.element_ty
    ACC: tl.constexpr = alpha_ptr.dtype.element_ty
    rows = 2 * L + 1  # the row length of alpha and emit
    i = tl.arange(0, BLOCK_L)
    labels = _label_at(label_ptr, b, L, i, i < L)
    if LABEL_LENGTHS:
        length = cast_to(tl.load(label_len_ptr + b).to(tl.float64), tl.int64)
    else:  # up to the first padding value
        length = tl.min(tl.where((i < L) & (labels == padding), i, L), 0).to(tl.int64)
    bad = (length < 0) | (length > L)
    length = tl.minimum(tl.maximum(length, 0), L)
    frames = tl.full((), T, tl.int64)
    if DATA_LENGTHS:
        frames = cast_to(tl.load(data_len_ptr + b).to(tl.float64), tl.int64)
        bad = bad | (frames < 0) | (frames > T)
        frames = tl.minimum(tl.maximum(frames, 0), T)
    in_label = i < length
    bad = bad | (tl.max((in_label & ((labels < 0) | (labels >= C) | (labels == blank))).to(tl.int32), 0) > 0)
    repeats = tl.sum((in_label & (i >= 1) & (labels == _label_at(label_ptr, b, L, i - 1, in_label & (i >= 1))))
                     .to(tl.int64), 0)
    status = tl.where(bad, 2, tl.where((length + repeats > frames) | (frames == 0), 1, 0))
    steps = tl.where(status == 0, frames, 0)  # the frames the recursions run over

    s = tl.arange(0, BLOCK_S)
    z, inside = _channels(label_ptr, b, L, length, blank, s)
    skips = _skips(label_ptr, b, L, length, s)
    skips_ahead = _skips(label_ptr, b, L, length, s + 2)  # s + 2 may be entered from s
    states = 2 * length + 1
    alpha_rows = alpha_ptr + b * T * rows
    emit_rows = emit_ptr + b * T * rows
    # the states of the first and last frame's rows, none without frames
    # (a bound rather than `inside & (steps > 0)`: the interpreter's `&` of a
    # block with a scalar gives int32)
    stored = s < tl.where(steps > 0, states, 0)
    # alpha, forward in time: the first frame is in state 0 or 1
    norm = _log_normaliser(data_ptr + b * C, tl.where(steps > 0, C, 0), ACC, BLOCK_C)  # no frames: no row
    tl.store(norm_ptr + b * T, norm, mask=steps > 0)
    e = tl.load(data_ptr + b * C + z, mask=stored, other=0.0).to(ACC) - norm
    alpha = tl.where(inside & (s < 2), e, float("-inf"))
    tl.store(alpha_rows + s, alpha, mask=stored)
    for t in range(1, steps):
        tl.debug_barrier()
        row = data_ptr + (t * N + b) * C
        norm = _log_normaliser(row, C, ACC, BLOCK_C)
        tl.store(norm_ptr + b * T + t, norm)
        e = tl.load(row + z, mask=inside, other=0.0).to(ACC) - norm
        before = alpha_rows + (t - 1) * rows
        a = _logaddexp(tl.load(before + s, mask=inside, other=float("-inf")),
                       tl.load(before + s - 1, mask=inside & (s >= 1), other=float("-inf")))
        a = _logaddexp(a, tl.load(before + s - 2, mask=skips, other=float("-inf")))
        alpha = tl.where(inside, a + e, float("-inf"))
        tl.store(alpha_rows + t * rows + s, alpha, mask=inside)
    ends = inside & (s >= states - 2)  # the last frame is in state S - 1 or S - 2
    top = tl.max(tl.where(ends, alpha, float("-inf")), 0)
    safe = tl.where(top == float("-inf"), 0.0, top)
    loglik = safe + tl.log(tl.sum(tl.where(ends, tl.exp(alpha - safe), 0.0), 0))
    tl.store(loglik_ptr + b, loglik)
    tl.store(info_ptr + b * 3, frames.to(tl.int32))
    tl.store(info_ptr + b * 3 + 1, length.to(tl.int32))
    tl.store(info_ptr + b * 3 + 2, status.to(tl.int32))
    if WRITE_LOSS:
        loss = tl.where(status == 0, -loglik, tl.where(status == 2, float("nan"), 0.0))
        tl.store(loss_ptr + b, loss.to(DT))
    # emit, backward in time (after a barrier: the last frame's normaliser
    # may have been stored by another thread)
    tl.debug_barrier()
    last = steps - 1
    norm = tl.load(norm_ptr + b * T + last, mask=steps > 0, other=0.0)
    e = tl.load(data_ptr + (last * N + b) * C + z, mask=stored, other=0.0).to(ACC) - norm
    tl.store(emit_rows + last * rows + s, tl.where(ends, e, float("-inf")), mask=stored)
    for k in range(1, steps):
        tl.debug_barrier()
        t = last - k
        e = tl.load(data_ptr + (t * N + b) * C + z, mask=inside, other=0.0).to(ACC) - tl.load(norm_ptr + b * T + t)
        after = emit_rows + (t + 1) * rows
        v = _logaddexp(tl.load(after + s, mask=inside, other=float("-inf")),
                       tl.load(after + s + 1, mask=s + 1 < states, other=float("-inf")))
        v = _logaddexp(v, tl.load(after + s + 2, mask=skips_ahead, other=float("-inf")))
        tl.store(emit_rows + t * rows + s, tl.where(inside, v + e, float("-inf")), mask=inside)


@triton.jit(do_not_specialize=["T", "N", "C", "L", "blank"])
def ctc_gradient_kernel(data_ptr, label_ptr, grad_ptr, alpha_ptr, emit_ptr, norm_ptr, info_ptr, loglik_ptr, T, N,
                        C, L, blank, BLOCK_S: tl.constexpr, BLOCK_C: tl.constexpr):
    """The gradient row of frame t of sample b: 0 past its frames (and for
    a sample with nothing to align), NaN for a bad sample."""
    t = tl.program_id(0).to(tl.int64)
    b = tl.program_id(1).to(tl.int64)
    DT: tl.constexpr = grad_ptr.dtype.element_ty
    ACC: tl.constexpr = alpha_ptr.dtype.element_ty
    frames = tl.load(info_ptr + b * 3)
    length = tl.load(info_ptr + b * 3 + 1).to(tl.int64)
    status = tl.load(info_ptr + b * 3 + 2)
    live = (status == 0) & (t < frames)
    norm = tl.load(norm_ptr + b * T + t, mask=live, other=0.0)
    row = data_ptr + (t * N + b) * C
    out = grad_ptr + (t * N + b) * C
    for start in range(0, C, BLOCK_C):
        cs = start + tl.arange(0, BLOCK_C)
        x = tl.load(row + cs, mask=cs < tl.where(live, C, 0), other=0.0).to(ACC)
        g = tl.where(live, tl.exp(x - norm), tl.where(status == 2, float("nan"), 0.0))
        tl.store(out + cs, g.to(DT), mask=cs < C)
    tl.debug_barrier()
    loglik = tl.load(loglik_ptr + b)
    rows = 2 * L + 1
    for start in range(0, tl.where(live, 2 * length + 1, 0), BLOCK_S):
        s = start + tl.arange(0, BLOCK_S)
        z, inside = _channels(label_ptr, b, L, length, blank, s)
        e = tl.load(row + z, mask=inside, other=0.0).to(ACC) - norm
        at = (b * T + t) * rows + s
        occupancy = tl.exp(tl.load(alpha_ptr + at, mask=inside, other=float("-inf")) +
                           tl.load(emit_ptr + at, mask=inside, other=0.0) - e - loglik)
        tl.atomic_add(out + z, (-occupancy).to(DT), mask=inside, sem="relaxed")


def _pieces(call):
    """The workspace: alpha and emit rows (N, T, 2L + 1), log-softmax
    normalisers (N, T), per sample (frames, label length, status) and
    log P(label)."""
    data, label = call.inputs[:2]
    frames, batch, _ = data.shape
    rows = (batch, frames, 2 * label.shape[1] + 1)
    return [(rows, data.dtype), (rows, data.dtype), ((batch, frames), data.dtype), ((batch, 3), "int32"),
            ((batch,), data.dtype)]


@register("CTCLoss", "ctc_loss", "_contrib_CTCLoss", "_contrib_ctc_loss", "_npx_ctc_loss", dtypes=DTYPES,
          workspace=lambda call: size(_pieces(call)))
def ctc_loss(call):
    data, label = call.inputs[:2]
    loss, grad = call.outputs
    if not all(t.is_contiguous() for t in list(call.inputs) + list(call.outputs)):
        raise KernelError("CTCLoss needs contiguous arrays")
    write_loss, write_grad = write_request(call, 0), write_request(call, 1)
    frames, batch, alphabet = data.shape
    capacity = label.shape[1]
    if batch == 0 or not (write_loss or write_grad):
        return
    alpha, emit, norm, info, loglik = carve(call, _pieces(call))
    use_data, use_label = bool(call.attrs.get("use_data_lengths")), bool(call.attrs.get("use_label_lengths"))
    data_lengths = call.inputs[2] if use_data else data
    label_lengths = call.inputs[2 + use_data] if use_label else label
    first = call.attrs.get("blank_label", "first") == "first"
    blank = 0 if first else alphabet - 1
    block_s, block_c = _pow2(2 * capacity + 1), min(_pow2(alphabet), MAX_BLOCK_C)
    launch(ctc_recursions_kernel, (batch,), data, label, data_lengths, label_lengths, loss, alpha, emit, norm, info,
           loglik, frames, batch, alphabet, capacity, blank, 0 if first else -1, DATA_LENGTHS=use_data,
           LABEL_LENGTHS=use_label, WRITE_LOSS=write_loss, BLOCK_S=block_s, BLOCK_L=_pow2(capacity),
           BLOCK_C=block_c)
    if write_grad and frames:
        launch(ctc_gradient_kernel, (frames, batch), data, label, grad, alpha, emit, norm, info, loglik, frames,
               batch, alphabet, capacity, blank, BLOCK_S=min(block_s, 1024), BLOCK_C=block_c)
