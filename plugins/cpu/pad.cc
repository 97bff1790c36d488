// Pad kernel: each output axis maps its positions to source positions
// (constant: outside the source is the fill value; edge: clamped; reflect:
// mirrored about the end elements) and GatherCopy does the rest.
#include <cstring>
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

enum PadMode { kConstant = 0, kEdge = 1, kReflect = 2 };  // the order ops/ declares

int64_t SourceIndex(int64_t j, int64_t size, PadMode mode) {
  if (j >= 0 && j < size) return j;
  switch (mode) {
    case kEdge: return j < 0 ? 0 : size - 1;
    case kReflect: return j < 0 ? -j : 2 * (size - 1) - j;
    default: return -1;
  }
}

int Pad(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const PadMode mode = static_cast<PadMode>(Param(call, "mode").i);
  const MXAttr& width = Param(call, "pad_width");
  const std::vector<int64_t> strides = RowMajorStrides(in);
  AxisOffsets offsets(in.ndim);
  for (int k = 0; k < in.ndim; ++k) {
    offsets[k].resize(out.shape[k]);
    for (int64_t i = 0; i < out.shape[k]; ++i) {
      const int64_t j = SourceIndex(i - width.ints[2 * k], in.shape[k], mode);
      offsets[k][i] = j < 0 ? kFillElement : j * strides[k];
    }
  }
  // The fill value in the array's dtype, as bytes.
  unsigned char fill[8] = {0};
  const double value = Param(call, "constant_value").f;
  const bool ok = DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T v = std::is_same_v<T, bool> ? T(value != 0) : static_cast<T>(value);
    std::memcpy(fill, &v, sizeof(T));
  });
  if (!ok) return Fail("Pad: unsupported dtype");
  GatherCopy(in.data, out.data, ElementSize(in), offsets, fill);
  return 0;
}

}  // namespace

MX_CPU_KERNELS(pad) { return RegisterKernel("Pad", Pad, nullptr, kAll); }

}  // namespace mx_cpu
