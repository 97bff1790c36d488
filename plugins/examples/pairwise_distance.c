/*
 * pairwise_distance: an MX plugin in plain C99 that defines a new operator
 * and its gradient.  Copy it to start your own (docs/plugin_sdk.md explains
 * every piece).
 *
 *     out = pairwise_distance(lhs, rhs, squared=False)
 *
 * lhs is (n, d), rhs is (m, d); out is (n, m) with
 *     out[i][j] = || lhs[i] - rhs[j] ||       (squared=False)
 *     out[i][j] = || lhs[i] - rhs[j] ||^2     (squared=True)
 * for float32 and float64 (scipy's cdist, torch.cdist).
 *
 * The plugin defines two operators:
 *   - pairwise_distance, the forward op, which names its backward op;
 *   - _backward_pairwise_distance, which maps (out_grad, lhs, rhs, distances)
 *     to (lhs_grad, rhs_grad).  MX applies it as a graph node, so the gradient
 *     works in autograd, in symbol gradients and executors alike.
 *
 * Build:  cc -std=c99 -O2 -shared -fPIC $(mxnet-config --cflags) \
 *             pairwise_distance.c -o libpairwise_distance.so -lm
 * Use:    mx.library.load("libpairwise_distance.so")
 *         mx.nd.pairwise_distance(a, b)
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "mx/plugin.h"

/* The host table; it stays valid for the life of the process, so kernels
 * report their errors through it. */
static const MXPluginHost* g_host;

/* Reports an error: MX adds the op's name and this plugin's path. */
static int fail(const char* message) {
  g_host->set_error(message);
  return -1;
}

/* ------------------------------------------------------------------ */
/* Parameters                                                         */
/* ------------------------------------------------------------------ */

/* Declared once, shared by both ops: the backward op receives the forward
 * op's value of every parameter it declares. */
static const MXParamDesc kParams[] = {
    {"squared", "boolean", "False", "Return squared distances (skips the square root)."},
};

/* MX parsed the parameters once, when the op was called: every declared
 * parameter is present, defaults filled in. */
static int squared_of(const MXAttr* attrs, int32_t num_attrs) {
  const MXAttr* squared = mx_attr_find(attrs, num_attrs, "squared");
  return squared && squared->i != 0;
}

/* ------------------------------------------------------------------ */
/* Shape and dtype inference (run when the op is called or a graph is */
/* bound; kernels then trust the shapes)                              */
/* ------------------------------------------------------------------ */

/* lhs (n, d) and rhs (m, d), whether they are the forward op's inputs 0 and
 * 1 or the backward op's inputs 1 and 2.  Sets *n, *m, *d. */
static int check_operands(const int64_t* const* shapes, const int32_t* ndims, int32_t lhs, int64_t* n,
                          int64_t* m, int64_t* d) {
  const int32_t rhs = lhs + 1;
  if (ndims[lhs] != 2 || ndims[rhs] != 2)
    return fail("lhs and rhs must be 2-D, (n, d) and (m, d)");
  if (shapes[lhs][1] != shapes[rhs][1])
    return fail("lhs and rhs must have the same number of columns d");
  *n = shapes[lhs][0];
  *m = shapes[rhs][0];
  *d = shapes[lhs][1];
  return 0;
}

static int is_matrix(const int64_t* shape, int32_t ndim, int64_t rows, int64_t cols) {
  return ndim == 2 && shape[0] == rows && shape[1] == cols;
}

static int forward_shape(const MXAttr* attrs, int32_t num_attrs, int32_t num_inputs,
                         const int64_t* const* in_shapes, const int32_t* in_ndims, int32_t num_outputs,
                         int64_t* const* out_shapes, int32_t* out_ndims, void* op_data) {
  int64_t n, m, d;
  (void)attrs; (void)num_attrs; (void)num_inputs; (void)num_outputs; (void)op_data;
  if (check_operands(in_shapes, in_ndims, 0, &n, &m, &d) != 0) return -1;
  out_ndims[0] = 2;
  out_shapes[0][0] = n;
  out_shapes[0][1] = m;
  return 0;
}

/* Inputs: out_grad (n, m), lhs (n, d), rhs (m, d), distances (n, m): the
 * forward op's output. */
