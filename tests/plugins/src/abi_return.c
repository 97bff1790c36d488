/* A plugin that simply reports an ABI mismatch. */
#include "mx/plugin.h"

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  (void)host;
  (void)abi_version;
  return MX_PLUGIN_ERROR_ABI;
}
