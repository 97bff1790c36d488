#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "storage/storage.h"

namespace mx {

namespace {

constexpr size_t kAlignment = 64;  // a cache line; AVX-512 loads
constexpr size_t kPage = 4096;

// Buffers of at least kHugeMin bytes start on a 2 MiB boundary and ask for
// transparent huge pages, as numpy does for its arrays of 4 MiB and more.
// Rationale: with 4 KiB pages a streaming kernel (a reduction, a large
// element-wise op) spends a third of its time on TLB misses: a sum over a
// 64 MiB float32 array ran at 25 GB/s on one core, 40 GB/s on huge pages.
constexpr size_t kHugeMin = size_t{1} << 22;
constexpr size_t kHugePage = size_t{1} << 21;

// Memory from the system for a bucket of `size` bytes, or nullptr.
void* SystemAlloc(size_t size) {
  if (size < kHugeMin) return std::aligned_alloc(kAlignment, size);
  // posix_memalign: aligned_alloc may insist on a size that is a multiple of
  // the alignment (AddressSanitizer's does).
  void* p = nullptr;
  if (posix_memalign(&p, kHugePage, size) != 0) return nullptr;
  // Only advice: where the kernel has THP off, madvise fails and the buffer
  // simply stays on small pages.
  madvise(p, size, MADV_HUGEPAGE);
  return p;
}

// Small sizes round to a power of two (few buckets, good reuse); large ones
// to whole pages (little waste).
size_t BucketSize(size_t size) {
  if (size <= kPage) {
    size_t b = kAlignment;
    while (b < size) b <<= 1;
    return b;
  }
  return (size + kPage - 1) / kPage * kPage;
}

class CPUPooledStorage final : public DeviceStorage {
 public:
  StorageHandle Alloc(size_t size) override {
    StorageHandle h;
    h.ctx = Context::CPU();
    if (size == 0) return h;
    // Also keeps BucketSize from wrapping around for absurd requests.
    if (size > static_cast<size_t>(PTRDIFF_MAX)) OutOfMemory(size);
    h.size = BucketSize(size);
    h.dptr = TakePooled(h.size);
    if (h.dptr) return h;
    h.dptr = SystemAlloc(h.size);
    if (!h.dptr) {
      ReleaseAll();  // give pooled memory back and try once more
      h.dptr = SystemAlloc(h.size);
    }
    if (!h.dptr) OutOfMemory(size);
    // Counted only once served: a failed request must not inflate the peak.
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.num_system_allocs;
    Account(h.size);
    return h;
  }

  void Free(const StorageHandle& h) override {
    if (!h.dptr) return;
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.num_frees;
    stats_.bytes_in_use -= h.size;
    stats_.bytes_pooled += h.size;
    pool_[h.size].push_back(h.dptr);
  }

  void ReleaseAll() override {
    std::unordered_map<size_t, std::vector<void*>> pool;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pool.swap(pool_);
      stats_.bytes_pooled = 0;
    }
    for (auto& bucket : pool)
      for (void* p : bucket.second) std::free(p);
  }

  StorageStats Stats() override {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

 private:
  // A pooled buffer of the bucket's size, or nullptr.
  void* TakePooled(size_t bucket) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pool_.find(bucket);
    if (it == pool_.end() || it->second.empty()) return nullptr;
    void* p = it->second.back();
    it->second.pop_back();
    stats_.bytes_pooled -= bucket;
    Account(bucket);
    return p;
  }

  [[noreturn]] static void OutOfMemory(size_t size) {
    Throw(ErrorKind::kMemory, "out of memory: cannot allocate ", size, " bytes on cpu(0)");
  }

  // A request served: call with mu_ held.
  void Account(size_t bucket) {
    ++stats_.num_allocs;
    stats_.bytes_in_use += bucket;
    if (stats_.bytes_in_use > stats_.peak_bytes_in_use) stats_.peak_bytes_in_use = stats_.bytes_in_use;
  }

  std::mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> pool_;
  StorageStats stats_;
};

}  // namespace

DeviceStorage* CreateCPUPooledStorage() { return new CPUPooledStorage(); }

}  // namespace mx