static int backward_shape(const MXAttr* attrs, int32_t num_attrs, int32_t num_inputs,
                          const int64_t* const* in_shapes, const int32_t* in_ndims, int32_t num_outputs,
                          int64_t* const* out_shapes, int32_t* out_ndims, void* op_data) {
  int64_t n, m, d;
  int32_t k, i;
  (void)attrs; (void)num_attrs; (void)num_inputs; (void)num_outputs; (void)op_data;
  if (check_operands(in_shapes, in_ndims, 1, &n, &m, &d) != 0) return -1;
  /* The kernel reads out_grad and distances as (n, m): check, or it would
   * read past them. */
  if (!is_matrix(in_shapes[0], in_ndims[0], n, m) || !is_matrix(in_shapes[3], in_ndims[3], n, m))
    return fail("out_grad and distances must be (n, m): rows of lhs by rows of rhs");
  for (k = 0; k < 2; ++k) {  /* each gradient has its input's shape */
    out_ndims[k] = 2;
    for (i = 0; i < 2; ++i) out_shapes[k][i] = in_shapes[1 + k][i];
  }
  return 0;
}

/* Every input float32, or every input float64; the outputs follow. */
static int float_types(const MXAttr* attrs, int32_t num_attrs, int32_t num_inputs, const int32_t* in_dtypes,
                       int32_t num_outputs, int32_t* out_dtypes, void* op_data) {
  int32_t k;
  (void)attrs; (void)num_attrs; (void)op_data;
  if (in_dtypes[0] != MX_DTYPE_FLOAT32 && in_dtypes[0] != MX_DTYPE_FLOAT64)
    return fail("inputs must be float32 or float64");
  for (k = 1; k < num_inputs; ++k)
    if (in_dtypes[k] != in_dtypes[0]) return fail("inputs must all have the same dtype");
  for (k = 0; k < num_outputs; ++k) out_dtypes[k] = in_dtypes[0];
  return 0;
}

/* ------------------------------------------------------------------ */
/* Element access                                                     */
/* Rationale: one loop body for float32 and float64, computed in      */
/* double.  A kernel tuned for speed would write typed loops instead. */
/* ------------------------------------------------------------------ */

static double get(const DLTensor* t, int64_t i) {
  return t->dtype.bits == 32 ? (double)((const float*)t->data)[i] : ((const double*)t->data)[i];
}

/* Stores v as req asks: overwrite, or add to what is there (MX asks for
 * MX_REQ_ADD when gradients accumulate, e.g. grad_req='add'). */
static void put(const DLTensor* t, int32_t req, int64_t i, double v) {
  if (req == MX_REQ_ADD) v += get(t, i);
  if (t->dtype.bits == 32)
    ((float*)t->data)[i] = (float)v;
  else
    ((double*)t->data)[i] = v;
}

/* ------------------------------------------------------------------ */
/* Kernels: called on engine worker threads, possibly several at once */
/* (so they keep no global state); outputs arrive allocated.          */
/* ------------------------------------------------------------------ */

static int forward_kernel(const MXKernelCall* call) {
  const DLTensor* lhs = &call->inputs[0];
  const DLTensor* rhs = &call->inputs[1];
  const DLTensor* out = &call->outputs[0];
  const int64_t n = lhs->shape[0], m = rhs->shape[0], d = lhs->shape[1];
  const int squared = squared_of(call->attrs, call->num_attrs);
  int64_t i, j, k;
  if (call->req[0] == MX_REQ_NULL) return 0;
  for (i = 0; i < n; ++i)
    for (j = 0; j < m; ++j) {
      double sum = 0;
      for (k = 0; k < d; ++k) {
        const double diff = get(lhs, i * d + k) - get(rhs, j * d + k);
        sum += diff * diff;
      }
      put(out, call->req[0], i * m + j, squared ? sum : sqrt(sum));
    }
  return 0;
}

/* The backward kernel needs an (n, m) matrix of weights; MX allocates it
 * per call as workspace, sized by this function. */
static size_t backward_workspace(const MXKernelCall* call) {
  const DLTensor* out_grad = &call->inputs[0];
  return (size_t)(out_grad->shape[0] * out_grad->shape[1]) * sizeof(double);
}

/* d distances[i][j] / d lhs[i] = c[i][j] (lhs[i] - rhs[j]), with c = 2 when
 * squared and c = 1 / distances[i][j] otherwise; so with w = out_grad * c,
 *     lhs_grad[i] = sum_j w[i][j] (lhs[i] - rhs[j])
 *     rhs_grad[j] = sum_i w[i][j] (rhs[j] - lhs[i])
 * Where two rows coincide (distance 0) the distance has no derivative; like
 * torch.cdist we take 0 there. */
