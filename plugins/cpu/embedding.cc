// Embedding and _backward_Embedding kernels.  Indices of any dtype are read
// as int64 (floats truncated) and clipped into [0, input_dim - 1].  The
// gradient adds out_grad's rows into the weight's gradient; threads split
// the embedding columns, so no two threads touch one element.
#include <algorithm>
#include <cstring>
#include <vector>

#include "index_util.h"

namespace mx_cpu {

namespace {

// The rows of weight each data element selects.
bool Rows(const DLTensor& data, int64_t input_dim, std::vector<int64_t>* rows) {
  if (!LoadIndices(data, rows)) return false;
  for (int64_t& r : *rows) r = std::clamp<int64_t>(r, 0, input_dim - 1);
  return true;
}

int EmbeddingForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("Embedding does not support req=add");
  const DLTensor &data = call->inputs[0], &weight = call->inputs[1], &out = call->outputs[0];
  const int64_t input_dim = weight.shape[0], dim = weight.shape[1];
  std::vector<int64_t> rows;
  if (!Rows(data, input_dim, &rows)) return Fail("Embedding: unsupported index dtype");
  const size_t row_bytes = static_cast<size_t>(dim) * (weight.dtype.bits / 8);
  const char* w = static_cast<const char*>(weight.data);
  char* y = static_cast<char*>(out.data);
  ParallelFor(static_cast<int64_t>(rows.size()), std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(dim, 1)),
              [&](int64_t begin, int64_t end) {
                for (int64_t i = begin; i < end; ++i)
                  std::memcpy(y + i * row_bytes, w + rows[i] * row_bytes, row_bytes);
              });
  return 0;
}

// inputs: out_grad, data; output: weight's gradient.
int EmbeddingBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_Embedding does not support req=add");
  const DLTensor &ograd = call->inputs[0], &grad = call->outputs[0];
  const int64_t input_dim = grad.shape[0], dim = grad.shape[1];
  std::vector<int64_t> rows;
  if (!Rows(call->inputs[1], input_dim, &rows)) return Fail("_backward_Embedding: unsupported index dtype");
  const bool ok = DispatchDType(MXDType(grad.dtype), [&](auto zero) {
    using T = decltype(zero);
    using C = typename Acc<T>::type;
    const T* g = Data<T>(ograd);
    T* w = Data<T>(grad);
    std::fill(w, w + input_dim * dim, T(0));
    const int64_t n = static_cast<int64_t>(rows.size());
    ParallelFor(dim, std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(n, 1)), [&](int64_t begin, int64_t end) {
      for (int64_t i = 0; i < n; ++i) {
        T* dst = w + rows[i] * dim;
        const T* src = g + i * dim;
        for (int64_t j = begin; j < end; ++j) dst[j] = static_cast<T>(static_cast<C>(dst[j]) + static_cast<C>(src[j]));
      }
    });
  });
  return ok ? 0 : Fail("_backward_Embedding: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(embedding) {
  if (int rc = RegisterKernel("Embedding", EmbeddingForward, nullptr, kNumeric)) return rc;
  return RegisterKernel("_backward_Embedding", EmbeddingBackward, nullptr, kNumeric);
}

}  // namespace mx_cpu
