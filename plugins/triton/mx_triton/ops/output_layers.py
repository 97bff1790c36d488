"""The loss output layers and their gradients (plugins/cpu/softmax_output.cc,
regression_output.cc).

SoftmaxOutput sees the data as (rows, classes, inner) with the softmax over
`classes`: default (d1, s / d1, 1), preserve_shape (s / last, last, 1),
multi_output (d1, d2, s / d1 / d2); one label per (row, inner) position
(the label's first rows * inner entries), unless the label has the data's
shape (probabilities).  Its gradient is (out - target) scaled by MXNet 1.9's
normalization; 'valid' counts the labels that are not ignore_label, which
each program counts itself (labels are few: one per position).

The regression outputs: forward the identity (logistic: the sigmoid);
backward (out - label), or its sign for MAE, times grad_scale / m with
m = label.size / label.shape[0].

SVMOutput: forward the identity; backward the L2- (or with use_linear L1-)
SVM gradient of each row (the last axis) against its class index, the
label truncated toward zero (outside [0, classes) or NaN: no class).
"""
import triton
import triton.language as tl

from ..copy_kernel import copy_into
from ..elementwise import BLOCK, NUM_WARPS
from ..jit_helpers import block_indices, cast_to, compute_type, scalar_from_bits
from ..launch import launch
from ..registry import KernelError, register
from ..scalars import as_bits
from ..strides import INT32_LIMIT, write_request
from .softmax import softmax_rows
from .unary_math import run_unary

DTYPES = ("float32", "float64", "float16")


def _geometry(attrs, data):
    size = data.numel
    first = data.shape[0] if data.ndim else 1
    if attrs.get("multi_output"):
        classes = data.shape[1]
        return first, classes, size // (first * classes) if first and classes else 0
    if attrs.get("preserve_shape"):
        classes = data.shape[-1] if data.ndim else 1
        return size // classes if classes else 0, classes, 1
    return first, size // first if first else 0, 1


def _contiguous(*views):
    if not all(v.is_contiguous() for v in views):
        raise KernelError("the loss layers need contiguous arrays")


@register("SoftmaxOutput", "Softmax", dtypes=DTYPES)
def softmax_output(call):
    data, out = call.inputs[0], call.outputs[0]
    if not write_request(call) or out.numel == 0:
        return
    _contiguous(data, out)
    softmax_rows(data, out, *_geometry(call.attrs, data))


