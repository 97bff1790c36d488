// A GPU through the CUDA driver API: the device's primary context (shared
// with any other user of the driver in the process, such as Triton), one
// stream for kernels and one for transfers, both non-blocking with respect
// to the legacy default stream.
//
// Every method makes the context current on the calling thread first: the
// engine calls in from its own threads, the pushing thread and the
// streams' completion threads.
#include <mutex>
#include <vector>

#include "device/backends.h"
#include "device/stream.h"

namespace mx {
namespace device {

namespace {

CUdeviceptr DevicePtr(const void* p) { return reinterpret_cast<CUdeviceptr>(p); }

class CudaDevice final : public Device {
 public:
  CudaDevice(const CudaDriver* driver, int id) : Device(id), cu_(driver) {
    Check(cu_->cuDeviceGet(&device_, id), "cuDeviceGet");
    Check(cu_->cuDevicePrimaryCtxRetain(&context_, device_), "cuDevicePrimaryCtxRetain");
    try {
      MakeCurrent();
      char name[256] = {0};
      Check(cu_->cuDeviceGetName(name, sizeof(name) - 1, device_), "cuDeviceGetName");
      name_ = name;
      CUstream compute = nullptr, copy = nullptr;
      Check(cu_->cuStreamCreate(&compute, kCudaStreamNonBlocking), "cuStreamCreate");
      Check(cu_->cuStreamCreate(&copy, kCudaStreamNonBlocking), "cuStreamCreate");
      SetStreams(std::make_unique<Stream>(this, compute, ctx().ToString() + " compute stream"),
                 std::make_unique<Stream>(this, copy, ctx().ToString() + " copy stream"));
    } catch (...) {
      cu_->cuDevicePrimaryCtxRelease(device_);  // streams die with the context's last user
      throw;
    }
  }

  std::string Name() const override { return name_; }

  void* Alloc(size_t bytes) override {
    MakeCurrent();
    CUdeviceptr p = 0;
    const CUresult rc = cu_->cuMemAlloc(&p, bytes);
    if (rc == kCudaErrorOutOfMemory) return nullptr;
    Check(rc, "cuMemAlloc");
    return reinterpret_cast<void*>(p);
  }

  void Free(void* ptr, size_t) override {
    MakeCurrent();
    Check(cu_->cuMemFree(DevicePtr(ptr)), "cuMemFree");
  }

  void* AllocHost(size_t bytes) override {
    MakeCurrent();
    void* p = nullptr;
    const CUresult rc = cu_->cuMemHostAlloc(&p, bytes, kCudaMemHostAllocPortable);
    if (rc == kCudaErrorOutOfMemory) return nullptr;
    Check(rc, "cuMemHostAlloc");
    return p;
  }

  void FreeHost(void* ptr, size_t) override {
    MakeCurrent();
    Check(cu_->cuMemFreeHost(ptr), "cuMemFreeHost");
  }

  void MemoryInfo(uint64_t* free_bytes, uint64_t* total_bytes) override {
    MakeCurrent();
    size_t f = 0, t = 0;
    Check(cu_->cuMemGetInfo(&f, &t), "cuMemGetInfo");
    *free_bytes = f;
    *total_bytes = t;
  }

  void Launch(Stream*, const std::function<void()>& fn) override {
    MakeCurrent();
    fn();
  }

  void Copy(Stream* stream, void* dst, Context dst_ctx, const void* src, Context src_ctx,
            size_t bytes) override {
    MakeCurrent();
    CUstream s = Native(stream);
    if (src_ctx.is_cpu()) {
      Check(cu_->cuMemcpyHtoDAsync(DevicePtr(dst), src, bytes, s), "cuMemcpyHtoDAsync");
    } else if (dst_ctx.is_cpu()) {
      Check(cu_->cuMemcpyDtoHAsync(dst, DevicePtr(src), bytes, s), "cuMemcpyDtoHAsync");
    } else if (dst_ctx == src_ctx) {
      Check(cu_->cuMemcpyDtoDAsync(DevicePtr(dst), DevicePtr(src), bytes, s), "cuMemcpyDtoDAsync");
    } else {
      Check(cu_->cuMemcpyPeerAsync(DevicePtr(dst), ContextOf(dst_ctx), DevicePtr(src),
                                   ContextOf(src_ctx), bytes, s),
            "cuMemcpyPeerAsync");
    }
  }

  void Fill(Stream* stream, void* dst, uint64_t pattern, size_t element_bytes,
            size_t count) override {
    MakeCurrent();
    CUstream s = Native(stream);
    const CUdeviceptr p = DevicePtr(dst);
    switch (element_bytes) {
      case 1:
        Check(cu_->cuMemsetD8Async(p, static_cast<unsigned char>(pattern), count, s), "cuMemsetD8Async");
        break;
      case 2:
        Check(cu_->cuMemsetD16Async(p, static_cast<unsigned short>(pattern), count, s),  // NOLINT
              "cuMemsetD16Async");
        break;
      case 4:
        Check(cu_->cuMemsetD32Async(p, static_cast<unsigned>(pattern), count, s), "cuMemsetD32Async");
        break;
      case 8:
        // No 64-bit memset: each half as a column of 4-byte values with an
        // 8-byte pitch.
        Check(cu_->cuMemsetD2D32Async(p, 8, static_cast<unsigned>(pattern), 1, count, s),
              "cuMemsetD2D32Async");
        Check(cu_->cuMemsetD2D32Async(p + 4, 8, static_cast<unsigned>(pattern >> 32), 1, count, s),
              "cuMemsetD2D32Async");
        break;
      default:
        Throw(ErrorKind::kInternal, "fill of ", element_bytes, "-byte elements on ", ctx().ToString());
    }
  }

  void* RecordEvent(Stream* stream) override {
    MakeCurrent();
    CUevent event = nullptr;
    {
      std::lock_guard<std::mutex> lock(events_mu_);
      if (!free_events_.empty()) {
        event = free_events_.back();
        free_events_.pop_back();
      }
    }
    if (!event) Check(cu_->cuEventCreate(&event, kCudaEventFlags), "cuEventCreate");
    const CUresult rc = cu_->cuEventRecord(event, Native(stream));
    if (rc != kCudaSuccess) {
      ReleaseEvent(event);
      Check(rc, "cuEventRecord");
    }
    return event;
  }

  void WaitEvent(void* event) override {
    MakeCurrent();
    Check(cu_->cuEventSynchronize(static_cast<CUevent>(event)), "the device's work");
  }

  void ReleaseEvent(void* event) override {
    std::lock_guard<std::mutex> lock(events_mu_);
    free_events_.push_back(static_cast<CUevent>(event));
  }

 private:
  static CUstream Native(Stream* stream) { return static_cast<CUstream>(stream->handle()); }

  static CUcontext ContextOf(Context gpu) { return static_cast<CudaDevice*>(Get(gpu))->context_; }

  void MakeCurrent() { Check(cu_->cuCtxSetCurrent(context_), "cuCtxSetCurrent"); }

  void Check(CUresult rc, const char* what) const {
    if (rc != kCudaSuccess)
      Throw(ErrorKind::kInternal, ctx().ToString(), ": ", what, " failed: ", cu_->ErrorText(rc));
  }

  const CudaDriver* const cu_;
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
  std::string name_;
  std::mutex events_mu_;
  std::vector<CUevent> free_events_;  // recorded events, waited for, ready for reuse
};

}  // namespace

Device* CreateCudaDevice(const CudaDriver* driver, int id) { return new CudaDevice(driver, id); }

}  // namespace device
}  // namespace mx
