// The outputs multi-output kernels (the layers' gradients) may be asked to
// skip.  (Kernels needing scratch memory pass a workspace function to
// RegisterKernel.)
#ifndef MX_PLUGINS_CPU_WORKSPACE_KERNEL_H_
#define MX_PLUGINS_CPU_WORKSPACE_KERNEL_H_

#include "kernel_util.h"

namespace mx_cpu {

// Output k's buffer, or null when the call does not ask for it (absent or
// MX_REQ_NULL).
template <typename T>
T* Wanted(const MXKernelCall* call, int k, T* buffer) {
  return k < call->num_outputs && call->req[k] != MX_REQ_NULL ? buffer : nullptr;
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_WORKSPACE_KERNEL_H_
