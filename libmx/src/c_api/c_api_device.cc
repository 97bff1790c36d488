// GPUs: how many, and their memory.
#include "c_api/api_guard.h"
#include "device/device.h"

extern "C" {

int MXGetGPUCount(int* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = mx::device::Count();
  MX_API_END();
}

int MXGetGPUMemoryInformation64(int dev, uint64_t* free_mem, uint64_t* total_mem) {
  MX_API_BEGIN();
  MX_CHECK_OUT(free_mem);
  MX_CHECK_OUT(total_mem);
  mx::device::Get(dev)->MemoryInfo(free_mem, total_mem);
  MX_API_END();
}

}  // extern "C"
