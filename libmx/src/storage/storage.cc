#include "storage/storage.h"

#include <array>
#include <atomic>
#include <mutex>

#include "common/error.h"
#include "device/device.h"

namespace mx {

namespace {

DeviceStorage* GPUStorage(int id) {
  // Leaked, as the CPU pool: buffers may be freed by engine threads during exit.
  static std::array<std::atomic<DeviceStorage*>, device::kMaxDevices> pools{};
  static std::mutex create_mu;
  if (id >= 0 && id < device::kMaxDevices)
    if (DeviceStorage* pool = pools[id].load(std::memory_order_acquire)) return pool;
  device::Device* device = device::Get(id);  // throws for an unavailable GPU
  std::lock_guard<std::mutex> lock(create_mu);
  DeviceStorage* pool = pools[id].load(std::memory_order_relaxed);
  if (!pool) {
    pool = CreateGPUPooledStorage(device);
    pools[id].store(pool, std::memory_order_release);
  }
  return pool;
}

// Every cpu_pinned(i): page-locked memory where GPUs exist (the GPU layer
// allocates it: CUDA pins it, an emulated GPU gives ordinary host memory
// from a pool of its own); without GPUs there is nothing to pin for, and
// cpu_pinned is the CPU's memory, pool and statistics.
DeviceStorage* PinnedStorage(DeviceStorage* cpu) {
  // Chosen once (retried if gpu(0) failed to start); leaked as the others.
  static DeviceStorage* pool = device::Count() > 0 ? CreatePinnedPooledStorage(device::Get(0)) : cpu;
  return pool;
}

}  // namespace

DeviceStorage* Storage::Of(Context ctx) {
  // Leaked: buffers may be freed by engine workers during exit.
  static DeviceStorage* cpu = CreateCPUPooledStorage();
  if (ctx.dev_type == Context::kCPUPinned) return PinnedStorage(cpu);
  if (ctx.is_cpu()) return cpu;  // shared memory is plain CPU memory
  return GPUStorage(ctx.dev_id);
}

StorageHandle Storage::Alloc(size_t size, Context ctx) {
  StorageHandle h = Of(ctx)->Alloc(size);
  h.ctx = ctx;
  return h;
}

void Storage::Free(const StorageHandle& handle) {
  if (handle.dptr) Of(handle.ctx)->Free(handle);
}

void Storage::ReleaseAll(Context ctx) { Of(ctx)->ReleaseAll(); }

StorageStats Storage::Stats(Context ctx) { return Of(ctx)->Stats(); }

}  // namespace mx
