// MXLibInfoFeatures: MXNet 1.9's feature list (its libinfo), answered for
// MX.  Rationale for the run-time answers: MX builds one binary for every
// x86-64 CPU and GPU (kernels dispatch on the CPU's features, the CUDA
// driver loads at run time), so what MXNet fixed at compile time is a
// property of the machine here.
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "c_api/api_guard.h"
#include "device/device.h"

namespace {

#if defined(__x86_64__) || defined(__i386__)
bool HasF16C() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C);
}
#define MX_CPU(feature) __builtin_cpu_supports(feature)
#else
bool HasF16C() { return false; }
#define MX_CPU(feature) false
#endif

std::vector<MXLibFeature> Features() {
  const bool x86 = MX_CPU("sse2");
#ifdef NDEBUG
  const bool debug = false;
#else
  const bool debug = true;
#endif
  return {
      {"CUDA", mx::device::Count() > 0},
      {"CUDNN", 0},
      {"NCCL", 0},
      {"CUDA_RTC", 0},
      {"TENSORRT", 0},
      {"CPU_SSE", MX_CPU("sse")},
      {"CPU_SSE2", MX_CPU("sse2")},
      {"CPU_SSE3", MX_CPU("sse3")},
      {"CPU_SSE4_1", MX_CPU("sse4.1")},
      {"CPU_SSE4_2", MX_CPU("sse4.2")},
      {"CPU_SSE4A", MX_CPU("sse4a")},
      {"CPU_AVX", MX_CPU("avx")},
      {"CPU_AVX2", MX_CPU("avx2")},
      {"OPENMP", 0},  // MX's own thread pool (engine/, plugins/cpu)
      {"SSE", x86},
      {"F16C", HasF16C()},
      {"JEMALLOC", 0},
      {"BLAS_OPEN", 1},
      {"BLAS_ATLAS", 0},
      {"BLAS_MKL", 0},
      {"BLAS_APPLE", 0},
      {"LAPACK", 0},  // no linalg_potrf & co.
      {"MKLDNN", 0},
      {"OPENCV", 0},
      {"CAFFE", 0},
      {"PROFILER", 0},
      {"DIST_KVSTORE", 0},
      {"CXX14", 1},
      {"INT64_TENSOR_SIZE", 1},  // shapes and kernel indices are 64-bit
      {"SIGNAL_HANDLER", 0},
      {"DEBUG", debug},
      {"TVM_OP", 0},
  };
}

}  // namespace

extern "C" int MXLibInfoFeatures(const MXLibFeature** out, size_t* size) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK_OUT(size);
  static const std::vector<MXLibFeature> features = Features();
  *out = features.data();
  *size = features.size();
  MX_API_END();
}
