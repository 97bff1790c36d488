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
    const size_t bucket = BucketSize(size);
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.num_allocs;
      Account(bucket);
      auto it = pool_.find(bucket);
      if (it != pool_.end() && !it->second.empty()) {
        h.dptr = it->second.back();
        it->second.pop_back();
        stats_.bytes_pooled -= bucket;
        h.size = bucket;
        return h;
      }
      ++stats_.num_system_allocs;
    }
    void* p = std::aligned_alloc(kAlignment, bucket);
    if (!p) {
      ReleaseAll();  // give pooled memory back and try once more
      p = std::aligned_alloc(kAlignment, bucket);
    }
    if (!p) {
      std::lock_guard<std::mutex> lock(mu_);
      stats_.bytes_in_use -= bucket;
      Throw(ErrorKind::kMemory, "out of memory: cannot allocate ", size, " bytes on cpu(0)");
    }
    h.dptr = p;
    h.size = bucket;
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
  void Account(size_t bucket) {
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
