"""numpy float64 references of MXNet 1.9's spatial ops -- UpSampling,
GridGenerator, BilinearSampler (SpatialTransformer is the two in sequence),
ROIPooling, ROIAlign, Crop -- and their gradients, written for clarity on small
shapes.  numpy only: tests/ops and tests/triton share them."""
import numpy as np


# -- UpSampling -----------------------------------------------------------------------

def upsample_nearest(inputs, scale, mode="concat"):
    """Each input repeated to input 0's size times scale; concat or sum."""
    out_h = inputs[0].shape[2] * scale
    parts = []
    for x in inputs:
        f = out_h // x.shape[2]
        parts.append(np.repeat(np.repeat(x.astype(np.float64), f, axis=2), f, axis=3))
    return sum(parts) if mode == "sum" else np.concatenate(parts, axis=1)


def upsample_nearest_backward(grad, shapes, mode="concat"):
    """Each input's gradient: the f x f block sums of its channels of grad."""
    grads, first = [], 0
    for n, c, h, w in shapes:
        f = grad.shape[2] // h
        g = grad if mode == "sum" else grad[:, first:first + c]
        first += c
        grads.append(g.astype(np.float64).reshape(n, c, h, f, w, f).sum(axis=(3, 5)))
    return grads


def bilinear_geometry(scale):
    """MXNet's deconvolution for bilinear upsampling: kernel, stride, pad."""
    return 2 * scale - scale % 2, scale, -(-(scale - 1) // 2)


def _taps(h, w, k, s):
    """(ky, kx, the strided box of the unpadded deconvolution output they hit)."""
    for ky in range(k):
        for kx in range(k):
            yield ky, kx, (slice(None), slice(None), slice(ky, ky + (h - 1) * s + 1, s),
                           slice(kx, kx + (w - 1) * s + 1, s))


def upsample_bilinear(x, weight, scale):
    """out[n, c, i s - p + ky, j s - p + kx] += x[n, c, i, j] weight[c, 0, ky, kx]."""
    k, s, p = bilinear_geometry(scale)
    n, c, h, w = x.shape
    full = np.zeros((n, c, (h - 1) * s + k, (w - 1) * s + k))
    for ky, kx, box in _taps(h, w, k, s):
        full[box] += x * weight[:, 0, ky, kx][None, :, None, None]
    return full[:, :, p:p + h * s, p:p + w * s]


def upsample_bilinear_backward(grad, x, weight, scale):
    """(data's, weight's gradients) of upsample_bilinear."""
    k, s, p = bilinear_geometry(scale)
    n, c, h, w = x.shape
    full = np.zeros((n, c, (h - 1) * s + k, (w - 1) * s + k))
    full[:, :, p:p + h * s, p:p + w * s] = grad
    dx, dw = np.zeros(x.shape), np.zeros(weight.shape)
    for ky, kx, box in _taps(h, w, k, s):
        dx += full[box] * weight[:, 0, ky, kx][None, :, None, None]
        dw[:, 0, ky, kx] = (full[box] * x).sum(axis=(0, 2, 3))
    return dx, dw


# -- GridGenerator and BilinearSampler --------------------------------------------------

def _target_coordinates(size):
    return -1 + np.arange(size) * (2.0 / (size - 1))


def _homogeneous(h, w):
    """(3, h, w): each target pixel's (x, y, 1)."""
    y, x = np.meshgrid(_target_coordinates(h), _target_coordinates(w), indexing="ij")
    return np.stack([x, y, np.ones((h, w))])


def affine_grid(theta, target_shape):
    """(N, 2, H, W): theta (N, 6) as 2 x 3 matrices applied to (x, y, 1)."""
    return np.einsum("nij,jhw->nihw", theta.reshape(-1, 2, 3).astype(np.float64), _homogeneous(*target_shape))


def affine_grid_backward(grad):
    return np.einsum("nihw,jhw->nij", grad, _homogeneous(*grad.shape[2:])).reshape(-1, 6)


def _half_extent(h, w):
    """Per grid channel, the normalisation's (size - 1) / 2, as (1, 2, 1, 1)."""
    return np.array([(w - 1) / 2, (h - 1) / 2]).reshape(1, 2, 1, 1)


def warp_grid(flow):
    h, w = flow.shape[2:]
    y, x = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    return (flow + np.stack([x, y])[None]) / _half_extent(h, w) - 1


def warp_grid_backward(grad):
    return grad / _half_extent(*grad.shape[2:])


def _sample_points(data, grid):
    """For every grid point: the four taps (y, x, weight), in image coordinates."""
    h, w = data.shape[2:]
    x = (grid[:, 0] + 1) * (w - 1) / 2
    y = (grid[:, 1] + 1) * (h - 1) / 2
    x0, y0 = np.floor(x), np.floor(y)
    wx, wy = 1 - (x - x0), 1 - (y - y0)
    return x, y, [(y0, x0, wy * wx), (y0, x0 + 1, wy * (1 - wx)), (y0 + 1, x0, (1 - wy) * wx),
                  (y0 + 1, x0 + 1, (1 - wy) * (1 - wx))]


def _tap_values(data, ty, tx):
    """data at integer points (N, H', W') for every channel (N, C, H', W'), 0 outside."""
    h, w = data.shape[2:]
    inside = (ty >= 0) & (ty < h) & (tx >= 0) & (tx < w)
    yi, xi = np.where(inside, ty, 0).astype(int), np.where(inside, tx, 0).astype(int)
    n = np.arange(data.shape[0])[:, None, None]
    values = data[n, :, yi, xi]  # (N, H', W', C)
    return np.moveaxis(np.where(inside[..., None], values, 0), -1, 1), inside


def bilinear_sample(data, grid):
    data = data.astype(np.float64)
    _, _, taps = _sample_points(data, grid.astype(np.float64))
    return sum(_tap_values(data, ty, tx)[0] * wt[:, None] for ty, tx, wt in taps)


def bilinear_sample_backward(grad, data, grid):
    """(data's, grid's gradients) of bilinear_sample."""
    data, grid, grad = data.astype(np.float64), grid.astype(np.float64), grad.astype(np.float64)
    h, w = data.shape[2:]
    x, y, taps = _sample_points(data, grid)
    ddata = np.zeros(data.shape)
    n = np.arange(data.shape[0])[:, None, None, None]
    c = np.arange(data.shape[1])[None, :, None, None]
    dx = np.zeros(grad.shape)  # d out / d x per channel, then summed
    dy = np.zeros(grad.shape)
    for (ty, tx, wt), sx, sy in zip(taps, (-1, 1, -1, 1), (-1, -1, 1, 1)):
        v, inside = _tap_values(data, ty, tx)
        yi = np.where(inside, ty, 0).astype(int)[:, None]
        xi = np.where(inside, tx, 0).astype(int)[:, None]
        np.add.at(ddata, (n, c, yi, xi), np.where(inside[:, None], grad * wt[:, None], 0))
        # d weight / d x: the taps in column x0 lose weight as x grows (sx = -1)
        fy = (1 - (y - np.floor(y))) if sy < 0 else (y - np.floor(y))
        fx = (1 - (x - np.floor(x))) if sx < 0 else (x - np.floor(x))
        dx += grad * v * (sx * fy)[:, None]
        dy += grad * v * (sy * fx)[:, None]
    dgrid = np.stack([dx.sum(axis=1) * (w - 1) / 2, dy.sum(axis=1) * (h - 1) / 2], axis=1)
    return ddata, dgrid


# -- ROIPooling ---------------------------------------------------------------------------

def _bins(start, end, pooled, size):
    """[begin, end) of each bin along one axis, clipped to [0, size)."""
    step = max(end - start + 1, 1) / pooled
    return [(min(max(int(np.floor(p * step)) + start, 0), size), min(max(int(np.ceil((p + 1) * step)) + start, 0),
                                                                      size)) for p in range(pooled)]


def _round_half_away(v):
    return int(np.sign(v) * np.floor(abs(v) + 0.5))


def roi_pool(data, rois, pooled_size, spatial_scale):
    """(output, maxidx) of MXNet's ROIPooling; maxidx the plane offsets (-1: empty)."""
    data = data.astype(np.float64)
    r, (c, h, w), (ph, pw) = rois.shape[0], data.shape[1:], pooled_size
    out, maxidx = np.zeros((r, c, ph, pw)), -np.ones((r, c, ph, pw), dtype=np.int64)
    scale = float(np.float32(spatial_scale))
    for k, roi in enumerate(rois.astype(np.float64)):
        if int(roi[0]) < 0:
            continue
        x1, y1, x2, y2 = (_round_half_away(v * scale) for v in roi[1:])
        for i, (h0, h1) in enumerate(_bins(y1, y2, ph, h)):
            for j, (w0, w1) in enumerate(_bins(x1, x2, pw, w)):
                if h1 <= h0 or w1 <= w0:
                    continue
                window = data[int(roi[0]), :, h0:h1, w0:w1].reshape(c, -1)
                at = window.argmax(axis=1)  # the first maximum in row-major order
                out[k, :, i, j] = window[np.arange(c), at]
                maxidx[k, :, i, j] = (h0 + at // (w1 - w0)) * w + w0 + at % (w1 - w0)
    return out, maxidx


def roi_pool_backward(grad, data_shape, rois, maxidx):
    dx = np.zeros(data_shape)
    n, c, h, w = data_shape
    for k, roi in enumerate(rois):
        b = int(roi[0])
        if b < 0:
            continue
        for ch in range(c):
            at = maxidx[k, ch].reshape(-1)
            keep = at >= 0
            np.add.at(dx[b, ch].reshape(-1), at[keep], grad[k, ch].reshape(-1)[keep].astype(np.float64))
    return dx


# -- Crop ------------------------------------------------------------------------------------

def crop_corner(data_shape, hw, offset=(0, 0), center_crop=False):
    if center_crop:
        return (data_shape[2] - hw[0]) // 2, (data_shape[3] - hw[1]) // 2
    return tuple(offset)


def crop(data, hw, offset=(0, 0), center_crop=False):
    y, x = crop_corner(data.shape, hw, offset, center_crop)
    return data[:, :, y:y + hw[0], x:x + hw[1]].astype(np.float64)


def crop_backward(grad, data_shape, offset=(0, 0), center_crop=False):
    y, x = crop_corner(data_shape, grad.shape[2:], offset, center_crop)
    dx = np.zeros(data_shape)
    dx[:, :, y:y + grad.shape[2], x:x + grad.shape[3]] = grad
    return dx


# -- ROIAlign -------------------------------------------------------------------------

def _bilinear_taps(y, x, height, width):
    """[(row, column, weight)] of the point (y, x): none outside [-1, size],
    clamped to the image's edge rows and columns (Detectron's rule)."""
    if y < -1.0 or y > height or x < -1.0 or x > width:
        return []
    y, x = max(y, 0.0), max(x, 0.0)
    y0, x0 = int(y), int(x)
    if y0 >= height - 1:
        y0 = y1 = height - 1
        y = float(y0)
    else:
        y1 = y0 + 1
    if x0 >= width - 1:
        x0 = x1 = width - 1
        x = float(x0)
    else:
        x1 = x0 + 1
    ly, lx = y - y0, x - x0
    return [(y0, x0, (1 - ly) * (1 - lx)), (y0, x1, (1 - ly) * lx), (y1, x0, ly * (1 - lx)), (y1, x1, ly * lx)]


def roi_align_weights(rois, data_shape, pooled_size, spatial_scale, sample_ratio=-1, position_sensitive=False,
                      aligned=False):
    """{(roi, channel, ph, pw): [(batch, data channel, row, column, weight)]}: the output is the weighted
    sum, so the gradient scatters the same weights."""
    _, channels, height, width = data_shape
    ph_n, pw_n = pooled_size
    out_channels = channels // (ph_n * pw_n) if position_sensitive else channels
    offset = 0.5 if aligned else 0.0
    taps = {}
    for r, roi in enumerate(np.asarray(rois, np.float64)):
        batch = int(roi[0])
        x1, y1, x2, y2 = (roi[1:] * spatial_scale - offset)
        roi_w, roi_h = x2 - x1, y2 - y1
        if not aligned:
            roi_w, roi_h = max(roi_w, 1.0), max(roi_h, 1.0)
        bin_h, bin_w = roi_h / ph_n, roi_w / pw_n
        grid_h = sample_ratio if sample_ratio > 0 else int(np.ceil(roi_h / ph_n))
        grid_w = sample_ratio if sample_ratio > 0 else int(np.ceil(roi_w / pw_n))
        count = max(grid_h * grid_w, 1)
        for c in range(out_channels):
            for ph in range(ph_n):
                for pw in range(pw_n):
                    entry = taps.setdefault((r, c, ph, pw), [])
                    if batch < 0:
                        continue
                    source = (c * ph_n + ph) * pw_n + pw if position_sensitive else c
                    for iy in range(grid_h):
                        y = y1 + ph * bin_h + (iy + 0.5) * bin_h / grid_h
                        for ix in range(grid_w):
                            x = x1 + pw * bin_w + (ix + 0.5) * bin_w / grid_w
                            entry += [(batch, source, row, col, w / count)
                                      for row, col, w in _bilinear_taps(y, x, height, width)]
    return taps, out_channels


def roi_align(data, rois, pooled_size, spatial_scale, **kwargs):
    taps, out_channels = roi_align_weights(rois, data.shape, pooled_size, spatial_scale, **kwargs)
    out = np.zeros((len(rois), out_channels) + tuple(pooled_size))
    for key, entry in taps.items():
        out[key] = sum(w * float(data[b, c, y, x]) for b, c, y, x, w in entry)
    return out


def roi_align_backward(grad, data_shape, rois, spatial_scale, **kwargs):
    taps, _ = roi_align_weights(rois, data_shape, grad.shape[2:], spatial_scale, **kwargs)
    ddata = np.zeros(data_shape)
    for key, entry in taps.items():
        for b, c, y, x, w in entry:
            ddata[b, c, y, x] += w * float(grad[key])
    return ddata
