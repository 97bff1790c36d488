"""Compiles, for sm_90 and without a GPU, every kernel specialisation the
launchers produce for a set of representative calls: the launchers run on
views of address 0 and launch.interceptor compiles instead of launching.
Catches what the interpreter lets through (types, libdevice calls, tl.dot
shapes, atomics).  Run by test_aot_compile.py in a process without
TRITON_INTERPRET.

Rationale: compiling stops at PTX -- LLVM's NVPTX backend has then checked
every instruction for sm_90 -- and skips ptxas, a third of the time; the
stage hook adds its own key to Triton's cache, so these PTX-only results
are never taken for real kernels.
"""
import multiprocessing
import os
import sys

import triton
from triton.backends.compiler import GPUTarget
from triton.runtime.jit import mangle_type

import mx_triton
from mx_triton import ATOMIC, Call, TensorView, launch
from mx_triton.ops import matmul
from mx_triton.ops.unary_math import INTEGER_FORM, UNARY_OPS

TARGET = GPUTarget("cuda", 90, 32)
jobs = {}  # specialisation key -> (kernel, signature, constexprs, options)


def _type(value):
    if isinstance(value, TensorView):
        return mangle_type(value)
    if isinstance(value, tuple):
        return tuple(_type(v) for v in value)
    return mangle_type(value)


def compile_instead(kernel, grid, args, meta):
    params = kernel.params
    signature, constexprs = {}, {}
    for param, value in zip(params, list(args) + [meta.get(p.name) for p in params[len(args):]]):
        if param.is_constexpr:
            signature[param.name] = "constexpr"
            constexprs[param.name] = meta[param.name]
        else:
            signature[param.name] = _type(value)
    options = {k: meta[k] for k in ("num_warps", "num_stages") if k in meta}
    key = (kernel.fn.__module__, kernel.fn.__name__, repr(sorted(signature.items())),
           repr(sorted(constexprs.items())), repr(options))
    jobs.setdefault(key, (kernel, signature, constexprs, options))


def compile_job(key):
    kernel, signature, constexprs, options = jobs[key]
    try:
        triton.compile(triton.compiler.ASTSource(fn=kernel, signature=signature, constexprs=constexprs),
                       target=TARGET, options=options)
    except Exception as e:
        raise RuntimeError(f"{key[1]} {signature} {constexprs}: {e}\ncaused by: {e.__cause__!r}") from None


def compile_all():
    """The jobs in worker processes (forked: they inherit `jobs`), one per core."""
    keys = sorted(jobs)
    with multiprocessing.get_context("fork").Pool(min(2, os.cpu_count() or 1)) as pool:
        pool.map(compile_job, keys, chunksize=4)


def stop_at_ptx(*args):
    """knobs.runtime.add_stages_inspection_hook: without arguments, the key
    added to the cache key; else (backend, stages, ...): the "cubin" stage
    keeps the PTX (the loader wants a binary; nothing loads these)."""
    if not args:
        return "mx-aot-ptx", "mx-aot-ptx"
    args[1]["cubin"] = lambda ptx, metadata: ptx.encode()


def view(shape, dtype):
    return TensorView(0, shape, dtype)


def call(op, inputs, outputs, **attrs):
    c = Call(op, [view(*t) for t in inputs], [view(*t) for t in outputs], attrs=attrs)
    need = mx_triton.workspace_bytes(c)
    if need:
        c.workspace = view((need,), "uint8")
    mx_triton.run(c)


