// A device: MXNet's (dev_type, dev_id) pair.
#ifndef MX_COMMON_CONTEXT_H_
#define MX_COMMON_CONTEXT_H_

#include <string>

namespace mx {

struct Context {
  enum DeviceType : int { kCPU = 1, kGPU = 2, kCPUPinned = 3, kCPUShared = 5 };
  int dev_type = kCPU;
  int dev_id = 0;

  bool operator==(const Context& o) const { return dev_type == o.dev_type && dev_id == o.dev_id; }
  bool operator!=(const Context& o) const { return !(*this == o); }
  bool is_cpu() const { return dev_type != kGPU; }
  // Kernels running on one may touch the other's memory: any two CPU
  // contexts (cpu, cpu_pinned and cpu_shared of any id are the host's one
  // address space), or the same GPU.
  bool SharesAddressSpace(const Context& o) const { return is_cpu() ? o.is_cpu() : *this == o; }
  // The device whose kernels compute on this context's memory: cpu(id) for
  // every CPU context (MXNet's dev_mask), else the GPU itself.  Pinned and
  // shared memory is for transfers, not for results, temporaries or a
  // random stream of its own.
  Context ComputeDevice() const { return is_cpu() ? CPU(dev_id) : *this; }

  // "cpu(0)", "gpu(1)": the spelling of MXNet's Context repr and "ctx" attrs.
  std::string ToString() const;
  // Parses "cpu(0)", "gpu(1)", "cpu_pinned(0)", "cpu"; throws kValue otherwise.
  static Context Parse(const std::string& text);
  static Context CPU(int id = 0) { return Context{kCPU, id}; }
};

}  // namespace mx

#endif  // MX_COMMON_CONTEXT_H_
