// The GPU registry: which backend serves gpu(i), found once per process.
#include "device/device.h"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "device/backends.h"
#include "device/stream.h"

namespace mx {
namespace device {

Device::Device(int id) : id_(id) {}

Device::~Device() = default;

void Device::SetStreams(std::unique_ptr<Stream> compute, std::unique_ptr<Stream> copy) {
  compute_ = std::move(compute);
  copy_ = std::move(copy);
}

namespace {

constexpr uint64_t kDefaultEmulatedMiB = 1024;

struct Backend {
  int count = 0;
  std::string why_none;  // why count is 0
  const CudaDriver* cuda = nullptr;
  uint64_t emulated_bytes = 0;  // > 0: the emulated backend
};

// MX_GPU_EMULATION=<count>[,<MiB per GPU>]; false if malformed.
bool ParseEmulation(const char* text, Backend* b) {
  char* end = nullptr;
  const long count = std::strtol(text, &end, 10);
  long long mib = kDefaultEmulatedMiB;
  if (*end == ',') mib = std::strtoll(end + 1, &end, 10);
  if (*end != '\0' || count < 0 || mib <= 0) return false;
  b->count = static_cast<int>(std::min<long>(count, kMaxDevices));
  b->emulated_bytes = static_cast<uint64_t>(mib) << 20;
  return true;
}

Backend Discover() {
  Backend b;
  const char* emulation = std::getenv("MX_GPU_EMULATION");
  if (emulation && *emulation && std::strcmp(emulation, "0") != 0) {
    if (!ParseEmulation(emulation, &b)) {
      b.count = 0;
      b.why_none = std::string("MX_GPU_EMULATION='") + emulation +
                   "' is malformed: expected <count>[,<MiB per GPU>]";
    }
    return b;
  }
  b.cuda = CudaDriver::Get(&b.why_none);
  if (!b.cuda) return b;
  int n = 0;
  const CUresult rc = b.cuda->cuDeviceGetCount(&n);
  if (rc != kCudaSuccess) {
    b.why_none = "cuDeviceGetCount returned " + b.cuda->ErrorText(rc);
    return b;
  }
  b.count = std::min(n, kMaxDevices);
  if (b.count == 0) b.why_none = "the CUDA driver found no GPU";
  return b;
}

// Rationale: a forked child inherits the devices' state but none of their
// threads, and CUDA cannot be used after fork; the child is told so
// instead of hanging on a stream nobody serves.
std::atomic<bool> forked_child{false};

const Backend& TheBackend() {
  static const Backend* backend = [] {
    pthread_atfork(nullptr, nullptr, [] { forked_child.store(true); });
    return new Backend(Discover());
  }();
  return *backend;
}

std::array<std::atomic<Device*>, kMaxDevices> devices{};
std::mutex create_mu;

}  // namespace

int Count() { return TheBackend().count; }

bool Emulated() { return TheBackend().emulated_bytes > 0; }

Device* Get(int id) {
  const Backend& b = TheBackend();
  if (id < 0 || id >= b.count) {
    if (b.count == 0) Throw(ErrorKind::kNotImplemented, "gpu(", id, ") is not available: ", b.why_none);
    Throw(ErrorKind::kNotImplemented, "gpu(", id, ") is not available: this process has ", b.count,
          " GPU(s), gpu(0) to gpu(", b.count - 1, ")");
  }
  MX_CHECK(!forked_child.load(std::memory_order_relaxed), kNotImplemented, "gpu(", id,
           ") cannot be used in a process forked from the one that set up the GPUs");
  if (Device* d = devices[id].load(std::memory_order_acquire)) return d;
  std::lock_guard<std::mutex> lock(create_mu);
  Device* d = devices[id].load(std::memory_order_relaxed);
  if (!d) {
    // Leaked on purpose, as the engine is: buffers may be freed by engine
    // threads during exit.
    d = b.emulated_bytes ? CreateEmulatedDevice(id, b.emulated_bytes)
                         : CreateCudaDevice(b.cuda, id);
    devices[id].store(d, std::memory_order_release);
  }
  return d;
}

}  // namespace device
}  // namespace mx
