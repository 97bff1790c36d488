// GPUs -- MXNet's gpu(i) contexts: the interface the runtime drives a GPU
// through, and the registry that finds them.
//
// Two backends implement Device: CUDA through the driver API loaded at run
// time (cuda_device.cc), and, for tests on machines without a GPU, an
// emulated GPU backed by host memory (emulated_device.cc), chosen by the
// test-only environment variable MX_GPU_EMULATION=<count>[,<MiB per GPU>]
// (read once).  Both run work asynchronously, in stream order, so the
// engine, the copies and the kernels take the same paths on either.
//
// Work on a device: kernels go to compute_stream(), transfers to
// copy_stream().  Each is enqueued on the host and finishes later; a
// Stream reports when (Stream::OnComplete).  Memory a kernel or copy uses
// must stay allocated until then: the engine frees buffers only after
// every op on them completed.
#ifndef MX_DEVICE_DEVICE_H_
#define MX_DEVICE_DEVICE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/context.h"

namespace mx {
namespace device {

class Stream;

// The most GPUs MX addresses: gpu(0) .. gpu(kMaxDevices - 1).
constexpr int kMaxDevices = 64;

// One GPU.  Created on first use and kept for the life of the process.
// Every method may be called from any thread.  Failures of the device
// throw mx::Error naming it.
class Device {
 public:
  virtual ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  int id() const { return id_; }
  Context ctx() const { return Context{Context::kGPU, id_}; }
  // e.g. "NVIDIA H100 80GB HBM3".
  virtual std::string Name() const = 0;

  // Device memory, for the pool (storage/): nullptr when the device is out
  // of memory.  Free takes the size Alloc was given.
  virtual void* Alloc(size_t bytes) = 0;
  virtual void Free(void* ptr, size_t bytes) = 0;
  virtual void MemoryInfo(uint64_t* free_bytes, uint64_t* total_bytes) = 0;

  // Page-locked host memory for cpu_pinned arrays (the pinned pool,
  // storage/), which every GPU copies to and from by DMA, so copies on a
  // copy stream overlap host work: nullptr when out of memory.  The
  // emulated GPU returns ordinary host memory.  FreeHost takes the size
  // AllocHost was given.
  virtual void* AllocHost(size_t bytes) = 0;
  virtual void FreeHost(void* ptr, size_t bytes) = 0;

  Stream* compute_stream() const { return compute_.get(); }
  Stream* copy_stream() const { return copy_.get(); }

  // Runs fn in stream order; fn enqueues device work on `stream` (a kernel
  // launch through Stream::handle()).  CUDA runs fn now, on this thread;
  // the emulated GPU runs it on the stream's thread once earlier work is
  // done.  An error fn throws is thrown here or reported by the stream's
  // completion (Stream::OnComplete), as a CUDA launch error or a fault of
  // the running kernel would be.
  virtual void Launch(Stream* stream, const std::function<void()>& fn) = 0;
  // Enqueues a copy of `bytes` bytes; one side is this GPU, the other the
  // host or another GPU.  Host memory must stay valid until the copy is
  // complete.
  virtual void Copy(Stream* stream, void* dst, Context dst_ctx, const void* src,
                    Context src_ctx, size_t bytes) = 0;
  // Enqueues filling `count` elements of `element_bytes` (1, 2, 4 or 8)
  // bytes at dst with the low bytes of `pattern` (little-endian).
  virtual void Fill(Stream* stream, void* dst, uint64_t pattern, size_t element_bytes,
                    size_t count) = 0;

  // Events, the primitives of Stream's completion tracking.  RecordEvent
  // marks the work enqueued on the stream so far; WaitEvent blocks until
  // that work is finished and throws the error it raised; ReleaseEvent
  // recycles an event that was waited for, and never throws.
  virtual void* RecordEvent(Stream* stream) = 0;
  virtual void WaitEvent(void* event) = 0;
  virtual void ReleaseEvent(void* event) = 0;

 protected:
  explicit Device(int id);
  // Called once by the backend's constructor.
  void SetStreams(std::unique_ptr<Stream> compute, std::unique_ptr<Stream> copy);

 private:
  const int id_;
  std::unique_ptr<Stream> compute_;
  std::unique_ptr<Stream> copy_;
};

// The number of GPUs this process can use: 0 when there is no driver or no
// device.  Never throws.
int Count();

// Whether the GPUs are emulated ones (MX_GPU_EMULATION): their streams are
// MX's own threads, not CUDA streams another library could use.
bool Emulated();

// gpu(id), created on first use.  Throws kNotImplemented naming gpu(id) and why it
// is unavailable (no driver, no such device, a process forked after the
// devices were set up).
Device* Get(int id);
inline Device* Get(Context ctx) { return Get(ctx.dev_id); }

// Registers libmx's own kDLCUDA kernels (fills through the driver, see
// builtin_kernels.cc) once, before any plugin can override them.
void RegisterBuiltinKernels();

}  // namespace device
}  // namespace mx

#endif  // MX_DEVICE_DEVICE_H_
