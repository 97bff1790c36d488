"""The Triton kernels (plugins/triton) behind mx.nd on a GPU: loaded on the
first GPU context, registered through plugin.h, and checked against the CPU
kernels on the same inputs.  On emulated GPUs they run under Triton's
interpreter on host memory."""
import importlib.util

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

if importlib.util.find_spec("triton") is None:  # not imported at collection: see conftest.py
    pytest.skip("triton is not installed", allow_module_level=True)

GPU = mx.gpu(0)
RNG = np.random.default_rng(7)


def arrays(*shapes, dtype=np.float32, low=-2.0, high=2.0):
    return [RNG.uniform(low, high, size=s).astype(dtype) for s in shapes]


# name -> (function of NDArrays, numpy inputs)
CASES = {
    "add": (lambda a, b: a + b, arrays((3, 5), (3, 5))),
    "broadcast_mul": (lambda a, b: a * b, arrays((3, 5), (1, 5))),
    "scalar_ops": (lambda a: 2 - a / 3 + a ** 2, arrays((4, 3))),
    "exp_log": (lambda a: mx.nd.log1p(mx.nd.exp(a)), arrays((7,))),
    "comparisons": (lambda a, b: (a > b) + (a == a), arrays((2, 6), (2, 6))),
    "clip_where": (lambda a, b: mx.nd.where(a > 0, mx.nd.clip(a, -1, 1), b), arrays((3, 3), (3, 3))),
    "cast": (lambda a: a.astype("float16").astype("float64"), arrays((5,))),
    "int_math": (lambda a, b: a * b - a, arrays((4,), (4,), dtype=np.int32, low=-50, high=50)),
    "sum_axis": (lambda a: a.sum(axis=1), arrays((4, 6))),
    "mean_keepdims": (lambda a: a.mean(axis=(0, 2), keepdims=True), arrays((2, 3, 4))),
    "max_min": (lambda a: a.max(axis=0) - a.min(), arrays((5, 3))),
    "norm": (lambda a: mx.nd.norm(a, ord=2, axis=1), arrays((3, 4))),
    # few outputs over long extents: cut into splits, partials in the op's workspace
    "long_reductions": (lambda a: mx.nd.concat(a.sum(), a.mean(), a.max(), mx.nd.norm(a), a.sum(axis=0)[:1],
                                               mx.nd.argmin(a), dim=0), arrays((40, 1000), low=0.5, high=1.5)),
    "argmax": (lambda a: mx.nd.argmax(a, axis=1), arrays((4, 5))),
    "softmax": (lambda a: mx.nd.softmax(a, axis=-1), arrays((3, 10))),
    "log_softmax": (lambda a: mx.nd.log_softmax(a, axis=0, temperature=2.0), arrays((4, 3))),
    "softmax_activation": (lambda a: mx.nd.SoftmaxActivation(a, mode="channel") + mx.nd.SoftmaxActivation(a),
                           arrays((2, 3, 4))),
    "softmax_cross_entropy": (lambda a: mx.nd.softmax_cross_entropy(a, mx.nd.array([0, 2, 1, 2], ctx=a.context)),
                              arrays((4, 3))),
    "dot": (lambda a, b: mx.nd.dot(a, b), arrays((5, 7), (7, 3))),
    "dot_transposed": (lambda a, b: mx.nd.dot(a, b, transpose_b=True), arrays((4, 6), (5, 6))),
    "batch_dot": (lambda a, b: mx.nd.batch_dot(a, b), arrays((2, 3, 4), (2, 4, 5))),
    "khatri_rao": (lambda a, b, c: mx.nd.khatri_rao(a, b, c), arrays((2, 3), (1, 3), (4, 3))),
    "fully_connected": (lambda x, w, b: mx.nd.FullyConnected(x, w, b, num_hidden=3),
                        arrays((4, 5), (3, 5), (3,))),
    "sort": (lambda a: mx.nd.sort(a, axis=1, is_ascend=False), arrays((3, 6))),
    "topk": (lambda a: mx.nd.topk(a, k=2, ret_typ="indices"), arrays((3, 6))),
    "transpose": (lambda a: mx.nd.transpose(a, axes=(2, 0, 1)), arrays((2, 3, 4))),
    "concat": (lambda a, b: mx.nd.concat(a, b, dim=1), arrays((2, 3), (2, 4))),
    "contrib_allclose": (lambda a, b: mx.nd.stack(mx.nd.contrib.allclose(a, a), mx.nd.contrib.allclose(a, b),
                                                      mx.nd.contrib.allclose(a, b, atol=5)),
                         arrays((3, 4), (3, 4))),
    "contrib_index_array": (lambda a: mx.nd.contrib.index_array(a, axes=(-1, 0)), arrays((2, 3, 4))),
    "histogram_counts": (lambda a: mx.nd.histogram(a, 6, range=(-1.5, 1.5))[0], arrays((5, 7))),
    "histogram_edges": (lambda a: mx.nd.histogram(a, 6, range=(-1.5, 1.5))[1], arrays((5, 7))),
    "histogram_given_edges": (lambda a, e: mx.nd.histogram(a, mx.nd.sort(e))[0],
                              arrays((40,), (5,), dtype=np.float64)),
    "random_pdf_gamma": (lambda x, a, b: mx.nd.random_pdf_gamma(x, a, b, is_log=True),
                         arrays((3, 4), (3,), (3,), low=0.5, high=3)),
    "amp_casts": (lambda a, b: mx.nd.amp_multicast(mx.nd.amp_cast(a, dtype="float16"), b, num_outputs=2)[0],
                  arrays((3, 4), (2,))),
    "split_v2": (lambda a: mx.nd.split_v2(a, (1, 3), axis=1)[1], arrays((2, 5))),
    "split_v2_squeezed": (lambda a: mx.nd.split_v2(a, 3, axis=0, squeeze_axis=True)[2], arrays((3, 4))),
    "slice": (lambda a: a[1:3, ::2], arrays((4, 5))),
    "pad": (lambda a: mx.nd.pad(a, mode="edge", pad_width=(0, 0, 0, 0, 1, 2, 2, 1)),
            arrays((1, 2, 3, 3))),
    "tile_repeat": (lambda a: mx.nd.repeat(mx.nd.tile(a, reps=(2, 1)), repeats=2, axis=1),
                    arrays((2, 3))),
    "reshape_flip": (lambda a: mx.nd.flip(a.reshape((3, 4)), axis=0), arrays((12,))),
    "take": (lambda a, i: mx.nd.take(a, i, mode="wrap"),
             [arrays((5, 3))[0], np.array([0, 7, -1], dtype=np.float32)]),
    "one_hot": (lambda i: mx.nd.one_hot(i, depth=4), [np.array([1, 0, 3], dtype=np.float32)]),
    "batch_take": (lambda a, i: mx.nd.batch_take(a, i), [arrays((3, 4))[0], np.array([1, 5, -1], dtype=np.int32)]),
    "fill_element_0index": (lambda a, v, i: mx.nd.fill_element_0index(a, v, i),
                            [*arrays((3, 4), (3,)), np.array([1, 5, -1], dtype=np.float32)]),
    "ravel_unravel": (lambda i: mx.nd.unravel_index(mx.nd.ravel_multi_index(i, shape=(-1, 6)), shape=(3, 2, 3)),
                      [np.array([[3, 6, 6, 0], [4, 5, 1, 2]], dtype=np.float32)]),
    "broadcast_to": (lambda a: mx.nd.broadcast_to(a, shape=(3, 4)), arrays((1, 4))),
    "linalg_diag": (lambda a: mx.nd.linalg.makediag(mx.nd.linalg.extractdiag(a, offset=-1), offset=1),
                    arrays((2, 4, 4))),
    "linalg_trian": (lambda a: mx.nd.linalg.maketrian(mx.nd.linalg.extracttrian(a, lower=False), offset=-1),
                     arrays((2, 3, 3))),
    # la_op: products with a triangle, a triangular solve, Cholesky and back (float64: potri squares the condition)
    "linalg_syrk_trmm": (lambda a, b: mx.nd.linalg.trmm(a, mx.nd.linalg.syrk(b, alpha=0.5), lower=False,
                                                          rightside=True, transpose=True, alpha=2.0),
                         arrays((2, 3, 3), (2, 3, 4))),
    "linalg_trsm": (lambda a, b: mx.nd.linalg.trsm(a, b, lower=False, alpha=-1.5),
                    [np.triu(arrays((2, 4, 4))[0]) + 4 * np.eye(4, dtype=np.float32), *arrays((2, 4, 3))]),
    "linalg_potrf_potri": (lambda a: mx.nd.linalg.potri(mx.nd.linalg.potrf(mx.nd.linalg.syrk(a))),
                           arrays((2, 3, 5), dtype=np.float64)),
    "linalg_sumlogdiag": (lambda a: mx.nd.linalg.sumlogdiag(mx.nd.linalg.potrf(mx.nd.linalg.syrk(a), lower=False)),
                          arrays((2, 3, 5))),
    # inverse, det, sign and log |det| side by side; rows reversed: pivoting swaps them back
    "linalg_lu": (lambda a: mx.nd.concat(mx.nd.linalg.inverse(a).reshape((2, 9)), mx.nd.linalg.det(a).reshape((2, 1)),
                                         *[x.reshape((2, 1)) for x in mx.nd.linalg.slogdet(a)], dim=1),
                  [arrays((2, 3, 3))[0] + 3 * np.eye(3, dtype=np.float32)[::-1]]),
    "linalg_gelqf": (lambda a: mx.nd.concat(*[x.reshape((2, -1)) for x in mx.nd.linalg.gelqf(a)], dim=1),
                     arrays((2, 3, 5))),
    "linalg_syevd": (lambda a: mx.nd.concat(*[x.reshape((2, -1)) for x in mx.nd.linalg.syevd(a + a.swapaxes(1, 2))],
                                            dim=1), arrays((2, 4, 4), dtype=np.float64)),
    # repeated indices: the last write wins (claims in the op's workspace)
    "scatter_nd": (lambda d, i: mx.nd.scatter_nd(d, i, shape=(3, 4)),
                   [arrays((40,))[0], np.array([np.arange(40) % 3, np.arange(40) % 4], dtype=np.float32)]),
    # the new weights and the last weight's momentum, updated in place
    "multi_sgd_mom_update": (lambda *a: mx.nd.concat(*mx.nd.multi_sgd_mom_update(
        *a, num_weights=2, lrs=(0.1, 0.2), wds=(0.01, 0.0), momentum=0.9), a[5], dim=0),
        arrays((5,), (5,), (5,), (3,), (3,), (3,))),
    "multi_sum_sq_all_finite": (lambda a, b, c: mx.nd.concat(
        mx.nd.multi_sum_sq(a, b, num_arrays=2), mx.nd.multi_all_finite(a, b), mx.nd.all_finite(c), dim=0),
        arrays((40, 1000), (3,)) + [np.array([1.0, np.inf, 2.0], dtype=np.float32)]),
    "reset_arrays": (lambda a, b: (mx.nd.reset_arrays(a, b), a + b)[1], arrays((3, 4), (3, 4))),
    # a LAMB step as MXNet's optimizer chains its phases, then LARS rates from the norms
    "lamb_lars": (lambda w, g, m, v: mx.nd.concat(
        mx.nd.lamb_update_phase2(w, mx.nd.lamb_update_phase1(w, g, m, v, t=2, wd=0.01), mx.nd.norm(w), mx.nd.norm(g),
                                 lr=0.1, lower_bound=0.5),
        mx.nd.multi_lars(m, v, g * g, w * 0 + 0.01, eta=0.01, eps=1e-6), dim=0),
        arrays((6,), (6,), (6,)) + arrays((6,), low=0.5, high=1.0)),
    # the bounding-box ops: IoU, target coding, anchors and bipartite matching
    "box_iou_coding": (lambda a, b, d: mx.nd.concat(
        mx.nd.contrib.box_iou(a, b, format="center").reshape((-1,)),
        mx.nd.contrib.box_decode(d, a.reshape((1, 6, 4)), std0=0.1, std1=0.1, std2=0.2, std3=0.2, clip=1.0
                                 ).reshape((-1,)),
        mx.nd.contrib.box_encode(d[:, :, 0] > 0.5, mx.nd.array([[0, 1, 1, 0, 1, 0]], ctx=d.context),
                                 mx.nd.concat(a[:, :2], a[:, :2] + a[:, 2:], dim=1).reshape((1, 6, 4)),
                                 mx.nd.concat(b[:, :2], b[:, :2] + b[:, 2:], dim=1).reshape((1, 2, 4)),
                                 mx.nd.zeros(4, ctx=d.context), mx.nd.ones(4, ctx=d.context))[0].reshape((-1,)),
        dim=0), arrays((6, 4), (2, 4), (1, 6, 4), low=0.1, high=1.0)),
    "bipartite_matching_prior": (lambda s, d: mx.nd.concat(
        *mx.nd.contrib.bipartite_matching(s, threshold=0.3), mx.nd.contrib.MultiBoxPrior(
            d, sizes=(0.5, 0.2), ratios=(1, 2), clip=True).reshape((2, -1)), dim=1), arrays((2, 4, 3), (1, 1, 2, 3))),
    # AdamW with a device-side rescale_grad (one weight skipped by an inf scale), the moments updated in place
    "adamw": (lambda w, g, m, w1, g1, m1, v, v1: mx.nd.concat(
        mx.nd.contrib.adamw_update(w, g, m, v, 0.5, lr=0.1, eta=0.5, wd=0.01), m, v,
        *mx.nd.contrib.multi_adamw_update([w, w1], [g, g1], [m, m1], [v, v1], float("inf"), [0.1, 0.2], [0.0, 0.1],
                                          [1.0, 1.0]), m1, dim=0),
        arrays((5,), (5,), (5,), (3,), (3,), (3,)) + arrays((5,), (3,), low=0.5, high=1.0)),
    "multi_lamb": (lambda w, g, m, w1, g1, m1, v, v1: mx.nd.concat(*[x.reshape((-1,)) for x in (
        *mx.nd.contrib.multi_lamb_update([w, w1], [g, g1], [m, m1], [v, v1], [1, 3], [0.1, 0.2], [0.01, 0.0],
                                         lower_bound=0.5), m, v1)], dim=0),
        arrays((40, 50), (40, 50), (40, 50), (3,), (3,), (3,)) + arrays((40, 50), (3,), low=0.5, high=1.0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gpu_op_matches_cpu(name):
    fn, inputs = CASES[name]
    on_cpu = fn(*[mx.nd.array(x, dtype=x.dtype) for x in inputs])
    on_gpu = fn(*[mx.nd.array(x, ctx=GPU, dtype=x.dtype) for x in inputs])
    assert on_gpu.context == GPU
    assert on_gpu.dtype == on_cpu.dtype and on_gpu.shape == on_cpu.shape
    np.testing.assert_allclose(on_gpu.asnumpy(), on_cpu.asnumpy(), rtol=1e-5, atol=1e-6)


def test_random_samplers_draw_the_cpu_numbers_for_the_same_seed():
    for sample in (lambda ctx: mx.nd.random.normal(0, 1, shape=(3, 4), ctx=ctx),
                   lambda ctx: mx.nd.random.uniform(-1, 2, shape=(7,), ctx=ctx)):
        mx.random.seed(42)
        cpu = sample(mx.cpu()).asnumpy()
        mx.random.seed(42)
        gpu = sample(GPU).asnumpy()
        assert cpu.std() > 0
        np.testing.assert_array_equal(gpu, cpu)


def test_setitem_and_copies_stay_on_the_device():
    a = mx.nd.zeros((3, 4), ctx=GPU)
    a[:] = 5
    a[1] = mx.nd.arange(4, ctx=GPU)
    want = np.full((3, 4), 5.0, dtype=np.float32)
    want[1] = np.arange(4)
    np.testing.assert_array_equal(a.asnumpy(), want)
    np.testing.assert_array_equal(a.copyto(mx.gpu(1)).asnumpy(), want)


def test_kernel_failures_are_clear_errors():
    a = mx.nd.array([1.0, 2.0, 3.0], ctx=GPU)
    bad = mx.nd.take(a, mx.nd.array([0, 9], ctx=GPU), mode="raise")
    with pytest.raises(MXNetError, match=r"take \(kernel from plugin 'mx_triton'\).*mode='raise'"):
        bad.asnumpy()
    with pytest.raises(MXNetError, match=r"input 1 is on cpu\(0\) but input 0 is on gpu\(0\)"):
        a + mx.nd.ones((3,))
    np.testing.assert_array_equal((a * 2).asnumpy(), [2, 4, 6])  # the device keeps working


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the interpreter's numpy on the NaN it computes
def test_la_op_factorisations_report_what_a_gpu_kernel_cannot_raise():
    """Above the register tile's size: a clear error naming op and limit;
    a matrix that is not positive definite: NaN (the CPU raises)."""
    from mx_triton.ops.linalg_cholesky import FACTOR_MAX_N
    n = FACTOR_MAX_N + 1
    too_big = mx.nd.linalg.potrf(mx.nd.array(np.eye(n), ctx=GPU))
    with pytest.raises(MXNetError, match=rf"_linalg_potrf.*{n} x {n}.*up to {FACTOR_MAX_N}"):
        too_big.asnumpy()
    factor = mx.nd.linalg.potrf(mx.nd.array(np.stack([np.eye(2), -np.eye(2)]), ctx=GPU)).asnumpy()
    np.testing.assert_array_equal(factor[0], np.eye(2))
    assert np.isnan(factor[1]).all()


def test_a_kernel_with_a_workspace_parses_its_call_once(monkeypatch):
    """The workspace function's Call is the kernel's (plugin.py's _sized):
    one parse per launch, and the kernel sees its workspace."""
    from mx_triton import plugin
    parsed = []
    original = plugin.to_call

    def counting(ffi, op, c):
        parsed.append(op)
        return original(ffi, op, c)

    monkeypatch.setattr(plugin, "to_call", counting)
    data = mx.nd.array(np.arange(12, dtype=np.float32).reshape(3, 4), ctx=GPU)
    indices = mx.nd.array([[0, 2, 0], [1, 3, 1]], ctx=GPU)
    out = mx.nd.scatter_nd(mx.nd.array([5.0, 6.0, 7.0], ctx=GPU), indices, shape=(3, 4))
    want = np.zeros((3, 4), np.float32)
    want[0, 1], want[2, 3] = 7, 6  # (0, 1) written twice: the last write wins
    np.testing.assert_array_equal(out.asnumpy(), want)
    assert parsed == ["scatter_nd"]
    (data * 2).wait_to_read()  # a kernel without a workspace parses its own call
    assert parsed == ["scatter_nd", "_mul_scalar"]
