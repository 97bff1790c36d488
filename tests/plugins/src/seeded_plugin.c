/* add_noise(data): data + u with u uniform in [0, 1), drawn from the
 * per-call seed of an op declared MX_OP_NEEDS_RNG (float32). */
#include <stdint.h>
#include <string.h>

#include "mx/plugin.h"

static int same_shape(const MXAttr* attrs, int32_t num_attrs, int32_t num_inputs, const int64_t* const* in_shapes,
                      const int32_t* in_ndims, int32_t num_outputs, int64_t* const* out_shapes, int32_t* out_ndims,
                      void* op_data) {
  (void)attrs; (void)num_attrs; (void)num_inputs; (void)num_outputs; (void)op_data;
  out_ndims[0] = in_ndims[0];
  for (int32_t i = 0; i < in_ndims[0]; ++i) out_shapes[0][i] = in_shapes[0][i];
  return 0;
}

/* splitmix64 of (seed, element index): the same numbers whichever thread
 * runs the kernel. */
static double uniform(uint64_t seed, uint64_t i) {
  uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (double)(z >> 11) / 9007199254740992.0;
}

static int add_noise(const MXKernelCall* call) {
  const DLTensor* in = &call->inputs[0];
  int64_t n = 1;
  for (int32_t i = 0; i < in->ndim; ++i) n *= in->shape[i];
  for (int64_t i = 0; i < n; ++i)
    ((float*)call->outputs[0].data)[i] = (float)(((const float*)in->data)[i] + uniform(call->seed, (uint64_t)i));
  return 0;
}

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  static const char* const names[] = {"data"};
  static const int32_t float32[] = {MX_DTYPE_FLOAT32};
  MXOpDesc op;
  MXKernelDesc k;
  MX_PLUGIN_CHECK_ABI(abi_version);
  memset(&op, 0, sizeof(op));
  op.struct_size = sizeof(op);
  op.abi_major = MX_PLUGIN_ABI_MAJOR;
  op.name = "add_noise";
  op.num_inputs = 1;
  op.input_names = names;
  op.num_outputs = 1;
  op.infer_shape = same_shape;
  op.flags = MX_OP_NEEDS_RNG;
  if (host->register_op(&op) != 0) return -1;
  memset(&k, 0, sizeof(k));
  k.struct_size = sizeof(k);
  k.abi_major = MX_PLUGIN_ABI_MAJOR;
  k.op_name = "add_noise";
  k.device_type = kDLCPU;
  k.dtypes = float32;
  k.num_dtypes = 1;
  k.fn = add_noise;
  return host->register_kernel(&k);
}
