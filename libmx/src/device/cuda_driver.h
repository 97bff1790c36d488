// The CUDA driver API, loaded at run time with dlopen("libcuda.so.1").
//
// Rationale: MX builds without the CUDA toolkit and runs without a GPU, so
// it declares the few driver types it uses itself (their layout is the
// driver's stable ABI) and resolves each function by its exported name.
// The names are those cuda.h's macros map to (cuMemAlloc -> cuMemAlloc_v2,
// ...); the async copies and memsets take an explicit stream, never the
// per-thread default one.
#ifndef MX_DEVICE_CUDA_DRIVER_H_
#define MX_DEVICE_CUDA_DRIVER_H_

#include <cstddef>
#include <string>

namespace mx {
namespace device {

using CUresult = int;  // CUDA_SUCCESS = 0
using CUdevice = int;
using CUdeviceptr = unsigned long long;  // NOLINT(runtime/int): cuda.h's type
using CUcontext = struct CUctx_st*;
using CUstream = struct CUstream_st*;
using CUevent = struct CUevent_st*;

constexpr CUresult kCudaSuccess = 0;
constexpr CUresult kCudaErrorOutOfMemory = 2;
constexpr unsigned kCudaStreamNonBlocking = 0x1;  // CU_STREAM_NON_BLOCKING
// CU_MEMHOSTALLOC_PORTABLE: page-locked for every context, not only the
// allocating one.
constexpr unsigned kCudaMemHostAllocPortable = 0x1;
// CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING: a waiting thread sleeps
// instead of spinning, and recording skips the timestamp.
constexpr unsigned kCudaEventFlags = 0x1 | 0x2;

// Every member of CudaDriver with the symbol libcuda exports for it: the
// name cuda.h's macros map the plain name to (tests/c/cuda_driver_abi.cc
// checks both lists, and each member's signature, against a real cuda.h).
#define MX_CUDA_DRIVER_FUNCTIONS(X)                              \
  X(cuInit, "cuInit")                                            \
  X(cuDeviceGetCount, "cuDeviceGetCount")                        \
  X(cuDeviceGet, "cuDeviceGet")                                  \
  X(cuDeviceGetName, "cuDeviceGetName")                          \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain")        \
  X(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2")   \
  X(cuCtxSetCurrent, "cuCtxSetCurrent")                          \
  X(cuMemAlloc, "cuMemAlloc_v2")                                 \
  X(cuMemFree, "cuMemFree_v2")                                   \
  X(cuMemGetInfo, "cuMemGetInfo_v2")                             \
  X(cuMemHostAlloc, "cuMemHostAlloc")                            \
  X(cuMemFreeHost, "cuMemFreeHost")                              \
  X(cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2")                   \
  X(cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2")                   \
  X(cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2")                   \
  X(cuMemcpyPeerAsync, "cuMemcpyPeerAsync")                      \
  X(cuMemsetD8Async, "cuMemsetD8Async")                          \
  X(cuMemsetD16Async, "cuMemsetD16Async")                        \
  X(cuMemsetD32Async, "cuMemsetD32Async")                        \
  X(cuMemsetD2D32Async, "cuMemsetD2D32Async")                    \
  X(cuStreamCreate, "cuStreamCreate")                            \
  X(cuEventCreate, "cuEventCreate")                              \
  X(cuEventRecord, "cuEventRecord")                              \
  X(cuEventSynchronize, "cuEventSynchronize")                    \
  X(cuEventDestroy, "cuEventDestroy_v2")                         \
  X(cuGetErrorName, "cuGetErrorName")                            \
  X(cuGetErrorString, "cuGetErrorString")

struct CudaDriver {
  CUresult (*cuInit)(unsigned flags);
  CUresult (*cuDeviceGetCount)(int* count);
  CUresult (*cuDeviceGet)(CUdevice* device, int ordinal);
  CUresult (*cuDeviceGetName)(char* name, int len, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext* ctx, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice device);
  CUresult (*cuCtxSetCurrent)(CUcontext ctx);
  CUresult (*cuMemAlloc)(CUdeviceptr* ptr, size_t bytes);
  CUresult (*cuMemFree)(CUdeviceptr ptr);
  CUresult (*cuMemGetInfo)(size_t* free, size_t* total);
  CUresult (*cuMemHostAlloc)(void** ptr, size_t bytes, unsigned flags);
  CUresult (*cuMemFreeHost)(void* ptr);
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr dst, const void* src, size_t bytes, CUstream stream);
  CUresult (*cuMemcpyDtoHAsync)(void* dst, CUdeviceptr src, size_t bytes, CUstream stream);
  CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream);
  CUresult (*cuMemcpyPeerAsync)(CUdeviceptr dst, CUcontext dst_ctx, CUdeviceptr src,
                                CUcontext src_ctx, size_t bytes, CUstream stream);
  CUresult (*cuMemsetD8Async)(CUdeviceptr dst, unsigned char value, size_t count, CUstream stream);
  CUresult (*cuMemsetD16Async)(CUdeviceptr dst, unsigned short value, size_t count,  // NOLINT
                               CUstream stream);
  CUresult (*cuMemsetD32Async)(CUdeviceptr dst, unsigned value, size_t count, CUstream stream);
  CUresult (*cuMemsetD2D32Async)(CUdeviceptr dst, size_t pitch, unsigned value, size_t width,
                                 size_t height, CUstream stream);
  CUresult (*cuStreamCreate)(CUstream* stream, unsigned flags);
  CUresult (*cuEventCreate)(CUevent* event, unsigned flags);
  CUresult (*cuEventRecord)(CUevent event, CUstream stream);
  CUresult (*cuEventSynchronize)(CUevent event);
  CUresult (*cuEventDestroy)(CUevent event);
  CUresult (*cuGetErrorName)(CUresult error, const char** name);
  CUresult (*cuGetErrorString)(CUresult error, const char** text);

  // The driver, loaded and initialised (cuInit) once; nullptr when it is
  // absent or fails, and then *why says so.
  static const CudaDriver* Get(std::string* why);

  // "CUDA_ERROR_OUT_OF_MEMORY (out of memory)".
  std::string ErrorText(CUresult rc) const;
};

}  // namespace device
}  // namespace mx

#endif  // MX_DEVICE_CUDA_DRIVER_H_
