#include "c_api/api_guard.h"

#include <deque>
#include <mutex>

#include "c_api/handle.h"
#include "device/device.h"
#include "plugin/loader.h"

namespace mx {

namespace {

struct LastError {
  std::string message;
  int kind = MX_ERROR_NONE;
};
thread_local LastError last_error;

constexpr size_t kQuarantine = 8192;

struct Parked {
  void* handle;
  void (*destroy)(void*);
};
std::mutex quarantine_mu;
std::deque<Parked>& Quarantine() {
  static auto* q = new std::deque<Parked>();
  return *q;
}

}  // namespace

int SetLastError(ErrorKind kind, const char* message) {
  last_error.kind = static_cast<int>(kind);
  last_error.message = message ? message : "";
  return -1;
}

ThreadScratch& Scratch() {
  thread_local ThreadScratch scratch;
  return scratch;
}

void EnsureRuntime() {
  // libmx's own GPU fills first: plugins loaded later override them.
  device::RegisterBuiltinKernels();
  LoadBuiltinPlugins();
}

MXNDArrayHandle NewHandle(NDArray array) {
  return new MXNDArray_{kLiveHandle, std::move(array)};
}

void Park(void* handle, void (*destroy)(void*)) {
  Parked evicted{nullptr, nullptr};
  {
    std::lock_guard<std::mutex> lock(quarantine_mu);
    Quarantine().push_back(Parked{handle, destroy});
    if (Quarantine().size() > kQuarantine) {
      evicted = Quarantine().front();
      Quarantine().pop_front();
    }
  }
  if (evicted.handle) evicted.destroy(evicted.handle);
}

void FreeHandle(MXNDArrayHandle handle) {
  ArrayOf(handle, "handle to free");
  handle->magic = 0;
  handle->array = NDArray();  // releases the buffer (behind pending work)
  Park(handle, [](void* h) { delete static_cast<MXNDArrayHandle>(h); });
}

}  // namespace mx

extern "C" {

const char* MXGetLastError(void) { return mx::last_error.message.c_str(); }

int MXGetLastErrorKind(void) { return mx::last_error.kind; }

int MXSetLastError(int kind, const char* message) {
  if (kind < MX_ERROR_INTERNAL || kind > MX_ERROR_CALLBACK) kind = MX_ERROR_CALLBACK;
  mx::SetLastError(static_cast<mx::ErrorKind>(kind), message);
  return 0;
}

}  // extern "C"
