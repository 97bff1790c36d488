/* Registers a kernel for an op nobody defined. */
#include <string.h>

#include "mx/plugin.h"

static int noop_kernel(const MXKernelCall* call) {
  (void)call;
  return 0;
}

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  MX_PLUGIN_CHECK_ABI(abi_version);
  MXKernelDesc k;
  memset(&k, 0, sizeof(k));
  k.struct_size = sizeof(MXKernelDesc);
  k.abi_major = MX_PLUGIN_ABI_MAJOR;
  k.op_name = "op_that_does_not_exist_anywhere";
  k.device_type = kDLCPU;
  k.fn = noop_kernel;
  return host->register_kernel(&k);
}
