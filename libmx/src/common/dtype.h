// MXNet's dtype codes (they are written into .params files, so they never
// change) and their sizes, names and DLPack equivalents.
#ifndef MX_COMMON_DTYPE_H_
#define MX_COMMON_DTYPE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "mx/plugin.h"

namespace mx {

enum DType : int {
  kFloat32 = 0,
  kFloat64 = 1,
  kFloat16 = 2,
  kUint8 = 3,
  kInt32 = 4,
  kInt8 = 5,
  kInt64 = 6,
  kBool = 7,
};
constexpr int kNumDTypes = 8;

inline bool IsValidDType(int dtype) { return dtype >= 0 && dtype < kNumDTypes; }

inline size_t DTypeSize(int dtype) {
  static const size_t sizes[kNumDTypes] = {4, 8, 2, 1, 4, 1, 8, 1};
  return sizes[dtype];
}

inline const char* DTypeName(int dtype) {
  static const char* names[kNumDTypes] = {"float32", "float64", "float16", "uint8",
                                          "int32",   "int8",    "int64",   "bool"};
  return IsValidDType(dtype) ? names[dtype] : "unknown";
}

// -1 when the name is not a dtype.
inline int DTypeFromName(const std::string& name) {
  for (int d = 0; d < kNumDTypes; ++d)
    if (name == DTypeName(d)) return d;
  return -1;
}

inline DLDataType ToDLDataType(int dtype) {
  static const DLDataType table[kNumDTypes] = {
      {kDLFloat, 32, 1}, {kDLFloat, 64, 1}, {kDLFloat, 16, 1}, {kDLUInt, 8, 1},
      {kDLInt, 32, 1},   {kDLInt, 8, 1},    {kDLInt, 64, 1},   {kDLBool, 8, 1}};
  return table[dtype];
}

}  // namespace mx

#endif  // MX_COMMON_DTYPE_H_
