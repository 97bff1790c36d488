// Loading plugins (mx/plugin.h): dlopen, the ABI handshake, and the host
// table through which a plugin registers kernels and ops.
#ifndef MX_PLUGIN_LOADER_H_
#define MX_PLUGIN_LOADER_H_

#include <string>

#include "mx/plugin.h"

namespace mx {

// Loads a plugin; throws kPlugin with the reason.  Registration is
// all-or-nothing: a plugin whose init fails leaves no kernel or op behind.
void LoadPlugin(const std::string& path);

// Runs a plugin's init function that is not in a library (a frontend's
// callbacks, MXPluginInitCallback) as LoadPlugin runs mx_plugin_init; name
// stands for the path in the host table and in messages.
void InitPlugin(const std::string& name, MXPluginInitFn init);

// Loads the CPU plugin that sits next to libmx, once per process.  Never
// throws; a failure is remembered and reported by CPUPluginError().
void LoadBuiltinPlugins();
const std::string& CPUPluginError();

// Forgets the message of an earlier host->set_error on this thread (before
// calling into a plugin whose failure is reported with TakePluginError).
void ClearPluginError();

// The message a plugin set with host->set_error on this thread, then
// cleared; "" if none.
std::string TakePluginError();

}  // namespace mx

#endif  // MX_PLUGIN_LOADER_H_
