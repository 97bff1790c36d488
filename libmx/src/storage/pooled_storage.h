// The pool every device's storage is: freed buffers kept in size buckets
// and reused, so steady-state training never calls the device's allocator;
// what differs per device is where fresh memory comes from.
#ifndef MX_STORAGE_POOLED_STORAGE_H_
#define MX_STORAGE_POOLED_STORAGE_H_

#include <cstddef>
#include <memory>
#include <string>

#include "storage/storage.h"

namespace mx {

// A device's allocator, behind the pool.
class MemorySource {
 public:
  virtual ~MemorySource() = default;
  // nullptr when out of memory; bytes is a bucket size, never 0.
  virtual void* Allocate(size_t bytes) = 0;
  virtual void Deallocate(void* ptr, size_t bytes) = 0;
  // Appended to an out-of-memory message: the device's own account.
  virtual std::string Describe() { return ""; }
};

// A pool of ctx's memory with buffers aligned to `alignment` bytes (a power
// of two; `source` must return memory aligned so).
std::unique_ptr<DeviceStorage> CreatePooledStorage(Context ctx, size_t alignment,
                                                   std::unique_ptr<MemorySource> source);

}  // namespace mx

#endif  // MX_STORAGE_POOLED_STORAGE_H_
