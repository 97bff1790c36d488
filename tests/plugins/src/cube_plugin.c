/* y = cube(x) = x^3 with a gradient that is differentiated again: the
 * backward op _backward_cube, (dy, x) -> 3 x^2 dy, declares its own
 * backward _backward_backward_cube, (g, dy, x) -> (3 x^2 g, 6 x dy g). */
#include <stdint.h>
#include <string.h>

#include "mx/plugin.h"

/* Every output takes input 1's shape (x is input 0 of cube, input 1 of the
 * backward ops). */
static int like_x(const MXAttr* attrs, int32_t num_attrs, int32_t num_inputs, const int64_t* const* in_shapes,
                  const int32_t* in_ndims, int32_t num_outputs, int64_t* const* out_shapes, int32_t* out_ndims,
                  void* op_data) {
  const int32_t x = num_inputs - 1;
  (void)attrs; (void)num_attrs; (void)op_data;
  for (int32_t k = 0; k < num_outputs; ++k) {
    out_ndims[k] = in_ndims[x];
    for (int32_t i = 0; i < in_ndims[x]; ++i) out_shapes[k][i] = in_shapes[x][i];
  }
  return 0;
}

static int64_t size_of(const DLTensor* t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t->ndim; ++i) n *= t->shape[i];
  return n;
}

/* float64 only: the tests differentiate in float64. */
static double* at(const DLTensor* t) { return (double*)t->data; }

static int cube(const MXKernelCall* call) {
  const double* x = at(&call->inputs[0]);
  for (int64_t i = 0, n = size_of(&call->inputs[0]); i < n; ++i) at(&call->outputs[0])[i] = x[i] * x[i] * x[i];
  return 0;
}

static int backward_cube(const MXKernelCall* call) {
  const double* dy = at(&call->inputs[0]);
  const double* x = at(&call->inputs[1]);
  for (int64_t i = 0, n = size_of(&call->inputs[1]); i < n; ++i)
    at(&call->outputs[0])[i] = 3 * x[i] * x[i] * dy[i];
  return 0;
}

static int backward_backward_cube(const MXKernelCall* call) {
  const double* g = at(&call->inputs[0]);
  const double* dy = at(&call->inputs[1]);
  const double* x = at(&call->inputs[2]);
  for (int64_t i = 0, n = size_of(&call->inputs[2]); i < n; ++i) {
    at(&call->outputs[0])[i] = 3 * x[i] * x[i] * g[i];
    at(&call->outputs[1])[i] = 6 * x[i] * dy[i] * g[i];
  }
  return 0;
}

static int define(const MXPluginHost* host, const char* name, int32_t num_inputs, int32_t num_outputs,
                  const char* backward_op, MXKernelFn fn) {
  static const char* const names[] = {"a", "b", "c"};
  static const int32_t float64[] = {MX_DTYPE_FLOAT64};
  MXOpDesc op;
  MXKernelDesc k;
  memset(&op, 0, sizeof(op));
  op.struct_size = sizeof(op);
  op.abi_major = MX_PLUGIN_ABI_MAJOR;
  op.name = name;
  op.num_inputs = num_inputs;
  op.input_names = names;
  op.num_outputs = num_outputs;
  op.infer_shape = like_x;
  op.backward_op = backward_op;
  op.flags = MX_OP_BACKWARD_USES_INPUTS;
  if (host->register_op(&op) != 0) return -1;
  memset(&k, 0, sizeof(k));
  k.struct_size = sizeof(k);
  k.abi_major = MX_PLUGIN_ABI_MAJOR;
  k.op_name = name;
  k.device_type = kDLCPU;
  k.dtypes = float64;
  k.num_dtypes = 1;
  k.fn = fn;
  return host->register_kernel(&k);
}

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  MX_PLUGIN_CHECK_ABI(abi_version);
  /* Forward first: backward ops are looked up when init returns. */
  if (define(host, "cube", 1, 1, "_backward_cube", cube) != 0) return -1;
  if (define(host, "_backward_cube", 2, 1, "_backward_backward_cube", backward_cube) != 0) return -1;
  return define(host, "_backward_backward_cube", 3, 2, NULL, backward_backward_cube);
}