@triton.jit(do_not_specialize=["classes", "num_labels", "ignore", "scale_bits", "alpha_bits", "divisor_bits"])
def softmax_output_backward_kernel(og_ptr, label_ptr, out_ptr, grad_ptr, n, classes, inner, num_labels, ignore,
                                   scale_bits, alpha_bits, divisor_bits, PROBABILITIES: tl.constexpr,
                                   USE_IGNORE: tl.constexpr, COUNT_VALID: tl.constexpr, OUT_GRAD: tl.constexpr,
                                   IDX: tl.constexpr, BLOCK: tl.constexpr):
    """divisor: what the gradient is divided by (the positions per example
    times the normalization's count), unless COUNT_VALID counts here."""
    i, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = grad_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    grad_scale = scalar_from_bits(scale_bits, tl.float64, tl.float64)
    y = tl.load(out_ptr + i, mask=mask).to(C)
    if PROBABILITIES:
        v = (y - tl.load(label_ptr + i, mask=mask).to(C)) * grad_scale.to(C)
    else:
        c = (i // inner) % classes
        s = (i // (classes * inner)) * inner + i % inner
        target = cast_to(tl.load(label_ptr + s, mask=mask).to(tl.float64), tl.int32)
        alpha = scalar_from_bits(alpha_bits, tl.float64, C)
        spread = tl.where(classes > 1, alpha / tl.maximum(classes - 1, 1), 0.0)
        v = y - tl.where(c == target, 1 - alpha, spread)
        if USE_IGNORE:
            v = tl.where(target == ignore, 0.0, v)
        divisor = scalar_from_bits(divisor_bits, tl.float64, tl.float64)
        if COUNT_VALID:  # the labels that are not ignore_label, at least 1
            valid = tl.zeros((BLOCK,), tl.int64)
            for start in range(0, num_labels, BLOCK):
                ks = start + tl.arange(0, BLOCK)
                k_mask = ks < num_labels
                labels = cast_to(tl.load(label_ptr + ks, mask=k_mask, other=0).to(tl.float64), tl.int32)
                valid += (k_mask & (labels != ignore)).to(tl.int64)
            divisor = divisor * tl.maximum(tl.sum(valid, 0).to(tl.float64), 1.0)
        v = v * (grad_scale / divisor).to(C)
    if OUT_GRAD:
        v = v * tl.load(og_ptr + i, mask=mask).to(C)
    tl.store(grad_ptr + i, v.to(T), mask=mask)


@register("_backward_SoftmaxOutput", dtypes=DTYPES)
def softmax_output_backward(call):
    og, label, out = call.inputs[:3]
    grad = call.outputs[0]
    if not write_request(call) or grad.numel == 0:
        return
    _contiguous(og, label, out, grad)
    rows, classes, inner = _geometry(call.attrs, out)
    attrs = call.attrs
    normalization = attrs.get("normalization", "null")
    multi_output = bool(attrs.get("multi_output"))
    divisor = float(inner) if multi_output and normalization != "valid" else 1.0
    if normalization == "batch":
        divisor *= rows if multi_output else label.numel
    launch(softmax_output_backward_kernel, (triton.cdiv(grad.numel, BLOCK),), og, label, out, grad, grad.numel,
           classes, inner, label.numel, int(attrs.get("ignore_label", -1.0)),
           as_bits(attrs.get("grad_scale", 1.0), "float64"), as_bits(attrs.get("smooth_alpha", 0.0), "float64"),
           as_bits(divisor, "float64"), PROBABILITIES=label.shape == out.shape,
           USE_IGNORE=bool(attrs.get("use_ignore")), COUNT_VALID=normalization == "valid",
           OUT_GRAD=bool(attrs.get("out_grad")), IDX=tl.int64 if grad.numel >= INT32_LIMIT else tl.int32, BLOCK=BLOCK,
           num_warps=NUM_WARPS)


@triton.jit(do_not_specialize=["scale_bits"])
def regression_backward_kernel(label_ptr, out_ptr, grad_ptr, n, scale_bits, MAE: tl.constexpr, IDX: tl.constexpr,
                               BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = grad_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    s = scalar_from_bits(scale_bits, tl.float64, C)
    d = tl.load(out_ptr + i, mask=mask).to(C) - tl.load(label_ptr + i, mask=mask).to(C)
    if MAE:
        g = tl.where(d > 0, s, -s)
    else:
        g = s * d
    tl.store(grad_ptr + i, g.to(T), mask=mask)


def _register_regression(name, kind):
    @register(f"{name}RegressionOutput", dtypes=DTYPES)
    def forward(call):
        x, y = call.inputs[0], call.outputs[0]
        if kind == "logistic":
            run_unary(call, "sigmoid")
        elif write_request(call) and x.ptr != y.ptr:
            copy_into(x, y)

    @register(f"_backward_{name}RegressionOutput", dtypes=DTYPES)
    def backward(call):
        label, out = call.inputs[:2]
        grad = call.outputs[0]
        if not write_request(call) or grad.numel == 0:
            return
        _contiguous(label, out, grad)
        batch = label.shape[0] if label.ndim else 1
        per_example = label.numel / batch if batch else 1.0
        launch(regression_backward_kernel, (triton.cdiv(grad.numel, BLOCK),), label, out, grad, grad.numel,
               as_bits(call.attrs.get("grad_scale", 1.0) / per_example, "float64"), MAE=kind == "mae",
               IDX=tl.int64 if grad.numel >= INT32_LIMIT else tl.int32, BLOCK=BLOCK, num_warps=NUM_WARPS)


for _name, _kind in (("Linear", "linear"), ("Logistic", "logistic"), ("MAE", "mae")):
    _register_regression(_name, _kind)


@register("SVMOutput", dtypes=DTYPES)
def svm_output(call):
    x, y = call.inputs[0], call.outputs[0]
    if write_request(call) and x.ptr != y.ptr:
        copy_into(x, y)


@triton.jit(do_not_specialize=["classes", "margin_bits", "coefficient_bits"])
def svm_output_backward_kernel(label_ptr, out_ptr, grad_ptr, n, classes, margin_bits, coefficient_bits,
                               LINEAR: tl.constexpr, IDX: tl.constexpr, BLOCK: tl.constexpr):
    i, mask = block_indices(n, BLOCK, IDX)
    T: tl.constexpr = grad_ptr.dtype.element_ty
    C: tl.constexpr = compute_type(T)
    m = scalar_from_bits(margin_bits, T, C)
    c = scalar_from_bits(coefficient_bits, T, C)
    label = tl.load(label_ptr + i // classes, mask=mask, other=-1).to(tl.float64)
    # truncated toward zero; NaN and labels beyond the classes name none
    target = tl.where((label == label) & (tl.abs(label) < classes), cast_to(label, tl.int64), -1)
    y = tl.load(out_ptr + i, mask=mask).to(C)
    hit = (i % classes) == target
    if LINEAR:
        g = tl.where(hit, tl.where(m > y, -c, 0.0), tl.where(m > -y, c, 0.0))
    else:
        g = tl.where(hit, tl.where(m > y, -2 * c * (m - y), 0.0), tl.where(m > -y, 2 * c * (m + y), 0.0))
    tl.store(grad_ptr + i, g.to(T), mask=mask)


@register("_backward_SVMOutput", dtypes=DTYPES)
def svm_output_backward(call):
    label, out = call.inputs[:2]
    grad = call.outputs[0]
    if not write_request(call) or grad.numel == 0:
        return
    _contiguous(label, out, grad)
    attrs = call.attrs
    launch(svm_output_backward_kernel, (triton.cdiv(grad.numel, BLOCK),), label, out, grad, grad.numel,
           out.shape[-1] if out.ndim else 1, as_bits(attrs.get("margin", 1.0), grad.dtype),
           as_bits(attrs.get("regularization_coefficient", 1.0), grad.dtype), LINEAR=bool(attrs.get("use_linear")),
           IDX=tl.int64 if grad.numel >= INT32_LIMIT else tl.int32, BLOCK=BLOCK, num_warps=NUM_WARPS)
