"""Autograd on gpu(0) against the CPU: the same program, inputs and head
gradients on both devices, outputs and input gradients compared -- every
backward op runs its Triton kernel (on emulated GPUs under Triton's
interpreter, so the shapes stay tiny)."""
import importlib.util

import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd

if importlib.util.find_spec("triton") is None:  # not imported at collection: see conftest.py
    pytest.skip("triton is not installed", allow_module_level=True)
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the interpreter's numpy on NaN / inf

nd = mx.nd
GPU = mx.gpu(0)
RNG = np.random.default_rng(11)


def r(*shape, low=-2.0, high=2.0, dtype=np.float32):
    return RNG.uniform(low, high, shape).astype(dtype)


def idx(*values):
    return np.array(values, dtype=np.float32)


def run(fn, inputs, differentiable, ctx):
    """fn's outputs and the gradients of the differentiable inputs, with
    fixed random head gradients; Dropout-style ops draw from seed 5."""
    mx.random.seed(5)
    arrays = [nd.array(x, ctx=ctx, dtype=x.dtype) for x in inputs]
    for a, d in zip(arrays, differentiable):
        if d:
            a.attach_grad()
    with autograd.record():
        out = fn(*arrays)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    heads = np.random.default_rng(1)
    autograd.backward(outs, [nd.array(heads.uniform(-1, 1, o.shape), ctx=ctx, dtype=o.dtype) for o in outs])
    return [o.asnumpy() for o in outs] + [a.grad.asnumpy() for a, d in zip(arrays, differentiable) if d]


