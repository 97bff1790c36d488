"""Activation (relu, sigmoid, tanh, softrelu, softsign: the unary math
kernel), LeakyReLU (leaky, rrelu's inference form, elu, selu, gelu, prelu)
and _backward_relu (ograd where the output is > 0, NaN where it is NaN).
float16 and bfloat16 compute in float32 (plugins/cpu/activation.cc)."""
import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ..elementwise import BLOCK, NUM_WARPS, plan, plan_strides
from ..jit_helpers import block_indices, compute_type, element_offset, offset_of, scalar_from_bits
from ..launch import launch
from ..registry import FLOATS, NUMERIC, KernelError, register
from ..scalars import as_bits
from ..strides import write_request
from .fill import fill
from .unary_math import run_unary

ACTIVATIONS = ("relu", "sigmoid", "softrelu", "softsign", "tanh")
LEAKY = {"leaky": 0, "rrelu": 0, "elu": 1, "selu": 2, "gelu": 3, "prelu": 4}


@register("Activation", dtypes=FLOATS)
def activation(call):
    act = call.attrs["act_type"]
    if act not in ACTIVATIONS:
        raise KernelError(f"unknown act_type {act!r}")
    run_unary(call, act)


@triton.jit(do_not_specialize=["slope_bits"])
def leaky_relu_kernel(x_ptr, gamma_ptr, y_ptr, n, slope_bits, shape, x_strides, gamma_strides, y_strides,
                      KIND: tl.constexpr, FLAT: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    """KIND 0: x or x * slope; 1: elu; 2: selu (Klambauer et al.'s
    constants, as MXNet); 3: gelu; 4: prelu, the slope read from gamma
    (broadcast over x)."""
    idx, mask = block_indices(n, BLOCK, IDX)
    x_off = element_offset(idx, shape, x_strides, FLAT)
    y_off = element_offset(idx, shape, y_strides, FLAT)
    C: tl.constexpr = compute_type(y_ptr.dtype.element_ty)
    x = tl.load(x_ptr + x_off, mask=mask).to(C)
    slope = scalar_from_bits(slope_bits, tl.float64, C)
    if KIND == 0:
        y = tl.where(x > 0, x, x * slope)
    elif KIND == 1:
        y = tl.where(x > 0, x, slope * libdevice.expm1(x))
    elif KIND == 2:
        y = 1.0507009873554804934193349852946 * tl.where(x > 0, x, 1.6732632423543772848170429916717 *
                                                          libdevice.expm1(x))
    elif KIND == 3:
        y = 0.5 * x * (1.0 + libdevice.erf(x * 0.70710678118654752440084436210485))
    else:
        s = tl.load(gamma_ptr + offset_of(idx, shape, gamma_strides), mask=mask).to(C)
        y = tl.where(x > 0, x, x * s)
    tl.store(y_ptr + y_off, y.to(y_ptr.dtype.element_ty), mask=mask)


@register("LeakyReLU", dtypes=FLOATS)
def leaky_relu(call):
    x, y = call.inputs[0], call.outputs[0]
    if not write_request(call) or y.numel == 0:
        return
    act = call.attrs["act_type"]
    if act not in LEAKY:
        raise KernelError(f"unknown act_type {act!r}")
    slope = call.attrs["slope"]
    if act == "rrelu":  # the inference form: the middle of the slope's range
        slope = (call.attrs["lower_bound"] + call.attrs["upper_bound"]) / 2
    gamma = x
    gamma_strides = (0,) * y.ndim
    if act == "prelu":
        if len(call.inputs) < 2:
            raise KernelError("act_type='prelu' needs the gamma input")
        gamma = call.inputs[1]
        if gamma.numel == x.numel and gamma.numel != 1:  # one slope per element
            gamma_strides = gamma.strides
        elif gamma.numel != 1:  # one per channel: axis 1 (axis 0 of a 1-D input)
            channel = 1 if x.ndim > 1 else 0
            gamma_strides = tuple(gamma.strides[0] if k == channel else 0 for k in range(x.ndim))
    # gamma's strides over x's dims join the plan so merged dims stay valid for it
    p = plan_strides(y, [x.strides, gamma_strides])
    launch(leaky_relu_kernel, p.grid, x, gamma, y, p.numel, as_bits(slope, "float64"), p.shape, p.strides[1],
           p.strides[2], p.strides[0], KIND=LEAKY[act], FLAT=p.flat, IDX=p.index, BLOCK=BLOCK,
           num_warps=NUM_WARPS)
    if len(call.outputs) > 1 and write_request(call, 1):  # rrelu's mask: the slope used
        fill(call.outputs[1], slope)


@triton.jit
def relu_backward_kernel(og_ptr, y_ptr, out_ptr, n, shape, og_strides, y_strides, out_strides,
                         FLAT: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    idx, mask = block_indices(n, BLOCK, IDX)
    og_off = element_offset(idx, shape, og_strides, FLAT)
    y_off = element_offset(idx, shape, y_strides, FLAT)
    out_off = element_offset(idx, shape, out_strides, FLAT)
    T: tl.constexpr = out_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    v = tl.load(y_ptr + y_off, mask=mask).to(C)
    g = tl.load(og_ptr + og_off, mask=mask).to(C)
    one = tl.full(v.shape, 1, C)
    zero = tl.full(v.shape, 0, C)
    grad_mask = tl.where(v > zero, one, tl.where(v != v, v, zero))
    tl.store(out_ptr + out_off, (g * grad_mask).to(T), mask=mask)


@register("_backward_relu", dtypes=NUMERIC)
def relu_backward(call):
    og, y = call.inputs[:2]
    out = call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    p = plan(out, og, y)
    launch(relu_backward_kernel, p.grid, og, y, out, p.numel, p.shape, p.strides[1], p.strides[2], p.strides[0],
           FLAT=p.flat, IDX=p.index, BLOCK=BLOCK, num_warps=NUM_WARPS)
