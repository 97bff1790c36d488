"""The whole-array checks and resets of ops/optimizer/multi_array.cc
(plugins/cpu/multi_array.cc): all_finite / multi_all_finite, multi_sum_sq
and reset_arrays.  Each array is reduced by one program that walks it in
blocks, so results do not depend on scheduling (the arrays are an
optimizer's parameters: a launch per array, as MXNet's kernels do)."""
import triton
import triton.language as tl

from ..launch import launch
from ..registry import ALL, KernelError, register
from ..strides import write_request
from .fill import fill

DTYPES = ("float32", "float64", "float16")
BLOCK = 1024


@triton.jit
def all_finite_kernel(x_ptr, n, flag_ptr, INIT: tl.constexpr, BLOCK: tl.constexpr):
    """flag = 0 if some element of x is inf or NaN, else (INIT) 1 or unchanged."""
    C: tl.constexpr = tl.float64 if x_ptr.dtype.element_ty == tl.float64 else tl.float32
    bad = tl.zeros([BLOCK], tl.int32)
    for start in range(0, n, BLOCK):
        i = start + tl.arange(0, BLOCK).to(tl.int64)
        x = tl.load(x_ptr + i, mask=i < n, other=0).to(C)
        bad = bad | (~(tl.abs(x) < float("inf"))).to(tl.int32)  # NaN compares false
    finite = tl.max(bad, axis=0) == 0
    if INIT:
        tl.store(flag_ptr, tl.where(finite, 1.0, 0.0).to(tl.float32))
    else:
        tl.store(flag_ptr, 0.0, mask=~finite)


@triton.jit
def sum_sq_kernel(x_ptr, n, out_ptr, index, BLOCK: tl.constexpr):
    """out[index] = the sum of x's squares, accumulated in float64 as on the CPU."""
    acc = tl.zeros([BLOCK], tl.float64)
    for start in range(0, n, BLOCK):
        i = start + tl.arange(0, BLOCK).to(tl.int64)
        x = tl.load(x_ptr + i, mask=i < n, other=0).to(tl.float64)
        acc += x * x
    tl.store(out_ptr + index, tl.sum(acc, axis=0).to(tl.float32))


def _check_contiguous(call):
    if not all(t.is_contiguous() for t in call.inputs):
        raise KernelError(f"{call.op} needs contiguous arrays")


def multi_all_finite(call):
    _check_contiguous(call)
    if not write_request(call):
        return
    for k, x in enumerate(call.inputs):  # stream order ANDs the arrays' flags
        launch(all_finite_kernel, (1,), x, x.numel, call.outputs[0], INIT=k == 0 and call.attrs["init_output"],
               BLOCK=BLOCK)


register("all_finite", dtypes=DTYPES)(multi_all_finite)
register("multi_all_finite", dtypes=DTYPES)(multi_all_finite)


@register("multi_sum_sq", dtypes=DTYPES)
def multi_sum_sq(call):
    _check_contiguous(call)
    if not write_request(call):
        return
    for k, x in enumerate(call.inputs):
        launch(sum_sq_kernel, (1,), x, x.numel, call.outputs[0], k, BLOCK=BLOCK)


@register("reset_arrays", dtypes=ALL)
def reset_arrays(call):
    for x in call.inputs:
        fill(x, 0)