# name -> (function of NDArrays, inputs, which inputs get gradients)
CASES = {
    "fully_connected_relu": (lambda x, w, b: nd.Activation(nd.FullyConnected(x, w, b, num_hidden=3), act_type="relu"),
                             [r(4, 5), r(3, 5), r(3)], [1, 1, 1]),
    "activations": (lambda x: sum(nd.Activation(x, act_type=a) for a in ("sigmoid", "tanh", "softrelu", "softsign")),
                    [r(3, 4)], [1]),
    "leaky_relus": (lambda x: sum(nd.LeakyReLU(x, act_type=a, slope=0.1) for a in ("leaky", "elu", "selu", "gelu")),
                    [r(3, 4)], [1]),
    "prelu": (lambda x, g: nd.LeakyReLU(x, g, act_type="prelu"), [r(2, 3, 4), r(3)], [1, 1]),
    "random_pdf": (lambda x, mu, sigma, lam: nd.random_pdf_normal(x, mu, sigma) + nd.random_pdf_poisson(
        nd.round(nd.abs(x)), lam, is_log=True), [r(2, 5), r(2), r(2, low=0.5), r(2, low=0.5)], [1, 1, 1, 1]),
    "random_pdf_dirichlet": (lambda x, a: nd.random_pdf_dirichlet(x, a), [r(2, 4, 3, low=0.1, high=1),
                                                                         r(2, 3, low=0.5)], [1, 1]),
    "softmax_output": (lambda x, label: nd.SoftmaxOutput(x, label), [r(4, 5), idx(0, 1, 4, 2)], [1, 0]),
    "softmax_output_valid": (lambda x, label: nd.SoftmaxOutput(x, label, use_ignore=True, ignore_label=1,
                                                               normalization="valid", multi_output=True),
                             [r(2, 3, 4), np.array([[0, 1, 2, 1], [1, 1, 0, 2]], np.float32)], [1, 0]),
    "regression_outputs": (lambda x, y: nd.LinearRegressionOutput(x, y) + nd.LogisticRegressionOutput(x, y) +
                           nd.MAERegressionOutput(x, y), [r(3, 4), r(3, 4)], [1, 0]),
    "svm_outputs": (lambda x, y: nd.SVMOutput(x, y, margin=0.5) + nd.SVMOutput(x, y, use_linear=True),
                    [r(3, 4), idx(0, 3, 1)], [1, 0]),
    "ctc_loss": (lambda x, label: nd.CTCLoss(x, label), [r(5, 3, 4), np.array([[1, 2], [3, 3], [2, 0]], np.float32)],
                 [1, 0]),
    "ctc_loss_lengths": (lambda x, label, frames, lengths: nd.ctc_loss(
        x, label, frames, lengths, use_data_lengths=True, use_label_lengths=True, blank_label="last"),
        [r(6, 2, 5, dtype=np.float64), np.array([[0, 3, 3], [2, 1, 0]], np.int32), idx(6, 4), idx(3, 2)],
        [1, 0, 0, 0]),
    "im2col_col2im": (lambda x: nd.col2im(nd.im2col(x, kernel=(3, 2), stride=(2, 1), pad=(1, 0)) ** 2,
                                          output_size=(5, 6), kernel=(3, 2), stride=(2, 1), pad=(1, 0)),
                      [r(2, 2, 5, 6)], [1]),
    "layer_norm": (lambda x, g, b: nd.LayerNorm(x, g, b, axis=1), [r(2, 5, 3), r(5), r(5)], [1, 1, 1]),
    "group_norm": (lambda x, g, b: nd.GroupNorm(x, g, b, num_groups=2, output_mean_var=True),
                   [r(2, 4, 3), r(2), r(2)], [1, 1, 1]),
    "instance_norm": (lambda x, g, b: nd.InstanceNorm(x, g, b), [r(2, 3, 2, 2), r(3), r(3)], [1, 1, 1]),
    "batch_norm": (lambda x, g, b, m, v: nd.BatchNorm(x, g, b, m, v, fix_gamma=False),
                   [r(2, 3, 4, 4), r(3), r(3), r(3), r(3, low=0.5)], [1, 1, 1, 0, 0]),
    "max_pooling": (lambda x: nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max"),
                    [r(2, 2, 7, 7)], [1]),
    "avg_pooling": (lambda x: nd.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                         count_include_pad=False), [r(2, 2, 7, 7)], [1]),
    "lp_pooling_1d": (lambda x: nd.Pooling(x, kernel=(2,), stride=(1,), pool_type="lp", p_value=2),
                      [r(2, 2, 7, low=0.1)], [1]),
    "global_sum_pooling": (lambda x: nd.Pooling(x, global_pool=True, pool_type="sum", kernel=(1, 1)),
                           [r(2, 3, 4, 5)], [1]),
    "convolution": (lambda x, w, b: nd.Convolution(x, w, b, kernel=(3, 3), num_filter=4, stride=(2, 1), pad=(1, 1),
                                                   dilate=(1, 2)), [r(2, 3, 7, 8), r(4, 3, 3, 3), r(4)], [1, 1, 1]),
    "grouped_convolution_1d": (lambda x, w: nd.Convolution(x, w, kernel=(3,), num_filter=4, num_group=2,
                                                           no_bias=True), [r(2, 4, 9), r(4, 2, 3)], [1, 1]),
    "depthwise_convolution": (lambda x, w: nd.Convolution(x, w, kernel=(3, 3), num_filter=3, num_group=3,
                                                          no_bias=True, pad=(1, 1)), [r(1, 3, 5, 5), r(3, 1, 3, 3)],
                              [1, 1]),
    "convolution_3d": (lambda x, w: nd.Convolution(x, w, kernel=(2, 2, 2), num_filter=2, no_bias=True),
                       [r(1, 2, 3, 4, 4), r(2, 2, 2, 2, 2)], [1, 1]),
    "deconvolution": (lambda x, w, b: nd.Deconvolution(x, w, b, kernel=(3, 3), num_filter=4, stride=(2, 2),
                                                       pad=(1, 1), adj=(1, 1), no_bias=False),
                      [r(2, 3, 4, 4), r(3, 4, 3, 3), r(4)], [1, 1, 1]),
    "deconvolution_target_shape": (lambda x, w: nd.Deconvolution(x, w, kernel=(3,), num_filter=4, num_group=2,
                                                                  stride=(2,), target_shape=(10,)),
                                   [r(1, 2, 5), r(2, 2, 3)], [1, 1]),
    "upsampling": (lambda a, b, x, w: [nd.UpSampling(a, b, scale=2, sample_type="nearest"),
                                       nd.UpSampling(a, b, scale=2, sample_type="nearest", multi_input_mode="sum"),
                                       nd.UpSampling(x, w, scale=2, sample_type="bilinear", num_filter=2)],
                   [r(1, 2, 2, 3), r(1, 2, 4, 6), r(1, 2, 3, 3), r(2, 1, 4, 4)], [1, 1, 1, 1]),
    "spatial_transformer": (lambda d, loc, flow: [
        nd.SpatialTransformer(d, loc, target_shape=(3, 4), transform_type="affine", sampler_type="bilinear"),
        nd.BilinearSampler(d, nd.GridGenerator(loc, transform_type="affine", target_shape=(4, 3))),
        nd.BilinearSampler(d, nd.GridGenerator(flow, transform_type="warp"))],
        [r(2, 3, 5, 4), np.tile(idx(1, 0, 0, 0, 1, 0), (2, 1)) + r(2, 6, low=-0.3, high=0.3), r(2, 2, 5, 4)],
        [1, 1, 1]),
    "roi_pooling": (lambda d, rois: nd.ROIPooling(d, rois, pooled_size=(2, 3), spatial_scale=0.5),
                    [r(2, 3, 5, 6), np.array([[0, 0, 0, 6, 6], [1, 2, 0, 9, 4], [0, 4, 4, 11, 9], [-1, 0, 0, 2, 2]],
                                             np.float32)], [1, 0]),
    "box_nms": (lambda x: nd.contrib.box_nms(x, overlap_thresh=0.3, id_index=0, topk=5, in_format="center",
                                             out_format="corner"),
                [np.concatenate([idx(0, 1, 0, 1, 1, 0, 0, 1).reshape(8, 1), r(8, 1, low=0.1, high=1),
                                 r(8, 2, low=0, high=1), r(8, 2, low=0.2, high=0.6)], axis=1).reshape(2, 4, 6)], [1]),
    "contrib_elementwise": (lambda x: [nd.contrib.quadratic(x, a=1.5, b=-2, c=0.5), nd.contrib.div_sqrt_dim(x),
                                       nd.contrib.gradientmultiplier(x, scalar=-3) + nd.contrib.round_ste(x) *
                                       nd.contrib.sign_ste(x)], [r(3, 4)], [1]),
    "contrib_index_copy": (lambda old, i, new: nd.contrib.index_copy(old, i, new) *
                           nd.contrib.arange_like(old, start=1, step=0.5),
                           [r(5, 3), idx(3, 0, 3), r(3, 3)], [1, 0, 1]),
    "contrib_resize_pool": (lambda x, like: [nd.contrib.BilinearResize2D(x, height=5, width=3),
                                             nd.contrib.BilinearResize2D(x, like, mode="like", align_corners=False),
                                             nd.contrib.AdaptiveAvgPooling2D(x, output_size=(3, 2))],
                            [r(2, 3, 4, 5), r(1, 1, 6, 7)], [1, 0]),
    "roi_align": (lambda d, rois: [nd.contrib.ROIAlign(d, rois, pooled_size=(2, 3), spatial_scale=0.5),
                                   nd.contrib.ROIAlign(d, rois, pooled_size=(1, 2), spatial_scale=0.5, sample_ratio=2,
                                                       position_sensitive=True, aligned=True)],
                  [r(2, 4, 5, 6), np.array([[0, 0, 0, 6, 6], [1, 2, 1, 9, 4], [0, 4, 4, 11, 9], [-1, 0, 0, 2, 2]],
                                           np.float32)], [1, 0]),
    "crop": (lambda x, like: [nd.Crop(x, h_w=(2, 3), offset=(1, 1)), nd.Crop(x, like, center_crop=True)],
             [r(2, 3, 4, 5), r(1, 1, 3, 2)], [1, 0]),
    "lrn": (lambda x: nd.LRN(x, nsize=3, alpha=0.1, beta=0.75, knorm=2), [r(2, 5, 3, 3)], [1]),
    "l2_normalization": (lambda x: nd.L2Normalization(x, mode="channel") * nd.L2Normalization(x, mode="spatial") +
                         nd.L2Normalization(x), [r(2, 3, 4)], [1]),
    "dropout": (lambda x: nd.Dropout(x, p=0.4), [r(3, 8)], [1]),
    "embedding": (lambda i, w: nd.Embedding(i, w, input_dim=5, output_dim=3), [idx([0, 4], [1, 0]), r(5, 3)],
                  [0, 1]),
    "take_pick": (lambda a, i, j: nd.take(a, i, axis=1).sum(axis=1) + nd.pick(a, j, axis=1),
                  [r(3, 4, 2), idx(0, 3, 3), np.array([[1, 2], [0, 3], [3, 3]], np.float32)], [1, 0, 0]),
    "gather_nd": (lambda a, i: nd.gather_nd(a, i), [r(3, 4), np.array([[0, 2, 0], [1, 3, 1]], np.float32)], [1, 0]),
    "topk_sort": (lambda a: [nd.topk(a, k=2, ret_typ="value"), nd.sort(a, axis=0)], [r(3, 5)], [1]),
    "tile_repeat_concat_slice": (lambda a: nd.concat(nd.tile(a, reps=(1, 2)), nd.repeat(a, repeats=2, axis=1),
                                                     dim=0).slice_axis(axis=1, begin=1, end=5), [r(2, 3)], [1]),
    "pad": (lambda a: nd.pad(a, mode="edge", pad_width=(0, 0, 0, 0, 1, 2, 2, 1)) +
            nd.pad(a, mode="reflect", pad_width=(0, 0, 0, 0, 1, 2, 2, 1)), [r(1, 2, 3, 3)], [1]),
    "broadcasting": (lambda a, b: (a * b + a / (b + 3)).sum(axis=0) - nd.broadcast_to(b, shape=(4, 3)).mean(),
                     [r(4, 3), r(1, 3)], [1, 1]),
    "slicing": (lambda a: a[1:3, ::2] * 2 + a[0:2, 1:4], [r(4, 5)], [1]),
    "where_clip": (lambda a, b: nd.where(a > 0, nd.clip(a, -1, 1), b * b), [r(3, 3), r(3, 3)], [1, 1]),
    "dot_batch_dot": (lambda a, b, c: nd.dot(a, b, transpose_b=True).sum() +
                      nd.batch_dot(c, c, transpose_a=True).sum(), [r(3, 4), r(5, 4), r(2, 3, 4)], [1, 1, 1]),
    "softmax_log_softmax": (lambda a: nd.log_softmax(a, axis=0) * nd.softmax(a), [r(3, 4)], [1]),
    "softmax_activation_cross_entropy": (lambda a, label: (nd.SoftmaxActivation(a, mode="channel") * a).sum() *
                                         nd.softmax_cross_entropy(a.reshape((2, 12)), label),
                                         [r(2, 3, 4), idx(0, 11)], [1, 0]),
    "gammaln": (lambda a: nd.gammaln(a), [r(3, 3, low=0.2, high=4)], [1]),
    "log_sigmoid_mish_hard_sigmoid": (lambda a: nd.log_sigmoid(a) * nd.mish(a) + nd.hard_sigmoid(a, alpha=0.5),
                                      [r(3, 4, low=-3, high=3)], [1]),
    "diag": (lambda a, v: nd.diag(a, k=1).sum() + nd.diag(v, k=-1), [r(3, 4), r(3)], [1, 1]),
    "sequence_mask": (lambda a, n: nd.SequenceMask(a, n, use_sequence_length=True, value=-1),
                      [r(4, 2, 3), idx(2, 4)], [1, 0]),
    "sequence_last_reverse": (lambda a, n: nd.SequenceLast(nd.SequenceReverse(a, n, use_sequence_length=True), n,
                                                           use_sequence_length=True) +
                              nd.SequenceLast(a.transpose((1, 0, 2)), axis=1), [r(4, 2, 3), idx(2, 4)], [1, 0]),
    "norm_max_prod": (lambda a: nd.norm(a, axis=1) + a.max(axis=1) + a.prod(axis=1), [r(3, 4, low=0.5)], [1]),
    "stack_split": (lambda a, b: nd.stack(a, b, axis=1).split(num_outputs=2, axis=2)[1], [r(2, 4), r(2, 4)],
                    [1, 1]),
    "flip_transpose_power": (lambda a: nd.flip(nd.expand_dims(a, axis=0), axis=2).transpose((2, 0, 1)) ** 2,
                             [r(2, 3)], [1]),
    "add_n_setitem": (lambda a, b: nd.add_n(a, b, a * b), [r(2, 3), r(2, 3)], [1, 1]),
    "split_v2": (lambda a: nd.split_v2(a, (1,), axis=1)[1] ** 2, [r(2, 3)], [1]),
    "depth_space": (lambda a: nd.space_to_depth(nd.depth_to_space(a, block_size=2) ** 2, block_size=2),
                    [r(1, 8, 2, 3)], [1]),
    "gradient_control": (lambda a, w: nd.MakeLoss(nd.BlockGrad(a) * w + nd.make_loss(a), normalization="valid",
                                                  valid_thresh=0.5) + nd.MakeLoss(a, normalization="batch"),
                         [r(3, 4), r(3, 4)], [1, 1]),
    "moments": (lambda a: nd.moments(a, axes=(0, 2)) + nd.moments(a, axes=(2,), keepdims=True), [r(2, 3, 4)], [1]),
    # the la_op chain from a's Gram matrix: every LAPACK-style op and the trmm / trsm / syrk in their gradients
    "la_ops": (lambda a, b: [nd.linalg.trsm(nd.linalg.potrf(nd.linalg.syrk(a)), b, rightside=True),
                             nd.linalg.trmm(nd.linalg.potrf(nd.linalg.syrk(a)), b, rightside=True, lower=False),
                             nd.linalg.potri(nd.linalg.potrf(nd.linalg.syrk(a))), nd.linalg.inverse(nd.linalg.syrk(a)),
                             nd.linalg.sumlogdiag(nd.linalg.potrf(nd.linalg.syrk(a))), nd.linalg.det(nd.linalg.syrk(a)),
                             *nd.linalg.slogdet(nd.linalg.syrk(a)), *nd.linalg.gelqf(a),
                             *nd.linalg.syevd(nd.linalg.syrk(a))],
               [r(2, 3, 5, dtype=np.float64), r(2, 4, 3, dtype=np.float64)], [1, 1]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_on_the_gpu_match_the_cpu(name):
    fn, inputs, differentiable = CASES[name]
    for on_cpu, on_gpu in zip(run(fn, inputs, differentiable, mx.cpu()), run(fn, inputs, differentiable, GPU)):
        assert on_gpu.shape == on_cpu.shape and on_gpu.dtype == on_cpu.dtype
        np.testing.assert_allclose(on_gpu, on_cpu, rtol=1e-4, atol=1e-5)


def _train_cnn(ctx):
    """A small CNN (conv + BatchNorm + relu + max pooling, then an MLP with
    Dropout and a softmax cross-entropy) trained three SGD steps on ctx;
    the losses and the final parameters."""
    init = np.random.default_rng(2)
    shapes = {"conv_w": (4, 2, 3, 3), "conv_b": (4,), "gamma": (4,), "beta": (4,), "fc1_w": (8, 36), "fc1_b": (8,),
              "fc2_w": (3, 8), "fc2_b": (3,)}
    params = {k: nd.array(init.standard_normal(s) * 0.5, ctx=ctx) for k, s in shapes.items()}
    moving_mean, moving_var = nd.zeros((4,), ctx=ctx), nd.ones((4,), ctx=ctx)
    for p in params.values():
        p.attach_grad()
    data = nd.array(init.standard_normal((4, 2, 6, 6)), ctx=ctx)
    label = nd.array([0, 2, 1, 2], ctx=ctx)
    mx.random.seed(3)
    losses = []
    for _ in range(3):
        with autograd.record():
            h = nd.Convolution(data, params["conv_w"], params["conv_b"], kernel=(3, 3), pad=(1, 1), num_filter=4)
            h = nd.BatchNorm(h, params["gamma"], params["beta"], moving_mean, moving_var, fix_gamma=False)
            h = nd.Pooling(nd.Activation(h, act_type="relu"), kernel=(2, 2), stride=(2, 2), pool_type="max")
            h = nd.Dropout(nd.tanh(nd.FullyConnected(h, params["fc1_w"], params["fc1_b"], num_hidden=8)), p=0.3)
            logits = nd.FullyConnected(h, params["fc2_w"], params["fc2_b"], num_hidden=3)
            loss = -nd.pick(nd.log_softmax(logits), label).mean()
        loss.backward()
        for p in params.values():
            p -= 0.1 * p.grad
        losses.append(loss.asnumpy())
    return losses, {k: p.asnumpy() for k, p in params.items()}, moving_var.asnumpy()


def test_a_small_cnn_trains_on_the_gpu_as_on_the_cpu():
    cpu_losses, cpu_params, cpu_var = _train_cnn(mx.cpu())
    gpu_losses, gpu_params, gpu_var = _train_cnn(GPU)
    np.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(gpu_var, cpu_var, rtol=1e-5)
    for key in cpu_params:
        np.testing.assert_allclose(gpu_params[key], cpu_params[key], rtol=1e-4, atol=1e-5, err_msg=key)


def _executor_run(ctx):
    data, weight = mx.sym.var("data"), mx.sym.var("weight")
    conv = mx.sym.Convolution(data, weight, kernel=(3, 3), num_filter=2, no_bias=True, pad=(1, 1))
    net = mx.sym.FullyConnected(mx.sym.Pooling(mx.sym.Activation(conv, act_type="tanh"), kernel=(2, 2),
                                               stride=(2, 2), pool_type="avg"), num_hidden=3, name="fc")
    out = mx.sym.SoftmaxOutput(net, mx.sym.var("label"), name="softmax")
    ex = out.simple_bind(ctx, data=(2, 1, 4, 4), label=(2,), grad_req={"data": "write", "weight": "write",
                                                                        "fc_weight": "add", "fc_bias": "write",
                                                                        "label": "null"})
    values = np.random.default_rng(4)
    for name, array in ex.arg_dict.items():
        array[:] = values.uniform(0, 2, array.shape) if name == "label" else values.standard_normal(array.shape)
    ex.grad_dict["fc_weight"][:] = 1
    ex.forward(is_train=True)
    ex.backward()
    return [ex.outputs[0].asnumpy()] + [ex.grad_dict[k].asnumpy() for k in ("data", "weight", "fc_weight", "fc_bias")]


def test_an_executor_bound_on_the_gpu_runs_forward_and_backward_as_on_the_cpu():
    for on_cpu, on_gpu in zip(_executor_run(mx.cpu()), _executor_run(GPU)):
        np.testing.assert_allclose(on_gpu, on_cpu, rtol=1e-4, atol=1e-5)


SAMPLERS = {
    "gamma": lambda ctx: nd.random.gamma(alpha=0.7, beta=2.0, shape=(40,), ctx=ctx),
    "gamma_float64": lambda ctx: nd.random.gamma(alpha=3.0, shape=(40,), ctx=ctx, dtype="float64"),
    "poisson": lambda ctx: nd.concat(nd.random.poisson(lam=3.0, shape=(30,), ctx=ctx),
                                     nd.random.poisson(lam=30.0, shape=(30,), ctx=ctx), dim=0),
    "negative_binomials": lambda ctx: nd.concat(
        nd.random.negative_binomial(k=3, p=0.4, shape=(30,), ctx=ctx),
        nd.random.generalized_negative_binomial(mu=5.0, alpha=0.3, shape=(30,), ctx=ctx), dim=0),
    "sample_arrays": lambda ctx: nd.concat(
        nd.sample_gamma(nd.array([0.5, 20.0], ctx=ctx), nd.array([1.0, 0.5], ctx=ctx), shape=(20,)),
        nd.sample_poisson(nd.array([0.0, 12.0], ctx=ctx), shape=(20,)), dim=0),
    "randint": lambda ctx: nd.random.randint(-5, 1000, shape=(40,), ctx=ctx, dtype="int64"),
    "multinomial": lambda ctx: nd.random.multinomial(nd.array([[0.1, 0.6, 0.3], [0.5, 0.0, 0.5]], ctx=ctx),
                                                     shape=(20,)),
    "shuffle": lambda ctx: nd.random.shuffle(nd.arange(40, ctx=ctx).reshape((20, 2))),
    "dropout": lambda ctx: nd.Dropout(nd.ones((5, 4, 6), ctx=ctx), p=0.5, mode="always", axes=(1,)),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_samplers_draw_the_cpu_numbers_for_the_same_seed(name):
    draws = []
    for ctx in (mx.cpu(), GPU):
        mx.random.seed(7)
        draws.append(SAMPLERS[name](ctx).asnumpy())
    assert np.unique(draws[0]).size > 1
    np.testing.assert_array_equal(draws[1], draws[0])


def test_calls_the_gpu_kernels_refuse_are_clear_errors_and_the_gpu_keeps_working():
    from mxnet.base import MXNetError
    x = nd.ones((1, 4, 4, 2), ctx=GPU)
    with pytest.raises(MXNetError, match=r"Convolution on gpu\(0\).*only the NCW, NCHW and NCDHW layouts"):
        nd.Convolution(x, nd.ones((3, 3, 3, 2), ctx=GPU), kernel=(3, 3), num_filter=3, no_bias=True,
                       layout="NHWC").asnumpy()
    with pytest.raises(MXNetError, match=r"Pooling on gpu\(0\).*layouts"):
        nd.Pooling(x, kernel=(2, 2), layout="NHWC").asnumpy()
    grad = nd._internal._backward_Pad(nd.ones((1, 1, 4, 4), ctx=GPU, dtype="int8"),
                                      nd.ones((1, 1, 2, 2), ctx=GPU, dtype="int8"), mode="edge",
                                      pad_width=(0, 0, 0, 0, 1, 1, 1, 1))
    with pytest.raises(MXNetError, match=r"_backward_Pad on gpu\(0\).*atomic add.*int8"):
        grad.asnumpy()
    np.testing.assert_array_equal(nd.Pooling(nd.ones((1, 1, 2, 2), ctx=GPU), kernel=(2, 2)).asnumpy(), [[[[1]]]])
