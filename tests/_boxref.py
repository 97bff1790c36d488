"""numpy float64 references for MXNet 1.9's bounding-box contrib ops
(box_iou, box_encode, box_decode, box_nms, bipartite_matching,
MultiBoxPrior), written from MXNet's definitions and checked against
MXNet 1.9.1 while the tests were written.  Float parameters are rounded to
float32, as MXNet keeps them."""
import numpy as np


def f32(x):
    """A float parameter (or tuple of them) as MXNet holds it."""
    return np.float32(x).astype(np.float64)


def corners(boxes, fmt):
    """(..., 4) boxes in fmt ('corner' | 'center') as [xmin, ymin, xmax, ymax]."""
    b = np.asarray(boxes, np.float64)
    if fmt == "corner":
        return b
    half = b[..., 2:] / 2
    return np.concatenate([b[..., :2] - half, b[..., :2] + half], axis=-1)


def iou_matrix(lhs, rhs, guarded=True):
    """IoU of every corner box of lhs (n, 4) with every one of rhs (m, 4);
    unguarded (box_nms): 0 / 0 for two empty boxes that do not intersect."""
    lo = np.maximum(lhs[:, None, :2], rhs[None, :, :2])
    hi = np.minimum(lhs[:, None, 2:], rhs[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=-1)

    def area(b):
        wh = b[:, 2:] - b[:, :2]
        return np.where((wh < 0).any(axis=1), 0.0, np.prod(wh, axis=1))

    union = area(lhs)[:, None] + area(rhs)[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        if not guarded:
            return inter / union
        return np.where(inter > 0, inter / np.where(inter > 0, union, 1), 0.0)


def box_iou(lhs, rhs, fmt="corner"):
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    out = iou_matrix(corners(lhs, fmt).reshape(-1, 4), corners(rhs, fmt).reshape(-1, 4))
    return out.reshape(lhs.shape[:-1] + rhs.shape[:-1])


def _center(b):
    wh = b[..., 2:] - b[..., :2]
    return np.concatenate([b[..., :2] + wh / 2, wh], axis=-1)


def box_encode(samples, matches, anchors, refs, means, stds):
    """-> (targets, masks), each anchors' shape."""
    anchors, refs = np.asarray(anchors, np.float64), np.asarray(refs, np.float64)
    targets, masks = np.zeros_like(anchors), np.zeros_like(anchors)
    for b, n in np.ndindex(*np.shape(samples)):
        if samples[b][n] > 0.5:
            ref, anchor = _center(refs[b, int(matches[b][n])]), _center(anchors[b, n])
            encoded = np.concatenate([(ref[:2] - anchor[:2]) / anchor[2:], np.log(ref[2:] / anchor[2:])])
            targets[b, n] = (encoded - means) / stds
            masks[b, n] = 1
    return targets, masks


def box_decode(data, anchors, stds=(1, 1, 1, 1), clip=-1.0, fmt="center"):
    data, anchors = np.asarray(data, np.float64), np.asarray(anchors, np.float64)
    a = anchors if fmt == "center" else _center(anchors)
    stds = f32(stds)
    xy = data[..., :2] * stds[:2] * a[..., 2:] + a[..., :2]
    dwh = data[..., 2:] * stds[2:]
    if clip > 0:
        dwh = np.minimum(dwh, f32(clip))
    half = np.exp(dwh) * a[..., 2:] / 2
    return np.concatenate([xy - half, xy + half], axis=-1)


def box_nms(data, overlap_thresh=0.5, valid_thresh=0.0, topk=-1, coord_start=2, score_index=1, id_index=-1,
            background_id=-1, force_suppress=False, in_format="corner", out_format="corner"):
    """-> (output, record): record[..., i] is the input row of output row i, or -1."""
    data = np.asarray(data, np.float64)
    overlap_thresh, valid_thresh = f32(overlap_thresh), f32(valid_thresh)
    shape = data.shape
    rows = data.reshape((-1,) + shape[-2:])
    out = -np.ones_like(rows)
    record = -np.ones(rows.shape[:2], np.int64)
    if topk == 0:
        return data.copy(), np.broadcast_to(np.arange(shape[-2]), shape[:-1]).copy()
    coords = slice(coord_start, coord_start + 4)
    for b, batch in enumerate(rows):
        valid = [k for k in range(len(batch)) if batch[k, score_index] > valid_thresh
                 and not (id_index >= 0 and batch[k, id_index] == background_id)]
        order = sorted(valid, key=lambda k: -batch[k, score_index])  # stable: ties keep input order
        if topk > 0:
            order = order[:topk]
        boxes = corners(batch[order, coords], in_format)
        iou = iou_matrix(boxes, boxes, guarded=False)
        cls = np.trunc(batch[order, id_index])  # classes compare as integers
        kept = []
        for i, k in enumerate(order):
            if all(not (iou[i, j] > overlap_thresh and (force_suppress or id_index < 0 or cls[i] == cls[j]))
                   for j in kept):
                kept.append(i)
        for slot, i in enumerate(kept):
            row = batch[order[i]].copy()
            if in_format != out_format:
                box = corners(row[coords], in_format)
                row[coords] = box if out_format == "corner" else _center(box)
            out[b, slot], record[b, slot] = row, order[i]
    return out.reshape(shape), record.reshape(shape[:-1])


def box_nms_backward(out_grad, record):
    """Each output row's gradient to the input row it came from."""
    g = np.asarray(out_grad, np.float64)
    rows, rec = g.reshape((-1,) + g.shape[-2:]), np.asarray(record).reshape(-1, g.shape[-2])
    dx = np.zeros_like(rows)
    for b in range(len(rows)):
        for i, k in enumerate(rec[b]):
            if k >= 0:
                dx[b, k] += rows[b, i]
    return dx.reshape(g.shape)


def bipartite_matching(data, threshold, is_ascend=False, topk=-1):
    """-> (row matches (..., N), column matches (..., M)), -1 where unmatched."""
    data, threshold = np.asarray(data, np.float64), f32(threshold)
    n, m = data.shape[-2:]
    scores = data.reshape(-1, n * m)
    rows, cols = -np.ones((len(scores), n)), -np.ones((len(scores), m))
    for b, s in enumerate(scores):
        key = np.where(np.isnan(s), np.inf, s if is_ascend else -s)  # NaN last
        count = 0
        for k in np.argsort(key, kind="stable"):
            r, c = divmod(int(k), m)
            if rows[b, r] >= 0 or cols[b, c] >= 0:
                continue
            if not (s[k] < threshold if is_ascend else s[k] > threshold):
                break
            rows[b, r], cols[b, c] = c, r
            count += 1
            if topk > 0 and count > topk:
                break
    return rows.reshape(data.shape[:-1]), cols.reshape(data.shape[:-2] + (m,))


def multibox_prior(shape, sizes=(1.0,), ratios=(1.0,), clip=False, steps=(-1.0, -1.0), offsets=(0.5, 0.5)):
    h, w = shape[2], shape[3]
    step_y, step_x = steps if steps[0] > 0 and steps[1] > 0 else (1.0 / h, 1.0 / w)
    shapes = [(s, ratios[0]) for s in sizes] + [(sizes[0], q) for q in ratios[1:]]
    boxes = []
    for r in range(h):
        for c in range(w):
            cy, cx = (r + offsets[0]) * step_y, (c + offsets[1]) * step_x
            for s, q in shapes:
                half_w, half_h = s * h / w * np.sqrt(q) / 2, s / np.sqrt(q) / 2
                boxes.append([cx - half_w, cy - half_h, cx + half_w, cy + half_h])
    out = np.array(boxes, np.float64).reshape(1, -1, 4)
    return np.clip(out, 0, 1) if clip else out
