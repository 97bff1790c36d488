// MX_GPU_EMULATION (test-only): GPUs backed by host memory, so that tests
// on machines without a GPU run the GPU paths of the engine, the storage
// pool, the copies and the kernel calls.
//
// Faithful where ordering bugs would show: each stream is a thread that
// runs what was enqueued on it -- kernel launches, copies, fills, event
// records -- in order and after the enqueuing call returned, so a host
// that reads device memory before the stream reported completion sees
// stale bytes, as on a GPU.  Kernels run on the stream's thread on host
// memory (numpy or the Triton interpreter can compute there).
// Different from CUDA: device pointers are host pointers (a host access
// to device memory goes unnoticed), and an error is reported once, to the
// completion of the work that raised it, instead of poisoning the device.
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "device/backends.h"
#include "device/stream.h"

namespace mx {
namespace device {

namespace {

constexpr size_t kAlignment = 256;  // as cuMemAlloc's
constexpr size_t kHostPage = 4096;  // as cuMemHostAlloc's

struct EmulatedEvent {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  ErrorKind kind = ErrorKind::kNone;  // kNone: the work succeeded
  std::string message;
};

// One stream: a thread that runs its queue in order.
class EmulatedStream {
 public:
  EmulatedStream() : thread_([this] { Loop(); }) {}

  ~EmulatedStream() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // Runs work after everything enqueued before; at once when called by
  // work running on this stream (it belongs at that point of the order).
  void Enqueue(std::function<void()> work) { Add(Item{std::move(work), nullptr}); }

  // An event that completes once everything enqueued before it ran.
  EmulatedEvent* Record() {
    auto* event = new EmulatedEvent();
    Add(Item{nullptr, event});
    return event;
  }

 private:
  struct Item {
    std::function<void()> work;  // or, when null, an event to complete
    EmulatedEvent* event;
  };

  void Add(Item item) {
    if (running_ == this) {
      Run(&item);
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    items_.push_back(std::move(item));
    cv_.notify_one();
  }

  void Loop() {
    running_ = this;
    for (;;) {
      Item item;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !items_.empty(); });
        if (items_.empty()) return;
        item = std::move(items_.front());
        items_.pop_front();
      }
      Run(&item);
    }  // the work's captures are released before the next item runs
  }

  // Called on the stream's thread only.
  void Run(Item* item) {
    if (item->work) {
      try {
        item->work();
      } catch (const Error& e) {
        Fail(e.kind(), e.what());
      } catch (const std::exception& e) {
        Fail(ErrorKind::kInternal, e.what());
      } catch (...) {
        Fail(ErrorKind::kInternal, "unknown error");
      }
      return;
    }
    EmulatedEvent* event = item->event;
    std::lock_guard<std::mutex> lock(event->mu);
    event->kind = error_kind_;
    event->message = std::move(error_message_);
    error_kind_ = ErrorKind::kNone;
    event->done = true;
    event->cv.notify_all();  // under the lock: the waiter frees the event
  }

  void Fail(ErrorKind kind, const char* message) {
    if (error_kind_ != ErrorKind::kNone) return;  // the first error since the last event
    error_kind_ = kind;
    error_message_ = message;
  }

  static thread_local EmulatedStream* running_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> items_;
  bool stopping_ = false;
  ErrorKind error_kind_ = ErrorKind::kNone;  // stream thread only
  std::string error_message_;
  std::thread thread_;  // last: starts once the members above exist
};

thread_local EmulatedStream* EmulatedStream::running_ = nullptr;

EmulatedStream* Queue(Stream* stream) { return static_cast<EmulatedStream*>(stream->handle()); }

class EmulatedDevice final : public Device {
 public:
  EmulatedDevice(int id, uint64_t memory_bytes) : Device(id), capacity_(memory_bytes) {
    SetStreams(std::make_unique<Stream>(this, &compute_, ctx().ToString() + " compute stream"),
               std::make_unique<Stream>(this, &copy_, ctx().ToString() + " copy stream"));
  }

  std::string Name() const override { return "MX emulated GPU (host memory)"; }

  void* Alloc(size_t bytes) override {
    const size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (rounded > capacity_ - used_) return nullptr;
      used_ += rounded;
    }
    void* p = std::aligned_alloc(kAlignment, rounded);
    if (!p) Free(nullptr, bytes);
    return p;
  }

  void Free(void* ptr, size_t bytes) override {
    std::free(ptr);
    std::lock_guard<std::mutex> lock(mu_);
    used_ -= (bytes + kAlignment - 1) / kAlignment * kAlignment;
  }

  // Rationale: ordinary host memory (nothing to pin for), page-aligned as
  // cuMemHostAlloc's; served through the same pinned pool as on CUDA, so
  // tests exercise that pool and its statistics.
  void* AllocHost(size_t bytes) override {
    void* p = nullptr;
    return posix_memalign(&p, kHostPage, bytes) == 0 ? p : nullptr;
  }

  void FreeHost(void* ptr, size_t) override { std::free(ptr); }

  void MemoryInfo(uint64_t* free_bytes, uint64_t* total_bytes) override {
    std::lock_guard<std::mutex> lock(mu_);
    *free_bytes = capacity_ - used_;
    *total_bytes = capacity_;
  }

  void Launch(Stream* stream, const std::function<void()>& fn) override { Queue(stream)->Enqueue(fn); }

  void Copy(Stream* stream, void* dst, Context, const void* src, Context, size_t bytes) override {
    Queue(stream)->Enqueue([dst, src, bytes] { std::memcpy(dst, src, bytes); });
  }

  void Fill(Stream* stream, void* dst, uint64_t pattern, size_t element_bytes,
            size_t count) override {
    Queue(stream)->Enqueue([dst, pattern, element_bytes, count] {
      char* out = static_cast<char*>(dst);
      if (element_bytes == 1) {
        std::memset(out, static_cast<int>(pattern & 0xff), count);
        return;
      }
      for (size_t i = 0; i < count; ++i) std::memcpy(out + i * element_bytes, &pattern, element_bytes);
    });
  }

  void* RecordEvent(Stream* stream) override { return Queue(stream)->Record(); }

  void WaitEvent(void* handle) override {
    auto* event = static_cast<EmulatedEvent*>(handle);
    std::unique_lock<std::mutex> lock(event->mu);
    event->cv.wait(lock, [event] { return event->done; });
    if (event->kind != ErrorKind::kNone) throw Error(event->kind, event->message);
  }

  void ReleaseEvent(void* event) override { delete static_cast<EmulatedEvent*>(event); }

 private:
  const uint64_t capacity_;
  std::mutex mu_;
  uint64_t used_ = 0;
  EmulatedStream compute_;
  EmulatedStream copy_;
};

}  // namespace

Device* CreateEmulatedDevice(int id, uint64_t memory_bytes) {
  return new EmulatedDevice(id, memory_bytes);
}

}  // namespace device
}  // namespace mx
