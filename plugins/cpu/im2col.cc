// The kernels of im2col, col2im and _backward_im2col (ops/nn/im2col.cc holds
// their meaning) over the loops of im2col.h, one image of the batch at a
// time: an image (N, C, *spatial) and its column matrix (N, C * K, S).
#include <cstring>

#include "float_dispatch.h"
#include "im2col.h"

namespace mx_cpu {

namespace {

// The call's window over `image`, with the block positions per axis.
SpatialGeometry SlidingGeometry(const MXKernelCall* call, const DLTensor& image) {
  SpatialGeometry g = ReadGeometry(call, image, image);
  for (int i = 0; i < 3; ++i)
    g.out[i] = (g.in[i] + 2 * g.pad[i] - g.dilate[i] * (g.kernel[i] - 1) - 1) / g.stride[i] + 1;
  return g;
}

int Im2colForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("im2col does not support req=add");
  const DLTensor &image = call->inputs[0], &col = call->outputs[0];
  const SpatialGeometry g = SlidingGeometry(call, image);
  const int64_t image_size = g.channels * g.InSize(), col_size = g.channels * g.KernelSize() * g.OutSize();
  const bool ok = DispatchFloat(MXDType(image.dtype), [&](auto zero) {
    using T = decltype(zero);
    for (int64_t n = 0; n < g.batch; ++n)
      Im2Col(g, Data<T>(image) + n * image_size, g.channels, Data<T>(col) + n * col_size);
  });
  return ok ? 0 : Fail("im2col: unsupported dtype");
}

// col2im (input: the columns) and _backward_im2col (inputs: the columns'
// gradient, data): the image is the output.
int Col2imForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("col2im does not support req=add");
  const DLTensor &col = call->inputs[0], &image = call->outputs[0];
  const SpatialGeometry g = SlidingGeometry(call, image);
  const int64_t image_size = g.channels * g.InSize(), col_size = g.channels * g.KernelSize() * g.OutSize();
  const bool ok = DispatchFloat(MXDType(image.dtype), [&](auto zero) {
    using T = decltype(zero);
    std::memset(image.data, 0, static_cast<size_t>(g.batch * image_size) * sizeof(T));
    for (int64_t n = 0; n < g.batch; ++n)
      Col2Im(g, Data<T>(col) + n * col_size, g.channels, Data<T>(image) + n * image_size);
  });
  return ok ? 0 : Fail("col2im: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(im2col) {
  if (int rc = RegisterKernel("im2col", Im2colForward, nullptr, kFloats)) return rc;
  if (int rc = RegisterKernel("col2im", Col2imForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_im2col", Col2imForward, nullptr, kFloats);
}

}  // namespace mx_cpu