# optimizer update op -> (number of states, parameters): every kernel branch
OPTIMIZER_OPS = {
    "sgd_update": (0, {}), "mp_sgd_update": (1, {}), "sgd_mom_update": (1, {"momentum": 0.9}),
    "mp_sgd_mom_update": (2, {"momentum": 0.9}), "nag_mom_update": (1, {"momentum": 0.9}),
    "mp_nag_mom_update": (2, {"momentum": 0.9}), "signsgd_update": (0, {}),
    "signum_update": (1, {"momentum": 0.9, "wd_lh": 0.0}), "adam_update": (2, {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
    "rmsprop_update": (1, {"gamma1": 0.9, "epsilon": 1e-8, "clip_weights": -1.0}),
    "rmspropalex_update": (3, {"gamma1": 0.9, "gamma2": 0.9, "epsilon": 1e-8, "clip_weights": -1.0}),
    "ftrl_update": (2, {"lamda1": 0.01, "beta": 1.0}),
    "ftml_update": (3, {"beta1": 0.6, "beta2": 0.999, "epsilon": 1e-8, "t": 2, "clip_grad": -1.0}),
}


def optimizer_ops():
    for op, (num_states, attrs) in OPTIMIZER_OPS.items():
        for dtype in ("float32", "float64", "float16"):
            state = "float32" if op.startswith("mp_") else dtype
            call(op, [((8,), dtype)] * 2 + [((8,), state)] * num_states, [((8,), dtype)], lr=0.1, wd=0.0,
                 rescale_grad=1.0, clip_gradient=-1.0, **attrs)
    for preloaded in ("", "preloaded_"):
        for mp in ("", "mp_"):
            for mom in ("", "mom_"):
                for dtype in ("float32", "float64", "float16"):
                    state = "float32" if mp else dtype
                    group = [((8,), dtype)] * 2 + [((8,), state)] * (bool(mp) + bool(mom))
                    attrs = {} if preloaded else {"lrs": (0.1,), "wds": (0.0,)}
                    call(f"{preloaded}multi_{mp}sgd_{mom}update", group + [((1,), "float32")] * bool(preloaded) * 2,
                         [((8,), dtype)], num_weights=1, momentum=0.9, rescale_grad=1.0, clip_gradient=-1.0, **attrs)
    for dtype in ("float32", "float64", "float16"):
        for mp in ("", "mp_"):
            state = "float32" if mp else dtype
            call(f"{mp}lamb_update_phase1", [((8,), dtype)] * 2 + [((8,), state)] * (2 + bool(mp)), [((8,), state)],
                 beta1=0.9, beta2=0.999, epsilon=1e-6, t=1, bias_correction=True, wd=0.0, rescale_grad=1.0,
                 clip_gradient=-1.0)
            call(f"{mp}lamb_update_phase2", [((8,), dtype), ((8,), state), ((1,), state), ((1,), state)]
                 + [((8,), "float32")] * bool(mp), [((8,), dtype)], lr=0.1, lower_bound=-1.0, upper_bound=-1.0)
    call("multi_lars", [((4,), "float32")] * 4, [((4,), "float32")], eta=0.1, eps=1e-8, rescale_grad=1.0)
    for dtype in ("float32", "float64", "float16"):
        for mp in ("", "mp_"):
            state = "float32" if mp else dtype
            group = [((8,), dtype)] * 2 + [((8,), state)] * 2 + [((8,), "float32")] * bool(mp)
            call(f"_{mp}adamw_update", group + [((1,), "float32")], [((8,), dtype)], lr=0.1, eta=1.0, wd=0.0,
                 beta1=0.9, beta2=0.999, epsilon=1e-8, clip_gradient=-1.0)
            call(f"_multi_{mp}lamb_update", group, [((8,), dtype)], learning_rates=(0.1,), wds=(0.0,), step_count=(1,),
                 num_tensors=1, beta1=0.9, beta2=0.999, epsilon=1e-6, rescale_grad=1.0, lower_bound=-1.0,
                 upper_bound=-1.0, clip_gradient=-1.0, bias_correction=True)
    for dtype in ("float32", "float64", "float16"):
        for init in (True, False):
            call("multi_all_finite", [((8,), dtype)], [((1,), "float32")], num_arrays=1, init_output=init)
        call("multi_sum_sq", [((8,), dtype)], [((1,), "float32")], num_arrays=1)


def gradient_ops():
    """The kernels of the _backward_* ops and of what gradients are made of."""
    red = dict(axis=(1,), keepdims=False, exclude=False)
    for dtype in ("float32", "float16", "int32"):
        call("_backward_sum", [((3, 5), dtype), ((3, 4, 5), dtype)], [((3, 4, 5), dtype)], **red)
        call("_backward_mean", [((3, 5), dtype), ((3, 4, 5), dtype)], [((3, 4, 5), dtype)], **red)
        call("_reduce_sum_like", [((3, 4, 5), dtype), ((4, 1), dtype)], [((4, 1), dtype)])
        call("add_n", [((4,), dtype)] * 3, [((4,), dtype)], num_args=3)
        call("_backward_relu", [((4,), dtype)] * 2, [((4,), dtype)])
    call("_prelu_reduce_like", [((2, 3, 4), "float16"), ((3,), "float16")], [((3,), "float16")])
    for dtype in ("float32", "float16", "float64"):
        mats = [((6, 5), dtype), ((6, 4), dtype), ((4, 5), dtype)]
        call("_backward_dot", mats, [((6, 4), dtype), ((4, 5), dtype)], transpose_a=False, transpose_b=False)
        call("_backward_FullyConnected", [((6, 5), dtype), ((6, 4), dtype), ((5, 4), dtype)],
             [((6, 4), dtype), ((5, 4), dtype), ((5,), dtype)], num_hidden=5, no_bias=False)
    call("_backward_dot", [((4, 4), "float32")] * 3, [((4, 4), "float32")] * 2, transpose_a=True, transpose_b=True)
    for dtype in ATOMIC:  # tl.atomic_add of every dtype
        call("_backward_take", [((2, 3), dtype), ((4, 3), dtype), ((2,), "float32")], [((4, 3), dtype)], axis=0,
             mode="clip")
    call("_backward_gather_nd", [((3, 2), "float32"), ((3, 4, 2), "float32"), ((2, 3), "int32")],
         [((3, 4, 2), "float32")])
    call("_backward_Pad", [((1, 1, 4, 4), "float16"), ((1, 1, 2, 2), "float16")], [((1, 1, 2, 2), "float16")],
         mode="edge", pad_width=(0, 0, 0, 0, 1, 1, 1, 1), constant_value=0.0)
    call("_backward_Embedding", [((2, 3), "float32"), ((2,), "int64")], [((4, 3), "float32")], input_dim=4,
         output_dim=3)
    call("_backward_pick", [((4,), "int8"), ((4, 3), "int8"), ((4,), "float32")], [((4, 3), "int8")], axis=1,
         mode="wrap")
    call("_backward_topk", [((3, 2), "float16"), ((3, 5), "float16"), ((3, 2), "float32")], [((3, 5), "float16")],
         axis=-1)
    for dtype in ("float32", "bool"):
        call("scatter_nd", [((3, 2), dtype), ((2, 3), "int64")], [((3, 4, 2), dtype)], shape=(3, 4, 2))
        call("_slice_assign_scalar", [((3, 4), dtype)], [((3, 4), dtype)], begin=(1,), end=(None,), step=(),
             scalar=1.0)
    call("_backward_tile", [((4, 6), "float32"), ((2, 3), "float32")], [((2, 3), "float32")], reps=(2, 2))
    for order in (0, 1, 3):
        call("_backward_gammaln", [((8,), "float32"), ((8,), "float32")], [((8,), "float32")], order=order)
    call("_backward_gammaln", [((8,), "float16"), ((8,), "float16")], [((8,), "float16")], order=0)


def layer_ops():
    """The neural-network layers, their gradients, and the other samplers:
    the kernels with tl.dot, atomics or float64 statistics at each float
    dtype, the element-wise ones at float32 and float16."""
    for dtype in ("float32", "float16", "float64"):
        x = ((2, 3, 6, 6), dtype)
        param = "float32" if dtype == "float16" else dtype
        stats = [((3,), param)] * 4
        call("BatchNorm", [x] + stats, [x, ((3,), param), ((3,), param)], fix_gamma=False, eps=1e-3, momentum=0.9)
        call("_backward_BatchNorm", [x, x] + stats[:3], [x, ((3,), param), ((3,), param)], fix_gamma=True)
        call("LayerNorm", [((4, 5), dtype), ((5,), dtype), ((5,), dtype)],
             [((4, 5), dtype), ((4,), dtype), ((4,), dtype)], axis=-1, eps=1e-5)
        call("_backward_LayerNorm", [((4, 5), dtype), ((4, 5), dtype), ((5,), dtype), ((4,), dtype), ((4,), dtype)],
             [((4, 5), dtype), ((5,), dtype), ((5,), dtype)], axis=-1)
        for op, attrs in (("GroupNorm", dict(num_groups=3)), ("InstanceNorm", {})):
            groups = (3,) if op == "GroupNorm" else (x[0][1],)
            stats = ((x[0][0],) + groups, dtype)
            call(op, [x, (groups, dtype), (groups, dtype)], [x, stats, stats], eps=1e-3, **attrs)
            call(f"_backward_{op}", [x, x, (groups, dtype), stats, stats], [x, (groups, dtype), (groups, dtype)],
                 eps=1e-3, **attrs)
        for axes in ((1,), (0,)):  # read in place, then copied into rows
            call("moments", [((4, 5), dtype)], [((4,) if axes == (1,) else (5,), dtype)] * 2, axes=axes,
                 keepdims=False)
        call("_backward_Pooling", [((2, 3, 3, 3), dtype), x, ((2, 3, 3, 3), dtype)], [x], kernel=(3, 3),
             stride=(2, 2), pad=(1, 1), pool_type="lp", p_value=2)
        w, y = ((4, 3, 3, 3), dtype), ((2, 4, 4, 4), dtype)
        conv = dict(kernel=(3, 3), stride=(1, 1), pad=(0, 0), num_filter=4, num_group=1, no_bias=False)
        call("Convolution", [x, w, ((4,), dtype)], [y], **conv)
        call("_backward_Convolution", [y, x, w], [x, w, ((4,), dtype)], **conv)
        call("Deconvolution", [y, ((4, 3, 3, 3), dtype), ((3,), dtype)], [x], **dict(conv, num_filter=3))
        call("_sample_multinomial", [((2, 3), dtype)], [((2, 4), "int32"), ((2, 4), dtype)], shape=(4,),
             get_prob=True)
        call("_backward_sample_multinomial", [((2, 4), dtype), ((2, 3), dtype), ((2, 4), "int32")],
             [((2, 3), dtype)])
    for dtype in ("float32", "float16"):
        x = ((2, 3, 6, 6), dtype)
        call("Activation", [x], [x], act_type="softrelu")
        for act in ("leaky", "elu", "selu", "gelu"):
            call("LeakyReLU", [x], [x], act_type=act, slope=0.25, lower_bound=0.125, upper_bound=0.334)
        call("LeakyReLU", [x, ((3,), dtype)], [x], act_type="prelu", slope=0.25)
        call("Dropout", [x], [x, ((2, 3, 1, 1), dtype)], p=0.5, mode="always", axes=(2, 3))
        call("SoftmaxOutput", [((4, 5), dtype), ((4,), dtype)], [((4, 5), dtype)], multi_output=False)
        call("_backward_SoftmaxOutput", [((4, 5), dtype), ((4,), dtype), ((4, 5), dtype)], [((4, 5), dtype)],
             normalization="valid", use_ignore=True, ignore_label=-1.0, grad_scale=1.0, smooth_alpha=0.1,
             out_grad=True)
        call("_backward_MAERegressionOutput", [((4, 5), dtype)] * 2, [((4, 5), dtype)], grad_scale=1.0)
        call("_backward_SVMOutput", [((4,), dtype), ((4, 5), dtype)], [((4, 5), dtype)], margin=1.0,
             regularization_coefficient=1.0, use_linear=False)
        call("im2col", [x], [((2, 27, 16), dtype)], kernel=(3, 3), stride=(1, 1), dilate=(1, 1), pad=(0, 0))
        call("col2im", [((2, 27, 16), dtype)], [x], output_size=(6, 6), kernel=(3, 3), stride=(1, 1), dilate=(1, 1),
             pad=(0, 0))
        for pool in ("max", "avg"):
            call("Pooling", [x], [((2, 3, 3, 3), dtype)], kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type=pool)
            call("_backward_Pooling", [((2, 3, 3, 3), dtype), x, ((2, 3, 3, 3), dtype)], [x], kernel=(3, 3),
                 stride=(2, 2), pad=(1, 1), pool_type=pool)
        call("Pooling", [x], [((2, 3, 3, 3), dtype)], kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="lp",
             p_value=3)
        call("LRN", [x], [x, x], nsize=3, alpha=1e-4, beta=0.75, knorm=2.0)
        call("_backward_LRN", [x, x, x], [x], nsize=3, alpha=1e-4, beta=0.75, knorm=2.0)
        call("L2Normalization", [x], [x, ((x[0][0], 1) + x[0][2:], dtype)], eps=1e-10, mode="channel")
    for dtype in ("float32", "float64"):  # the recursions' barriers and the gradient's atomics
        call("CTCLoss", [((5, 2, 4), dtype), ((2, 3), "int32"), ((2,), "float32"), ((2,), "int64")],
             [((2,), dtype), ((5, 2, 4), dtype)], use_data_lengths=True, use_label_lengths=True, blank_label="first")
        call("CTCLoss", [((5, 2, 4), dtype), ((2, 3), dtype)], [((2,), dtype), ((5, 2, 4), dtype)],
             use_data_lengths=False, use_label_lengths=False, blank_label="last")
    for dist in ("gamma", "poisson", "negative_binomial", "generalized_negative_binomial"):
        call(f"_sample_{dist}", [((2,), "float32"), ((2,), "float32")], [((2, 4), "float64")], shape=(4,))
    call("_random_gamma", [], [((8,), "float16")], alpha=0.5, beta=1.0)
    call("SequenceMask", [((4, 2, 3), "int8"), ((2,), "float32")], [((4, 2, 3), "int8")], use_sequence_length=True,
         value=-1.0, axis=0)
    for axis in (0, 1):
        seq = ((4, 2, 3) if axis == 0 else (2, 4, 3), "float16")
        lengths = [seq, ((2,), "int64")]
        call("SequenceLast", lengths, [((2, 3), "float16")], use_sequence_length=True, axis=axis)
        call("_backward_SequenceLast", [((2, 3), "float16")] + lengths, [seq], use_sequence_length=True, axis=axis)
        call("SequenceLast", [seq], [((2, 3), "float16")], use_sequence_length=False, axis=axis)
    call("SequenceReverse", [((4, 2, 3), "int32"), ((2,), "float32")], [((4, 2, 3), "int32")],
         use_sequence_length=True, axis=0)
    call("Embedding", [((2,), "float32"), ((4, 3), "float16")], [((2, 3), "float16")], input_dim=4, output_dim=3)
    for dtype in ("int32", "int64"):
        call("_random_randint", [], [((8,), dtype)], low=-3, high=7)
    call("_shuffle", [((5, 3), "uint8")], [((5, 3), "uint8")])
    call("_eye", [], [((3, 4), "int32")], N=3, M=4, k=1)
    call("diag", [((3, 4), "bool")], [((3,), "bool")], k=0, axis1=0, axis2=1)
    call("_linalg_extracttrian", [((2, 3, 3), "float64")], [((2, 3), "float64")], offset=-1, lower=True)
    call("_linalg_makediag", [((2, 3), "float32")], [((2, 4, 4), "float32")], offset=1)
    for dtype in ("float32", "float64"):
        square, block = ((2, 5, 5), dtype), ((2, 5, 3), dtype)
        for lower in (True, False):
            for right in (False, True):
                b = ((2, 3, 5), dtype) if right else block
                call("_linalg_trmm", [square, b], [b], transpose=False, rightside=right, lower=lower, alpha=2.0)
                call("_linalg_trsm", [square, b], [b], transpose=True, rightside=right, lower=lower, alpha=2.0)
            call("_linalg_potrf", [square], [square], lower=lower)
            call("_linalg_potri", [square], [square], lower=lower)
        call("_linalg_potrf", [((128, 128), dtype)], [((128, 128), dtype)], lower=True)
        call("_linalg_potri", [((128, 128), dtype)], [((128, 128), dtype)], lower=True)
        call("_linalg_syrk", [block], [square], transpose=False, alpha=1.0)
        call("_linalg_sumlogdiag", [square], [((2,), dtype)])
        call("_linalg_inverse", [square], [square])
        call("_linalg_det", [square], [((2,), dtype)])
        call("_linalg_slogdet", [square], [((2,), dtype)] * 2)
        call("_linalg_inverse", [((128, 128), dtype)], [((128, 128), dtype)])
        call("_linalg_gelqf", [((2, 3, 5), dtype)], [((2, 3, 5), dtype), ((2, 3, 3), dtype)])
        call("_linalg_gelqf", [((100, 128), dtype)], [((100, 128), dtype), ((100, 100), dtype)])
        call("_linalg_syevd", [square], [square, ((2, 5), dtype)])
        call("_linalg_syevd", [((128, 128), dtype)], [((128, 128), dtype), ((128,), dtype)])
    call("shape_array", [((3, 4), "float32")], [((2,), "int64")])


def spatial_ops():
    """UpSampling, the spatial transformer's ops, ROIPooling and Crop: the
    atomics at every float dtype, the rest at float32 and float16."""
    for dtype in ("float32", "float16", "float64"):
        x, grid = ((2, 3, 4, 5), dtype), ((2, 2, 3, 4), dtype)
        call("_backward_BilinearSampler", [((2, 3, 3, 4), dtype), x, grid], [x, grid], cudnn_off=None)
        call("_backward_GridGenerator", [grid], [((2, 6), dtype)], transform_type="affine", target_shape=(3, 4))
        call("_backward_ROIPooling", [((3, 3, 2, 2), dtype), x, ((3, 5), dtype), ((3, 3, 2, 2), "int32")], [x],
             pooled_size=(2, 2), spatial_scale=0.5)
    for dtype in ("float32", "float16"):
        x, grid = ((2, 3, 4, 5), dtype), ((2, 2, 3, 4), dtype)
        up = dict(scale=2, num_filter=0, sample_type="nearest", workspace=512)
        call("UpSampling", [x, ((2, 3, 8, 10), dtype)], [((2, 3, 8, 10), dtype)], multi_input_mode="sum",
             num_args=2, **up)
        call("UpSampling", [x], [((2, 3, 8, 10), dtype)], multi_input_mode="concat", num_args=1, **up)
        call("_backward_UpSampling", [((2, 3, 8, 10), dtype), x], [x], scale=2, num_args=1,
             multi_input_mode="concat")
        call("UpSampling", [x, ((3, 1, 4, 4), dtype)], [((2, 3, 8, 10), dtype)],
             **dict(up, sample_type="bilinear", num_filter=3, num_args=2))
        call("GridGenerator", [((2, 6), dtype)], [grid], transform_type="affine", target_shape=(3, 4))
        call("GridGenerator", [grid], [grid], transform_type="warp", target_shape=(0, 0))
        call("_backward_GridGenerator", [grid], [grid], transform_type="warp", target_shape=(0, 0))
        call("SpatialTransformer", [x, ((2, 6), dtype)], [((2, 3, 3, 4), dtype)], target_shape=(3, 4),
             transform_type="affine", sampler_type="bilinear", cudnn_off=None)
        call("ROIPooling", [x, ((3, 5), dtype)], [((3, 3, 2, 2), dtype), ((3, 3, 2, 2), "int32")],
             pooled_size=(2, 2), spatial_scale=0.5)
        call("Crop", [x], [((2, 3, 2, 3), dtype)], num_args=1, h_w=(2, 3), offset=(1, 1), center_crop=False)
        call("_backward_Crop", [((2, 3, 2, 3), dtype), x], [x], num_args=1, h_w=(2, 3), offset=(0, 0),
             center_crop=True)


def box_ops():
    """The bounding-box kernels (box_iou, box_encode, box_decode, box_nms and
    its gradient, bipartite_matching, MultiBoxPrior)."""
    for dtype in ("float32", "float16", "float64"):
        rows = ((2, 5, 6), dtype)
        call("_contrib_box_iou", [((3, 4), dtype), ((2, 4), dtype)], [((3, 2), dtype)], format="center")
        call("_contrib_box_encode", [((2, 3), dtype)] * 2 + [((2, 3, 4), dtype), ((2, 2, 4), dtype)] +
             [((4,), dtype)] * 2, [((2, 3, 4), dtype)] * 2)
        call("_contrib_box_decode", [((2, 3, 4), dtype), ((1, 3, 4), dtype)], [((2, 3, 4), dtype)], std0=1.0,
             std1=1.0, std2=1.0, std3=1.0, clip=0.5, format="corner")
        for topk, id_index in ((-1, 0), (0, -1)):
            call("_contrib_box_nms", [rows], [rows, ((2, 5), "int32")], overlap_thresh=0.5, valid_thresh=0.0,
                 topk=topk, coord_start=2, score_index=1, id_index=id_index, background_id=-1, force_suppress=False,
                 in_format="center", out_format="corner")
        call("_backward_contrib_box_nms", [rows, ((2, 5), "int32")], [rows])
        call("_contrib_bipartite_matching", [((2, 3, 4), dtype)], [((2, 3), dtype), ((2, 4), dtype)],
             threshold=0.1, is_ascend=False, topk=-1)
    call("_contrib_MultiBoxPrior", [((1, 2, 3, 4), "float32")], [((1, 24, 4), "float32")], sizes=(0.5, 0.2),
         ratios=(1.0, 2.0), clip=True, steps=(-1.0, -1.0), offsets=(0.5, 0.5))


def contrib_ops():
    """The contrib kernels: the element-wise and index ones at floats and integers (index dtypes float32 and
    int64), the resize, pooling and ROIAlign ones at every float dtype."""
    for dtype in ("float32", "float64", "float16", "int32", "uint8"):
        x = ((3, 4), dtype)
        call("_contrib_div_sqrt_dim", [x], [x])
        call("_contrib_quadratic", [x], [x], a=1.5, b=-2.0, c=0.5)
        call("_contrib_allclose", [x, x], [((), "uint8")], rtol=1e-5, atol=1e-8, equal_nan=True)
        call("_contrib_index_array", [x], [((3, 4, 1), "int64")], axes=(-1,))
    for index in ("float32", "int64"):
        call("_contrib_index_copy", [((5, 3), "float16"), ((2,), index), ((2, 3), "float16")], [((5, 3), "float16")])
    call("_contrib_arange_like", [((3, 4), "float32")], [((4,), "float32")], start=1.0, step=0.5, repeat=2,
         axis=1, ctx="")
    for dtype in ("float32", "float64", "float16"):
        x, y = ((2, 3, 4, 5), dtype), ((2, 3, 6, 3), dtype)
        for align in (True, False):
            resize = dict(height=6, width=3, scale_height=None, scale_width=None, mode="size", align_corners=align)
            call("_contrib_BilinearResize2D", [x], [y], **resize)
            call("_backward_contrib_BilinearResize2D", [y, x], [x], **resize)
        for sensitive in (False, True):
            roi = dict(pooled_size=(2, 3), spatial_scale=0.5, sample_ratio=-1, position_sensitive=sensitive,
                       aligned=not sensitive)
            pooled = ((4, 1 if sensitive else 6, 2, 3), dtype)
            call("_contrib_ROIAlign", [((2, 6, 4, 5), dtype), ((4, 5), dtype)], [pooled], **roi)
            call("_backward_ROIAlign", [pooled, ((2, 6, 4, 5), dtype), ((4, 5), dtype)], [((2, 6, 4, 5), dtype)],
                 **roi)
        call("_contrib_AdaptiveAvgPooling2D", [x], [y], output_size=(6, 3))
        call("_backward_contrib_AdaptiveAvgPooling2D", [y, x], [x], output_size=(6, 3))


def main():
    launch.interceptor = compile_instead
    triton.knobs.runtime.add_stages_inspection_hook = stop_at_ptx
    matmul.tuned_config = lambda key, configs, run, **kw: [run(c) for c in configs[1:]] and configs[0]
    m = ((4, 5), "float32")
    for name, code in UNARY_OPS.items():  # float32 and float64 (libdevice's two widths); int32 where exact
        if name in ("softrelu", "clip", "smooth_l1", "hard_sigmoid"):
            continue
        for dtype in ("float32", "float64") + (("int32",) if code in INTEGER_FORM or name == "sqrt" else ()):
            call(name, [((8,), dtype)], [((8,), dtype)])
    for dtype in ("float16", "bfloat16", "int8", "uint8", "int64"):
        call("exp", [((8,), dtype)], [((8,), dtype)])
        call("abs", [((8,), dtype)], [((8,), dtype)])
    call("clip", [m], [m], a_min=0.0, a_max=1.0)
    for dtype in ("float32", "float16"):
        call("hard_sigmoid", [((8,), dtype)], [((8,), dtype)], alpha=0.2, beta=0.5)
    call("smooth_l1", [((4,), "int32")], [((4,), "int32")], scalar=1.0)
    for name in ("broadcast_add", "broadcast_div", "broadcast_mod", "broadcast_power", "broadcast_maximum",
                 "broadcast_hypot", "broadcast_greater", "broadcast_logical_xor"):
        for dtype in ("float32", "float64", "float16", "int32", "int8", "int64", "uint8"):
            call(name, [((4, 5), dtype), ((5,), dtype)], [((4, 5), dtype)])
    call("_rminus_scalar", [m], [m], scalar=2.0)
    call("_plus", [m, m], [m])
    call("where", [((4,), "bool"), m, m], [m])
    for to in ("int8", "uint8", "int32", "int64", "bool", "float16", "bfloat16", "float64"):
        call("Cast", [m], [((4, 5), to)], dtype=to)
    call("transpose", [((2, 3, 4), "float16")], [((4, 3, 2), "float16")], axes=())
    call("_split_v2", [((2, 5), "int8")], [((2, 1), "int8"), ((2, 4), "int8")], indices=(0, 1), axis=1,
         squeeze_axis=False, sections=0)
    call("depth_to_space", [((1, 8, 2, 3), "int8")], [((1, 2, 4, 6), "int8")], block_size=2)
    call("space_to_depth", [((1, 2, 4, 6), "float32")], [((1, 8, 2, 3), "float32")], block_size=2)
    call("_arange", [], [((5,), "int64")], start=0.0, stop=None, step=1.0, repeat=1)
    call("_full", [], [((5,), "bool")], value=1.0)
    call("Pad", [((1, 1, 2, 2), "float32")], [((1, 1, 4, 4), "float32")], mode="reflect",
         pad_width=(0, 0, 0, 0, 1, 1, 1, 1), constant_value=0.0)
    call("Pad", [((1, 1, 2, 2), "int8")], [((1, 1, 4, 4), "int8")], mode="constant",
         pad_width=(0, 0, 0, 0, 1, 1, 1, 1), constant_value=2.0)
    for name in ("sum", "mean", "prod", "nansum", "max", "min"):
        for dtype in ("float32", "float16", "int8", "float64"):
            call(name, [((3, 4, 5), dtype)], [((3, 5), dtype)], axis=(1,), keepdims=False, exclude=False)
    call("norm", [((3, 4), "int32")], [((3,), "float32")], ord=2, axis=(1,), keepdims=False)
    for name in ("sum", "mean", "max"):  # cut into splits, then combined (a workspace of partials)
        for dtype in ("float32", "float16", "int8"):
            call(name, [((64, 4096), dtype)], [((1,), dtype)], axis=None, keepdims=False, exclude=False)
    call("norm", [((64, 4096), "int32")], [((1,), "float32")], ord=2, axis=None, keepdims=False)
    for dtype in ("float32", "float16", "int8"):
        call("argmax", [((64, 4096), dtype)], [((1,), dtype)], axis=None)
    call("argmax", [((3, 4), "float16")], [((3,), "float16")], axis=1)
    call("argmin", [((3, 4), "int32")], [((3,), "int32")], axis=0)
    for dtype in ("float32", "float16", "bfloat16", "float64"):
        call("softmax", [((4, 7), dtype)], [((4, 7), dtype)], axis=-1, temperature=None)
        call("log_softmax", [((4, 9000), dtype)], [((4, 9000), dtype)], axis=-1, temperature=2.0)
        call("dot", [((64, 32), dtype), ((32, 16), dtype)], [((64, 16), dtype)], transpose_a=False, transpose_b=False)
    call("khatri_rao", [((2, 3), "float16"), ((4, 3), "float16")], [((8, 3), "float16")], num_args=2)
    for name, params in (("normal", 2), ("gamma", 2), ("exponential", 1), ("generalized_negative_binomial", 2)):
        call(f"_random_pdf_{name}", [((2, 3), "float32")] + [((2,), "float32")] * params, [((2, 3), "float32")],
             is_log=False)
        call(f"_backward_pdf_{name}", [((2, 3), "float16"), ((2, 3), "float16")] + [((2,), "float16")] * params +
             [((2, 3), "float16")], [((2, 3), "float16")] + [((2,), "float16")] * params, is_log=True)
    call("_random_pdf_dirichlet", [((2, 3), "float64"), ((3,), "float64")], [((2,), "float64")], is_log=True)
    call("_backward_pdf_dirichlet", [((2,), "float32"), ((2, 3), "float32"), ((3,), "float32"), ((2,), "float32")],
         [((2, 3), "float32"), ((3,), "float32")], is_log=False)
    call("_histogram", [((3, 4), "float16")], [((5,), "int64"), ((6,), "float16")], bin_cnt=5, range=(0.0, 1.0))
    call("_histogram", [((3, 4), "int32"), ((4,), "int32")], [((3,), "int64"), ((4,), "int32")], bin_cnt=None,
         range=None)
    call("softmax", [((4, 7), "float32"), ((4,), "int32")], [((4, 7), "float32")], axis=-1, use_length=True)
    call("SoftmaxActivation", [((2, 3, 4), "float16")], [((2, 3, 4), "float16")], mode="channel")
    call("softmax_cross_entropy", [((4, 7), "float64"), ((4,), "float64")], [((1,), "float64")])
    call("softmax_cross_entropy", [((4, 7), "float16"), ((4,), "float16")], [((1,), "float16")])
    call("FullyConnected", [((4, 6), "float16"), ((5, 6), "float16"), ((5,), "float16")], [((4, 5), "float16")],
         num_hidden=5, no_bias=False)
    call("_linalg_gemm", [((2, 3, 4), "float64"), ((2, 4, 5), "float64"), ((2, 3, 5), "float64")],
         [((2, 3, 5), "float64")], axis=-2, alpha=1.0, beta=1.0)
    for dtype in ("float32", "int64", "float16"):
        call("topk", [((3, 5), dtype)], [((3, 2), dtype), ((3, 2), "int32")], axis=-1, k=2, ret_typ="both")
        call("topk", [((3, 5), dtype)], [((3, 5), dtype)], axis=-1, k=2, ret_typ="mask")
    call("argsort", [((3, 5), "float64")], [((3, 5), "float32")], axis=-1, is_ascend=True)
    call("take", [((4, 3), "float32"), ((2,), "float32")], [((2, 3), "float32")], axis=0, mode="wrap")
    call("pick", [((4, 3), "bool"), ((4,), "int64")], [((4,), "bool")], axis=1, mode="clip")
    call("batch_take", [((2, 2, 3), "float16"), ((2, 2), "int32")], [((2, 2), "float16")])
    call("fill_element_0index", [((2, 3), "int8")] + [((2,), "int8")] * 2, [((2, 3), "int8")])
    call("_ravel_multi_index", [((2, 5), "float32")], [((5,), "float32")], shape=(-1, 6))
    call("_unravel_index", [((5,), "int64")], [((3, 5), "int64")], shape=(-1, 6, 4))
    call("one_hot", [((4,), "int32")], [((4, 3), "bfloat16")], depth=3, on_value=1.0, off_value=0.0)
    call("gather_nd", [((3, 4, 2), "float16"), ((2, 3), "int32")], [((3, 2), "float16")])
    for dtype in ("float32", "float16", "float64"):
        call("_random_uniform", [], [((8,), dtype)], low=0.0, high=1.0)
        call("_random_normal", [], [((8,), dtype)], loc=0.0, scale=1.0)
    call("_sample_exponential", [((2,), "float32")], [((2, 4), "float32")], shape=(4,))
    gradient_ops()
    optimizer_ops()
    layer_ops()
    spatial_ops()
    box_ops()
    contrib_ops()
    compile_all()
    print(f"compiled {len(jobs)} kernel specialisations for sm_90")
    return 0


if __name__ == "__main__":
    sys.exit(main())
