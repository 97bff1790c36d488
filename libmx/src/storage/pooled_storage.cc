#include "storage/pooled_storage.h"

#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common/error.h"

namespace mx {

namespace {

constexpr size_t kPage = 4096;

class PooledStorage final : public DeviceStorage {
 public:
  PooledStorage(Context ctx, size_t alignment, std::unique_ptr<MemorySource> source)
      : ctx_(ctx), alignment_(alignment), source_(std::move(source)) {}

  StorageHandle Alloc(size_t size) override {
    StorageHandle h;
    h.ctx = ctx_;
    if (size == 0) return h;
    // Also keeps BucketSize from wrapping around for absurd requests.
    if (size > static_cast<size_t>(PTRDIFF_MAX)) OutOfMemory(size);
    h.size = BucketSize(size);
    h.dptr = TakePooled(h.size);
    if (h.dptr) return h;
    h.dptr = source_->Allocate(h.size);
    if (!h.dptr) {
      ReleaseAll();  // give pooled memory back and try once more
      h.dptr = source_->Allocate(h.size);
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
      for (void* p : bucket.second) source_->Deallocate(p, bucket.first);
  }

  StorageStats Stats() override {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

 private:
  // Small sizes round to a power of two (few buckets, good reuse); large ones
  // to whole pages (little waste).
  size_t BucketSize(size_t size) const {
    if (size <= kPage) {
      size_t b = alignment_;
      while (b < size) b <<= 1;
      return b;
    }
    return (size + kPage - 1) / kPage * kPage;
  }

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

  [[noreturn]] void OutOfMemory(size_t size) {
    Throw(ErrorKind::kMemory, "out of memory: cannot allocate ", size, " bytes on ",
          ctx_.ToString(), source_->Describe());
  }

  // A request served: call with mu_ held.
  void Account(size_t bucket) {
    ++stats_.num_allocs;
    stats_.bytes_in_use += bucket;
    if (stats_.bytes_in_use > stats_.peak_bytes_in_use) stats_.peak_bytes_in_use = stats_.bytes_in_use;
  }

  const Context ctx_;
  const size_t alignment_;
  const std::unique_ptr<MemorySource> source_;
  std::mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> pool_;
  StorageStats stats_;
};

}  // namespace

std::unique_ptr<DeviceStorage> CreatePooledStorage(Context ctx, size_t alignment,
                                                   std::unique_ptr<MemorySource> source) {
  return std::make_unique<PooledStorage>(ctx, alignment, std::move(source));
}

}  // namespace mx
