// L2Normalization kernel (ops/nn/l2_normalization.cc): data seen as
// (outer, len, inner) -- instance (N, rest, 1), channel (N, C, rest),
// spatial (N * C, rest, 1) -- each (outer, inner) line divided by
// sqrt(sum x^2 + eps), summed in double; the norm is output 1.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

template <typename T>
void L2Normalize(const DLTensor& in, const DLTensor& out, const DLTensor& norm_out, const char* mode, double eps) {
  int64_t size = 1;
  for (int i = 0; i < in.ndim; ++i) size *= in.shape[i];
  const int64_t n = in.shape[0], c = in.ndim > 1 ? in.shape[1] : 1;
  int64_t outer = n, inner = 1;
  if (std::strcmp(mode, "channel") == 0) inner = n ? size / (n * c) : 0;
  else if (std::strcmp(mode, "spatial") == 0) outer = n * c;
  if (outer * inner == 0) return;
  const int64_t len = size / (outer * inner);
  const T* x = Data<T>(in);
  T* y = Data<T>(out);
  T* norms = Data<T>(norm_out);
  const int64_t grain = std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(len, 1));
  ParallelFor(outer * inner, grain, [&](int64_t begin, int64_t end) {
    for (int64_t line = begin; line < end; ++line) {
      const int64_t base = (line / inner) * len * inner + line % inner;
      double squares = 0;
      for (int64_t j = 0; j < len; ++j) {
        const double v = static_cast<double>(x[base + j * inner]);
        squares += v * v;
      }
      const double norm = std::sqrt(squares + eps);
      norms[line] = static_cast<T>(norm);
      for (int64_t j = 0; j < len; ++j)
        y[base + j * inner] = static_cast<T>(static_cast<double>(x[base + j * inner]) / norm);
    }
  });
}

int L2NormalizationKernel(const MXKernelCall* call) {
  for (int k = 0; k < 2; ++k)
    if (call->req[k] == MX_REQ_ADD) return Fail("L2Normalization does not support req=add");
  if (call->req[0] == MX_REQ_NULL && call->req[1] == MX_REQ_NULL) return 0;
  const char* mode = mx_attr_find(call->attrs, call->num_attrs, "mode")->s;
  const double eps = mx_attr_find(call->attrs, call->num_attrs, "eps")->f;
  const bool ok = DispatchFloat(MXDType(call->inputs[0].dtype), [&](auto zero) {
    L2Normalize<decltype(zero)>(call->inputs[0], call->outputs[0], call->outputs[1], mode, eps);
  });
  return ok ? 0 : Fail("L2Normalization: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(l2_normalization) { return RegisterKernel("L2Normalization", L2NormalizationKernel, nullptr, kFloats); }

}  // namespace mx_cpu
