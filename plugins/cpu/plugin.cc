// The CPU plugin: libmx loads it at start-up through mx/plugin.h, like any
// other plugin.
#include <vector>

#include "kernel_util.h"

namespace mx_cpu {

namespace {
const MXPluginHost* host = nullptr;

std::vector<RegistrationFn>& Registrations() {
  static std::vector<RegistrationFn> fns;
  return fns;
}
}  // namespace

bool AddRegistration(RegistrationFn fn) {
  Registrations().push_back(fn);
  return true;
}

int RunRegistrations() {
  for (RegistrationFn fn : Registrations())
    if (int rc = fn()) return rc;
  return 0;
}

const MXPluginHost* Host() { return host; }

int Fail(const char* message) {
  host->set_error(message);
  return -1;
}

int RegisterKernel(const char* op_name, MXKernelFn fn, void* data,
                   std::initializer_list<int32_t> dtypes, MXWorkspaceFn workspace) {
  MXKernelDesc d{};
  d.struct_size = sizeof(MXKernelDesc);
  d.abi_major = MX_PLUGIN_ABI_MAJOR;
  d.op_name = op_name;
  d.device_type = kDLCPU;
  d.dtypes = dtypes.begin();
  d.num_dtypes = static_cast<int32_t>(dtypes.size());
  d.fn = fn;
  d.kernel_data = data;
  d.workspace = workspace;
  return host->register_kernel(&d);
}

}  // namespace mx_cpu

extern "C" MX_PLUGIN_EXPORT int mx_plugin_init(const MXPluginHost* host, int abi_version) {
  MX_PLUGIN_CHECK_ABI(abi_version);
  mx_cpu::host = host;
  return mx_cpu::RunRegistrations();
}
