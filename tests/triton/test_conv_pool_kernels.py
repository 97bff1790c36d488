"""Convolution, Deconvolution, Pooling, im2col and col2im kernels and their
gradients against numpy float64 references (direct sums over the kernel
offsets)."""
import itertools

import numpy as np
import pytest

pytest.importorskip("triton", reason="triton is not installed")

from _im2col_reference import col2im_reference, im2col_reference  # noqa: E402
from _run import TOLERANCE, rounded, run_op  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # masked lanes' casts under the interpreter
RNG = np.random.default_rng(5)


def _windows(x, kernel, stride, pad, dilate, out_sizes):
    """{kernel offset: x's values under it at every window, (N, C, *out)}."""
    padded = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    views = {}
    for k in itertools.product(*[range(s) for s in kernel]):
        box = tuple(slice(k[i] * dilate[i], k[i] * dilate[i] + stride[i] * (out_sizes[i] - 1) + 1, stride[i])
                    for i in range(len(kernel)))
        views[k] = padded[(slice(None), slice(None)) + box]
    return views


def _out_sizes(sizes, kernel, stride, pad, dilate):
    return [(sizes[i] + 2 * pad[i] - dilate[i] * (kernel[i] - 1) - 1) // stride[i] + 1 for i in range(len(sizes))]


def conv_reference(x, w, stride, pad, dilate, groups):
    kernel = w.shape[2:]
    out_sizes = _out_sizes(x.shape[2:], kernel, stride, pad, dilate)
    cg, fg = x.shape[1] // groups, w.shape[0] // groups
    y = np.zeros((x.shape[0], w.shape[0], *out_sizes))
    for k, patch in _windows(x, kernel, stride, pad, dilate, out_sizes).items():
        for g in range(groups):
            y[:, g * fg:(g + 1) * fg] += np.einsum("nc...,fc->nf...", patch[:, g * cg:(g + 1) * cg],
                                                    w[(slice(g * fg, (g + 1) * fg), slice(None)) + k])
    return y


def conv_data_gradient_reference(dy, w, image_shape, stride, pad, dilate, groups):
    """The adjoint of conv_reference in x: each window's contributions added back."""
    kernel = w.shape[2:]
    cg, fg = image_shape[1] // groups, w.shape[0] // groups
    padded = np.zeros((image_shape[0], image_shape[1]) + tuple(s + 2 * p for s, p in zip(image_shape[2:], pad)))
    for k in itertools.product(*[range(s) for s in kernel]):
        box = tuple(slice(k[i] * dilate[i], k[i] * dilate[i] + stride[i] * (dy.shape[2 + i] - 1) + 1, stride[i])
                    for i in range(len(kernel)))
        for g in range(groups):
            padded[(slice(None), slice(g * cg, (g + 1) * cg)) + box] += np.einsum(
                "nf...,fc->nc...", dy[:, g * fg:(g + 1) * fg], w[(slice(g * fg, (g + 1) * fg), slice(None)) + k])
    return padded[(slice(None), slice(None)) + tuple(slice(p, p + s) for p, s in zip(pad, image_shape[2:]))]


def conv_weight_gradient_reference(dy, x, kernel, stride, pad, dilate, groups):
    cg, fg = x.shape[1] // groups, dy.shape[1] // groups
    dw = np.zeros((dy.shape[1], cg, *kernel))
    for k, patch in _windows(x, kernel, stride, pad, dilate, dy.shape[2:]).items():
        for g in range(groups):
            d, p = dy[:, g * fg:(g + 1) * fg], patch[:, g * cg:(g + 1) * cg]
            dw[(slice(g * fg, (g + 1) * fg), slice(None)) + k] = np.einsum(
                "nfs,ncs->fc", d.reshape(d.shape[:2] + (-1,)), p.reshape(p.shape[:2] + (-1,)))
    return dw


CONVOLUTIONS = [  # data shape, filters, kernel, stride, pad, dilate, groups
    ((2, 3, 7, 6), 4, (3, 3), (2, 1), (1, 1), (1, 2), 1),
    ((2, 4, 9), 6, (3,), (1,), (0,), (1,), 2),
    ((1, 3, 5, 5), 3, (3, 3), (1, 1), (1, 1), (1, 1), 3),  # depthwise
    ((1, 2, 3, 4, 4), 2, (2, 2, 2), (1, 2, 1), (0, 1, 0), (1, 1, 1), 1),
    ((2, 40, 3, 3), 20, (1, 1), (1, 1), (0, 0), (1, 1), 1),  # deep enough for two reduction tiles
]


@pytest.mark.parametrize("case", range(len(CONVOLUTIONS)))
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_convolution_and_its_gradients(case, dtype):
    shape, filters, kernel, stride, pad, dilate, groups = CONVOLUTIONS[case]
    x = rounded(RNG.uniform(-1, 1, shape), dtype)
    w = rounded(RNG.uniform(-1, 1, (filters, shape[1] // groups, *kernel)), dtype)
    b = rounded(RNG.uniform(-1, 1, filters), dtype)
    attrs = dict(kernel=kernel, stride=stride, pad=pad, dilate=dilate, num_filter=filters, num_group=groups,
                 no_bias=False)
    expected = conv_reference(x, w, stride, pad, dilate, groups) + b.reshape((1, -1) + (1,) * len(kernel))
    y = run_op("Convolution", [(x, dtype), (w, dtype), (b, dtype)], [(expected.shape, dtype)], attrs)
    tol = dict(rtol=TOLERANCE[dtype] * 50, atol=TOLERANCE[dtype] * 50)
    np.testing.assert_allclose(y, expected, **tol)
    dy = rounded(RNG.uniform(-1, 1, expected.shape), dtype)
    dx, dw, db = run_op("_backward_Convolution", [(dy, dtype), (x, dtype), (w, dtype)],
                        [(shape, dtype), (w.shape, dtype), ((filters,), dtype)], attrs)
    np.testing.assert_allclose(dx, conv_data_gradient_reference(dy, w, shape, stride, pad, dilate, groups), **tol)
    np.testing.assert_allclose(dw, conv_weight_gradient_reference(dy, x, kernel, stride, pad, dilate, groups), **tol)
    np.testing.assert_allclose(db, dy.sum(axis=tuple(k for k in range(dy.ndim) if k != 1)), **tol)


@pytest.mark.parametrize("target_shape", [(), (9, 9)])
def test_deconvolution_is_the_adjoint_of_convolution(target_shape):
    """Deconvolution(x) = Convolution's data gradient at x; its gradients
    are Convolution (data) and the weight gradient with the roles swapped."""
    x = RNG.uniform(-1, 1, (2, 4, 4, 4))
    w = RNG.uniform(-1, 1, (4, 3, 3, 3))  # (data channels, filters / groups, kernel)
    stride, pad, dilate = (2, 2), (1, 1), (1, 1)
    out_shape = (2, 3, 9, 9) if target_shape else (2, 3, 8, 8)
    attrs = dict(kernel=(3, 3), stride=stride, pad=pad, dilate=dilate, adj=(1, 1) if not target_shape else (),
                 target_shape=target_shape, num_filter=3, num_group=1, no_bias=True)
    if target_shape:  # MXNet's InferPad: the padding that gives the target
        pad = tuple((s * (i - 1) + 3 - t + 1) // 2 for s, i, t in zip(stride, (4, 4), target_shape))
    y = run_op("Deconvolution", [(x, "float64"), (w, "float64")], [(out_shape, "float64")], attrs)
    np.testing.assert_allclose(y, conv_data_gradient_reference(x, w, out_shape, stride, pad, dilate, 1), rtol=1e-12)
    dy = RNG.uniform(-1, 1, out_shape)
    dx, dw = run_op("_backward_Deconvolution", [(dy, "float64"), (x, "float64"), (w, "float64")],
                    [(x.shape, "float64"), (w.shape, "float64")], attrs)
    np.testing.assert_allclose(dx, conv_reference(dy, w, stride, pad, dilate, 1), rtol=1e-12)
    np.testing.assert_allclose(dw, conv_weight_gradient_reference(x, dy, (3, 3), stride, pad, dilate, 1), rtol=1e-12)


def pool_reference(x, kind, kernel, stride, pad, count_include_pad=True, p=2):
    """MXNet's windows: clipped to the padded input, then to the input."""
    sizes = x.shape[2:]
    out_sizes = [(sizes[i] + 2 * pad[i] - kernel[i]) // stride[i] + 1 for i in range(len(sizes))]
    y = np.zeros(x.shape[:2] + tuple(out_sizes))
    for o in itertools.product(*[range(s) for s in out_sizes]):
        start = [o[i] * stride[i] - pad[i] for i in range(len(o))]
        stop = [min(start[i] + kernel[i], sizes[i] + pad[i]) for i in range(len(o))]
        box = tuple(slice(max(a, 0), min(b, s)) for a, b, s in zip(start, stop, sizes))
        window = x[(slice(None), slice(None)) + box].reshape(x.shape[:2] + (-1,))
        count = np.prod([b - a for a, b in zip(start, stop)]) if count_include_pad else window.shape[-1]
        value = {"max": lambda: window.max(-1), "sum": lambda: window.sum(-1), "avg": lambda: window.sum(-1) / count,
                 "lp": lambda: (np.abs(window) ** p).sum(-1) ** (1 / p)}[kind]()
        y[(slice(None), slice(None)) + o] = value
    return y


POOLS = [  # kind, data shape, kernel, stride, pad, count_include_pad
    ("max", (2, 2, 7, 7), (3, 3), (2, 2), (1, 1), True),
    ("avg", (2, 2, 7, 7), (3, 3), (2, 2), (1, 1), False),
    ("avg", (1, 2, 6), (3,), (2,), (1,), True),
    ("sum", (1, 2, 3, 4, 5), (2, 2, 3), (1, 2, 1), (0, 1, 1), True),
    ("lp", (2, 3, 5, 5), (2, 2), (1, 1), (0, 0), True),
]


@pytest.mark.parametrize("case", range(len(POOLS)))
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_pooling_and_its_gradient(case, dtype):
    kind, shape, kernel, stride, pad, include = POOLS[case]
    x = rounded(RNG.uniform(0.1, 2, shape), dtype)
    attrs = dict(kernel=kernel, stride=stride, pad=pad, pool_type=kind, count_include_pad=include, p_value=2)
    expected = pool_reference(x, kind, kernel, stride, pad, include)
    y = run_op("Pooling", [(x, dtype)], [(expected.shape, dtype)], attrs)
    np.testing.assert_allclose(y, expected, rtol=TOLERANCE[dtype] * 10)
    # the gradient by finite differences of the reference (max: the window's maximum is unique here)
    dy = RNG.uniform(-1, 1, expected.shape)
    dx = run_op("_backward_Pooling", [(dy, "float64"), (x.astype(np.float64), "float64"), (expected, "float64")],
                [(shape, "float64")], attrs)
    eps = 1e-6
    numeric = np.zeros(x.size)
    for i in range(x.size):
        bumped = x.astype(np.float64).ravel().copy()
        bumped[i] += eps
        numeric[i] = ((pool_reference(bumped.reshape(shape), kind, kernel, stride, pad, include) - expected) *
                      dy).sum() / eps
    np.testing.assert_allclose(dx.ravel(), numeric, rtol=1e-4, atol=1e-4)


def test_global_pooling_and_max_ties():
    x = RNG.uniform(-1, 1, (2, 3, 4, 5))
    got = run_op("Pooling", [(x, "float64")], [((2, 3, 1, 1), "float64")],
                 dict(kernel=(1, 1), global_pool=True, pool_type="avg"))
    np.testing.assert_allclose(got.ravel(), x.mean(axis=(2, 3)).ravel(), rtol=1e-12)
    tie = np.array([[[[1.0, 3.0], [3.0, 0.0]]]])  # the first maximum in row-major order takes the gradient
    dx = run_op("_backward_Pooling", [(np.array([[[[2.0]]]]), "float64"), (tie, "float64"),
                                      (np.array([[[[3.0]]]]), "float64")], [((1, 1, 2, 2), "float64")],
                dict(kernel=(2, 2), pool_type="max"))
    np.testing.assert_array_equal(dx, [[[[0, 2], [0, 0]]]])


# (image shape, window parameters): 1-D, 2-D and 3-D, taps that miss the image
SLIDING_CASES = [
    ((2, 3, 7), dict(kernel=(3,), stride=(2,), pad=(1,))),
    ((2, 2, 5, 6), dict(kernel=(3, 2), stride=(2, 1), dilate=(1, 2), pad=(1, 0))),
    ((1, 2, 4, 3, 5), dict(kernel=(2, 2, 3), stride=(1, 2, 1), pad=(0, 1, 1))),
    ((2, 1, 3, 3), dict(kernel=(3, 3), pad=(1, 1), dilate=(2, 2))),
]


@pytest.mark.parametrize("case", range(len(SLIDING_CASES)))
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_im2col_col2im_and_backward_im2col(case, dtype):
    shape, params = SLIDING_CASES[case]
    tol = dict(rtol=TOLERANCE[dtype] * 4, atol=TOLERANCE[dtype] * 4)
    x = rounded(RNG.standard_normal(shape), dtype)
    expected = im2col_reference(x, **params)
    attrs = dict(dict(stride=(), dilate=(), pad=()), **params)
    np.testing.assert_allclose(run_op("im2col", [(x, dtype)], [(expected.shape, dtype)], attrs), expected, **tol)
    col = rounded(RNG.standard_normal(expected.shape), dtype)
    image = col2im_reference(col, shape[2:], **params)
    got = run_op("col2im", [(col, dtype)], [(shape, dtype)], dict(attrs, output_size=shape[2:]))
    np.testing.assert_allclose(got, image, **tol)
    got = run_op("_backward_im2col", [(col, dtype), (np.zeros(shape), dtype)], [(shape, dtype)], attrs)
    np.testing.assert_allclose(got, image, **tol)
