/* Built "for another ABI": the plugin ABI major is redefined after the
 * header, so MX_PLUGIN_CHECK_ABI rejects the host's version. */
#include "mx/plugin.h"

#undef MX_PLUGIN_ABI_MAJOR
#define MX_PLUGIN_ABI_MAJOR 2

MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  MX_PLUGIN_CHECK_ABI(abi_version);
  (void)host;
  return 0;
}
