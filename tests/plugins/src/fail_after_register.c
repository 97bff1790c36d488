/* Registers an op and its kernel, then fails: nothing may stay registered. */
#include <stdint.h>
#include <string.h>

#include "mx/plugin.h"

static int same_shape(const MXAttr* attrs, int32_t num_attrs, int32_t num_inputs,
                      const int64_t* const* in_shapes, const int32_t* in_ndims,
                      int32_t num_outputs, int64_t* const* out_shapes, int32_t* out_ndims,
                      void* op_data) {
  (void)attrs; (void)num_attrs; (void)num_inputs; (void)num_outputs; (void)op_data;
  out_ndims[0] = in_ndims[0];
  for (int32_t i = 0; i < in_ndims[0]; ++i) out_shapes[0][i] = in_shapes[0][i];
  return 0;
}

static int noop_kernel(const MXKernelCall* call) {
  (void)call;
  return 0;
}

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  MX_PLUGIN_CHECK_ABI(abi_version);
  static const char* const input_names[] = {"data"};
  MXOpDesc op;
  memset(&op, 0, sizeof(op));
  op.struct_size = sizeof(MXOpDesc);
  op.abi_major = MX_PLUGIN_ABI_MAJOR;
  op.name = "my_failing_op";
  op.description = "Never registered.";
  op.num_inputs = 1;
  op.input_names = input_names;
  op.num_outputs = 1;
  op.infer_shape = same_shape;
  if (host->register_op(&op) != 0) return -1;

  MXKernelDesc k;
  memset(&k, 0, sizeof(k));
  k.struct_size = sizeof(MXKernelDesc);
  k.abi_major = MX_PLUGIN_ABI_MAJOR;
  k.op_name = "my_failing_op";
  k.device_type = kDLCPU;
  k.fn = noop_kernel;
  if (host->register_kernel(&k) != 0) return -1;

  /* A kernel for an existing op too: it must not replace the CPU plugin's. */
  k.op_name = "negative";
  if (host->register_kernel(&k) != 0) return -1;

  host->set_error("fail_after_register: the device is on fire (deliberate failure)");
  return -7;
}
