// Registration of kernels that need scratch memory: the host allocates
// workspace(call) bytes from its pooled storage before each call and frees
// them after (MXKernelCall::workspace).  And the outputs such multi-output
// kernels (the layers' gradients) may be asked to skip.
#ifndef MX_PLUGINS_CPU_WORKSPACE_KERNEL_H_
#define MX_PLUGINS_CPU_WORKSPACE_KERNEL_H_

#include "kernel_util.h"

namespace mx_cpu {

inline int RegisterKernelWithWorkspace(const char* op_name, MXKernelFn fn, MXWorkspaceFn workspace,
                                       std::initializer_list<int32_t> dtypes) {
  MXKernelDesc d{};
  d.struct_size = sizeof(MXKernelDesc);
  d.abi_major = MX_PLUGIN_ABI_MAJOR;
  d.op_name = op_name;
  d.device_type = kDLCPU;
  d.dtypes = dtypes.begin();
  d.num_dtypes = static_cast<int32_t>(dtypes.size());
  d.fn = fn;
  d.workspace = workspace;
  return Host()->register_kernel(&d);
}

// Output k's buffer, or null when the call does not ask for it (absent or
// MX_REQ_NULL).
template <typename T>
T* Wanted(const MXKernelCall* call, int k, T* buffer) {
  return k < call->num_outputs && call->req[k] != MX_REQ_NULL ? buffer : nullptr;
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_WORKSPACE_KERNEL_H_
