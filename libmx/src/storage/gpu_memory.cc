// GPU memory for the pool, from the device (cuMemAlloc, or the emulated
// GPU's host memory).
#include "device/device.h"
#include "storage/pooled_storage.h"

namespace mx {

namespace {

constexpr size_t kAlignment = 256;  // cuMemAlloc's; what vectorised kernels assume

class DeviceMemory final : public MemorySource {
 public:
  explicit DeviceMemory(device::Device* device) : device_(device) {}

  void* Allocate(size_t size) override { return device_->Alloc(size); }

  void Deallocate(void* ptr, size_t size) override { device_->Free(ptr, size); }

  std::string Describe() override {
    uint64_t free_bytes = 0, total_bytes = 0;
    device_->MemoryInfo(&free_bytes, &total_bytes);
    return " (" + std::to_string(free_bytes) + " of its " + std::to_string(total_bytes) +
           " bytes are free)";
  }

 private:
  device::Device* const device_;
};

}  // namespace

DeviceStorage* CreateGPUPooledStorage(device::Device* device) {
  return CreatePooledStorage(device->ctx(), kAlignment, std::make_unique<DeviceMemory>(device))
      .release();
}

}  // namespace mx
