"""numpy float64 references of MXNet 1.9's _contrib_BilinearResize2D and
_contrib_AdaptiveAvgPooling2D and their gradients.  Both resize each plane
by a linear map per axis, out = Mh @ plane @ Mw.T, so the gradient is
Mh.T @ grad @ Mw.  numpy only: tests/ops and tests/triton share them."""
import numpy as np


def bilinear_matrix(size, out, align_corners=True):
    """(out, size): row dst holds the two weights of its source neighbours.
    align_corners: src = dst * (size - 1) / (out - 1); else
    (dst + 0.5) * size / out - 0.5, clamped at 0; an output of 1 samples 0."""
    m = np.zeros((out, size))
    scale = 0.0 if out <= 1 else (size - 1) / (out - 1) if align_corners else size / out
    for dst in range(out):
        src = scale * dst if align_corners else max(scale * (dst + 0.5) - 0.5, 0.0)
        first = int(src)
        second = first + 1 if first < size - 1 else first
        m[dst, first] += 1 - (src - first)
        m[dst, second] += src - first
    return m


def adaptive_matrix(size, out):
    """(out, size): row k averages [floor(k * size / out), ceil((k + 1) * size / out))."""
    m = np.zeros((out, size))
    for k in range(out):
        start, end = k * size // out, -(-(k + 1) * size // out)
        m[k, start:end] = 1.0 / (end - start)
    return m


def _apply(x, mh, mw):
    return np.einsum("ih,nchw,jw->ncij", mh, np.asarray(x, np.float64), mw)


def bilinear_resize(x, out_hw, align_corners=True):
    return _apply(x, bilinear_matrix(x.shape[2], out_hw[0], align_corners),
                  bilinear_matrix(x.shape[3], out_hw[1], align_corners))


def bilinear_resize_backward(grad, data_shape, align_corners=True):
    return _apply(grad, bilinear_matrix(data_shape[2], grad.shape[2], align_corners).T,
                  bilinear_matrix(data_shape[3], grad.shape[3], align_corners).T)


def adaptive_avg_pool(x, out_hw):
    return _apply(x, adaptive_matrix(x.shape[2], out_hw[0]), adaptive_matrix(x.shape[3], out_hw[1]))


def adaptive_avg_pool_backward(grad, data_shape):
    return _apply(grad, adaptive_matrix(data_shape[2], grad.shape[2]).T,
                  adaptive_matrix(data_shape[3], grad.shape[3]).T)
