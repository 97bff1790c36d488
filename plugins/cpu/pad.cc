// Pad kernel and its gradient: each output axis maps its positions to source
// positions (constant: outside the source is the fill value; edge: clamped;
// reflect: mirrored about the end elements); GatherCopy copies through the
// maps and SumCopies sums the gradient back through them.
#include <cstring>
#include <vector>

#include "layout_adjoint.h"
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

// _backward_Pad(ograd, data): each data element sums the ograd elements that
// copied it (the constant border copied nothing).
int PadBackward(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &ograd = call->inputs[0], &data = call->inputs[1];
  const PadMode mode = static_cast<PadMode>(Param(call, "mode").i);
  const MXAttr& width = Param(call, "pad_width");
  AxisSources sources(data.ndim);
  for (int k = 0; k < data.ndim; ++k) {
    sources[k].resize(ograd.shape[k]);
    for (int64_t i = 0; i < ograd.shape[k]; ++i)
      sources[k][i] = SourceIndex(i - width.ints[2 * k], data.shape[k], mode);
  }
  return SumCopies(ograd, call->outputs[0], std::vector<int64_t>(data.shape, data.shape + data.ndim), sources);
}

}  // namespace

MX_CPU_KERNELS(pad) {
  if (int rc = RegisterKernel("Pad", Pad, nullptr, kAll)) return rc;
  return RegisterKernel("_backward_Pad", PadBackward, nullptr, kNumeric);
}

}  // namespace mx_cpu