static int backward_kernel(const MXKernelCall* call) {
  const DLTensor* out_grad = &call->inputs[0];
  const DLTensor* lhs = &call->inputs[1];
  const DLTensor* rhs = &call->inputs[2];
  const DLTensor* distances = &call->inputs[3];
  const DLTensor* lhs_grad = &call->outputs[0];
  const DLTensor* rhs_grad = &call->outputs[1];
  const int64_t n = lhs->shape[0], m = rhs->shape[0], d = lhs->shape[1];
  const int squared = squared_of(call->attrs, call->num_attrs);
  double* w = (double*)call->workspace;
  int64_t i, j, k;
  if (n * m > 0 && !w) return fail("the workspace is missing");
  for (i = 0; i < n * m; ++i) {
    const double g = get(out_grad, i), dist = get(distances, i);
    w[i] = squared ? 2 * g : (dist > 0 ? g / dist : 0);
  }
  if (call->req[0] != MX_REQ_NULL)
    for (i = 0; i < n; ++i)
      for (k = 0; k < d; ++k) {
        double sum = 0;
        for (j = 0; j < m; ++j) sum += w[i * m + j] * (get(lhs, i * d + k) - get(rhs, j * d + k));
        put(lhs_grad, call->req[0], i * d + k, sum);
      }
  if (call->req[1] != MX_REQ_NULL)
    for (j = 0; j < m; ++j)
      for (k = 0; k < d; ++k) {
        double sum = 0;
        for (i = 0; i < n; ++i) sum += w[i * m + j] * (get(rhs, j * d + k) - get(lhs, i * d + k));
        put(rhs_grad, call->req[1], j * d + k, sum);
      }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Registration                                                       */
/* ------------------------------------------------------------------ */

static const int32_t kFloatTypes[] = {MX_DTYPE_FLOAT32, MX_DTYPE_FLOAT64};

static int register_cpu_kernel(const char* op_name, MXKernelFn fn, MXWorkspaceFn workspace) {
  MXKernelDesc k;
  memset(&k, 0, sizeof(k));
  k.struct_size = sizeof(k);
  k.abi_major = MX_PLUGIN_ABI_MAJOR;
  k.op_name = op_name;
  k.device_type = kDLCPU;
  k.dtypes = kFloatTypes;  /* the dtypes of input 0 this kernel handles */
  k.num_dtypes = 2;
  k.fn = fn;
  k.workspace = workspace;
  return g_host->register_kernel(&k);
}

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  static const char* const forward_inputs[] = {"lhs", "rhs"};
  /* Not "out" or "name": the Python frontend's op functions take those. */
  static const char* const backward_inputs[] = {"out_grad", "lhs", "rhs", "distances"};
  static const char* const backward_outputs[] = {"lhs_grad", "rhs_grad"};
  MXOpDesc op;

  MX_PLUGIN_CHECK_ABI(abi_version);  /* another major: return before touching host */
  g_host = host;
  if (host->abi_minor < 2)  /* backward_op and flags are new in ABI 1.2 */
    return fail("pairwise_distance needs plugin ABI 1.2 or later (op gradients)");

  memset(&op, 0, sizeof(op));  /* fields this plugin does not set stay 0/NULL */
  op.struct_size = sizeof(op);
  op.abi_major = MX_PLUGIN_ABI_MAJOR;
  op.name = "pairwise_distance";
  op.description =
      "Euclidean distances between the rows of lhs (n, d) and those of rhs (m, d): "
      "out[i, j] = ||lhs[i] - rhs[j]||, an (n, m) array; squared distances with squared=True.";
  op.num_inputs = 2;
  op.input_names = forward_inputs;
  op.num_outputs = 1;
  op.params = kParams;
  op.num_params = 1;
  op.infer_shape = forward_shape;
  op.infer_type = float_types;
  op.backward_op = "_backward_pairwise_distance";
  op.flags = MX_OP_BACKWARD_USES_INPUTS | MX_OP_BACKWARD_USES_OUTPUTS;
  if (host->register_op(&op) != 0) return -1;

  /* The backward op: its inputs are the output gradients, then the forward
   * inputs and outputs (as the flags above ask); one output per forward
   * input.  It has no backward_op, so it is not differentiated again. */
  memset(&op, 0, sizeof(op));
  op.struct_size = sizeof(op);
  op.abi_major = MX_PLUGIN_ABI_MAJOR;
  op.name = "_backward_pairwise_distance";
  op.description =
      "The gradients of pairwise_distance: (out_grad, lhs, rhs, distances) to (lhs_grad, rhs_grad).";
  op.num_inputs = 4;
  op.input_names = backward_inputs;
  op.num_outputs = 2;
  op.output_names = backward_outputs;
  op.params = kParams;
  op.num_params = 1;
  op.infer_shape = backward_shape;
  op.infer_type = float_types;
  if (host->register_op(&op) != 0) return -1;

  if (register_cpu_kernel("pairwise_distance", forward_kernel, NULL) != 0) return -1;
  return register_cpu_kernel("_backward_pairwise_distance", backward_kernel, backward_workspace);
}
