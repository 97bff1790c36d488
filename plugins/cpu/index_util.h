// Helpers of the indexing kernels (slice, take, pick, gather/scatter,
// one_hot): index arrays of any dtype read as int64, and element moves that
// depend only on the element size.
#ifndef MX_PLUGINS_CPU_INDEX_UTIL_H_
#define MX_PLUGINS_CPU_INDEX_UTIL_H_

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernel_util.h"

namespace mx_cpu {

// The entries of an index array as int64: float indices are truncated
// toward zero (NaN reads as 0), as MXNet casts them.  False on an unknown dtype.
inline bool LoadIndices(const DLTensor& t, std::vector<int64_t>* out) {
  const int64_t n = NumElements(t);
  out->resize(static_cast<size_t>(n));
  return DispatchDType(MXDType(t.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* p = Data<T>(t);
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, half>) {
        const double v = static_cast<double>(p[i]);
        (*out)[i] = std::isnan(v) ? 0 : static_cast<int64_t>(v);
      } else {
        (*out)[i] = static_cast<int64_t>(p[i]);
      }
    }
  });
}

// A double converted to a dtype the way MXNet converts a scalar parameter
// (integers truncate toward zero).
template <typename T>
T FromDouble(double v) {
  if constexpr (std::is_same_v<T, bool>) return v != 0;
  else if constexpr (std::is_integral_v<T>) return std::isnan(v) ? T(0) : static_cast<T>(static_cast<int64_t>(v));
  else return static_cast<T>(v);
}

// Calls f(U{}) with U an unsigned integer as wide as one element: moving
// elements needs only their size.
template <typename F>
bool DispatchElementSize(const DLDataType& t, F&& f) {
  switch (t.bits) {
    case 8: f(uint8_t{}); return true;
    case 16: f(uint16_t{}); return true;
    case 32: f(uint32_t{}); return true;
    case 64: f(uint64_t{}); return true;
    default: return false;
  }
}

inline size_t ElementBytes(const DLTensor& t) { return t.dtype.bits / 8; }

// Copies the whole of src into dst (same shape and dtype) unless dst already
// is src (an in-place call).
inline void CopyUnlessInplace(const MXKernelCall* call, const DLTensor& src, const DLTensor& dst) {
  if (call->req[0] == MX_REQ_INPLACE || src.data == dst.data) return;
  const size_t bytes = static_cast<size_t>(NumElements(dst)) * ElementBytes(dst);
  if (bytes) std::memmove(dst.data, src.data, bytes);
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_INDEX_UTIL_H_
