// Compile-time check of libmx/src/device/cuda_driver.h against a real
// cuda.h (Triton ships one): MX declares the driver's types and symbol
// names itself so that it builds without the CUDA toolkit, and a mistake
// there would only show on a GPU.  Compiled, never run, by
// test_cuda_driver_abi.py; a mismatch is a compile error naming the member.
//
// cuda.h comes first: its macros then rename CudaDriver's members the way
// they rename user code (cuMemAlloc -> cuMemAlloc_v2), so `::member` below
// is the function cuda.h declares for that member.
#include <cuda.h>

#include <string_view>
#include <type_traits>

#include "device/cuda_driver.h"

namespace {

// Whether a value of type A is passed and returned as one of type B:
// integers and enums of one size and signedness, pointers to such (or to
// the same opaque handles, or void), with the same constness.
template <class A, class B>
constexpr bool SameAbi() {
  using a = std::remove_cv_t<A>;
  using b = std::remove_cv_t<B>;
  if constexpr (std::is_pointer_v<a> && std::is_pointer_v<b>) {
    using pa = std::remove_pointer_t<a>;
    using pb = std::remove_pointer_t<b>;
    if (std::is_const_v<pa> != std::is_const_v<pb>) return false;
    if constexpr (std::is_void_v<pa> || std::is_void_v<pb>) {
      return std::is_void_v<pa> && std::is_void_v<pb>;
    } else if constexpr (std::is_class_v<pa> || std::is_class_v<pb>) {
      return std::is_class_v<pa> && std::is_class_v<pb>;  // opaque handles: CUctx_st, ...
    } else {
      return SameAbi<pa, pb>();
    }
  } else if constexpr (std::is_enum_v<a> || std::is_enum_v<b>) {
    return (std::is_integral_v<a> || std::is_enum_v<a>) &&
           (std::is_integral_v<b> || std::is_enum_v<b>) && sizeof(a) == sizeof(b);
  } else if constexpr (std::is_integral_v<a> && std::is_integral_v<b>) {
    return sizeof(a) == sizeof(b) && std::is_signed_v<a> == std::is_signed_v<b>;
  } else {
    return std::is_same_v<a, b>;
  }
}

template <class F, class G>
struct SameSignature : std::false_type {};
template <class R, class... A, class S, class... B>
struct SameSignature<R (*)(A...), S (*)(B...)> {
  static constexpr bool value =
      sizeof...(A) == sizeof...(B) && SameAbi<R, S>() && (SameAbi<A, B>() && ...);
};

using mx::device::CudaDriver;

#define MX_STR(x) #x
#define MX_EXPANDED_STR(x) MX_STR(x)
#define MX_CHECK_FUNCTION(member, symbol)                                              \
  static_assert(SameSignature<decltype(CudaDriver::member), decltype(&::member)>::value, \
                "CudaDriver::" #member " does not match cuda.h's signature");          \
  static_assert(std::string_view(MX_EXPANDED_STR(member)) == symbol,                     \
                "cuda.h maps " #member " to another symbol than " symbol);
MX_CUDA_DRIVER_FUNCTIONS(MX_CHECK_FUNCTION)

// Every member of the table is in the list (the loader binds only those).
#define MX_COUNT(member, symbol) +1
static_assert(sizeof(CudaDriver) == (0 MX_CUDA_DRIVER_FUNCTIONS(MX_COUNT)) * sizeof(void (*)()),
              "a CudaDriver member is missing from MX_CUDA_DRIVER_FUNCTIONS");

static_assert(SameAbi<mx::device::CUresult, ::CUresult>());
static_assert(SameAbi<mx::device::CUdevice, ::CUdevice>());
static_assert(SameAbi<mx::device::CUdeviceptr, ::CUdeviceptr>());
static_assert(mx::device::kCudaSuccess == CUDA_SUCCESS);
static_assert(mx::device::kCudaErrorOutOfMemory == CUDA_ERROR_OUT_OF_MEMORY);
static_assert(mx::device::kCudaStreamNonBlocking == CU_STREAM_NON_BLOCKING);
static_assert(mx::device::kCudaMemHostAllocPortable == CU_MEMHOSTALLOC_PORTABLE);
static_assert(mx::device::kCudaEventFlags == (CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING));

}  // namespace
