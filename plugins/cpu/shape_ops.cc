// Kernels of the shape-only ops (expand_dims, squeeze, Flatten,
// reshape_like: a copy, or nothing when the output aliases the input) and
// of shape_array / size_array.
#include <cstring>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

int CopyElements(const MXKernelCall* call) {
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  int error;
  if (!ShouldWrite(call, 0, &error) || in.data == out.data) return error;
  const int64_t n = NumElements(in);
  if (n) std::memmove(out.data, in.data, static_cast<size_t>(n) * ElementSize(in));
  return 0;
}

int ShapeArray(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor& in = call->inputs[0];
  int64_t* out = Data<int64_t>(call->outputs[0]);
  for (int k = 0; k < in.ndim; ++k) out[k] = in.shape[k];
  return 0;
}

int SizeArray(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  *Data<int64_t>(call->outputs[0]) = NumElements(call->inputs[0]);
  return 0;
}

}  // namespace

MX_CPU_KERNELS(shape_ops) {
  for (const char* name : {"expand_dims", "squeeze", "Flatten", "reshape_like"})
    if (int rc = RegisterKernel(name, CopyElements, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("shape_array", ShapeArray, nullptr, kAll)) return rc;
  return RegisterKernel("size_array", SizeArray, nullptr, kAll);
}

}  // namespace mx_cpu
