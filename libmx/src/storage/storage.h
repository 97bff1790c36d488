// Per-device pooled storage (MXNet paper, section 3.3): freed buffers are kept
// in size buckets and reused, so steady-state training never calls the system
// allocator.  A device that runs out of memory gets the pooled buffers back
// and one more try before the request fails.
#ifndef MX_STORAGE_STORAGE_H_
#define MX_STORAGE_STORAGE_H_

#include <cstddef>
#include <cstdint>

#include "common/context.h"

namespace mx {

struct StorageStats {
  uint64_t bytes_in_use = 0;
  uint64_t peak_bytes_in_use = 0;
  uint64_t bytes_pooled = 0;
  uint64_t num_allocs = 0;
  uint64_t num_frees = 0;
  uint64_t num_system_allocs = 0;
};

struct StorageHandle {
  void* dptr = nullptr;
  size_t size = 0;  // bytes as rounded up by the pool (0 for empty arrays)
  Context ctx;
};

// One device's allocator.
class DeviceStorage {
 public:
  virtual ~DeviceStorage() = default;
  virtual StorageHandle Alloc(size_t size) = 0;
  virtual void Free(const StorageHandle& handle) = 0;
  virtual void ReleaseAll() = 0;
  virtual StorageStats Stats() = 0;
};

class Storage {
 public:
  static StorageHandle Alloc(size_t size, Context ctx);
  static void Free(const StorageHandle& handle);
  static void ReleaseAll(Context ctx);
  static StorageStats Stats(Context ctx);
  // The allocator of a device; throws for a device MX cannot allocate on
  // (a GPU that is not available, naming it and why).
  static DeviceStorage* Of(Context ctx);
};

namespace device {
class Device;
}

// CPU memory, 64-byte aligned.
DeviceStorage* CreateCPUPooledStorage();
// A GPU's memory, 256-byte aligned.
DeviceStorage* CreateGPUPooledStorage(device::Device* device);
// Page-locked host memory (every cpu_pinned(i)) that `device` allocates,
// 64-byte aligned.
DeviceStorage* CreatePinnedPooledStorage(device::Device* device);

}  // namespace mx

#endif  // MX_STORAGE_STORAGE_H_
