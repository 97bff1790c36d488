#include "device/cuda_driver.h"

#include <dlfcn.h>

#include <memory>
#include <type_traits>

namespace mx {
namespace device {

namespace {

// Resolves every entry of the table; "" or the first missing symbol.
std::string Resolve(void* lib, CudaDriver* d) {
  std::string missing;
  auto bind = [&](auto& fn, const char* name) {
    void* sym = dlsym(lib, name);
    if (!sym && missing.empty()) missing = name;
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(sym);
  };
#define MX_CUDA_BIND(member, symbol) bind(d->member, symbol);
  MX_CUDA_DRIVER_FUNCTIONS(MX_CUDA_BIND)
#undef MX_CUDA_BIND
  return missing;
}

}  // namespace

const CudaDriver* CudaDriver::Get(std::string* why) {
  // Loaded once, kept for the process (the driver is never unloaded).
  static std::string failure;
  static const CudaDriver* driver = []() -> const CudaDriver* {
    void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* e = dlerror();
      failure = std::string("the CUDA driver (libcuda.so.1) could not be loaded: ") +
                (e ? e : "unknown reason");
      return nullptr;
    }
    auto d = std::make_unique<CudaDriver>();
    const std::string missing = Resolve(lib, d.get());
    if (!missing.empty()) {
      failure = "the CUDA driver (libcuda.so.1) is too old: it lacks " + missing;
      return nullptr;
    }
    const CUresult rc = d->cuInit(0);
    if (rc != kCudaSuccess) {
      failure = "the CUDA driver failed to initialise: cuInit returned " + d->ErrorText(rc);
      return nullptr;
    }
    return d.release();
  }();
  if (!driver && why) *why = failure;
  return driver;
}

std::string CudaDriver::ErrorText(CUresult rc) const {
  const char* name = nullptr;
  const char* text = nullptr;
  if (cuGetErrorName(rc, &name) != kCudaSuccess || !name) name = "CUDA error";
  if (cuGetErrorString(rc, &text) != kCudaSuccess || !text) text = "unknown error";
  return std::string(name) + " " + std::to_string(rc) + " (" + text + ")";
}

}  // namespace device
}  // namespace mx
