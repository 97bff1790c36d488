// Which kernel computes an op on a device for a dtype.  Filled by plugins;
// read on every op call, lock-free.
#ifndef MX_PLUGIN_KERNEL_TABLE_H_
#define MX_PLUGIN_KERNEL_TABLE_H_

#include <cstdint>
#include <string>

#include "mx/plugin.h"
#include "ops/op.h"

namespace mx {

struct Kernel {
  MXKernelFn fn = nullptr;
  void* data = nullptr;
  MXWorkspaceFn workspace = nullptr;
  int device_type = kDLCPU;  // DLDeviceType
  uint32_t dtype_mask = 0;   // bit d set: handles MX dtype d
  std::string plugin;        // the file it came from, for messages
};

class KernelTable {
 public:
  static KernelTable& Get();
  // Later registrations take precedence (a user plugin may override).
  void Add(const op::OpDef* op, const Kernel& kernel);
  // nullptr if no kernel; the pointer stays valid for the process.
  const Kernel* Find(const op::OpDef* op, int device_type, int dtype) const;
  // "float32, float64" -- the dtypes an op has kernels for on a device.
  std::string DTypesFor(const op::OpDef* op, int device_type) const;
};

}  // namespace mx

#endif  // MX_PLUGIN_KERNEL_TABLE_H_
