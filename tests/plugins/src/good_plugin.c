/* A well-formed plugin: defines the op "my_scale" (y = factor * x) and its
 * CPU kernel for float32 and float64.  With ABI_1_1_DESC defined it is a
 * plugin of ABI 1.1 instead: the op, named "my_scale_abi11", is described
 * by the shorter 1.1 MXOpDesc, and the fields after it hold garbage the host
 * must not read. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mx/plugin.h"

#ifdef ABI_1_1_DESC
#define OP_NAME "my_scale_abi11"
#else
#define OP_NAME "my_scale"
#endif

static const MXPluginHost* g_host = 0;

static int scale_infer_shape(const MXAttr* attrs, int32_t num_attrs, int32_t num_inputs,
                             const int64_t* const* in_shapes, const int32_t* in_ndims,
                             int32_t num_outputs, int64_t* const* out_shapes,
                             int32_t* out_ndims, void* op_data) {
  (void)attrs; (void)num_attrs; (void)op_data;
  if (num_inputs != 1 || num_outputs != 1) {
    g_host->set_error("my_scale takes one input and has one output");
    return -1;
  }
  out_ndims[0] = in_ndims[0];
  for (int32_t i = 0; i < in_ndims[0]; ++i) out_shapes[0][i] = in_shapes[0][i];
  return 0;
}

static int64_t num_elements(const DLTensor* t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t->ndim; ++i) n *= t->shape[i];
  return n;
}

static int scale_kernel(const MXKernelCall* call) {
  const MXAttr* factor = mx_attr_find(call->attrs, call->num_attrs, "factor");
  if (!factor) {
    g_host->set_error("my_scale: parameter 'factor' is missing");
    return -1;
  }
  if (factor->f < 0) {
    g_host->set_error("my_scale: factor must be non-negative");
    return -1;
  }
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor* in = &call->inputs[0];
  const DLTensor* out = &call->outputs[0];
  const int64_t n = num_elements(in);
  if (in->dtype.code == kDLFloat && in->dtype.bits == 32) {
    const float* x = (const float*)in->data;
    float* y = (float*)out->data;
    for (int64_t i = 0; i < n; ++i) y[i] = (float)(factor->f * x[i]);
  } else if (in->dtype.code == kDLFloat && in->dtype.bits == 64) {
    const double* x = (const double*)in->data;
    double* y = (double*)out->data;
    for (int64_t i = 0; i < n; ++i) y[i] = factor->f * x[i];
  } else {
    g_host->set_error("my_scale: unsupported dtype");
    return -1;
  }
  return 0;
}

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  MX_PLUGIN_CHECK_ABI(abi_version);
  g_host = host;

  static const char* const input_names[] = {"data"};
  static const MXParamDesc params[] = {
      {"factor", "float", "2", "The scale factor."},
  };
  MXOpDesc op;
  memset(&op, 0, sizeof(op));
  op.struct_size = sizeof(MXOpDesc);
  op.abi_major = MX_PLUGIN_ABI_MAJOR;
  op.name = OP_NAME;
  op.description = "Multiplies the input by a factor (a test plugin op).";
  op.num_inputs = 1;
  op.input_names = input_names;
  op.num_outputs = 1;
  op.params = params;
  op.num_params = 1;
  op.infer_shape = scale_infer_shape;
  op.infer_type = 0;  /* the output takes the input's dtype */
#ifdef ABI_1_1_DESC
  op.struct_size = offsetof(MXOpDesc, backward_op);
  op.backward_op = "garbage: beyond struct_size";
  op.flags = 0xdeadbeef;
#endif
  if (host->register_op(&op) != 0) return -1;

  static const int32_t dtypes[] = {0 /* float32 */, 1 /* float64 */};
  MXKernelDesc k;
  memset(&k, 0, sizeof(k));
  k.struct_size = sizeof(MXKernelDesc);
  k.abi_major = MX_PLUGIN_ABI_MAJOR;
  k.op_name = OP_NAME;
  k.device_type = kDLCPU;
  k.dtypes = dtypes;
  k.num_dtypes = 2;
  k.fn = scale_kernel;
  return host->register_kernel(&k);
}
