// Helpers every CPU kernel uses: dtype dispatch over DLPack tensors, float16,
// registration, and error reporting through the host.
#ifndef MX_PLUGINS_CPU_KERNEL_UTIL_H_
#define MX_PLUGINS_CPU_KERNEL_UTIL_H_

#include <cstdint>
#include <algorithm>
#include <initializer_list>
#include <type_traits>

#include "mx/plugin.h"

namespace mx_cpu {

using half = _Float16;

// The type arithmetic happens in: float16 computes in float.
template <typename T> struct Acc { using type = T; };
template <> struct Acc<half> { using type = float; };

// MX dtype codes (mirrors libmx's; the plugin ABI speaks DLPack).
enum { kF32 = 0, kF64 = 1, kF16 = 2, kU8 = 3, kI32 = 4, kI8 = 5, kI64 = 6, kBool = 7 };

inline int MXDType(const DLDataType& t) {
  switch (t.code) {
    case kDLFloat: return t.bits == 32 ? kF32 : t.bits == 64 ? kF64 : t.bits == 16 ? kF16 : -1;
    case kDLUInt: return t.bits == 8 ? kU8 : -1;
    case kDLInt: return t.bits == 32 ? kI32 : t.bits == 8 ? kI8 : t.bits == 64 ? kI64 : -1;
    case kDLBool: return kBool;
    default: return -1;
  }
}

inline int64_t NumElements(const DLTensor& t) {
  int64_t n = 1;
  for (int i = 0; i < t.ndim; ++i) n *= t.shape[i];
  return n;
}

template <typename T> T* Data(const DLTensor& t) { return static_cast<T*>(t.data); }

// Calls f(T{}) with T the C++ type of an MX dtype code; false if unknown.
template <typename F>
bool DispatchDType(int dtype, F&& f) {
  switch (dtype) {
    case kF32: f(float{}); return true;
    case kF64: f(double{}); return true;
    case kF16: f(half{}); return true;
    case kU8: f(uint8_t{}); return true;
    case kI32: f(int32_t{}); return true;
    case kI8: f(int8_t{}); return true;
    case kI64: f(int64_t{}); return true;
    case kBool: f(bool{}); return true;
    default: return false;
  }
}

// The host, saved at init, for set_error.
const MXPluginHost* Host();
int Fail(const char* message);  // set_error + return -1

// Register fn for op_name on the CPU for the given MX dtypes (all if empty);
// workspace, if given, sizes the scratch memory the host allocates for each
// call (MXKernelCall::workspace).
int RegisterKernel(const char* op_name, MXKernelFn fn, void* data,
                   std::initializer_list<int32_t> dtypes, MXWorkspaceFn workspace = nullptr);

// The numeric dtypes (everything but bool) and all of them.
constexpr std::initializer_list<int32_t> kNumeric = {kF32, kF64, kF16, kU8, kI32, kI8, kI64};
constexpr std::initializer_list<int32_t> kAll = {};

// Each kernel file registers its kernels in a block that mx_plugin_init
// runs (no central list to edit):
//   MX_CPU_KERNELS(reduce) { return RegisterKernel("sum", ...); }
using RegistrationFn = int (*)();
bool AddRegistration(RegistrationFn fn);
int RunRegistrations();

// Runtime CPU dispatch for hot loops: GCC compiles the function for AVX-512,
// AVX2 and baseline x86-64 and picks one at load time (never -march=native).
// MX_CPU_STREAM_CLONES: the same without AVX-512, for loops that only
// stream memory (see ReduceContiguous in reduce.cc).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MX_CPU_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#define MX_CPU_STREAM_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MX_CPU_CLONES
#define MX_CPU_STREAM_CLONES
#endif

// The threads ParallelFor may use: OMP_NUM_THREADS when set (MXNet users'
// knob), else the CPUs this process may run on.
int MaxThreads();

// Calls job(ctx, t, nt) once for every t in [0, nt) on the plugin's thread
// pool; the calling thread runs pieces too.  All on the calling thread when
// the pool is busy with another caller or when called from inside a piece.
// See parallel.cc.
void RunParallel(int nt, void (*job)(void* ctx, int t, int nt), void* ctx);

// Calls fn(begin, end) over disjoint ranges covering [0, n), across the
// CPU's cores when n is at least 2 * grain, else once on this thread.
// grain: the smallest piece worth a thread (~64K simple element operations).
template <typename F>
void ParallelFor(int64_t n, int64_t grain, F&& fn) {
  const int threads = MaxThreads();
  // Up to 4 pieces per thread, each at least grain: a helper that wakes
  // late still finds work, and the caller never waits for it.
  const int64_t pieces = n >= 2 * grain && threads > 1 ? std::min<int64_t>(4 * threads, n / grain) : 1;
  if (pieces <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  struct Range {
    std::remove_reference_t<F>* fn;
    int64_t n;
  } range{&fn, n};
  RunParallel(static_cast<int>(pieces), [](void* ctx, int t, int nt) {
    const Range& r = *static_cast<const Range*>(ctx);
    const int64_t begin = r.n * t / nt, end = r.n * (t + 1) / nt;
    if (begin < end) (*r.fn)(begin, end);
  }, &range);
}

}  // namespace mx_cpu

#define MX_CPU_KERNELS(TAG)                                                   \
  static int MX_CPU_KERNELS_##TAG##_();                                       \
  static const bool MX_CPU_KERNELS_##TAG##_added_ __attribute__((unused)) =   \
      ::mx_cpu::AddRegistration(MX_CPU_KERNELS_##TAG##_);                     \
  static int MX_CPU_KERNELS_##TAG##_()

#endif  // MX_PLUGINS_CPU_KERNEL_UTIL_H_
