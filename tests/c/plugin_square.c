/*
 * plugin_square.c -- a minimal MX plugin for test_c_api.c.
 *
 * Defines one new operator, "_test_square" (out = data * data, float32),
 * with a boolean parameter "fail" that makes the kernel report an error.
 * It exists so the C test can load a real plugin (MXPluginLoad's success
 * path), run an op that did not exist before, and see a kernel's error come
 * back through the engine.  Plain C99; it does not link libmx.
 */
#include <string.h>

#include "mx/plugin.h"

/* Kept for set_error in the kernel: plugin.h promises the table lives as
 * long as the process. */
static const MXPluginHost* host;

static int infer_same_shape(const MXAttr* attrs, int32_t num_attrs,
                            int32_t num_inputs, const int64_t* const* in_shapes,
                            const int32_t* in_ndims, int32_t num_outputs,
                            int64_t* const* out_shapes, int32_t* out_ndims,
                            void* op_data) {
  (void)attrs, (void)num_attrs, (void)num_inputs, (void)num_outputs, (void)op_data;
  memcpy(out_shapes[0], in_shapes[0], sizeof(int64_t) * (size_t)in_ndims[0]);
  out_ndims[0] = in_ndims[0];
  return 0;
}

static int64_t num_elements(const DLTensor* t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t->ndim; ++i) n *= t->shape[i];
  return n;
}

static int square_f32(const MXKernelCall* call) {
  const MXAttr* fail = mx_attr_find(call->attrs, call->num_attrs, "fail");
  if (fail && fail->i) {
    host->set_error("_test_square was asked to fail");
    return -1;
  }
  const float* in = (const float*)call->inputs[0].data;
  float* out = (float*)call->outputs[0].data;
  const int64_t n = num_elements(&call->outputs[0]);
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] * in[i];
  return 0;
}

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* h, int abi_version) {
  MX_PLUGIN_CHECK_ABI(abi_version);
  host = h;

  static const char* const inputs[] = {"data"};
  static const MXParamDesc params[] = {
      {"fail", "boolean", "False", "Make the kernel fail (for error tests)"}};
  MXOpDesc op;
  memset(&op, 0, sizeof op);
  op.struct_size = sizeof op;
  op.abi_major = MX_PLUGIN_ABI_MAJOR;
  op.name = "_test_square";
  op.description = "Element-wise square; a test plugin's op.";
  op.num_inputs = 1;
  op.input_names = inputs;
  op.num_outputs = 1;
  op.params = params;
  op.num_params = 1;
  op.infer_shape = infer_same_shape;
  if (host->register_op(&op) != 0) return -1;

  static const int32_t float32[] = {0};
  MXKernelDesc kernel;
  memset(&kernel, 0, sizeof kernel);
  kernel.struct_size = sizeof kernel;
  kernel.abi_major = MX_PLUGIN_ABI_MAJOR;
  kernel.op_name = "_test_square";
  kernel.device_type = kDLCPU;
  kernel.dtypes = float32;
  kernel.num_dtypes = 1;
  kernel.fn = square_f32;
  return host->register_kernel(&kernel);
}
