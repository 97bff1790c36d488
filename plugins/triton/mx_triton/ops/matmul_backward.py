"""_backward_dot and _backward_FullyConnected: the gradients of the matrix
products as gemms (ops/matmul.py's kernel) on the operands' 2-D views, each
output with its own request (add accumulates); FullyConnected's bias
gradient is the column sums of ograd."""
from ..call import TensorView
from ..registry import register
from .matmul import MATMUL_DTYPES, gemm
from .reduce import reduce_into


def _free(t, first):
    """The product of t's dims but its first (or last) one."""
    dims = t.shape[1:] if first else t.shape[:-1]
    size = 1
    for d in dims:
        size *= d
    return size


@register("_backward_dot", dtypes=MATMUL_DTYPES)
def backward_dot(call):
    """The forward read lhs as op(A) (m x k) and rhs as op(B) (k x n),
    stored transposed under transpose_a / transpose_b; ograd is m x n.
    Stored-layout gradients, as (row, column) strides of the operands:
      A:  og op(B)^T (m x k),  or op(B) og^T (k x m) when transposed
      B:  op(A)^T og (k x n),  or og^T op(A) (n x k) when transposed"""
    og, a, b = call.inputs
    ta, tb = call.attrs.get("transpose_a", False), call.attrs.get("transpose_b", False)
    k = a.shape[0] if ta else a.shape[-1]
    m, n = _free(a, ta), _free(b, not tb)
    op_b = (1, k) if tb else (n, 1)        # op(B), k x n
    op_b_t = (k, 1) if tb else (1, n)      # op(B)^T, n x k
    op_a = (1, m) if ta else (k, 1)        # op(A), m x k
    op_a_t = (m, 1) if ta else (1, k)      # op(A)^T, k x m
    if ta:
        gemm(call, b, og, call.outputs[0], k, m, n, (), (), op_b, (1, n), (m, 1), output=0)
    else:
        gemm(call, og, b, call.outputs[0], m, k, n, (), (), (n, 1), op_b_t, (k, 1), output=0)
    if tb:
        gemm(call, og, a, call.outputs[1], n, k, m, (), (), (1, n), op_a, (k, 1), output=1)
    else:
        gemm(call, a, og, call.outputs[1], k, n, m, (), (), op_a_t, (n, 1), (n, 1), output=1)


@register("_backward_FullyConnected", dtypes=MATMUL_DTYPES)
def backward_fully_connected(call):
    """data read as rows x input_dim, ograd as rows x num_hidden:
    d data = og W, d weight = og^T data, d bias = og's column sums."""
    og, data, weight = call.inputs[:3]
    hidden, input_dim = weight.shape
    rows = og.numel // hidden if hidden else 0
    gemm(call, og, weight, call.outputs[0], rows, input_dim, hidden, (), (), (hidden, 1),
         (weight.strides[0], weight.strides[1]), (input_dim, 1), output=0)
    gemm(call, og, data, call.outputs[1], hidden, input_dim, rows, (), (), (1, hidden), (input_dim, 1),
         (input_dim, 1), output=1)
    if len(call.outputs) == 3 and call.req[2] != "null":
        rows_view = TensorView(og.ptr, (rows, hidden), og.dtype, device_id=og.device_id)
        reduce_into(rows_view, call.outputs[2], {0}, "sum", accumulate=call.req[2] == "add")
