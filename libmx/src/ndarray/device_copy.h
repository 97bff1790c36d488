// Copies that involve a GPU: bytes moved by the device (host to device,
// device to host, device to device, GPU to GPU), each an engine op on the
// copy stream of the GPU involved -- the source's when both sides are GPUs
// -- that reads the source's var and writes the destination's.  No dtype
// conversion: that takes a kernel.  Every host side takes the async copy:
// from or to cpu_pinned (page-locked) memory the DMA overlaps host work;
// with pageable memory the CUDA driver stages the bytes through a pinned
// buffer (and a copy into pageable memory returns only once done): slower,
// equally ordered.
#ifndef MX_NDARRAY_DEVICE_COPY_H_
#define MX_NDARRAY_DEVICE_COPY_H_

#include "ndarray/ndarray.h"

namespace mx {

// Throws unless to = from is a device copy: equal shapes (kValue) and
// dtypes (kType), the message naming op_name and both devices.
void CheckDeviceCopy(const NDArray& from, const NDArray& to, const char* op_name);
// to = from, asynchronously (at least one side on a GPU; checked before).
void PushDeviceCopy(const NDArray& from, const NDArray& to, const char* op_name);

// Blocking copies between host memory and an array on a GPU, ordered after
// pending work on the array.
void SyncCopyHostToDevice(const NDArray& to, const void* src);
void SyncCopyDeviceToHost(const NDArray& from, void* dst);

}  // namespace mx

#endif  // MX_NDARRAY_DEVICE_COPY_H_
