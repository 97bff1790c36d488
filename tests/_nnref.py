"""numpy float64 references of MXNet 1.9's layer ops (shared by the nn op
tests and the model fixture tests), written for clarity on small shapes."""
import itertools

import numpy as np

import mxnet as mx

# Tolerances of a float result against a float64 reference.
TOL = {np.float16: 3e-3, np.float32: 2e-5, np.float64: 1e-10}


def assert_close(result, expected, dtype, scale=1.0):
    """result (an NDArray) has expected's shape, dtype `dtype` and values
    within dtype's tolerance (scale: typical magnitude of the terms)."""
    dtype = np.dtype(dtype).type
    got = result.asnumpy() if isinstance(result, mx.nd.NDArray) else np.asarray(result)
    assert got.dtype == np.dtype(dtype), (got.dtype, dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    tol = TOL[dtype]
    np.testing.assert_allclose(got.astype(np.float64), expected, rtol=tol * 10, atol=tol * scale)


def window_args(nd, kernel, stride=(), dilate=(), pad=()):
    return (tuple(kernel), tuple(stride) or (1,) * nd, tuple(dilate) or (1,) * nd, tuple(pad) or (0,) * nd)


# -- convolution --------------------------------------------------------------------

def _taps(x_padded, kidx, stride, dilate, out_spatial):
    """The padded input under kernel offset kidx at every output position:
    (N, C, *out_spatial)."""
    index = tuple(slice(k * d, k * d + (o - 1) * s + 1, s)
                  for k, d, s, o in zip(kidx, dilate, stride, out_spatial))
    return x_padded[(slice(None), slice(None)) + index], index


def _flat(a):
    """(N, C, *S) as (N, C, prod(S))."""
    return a.reshape(a.shape[:2] + (int(np.prod(a.shape[2:])),))


def conv_out_spatial(spatial, kernel, stride, dilate, pad):
    return tuple((x + 2 * p - d * (k - 1) - 1) // s + 1
                 for x, k, s, d, p in zip(spatial, kernel, stride, dilate, pad))


def conv_forward(x, w, b, kernel, stride=(), dilate=(), pad=(), num_group=1):
    """Convolution of x (N, C, *S) with w (F, C/G, *K) and bias b (or None)."""
    x, w = x.astype(np.float64), w.astype(np.float64)
    kernel, stride, dilate, pad = window_args(x.ndim - 2, kernel, stride, dilate, pad)
    out_spatial = conv_out_spatial(x.shape[2:], kernel, stride, dilate, pad)
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    filters, group_channels = w.shape[0], w.shape[1]
    fg = filters // num_group
    out = np.zeros((x.shape[0], filters) + out_spatial)
    for g, kidx in itertools.product(range(num_group), np.ndindex(*kernel)):
        taps, _ = _taps(xp[:, g * group_channels:(g + 1) * group_channels], kidx, stride, dilate, out_spatial)
        wk = w[(slice(g * fg, (g + 1) * fg), slice(None)) + kidx]
        out[:, g * fg:(g + 1) * fg] += np.einsum("nc...,fc->nf...", taps, wk)
    if b is not None:
        out += b.astype(np.float64).reshape((1, -1) + (1,) * len(kernel))
    return out


def conv_backward(dy, x, w, kernel, stride=(), dilate=(), pad=(), num_group=1):
    """(dx, dw, db) of Convolution for output gradient dy."""
    dy, x, w = dy.astype(np.float64), x.astype(np.float64), w.astype(np.float64)
    kernel, stride, dilate, pad = window_args(x.ndim - 2, kernel, stride, dilate, pad)
    out_spatial = dy.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    filters, group_channels = w.shape[0], w.shape[1]
    fg = filters // num_group
    for g, kidx in itertools.product(range(num_group), np.ndindex(*kernel)):
        channels = slice(g * group_channels, (g + 1) * group_channels)
        taps, index = _taps(xp[:, channels], kidx, stride, dilate, out_spatial)
        dyg = dy[:, g * fg:(g + 1) * fg]
        wk = w[(slice(g * fg, (g + 1) * fg), slice(None)) + kidx]
        dxp[(slice(None), channels) + index] += np.einsum("nf...,fc->nc...", dyg, wk)
        dw[(slice(g * fg, (g + 1) * fg), slice(None)) + kidx] = np.einsum("nfs,ncs->fc", _flat(dyg), _flat(taps))
    inner = tuple(slice(p, p + s) for p, s in zip(pad, x.shape[2:]))
    db = dy.sum(axis=(0,) + tuple(range(2, dy.ndim)))
    return dxp[(slice(None), slice(None)) + inner], dw, db


# -- pooling ------------------------------------------------------------------------

def pool_out_spatial(spatial, kernel, stride, pad, convention):
    if convention == "valid":
        return tuple((x + 2 * p - k) // s + 1 for x, k, s, p in zip(spatial, kernel, stride, pad))
    if convention == "full":
        return tuple(-(-(x + 2 * p - k) // s) + 1 for x, k, s, p in zip(spatial, kernel, stride, pad))
    return tuple(-(-(x + 2 * p) // s) for x, s, p in zip(spatial, stride, pad))


def _pool_windows(x, kernel, stride, pad, convention, global_pool):
    """Yields (output index, input slices, padded size, clipped size)."""
    spatial = x.shape[2:]
    nd = len(spatial)
    if global_pool:
        kernel, stride, pad = spatial, (1,) * nd, (0,) * nd
    stride, pad = tuple(stride) or (1,) * nd, tuple(pad) or (0,) * nd
    out_spatial = (1,) * nd if global_pool else pool_out_spatial(spatial, kernel, stride, pad, convention)
    for o in np.ndindex(*out_spatial):
        starts = [oi * s - p for oi, s, p in zip(o, stride, pad)]
        stops = [min(st + k, n + p) for st, k, n, p in zip(starts, kernel, spatial, pad)]
        padded = int(np.prod([e - b for b, e in zip(starts, stops)]))
        begins = [max(b, 0) for b in starts]
        ends = [min(e, n) for e, n in zip(stops, spatial)]
        clipped = int(np.prod([e - b for b, e in zip(begins, ends)]))
        yield o, tuple(slice(b, e) for b, e in zip(begins, ends)), padded, clipped, out_spatial


def pool_forward(x, kernel=(), stride=(), pad=(), pool_type="max", pooling_convention="valid",
                 global_pool=False, count_include_pad=True, p_value=None):
    x = x.astype(np.float64)
    out = None
    for o, window, padded, clipped, out_spatial in _pool_windows(x, kernel, stride, pad, pooling_convention,
                                                                 global_pool):
        if out is None:
            out = np.zeros(x.shape[:2] + out_spatial)
        values = _flat(x[(slice(None), slice(None)) + window])
        if pool_type == "max":
            r = values.max(axis=-1)
        elif pool_type == "sum":
            r = values.sum(axis=-1)
        elif pool_type == "avg":
            r = values.sum(axis=-1) / (padded if count_include_pad else clipped)
        else:
            r = (values ** p_value).sum(axis=-1)
            r = r if p_value == 1 else np.sqrt(r) if p_value == 2 else np.cbrt(r)
        out[(slice(None), slice(None)) + o] = r
    return out


def pool_backward(dy, x, kernel=(), stride=(), pad=(), pool_type="max", pooling_convention="valid",
                  global_pool=False, count_include_pad=True, p_value=None):
    dy, x = dy.astype(np.float64), x.astype(np.float64)
    y = pool_forward(x, kernel, stride, pad, pool_type, pooling_convention, global_pool, count_include_pad, p_value)
    dx = np.zeros_like(x)
    n, c = x.shape[:2]
    for o, window, padded, clipped, _ in _pool_windows(x, kernel, stride, pad, pooling_convention, global_pool):
        g = dy[(slice(None), slice(None)) + o]
        region = dx[(slice(None), slice(None)) + window]
        values = x[(slice(None), slice(None)) + window]
        if pool_type == "max":  # the first maximum of each window
            flat = _flat(values)
            first = np.argmax(flat, axis=-1)
            hit = np.zeros_like(flat)
            np.put_along_axis(hit, first[..., None], 1.0, axis=-1)
            region += hit.reshape(values.shape) * g.reshape((n, c) + (1,) * (values.ndim - 2))
        elif pool_type == "sum":
            region += g.reshape((n, c) + (1,) * (values.ndim - 2))
        elif pool_type == "avg":
            region += g.reshape((n, c) + (1,) * (values.ndim - 2)) / (padded if count_include_pad else clipped)
        else:
            out = y[(slice(None), slice(None)) + o].reshape((n, c) + (1,) * (values.ndim - 2))
            region += g.reshape(out.shape) * (values / out) ** (p_value - 1)
    return dx


# -- normalization ------------------------------------------------------------------

def batch_norm_forward(x, gamma, beta, mean, var, eps, fix_gamma, axis=1):
    """out for the given statistics (batch or moving ones)."""
    shape = [1] * x.ndim
    shape[axis] = -1
    g = np.ones_like(gamma, dtype=np.float64) if fix_gamma else gamma.astype(np.float64)
    return ((x.astype(np.float64) - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * g.reshape(shape)
            + beta.astype(np.float64).reshape(shape))


def batch_stats(x, axis=1):
    axes = tuple(i for i in range(x.ndim) if i != axis % x.ndim)
    x = x.astype(np.float64)
    return x.mean(axis=axes), x.var(axis=axes)
