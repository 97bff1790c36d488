"""numpy float64 references of im2col and col2im (MXNet 1.9), shared by
tests/ops and tests/triton: an image (N, C, *spatial) and its column matrix
(N, C * prod(kernel), blocks) under kernel / stride / dilate / pad."""
import numpy as np


def _taps(params, spatial):
    """Per kernel offset, the padded image's slice it reads at every block
    position, and the block positions per axis."""
    ndim = len(spatial)
    kernel = tuple(params["kernel"])
    stride, dilate, pad = (tuple(params.get(k) or (default,) * ndim) for k, default in
                           (("stride", 1), ("dilate", 1), ("pad", 0)))
    blocks = tuple((x + 2 * p - d * (k - 1) - 1) // s + 1
                   for x, k, s, d, p in zip(spatial, kernel, stride, dilate, pad))
    index = [tuple(slice(k * d, k * d + (b - 1) * s + 1, s) for k, d, s, b in zip(kidx, dilate, stride, blocks))
             for kidx in np.ndindex(*kernel)]
    return index, blocks, pad


def im2col_reference(x, **params):
    x = x.astype(np.float64)
    index, blocks, pad = _taps(params, x.shape[2:])
    padded = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    n, c = x.shape[:2]
    col = np.stack([padded[(slice(None), slice(None)) + i].reshape(n, c, -1) for i in index], axis=2)
    return col.reshape(n, c * len(index), int(np.prod(blocks)))


def col2im_reference(col, output_size, **params):
    index, blocks, pad = _taps(params, output_size)
    n, c = col.shape[0], col.shape[1] // len(index)
    padded = np.zeros((n, c) + tuple(o + 2 * p for o, p in zip(output_size, pad)))
    per_offset = col.astype(np.float64).reshape((n, c, len(index)) + tuple(blocks))
    for k, i in enumerate(index):
        padded[(slice(None), slice(None)) + i] += per_offset[:, :, k]
    return padded[(slice(None), slice(None)) + tuple(slice(p, p + o) for p, o in zip(pad, output_size))]
