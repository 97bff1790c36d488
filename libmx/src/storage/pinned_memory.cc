// cpu_pinned memory for the pool: page-locked host memory from the GPU
// layer (cuMemHostAlloc with the portable flag), which GPUs copy to and
// from by DMA.  One pool serves every cpu_pinned(i), as one serves every
// cpu(i); gpu(0) allocates it, and the portable flag makes it pinned for
// every GPU's context.
#include "device/device.h"
#include "storage/pooled_storage.h"

namespace mx {

namespace {

constexpr size_t kAlignment = 64;  // what CPU kernels assume (the memory is page-aligned)

class PinnedMemory final : public MemorySource {
 public:
  explicit PinnedMemory(device::Device* device) : device_(device) {}

  void* Allocate(size_t size) override { return device_->AllocHost(size); }

  void Deallocate(void* ptr, size_t size) override { device_->FreeHost(ptr, size); }

  std::string Describe() override {
    return " (page-locked host memory, allocated by " + device_->ctx().ToString() + ")";
  }

 private:
  device::Device* const device_;
};

}  // namespace

DeviceStorage* CreatePinnedPooledStorage(device::Device* device) {
  return CreatePooledStorage(Context{Context::kCPUPinned, 0}, kAlignment,
                             std::make_unique<PinnedMemory>(device))
      .release();
}

}  // namespace mx
