"""Compiles, for sm_90 and without a GPU, every kernel specialisation the
launchers produce for a set of representative calls: the launchers run on
views of address 0 and launch.interceptor compiles instead of launching.
Catches what the interpreter lets through (types, libdevice calls, tl.dot
shapes).  Run by test_aot_compile.py in a process without TRITON_INTERPRET.
"""
import sys

import triton
from triton.backends.compiler import GPUTarget
from triton.runtime.jit import mangle_type

import mx_triton
from mx_triton import Call, TensorView, launch
from mx_triton.ops import matmul
from mx_triton.ops.unary_math import UNARY_OPS

TARGET = GPUTarget("cuda", 90, 32)
compiled = set()


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
    key = (kernel.fn.__name__, repr(sorted(signature.items())), repr(sorted(constexprs.items())), repr(options))
    if key in compiled:
        return
    compiled.add(key)
    triton.compile(triton.compiler.ASTSource(fn=kernel, signature=signature, constexprs=constexprs),
                   target=TARGET, options=options)


def view(shape, dtype):
    return TensorView(0, shape, dtype)


def call(op, inputs, outputs, **attrs):
    mx_triton.run(Call(op, [view(*t) for t in inputs], [view(*t) for t in outputs], attrs=attrs))


def main():
    launch.interceptor = compile_instead
    matmul.tuned_config = lambda key, configs, run, **kw: [run(c) for c in configs[1:]] and configs[0]
    m = ((4, 5), "float32")
    for name in UNARY_OPS:  # every op at float32, float64 and int32
        if name in ("softrelu", "clip", "smooth_l1"):
            continue
        for dtype in ("float32", "float64", "int32"):
            call(name, [((8,), dtype)], [((8,), dtype)])
    for dtype in ("float16", "bfloat16", "int8", "uint8", "int64"):
        call("exp", [((8,), dtype)], [((8,), dtype)])
        call("abs", [((8,), dtype)], [((8,), dtype)])
    call("clip", [m], [m], a_min=0.0, a_max=1.0)
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
    call("argmax", [((3, 4), "float16")], [((3,), "float16")], axis=1)
    call("argmin", [((3, 4), "int32")], [((3,), "int32")], axis=0)
    for dtype in ("float32", "float16", "bfloat16", "float64"):
        call("softmax", [((4, 7), dtype)], [((4, 7), dtype)], axis=-1, temperature=None)
        call("log_softmax", [((4, 9000), dtype)], [((4, 9000), dtype)], axis=-1, temperature=2.0)
        call("dot", [((64, 32), dtype), ((32, 16), dtype)], [((64, 16), dtype)], transpose_a=False, transpose_b=False)
    call("softmax", [((4, 7), "float32"), ((4,), "int32")], [((4, 7), "float32")], axis=-1, use_length=True)
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
    call("one_hot", [((4,), "int32")], [((4, 3), "bfloat16")], depth=3, on_value=1.0, off_value=0.0)
    call("gather_nd", [((3, 4, 2), "float16"), ((2, 3), "int32")], [((3, 2), "float16")])
    for dtype in ("float32", "float16", "float64"):
        call("_random_uniform", [], [((8,), dtype)], low=0.0, high=1.0)
        call("_random_normal", [], [((8,), dtype)], loc=0.0, scale=1.0)
    call("_sample_exponential", [((2,), "float32")], [((2, 4), "float32")], shape=(4,))
    print(f"compiled {len(compiled)} kernel specialisations for sm_90")
    return 0


if __name__ == "__main__":
    sys.exit(main())
