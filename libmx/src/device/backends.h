// Factories of the device backends (device.cc picks one per process).
#ifndef MX_DEVICE_BACKENDS_H_
#define MX_DEVICE_BACKENDS_H_

#include <cstdint>

#include "device/cuda_driver.h"
#include "device/device.h"

namespace mx {
namespace device {

// gpu(id) through the CUDA driver: its primary context and two streams.
Device* CreateCudaDevice(const CudaDriver* driver, int id);

// An emulated GPU of memory_bytes bytes, backed by host memory.
Device* CreateEmulatedDevice(int id, uint64_t memory_bytes);

}  // namespace device
}  // namespace mx

#endif  // MX_DEVICE_BACKENDS_H_
