"""numpy float64 references of CTCLoss (MXNet 1.9's semantics), shared by
tests/ops, tests/triton and tests/gpu: a brute force over every alignment
path (small T and alphabet) and a dynamic programme over a dense transition
matrix between the states of the label with blanks."""
import itertools

import numpy as np


def log_softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def brute_force_loss(x, tokens, blank):
    """-log of the summed probability of every path over x (T, C) that
    collapses (repeats merged, then blanks dropped) to tokens; 0 when none
    does, as MXNet."""
    lp = log_softmax(x.astype(np.float64))
    frames, channels = x.shape
    paths = [lp[np.arange(frames), path].sum() for path in itertools.product(range(channels), repeat=frames)
             if [c for i, c in enumerate(path) if c != blank and (i == 0 or c != path[i - 1])] == list(tokens)]
    return -np.logaddexp.reduce(paths) if paths else 0.0


def dynamic_loss(x, tokens, blank):
    """The same by the forward recursion over the label with blanks, as a
    dense transition matrix between its states."""
    lp = log_softmax(x.astype(np.float64))
    z = [blank] + [v for t in tokens for v in (t, blank)]
    states = len(z)
    moves = np.full((states, states), -np.inf)  # moves[from, to]
    for s in range(states):
        moves[s, s] = 0.0
        if s >= 1:
            moves[s - 1, s] = 0.0
        if s >= 2 and z[s] != blank and z[s] != z[s - 2]:
            moves[s - 2, s] = 0.0
    if x.shape[0] == 0:
        return 0.0
    alpha = np.where(np.arange(states) < 2, lp[0, z], -np.inf)
    for t in range(1, x.shape[0]):
        alpha = np.logaddexp.reduce(alpha[:, None] + moves, axis=0) + lp[t, z]
    log_likelihood = np.logaddexp.reduce(alpha[-2:])
    return -log_likelihood if np.isfinite(log_likelihood) else 0.0


def ctc_reference(x, label, blank_label="first", data_lengths=None, label_lengths=None, loss=dynamic_loss):
    """The loss of each sample of x (T, N, C) against label (N, L)."""
    frames, batch, channels = x.shape
    blank, padding = (0, 0) if blank_label == "first" else (channels - 1, -1)
    out = []
    for n in range(batch):
        row = np.trunc(np.asarray(label[n], np.float64)).astype(np.int64)
        if label_lengths is not None:
            length = int(label_lengths[n])
        else:
            length = int(np.argmax(row == padding)) if (row == padding).any() else len(row)
        steps = frames if data_lengths is None else int(data_lengths[n])
        out.append(loss(x[:steps, n], row[:length], blank))
    return np.array(out)


def reference_gradient(x, label, blank_label="first", data_lengths=None, label_lengths=None, eps=1e-6):
    """d loss[n] / d x[:, n, :] by central differences of ctc_reference:
    MXNet's hidden gradient output (T, N, C)."""
    x = np.array(x, np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        keep = x[index]
        losses = []
        for step in (eps, -eps):
            x[index] = keep + step
            losses.append(ctc_reference(x, label, blank_label, data_lengths, label_lengths)[index[1]])
        x[index] = keep
        grad[index] = (losses[0] - losses[1]) / (2 * eps)
    return grad
