/* A plugin whose op descriptors are wrong in one way, chosen when it is
 * compiled; the host must refuse the whole plugin with a message naming the
 * op:
 *   -DTWICE            registers "sdk_bad_op" twice
 *   -DNAME_EXISTS      names its op "negative", a built-in op
 *   -DOP_ABI99         fills abi_major with 99
 *   -DUNKNOWN_FLAGS    sets a flag this ABI does not define
 *   -DUNKNOWN_BACKWARD names a backward_op nobody registers
 *   -DBACKWARD_ARITY   names "negative" (1 input, 1 output) as the backward
 *                      of a 2-input op
 *   -DBACKWARD_PARAM   its backward op declares a parameter the op lacks */
#include <stdint.h>
#include <string.h>

#include "mx/plugin.h"

static int first_shape(const MXAttr* attrs, int32_t num_attrs, int32_t num_inputs,
                       const int64_t* const* in_shapes, const int32_t* in_ndims, int32_t num_outputs,
                       int64_t* const* out_shapes, int32_t* out_ndims, void* op_data) {
  (void)attrs; (void)num_attrs; (void)num_inputs; (void)op_data;
  for (int32_t k = 0; k < num_outputs; ++k) {
    out_ndims[k] = in_ndims[0];
    for (int32_t i = 0; i < in_ndims[0]; ++i) out_shapes[k][i] = in_shapes[0][i];
  }
  return 0;
}

static MXOpDesc describe(const char* name, int32_t num_inputs, int32_t num_outputs) {
  static const char* const names[] = {"a", "b", "c"};
  MXOpDesc op;
  memset(&op, 0, sizeof(op));
  op.struct_size = sizeof(MXOpDesc);
  op.abi_major = MX_PLUGIN_ABI_MAJOR;
  op.name = name;
  op.num_inputs = num_inputs;
  op.input_names = names;
  op.num_outputs = num_outputs;
  op.infer_shape = first_shape;
  return op;
}

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  MX_PLUGIN_CHECK_ABI(abi_version);
  MXOpDesc op = describe("sdk_bad_op", 2, 1);
  op.flags = MX_OP_BACKWARD_USES_INPUTS;
#if defined(NAME_EXISTS)
  op.name = "negative";
#elif defined(OP_ABI99)
  op.abi_major = 99;
#elif defined(UNKNOWN_FLAGS)
  op.flags |= 0x100;
#elif defined(UNKNOWN_BACKWARD)
  op.backward_op = "sdk_no_such_backward";
#elif defined(BACKWARD_ARITY)
  op.backward_op = "negative";
#elif defined(BACKWARD_PARAM)
  static const MXParamDesc backward_params[] = {{"scale", "float", "1", "not a parameter of sdk_bad_op"}};
  MXOpDesc backward = describe("_backward_sdk_bad_op", 3, 2);
  backward.params = backward_params;
  backward.num_params = 1;
  if (host->register_op(&backward) != 0) return -1;
  op.backward_op = "_backward_sdk_bad_op";
#endif
  if (host->register_op(&op) != 0) return -1;
#if defined(TWICE)
  if (host->register_op(&op) != 0) return -1;
#endif
  return 0;
}
