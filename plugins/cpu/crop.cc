// Crop and _backward_Crop kernels (semantics: ops/nn/crop.cc) as GatherCopy
// maps (layout_copy.h): the crop reads the window of data; its gradient
// reads out_grad inside the window and writes zeros around it.
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

// The window's top-left corner in `data` for a crop of h x w.
void Corner(const MXKernelCall* call, const DLTensor& data, int64_t h, int64_t w, int64_t* y, int64_t* x) {
  if (Param(call, "center_crop").i) {
    *y = (data.shape[2] - h) / 2;
    *x = (data.shape[3] - w) / 2;
  } else {
    *y = Param(call, "offset").ints[0];
    *x = Param(call, "offset").ints[1];
  }
}

// Offsets along a spatial axis of `size` of the tensor with `stride`:
// position i reads i + shift, or the fill value outside [0, size).
std::vector<int64_t> ShiftedOffsets(int64_t count, int64_t shift, int64_t size, int64_t stride) {
  std::vector<int64_t> offsets(count);
  for (int64_t i = 0; i < count; ++i) {
    const int64_t j = i + shift;
    offsets[i] = j >= 0 && j < size ? j * stride : kFillElement;
  }
  return offsets;
}

// The map of `dst` (N, C, *, *) reading `src` shifted by (dy, dx).
AxisOffsets ShiftMap(const DLTensor& src, const DLTensor& dst, int64_t dy, int64_t dx) {
  const std::vector<int64_t> strides = RowMajorStrides(src);
  return {StridedOffsets(dst.shape[0], strides[0]), StridedOffsets(dst.shape[1], strides[1]),
          ShiftedOffsets(dst.shape[2], dy, src.shape[2], strides[2]),
          ShiftedOffsets(dst.shape[3], dx, src.shape[3], strides[3])};
}

int Crop(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  int64_t y, x;
  Corner(call, data, out.shape[2], out.shape[3], &y, &x);
  GatherCopy(data.data, out.data, ElementSize(data), ShiftMap(data, out, y, x));
  return 0;
}

// inputs: out_grad, data; output: data's gradient.
int CropBackward(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &grad = call->inputs[0], &data = call->inputs[1], &ddata = call->outputs[0];
  int64_t y, x;
  Corner(call, data, grad.shape[2], grad.shape[3], &y, &x);
  const unsigned char zero[8] = {0};
  GatherCopy(grad.data, ddata.data, ElementSize(grad), ShiftMap(grad, ddata, -y, -x), zero);
  return 0;
}

}  // namespace

MX_CPU_KERNELS(crop) {
  if (int rc = RegisterKernel("Crop", Crop, nullptr, {kF32, kF64, kF16})) return rc;
  return RegisterKernel("_backward_Crop", CropBackward, nullptr, {kF32, kF64, kF16});
}

}  // namespace mx_cpu
