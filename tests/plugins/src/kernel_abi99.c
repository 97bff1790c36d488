/* A kernel descriptor built for plugin ABI major 99, for the existing op
 * "negative".  With IGNORE_RC defined, init ignores register_kernel's result
 * and returns 0: the host must still refuse the plugin. */
#include <string.h>

#include "mx/plugin.h"

static int bogus_negative(const MXKernelCall* call) {
  (void)call;
  return 0; /* would leave the output untouched */
}

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  MX_PLUGIN_CHECK_ABI(abi_version);
  MXKernelDesc k;
  memset(&k, 0, sizeof(k));
  k.struct_size = sizeof(MXKernelDesc);
  k.abi_major = 99;
  k.op_name = "negative";
  k.device_type = kDLCPU;
  k.dtypes = 0;
  k.num_dtypes = 0;
  k.fn = bogus_negative;
  int rc = host->register_kernel(&k);
#ifdef IGNORE_RC
  (void)rc;
  return 0;
#else
  return rc;
#endif
}
