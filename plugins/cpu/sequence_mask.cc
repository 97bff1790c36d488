// SequenceMask's kernel (ops/nn/sequence_mask.cc holds its meaning).  data
// is viewed as (max_len, batch, rest) for axis 0 or (batch, max_len, rest)
// for axis 1: each (step, sequence) pair owns `rest` contiguous elements,
// copied when the step is inside the sequence and set to `value` otherwise.
#include <algorithm>
#include <vector>

#include "index_util.h"

namespace mx_cpu {

namespace {

// Every element of out[0, n) gets f(i) (write or in-place) or adds it.
template <typename T, typename F>
void Store(T* out, int64_t n, bool accumulate, F f) {
  if (accumulate) {
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(out[i] + f(i));
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = f(i);
  }
}

int SequenceMask(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const int64_t axis = mx_attr_find(call->attrs, call->num_attrs, "axis")->i;
  const bool accumulate = call->req[0] == MX_REQ_ADD;
  const int64_t max_len = data.shape[axis], batch = data.shape[1 - axis];
  int64_t rest = 1;
  for (int d = 2; d < data.ndim; ++d) rest *= data.shape[d];
  // Without lengths every step is inside its sequence.
  std::vector<int64_t> lengths(static_cast<size_t>(batch), max_len);
  if (call->num_inputs == 2 && !LoadIndices(call->inputs[1], &lengths))
    return Fail("SequenceMask: unsupported sequence_length dtype");
  const double value = mx_attr_find(call->attrs, call->num_attrs, "value")->f;
  const bool ok = DispatchDType(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* src = Data<T>(data);
    T* dst = Data<T>(out);
    const T fill = FromDouble<T>(value);
    // Rows are (step, sequence) pairs in memory order.
    ParallelFor(max_len * batch, std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(rest, 1)),
                [&](int64_t begin, int64_t end) {
                  for (int64_t row = begin; row < end; ++row) {
                    const int64_t step = axis == 0 ? row / batch : row % max_len;
                    const int64_t sequence = axis == 0 ? row % batch : row / max_len;
                    const T* x = src + row * rest;
                    if (step < lengths[sequence])
                      Store(dst + row * rest, rest, accumulate, [x](int64_t i) { return x[i]; });
                    else
                      Store(dst + row * rest, rest, accumulate, [fill](int64_t) { return fill; });
                  }
                });
  });
  return ok ? 0 : Fail("SequenceMask: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(sequence_mask) { return RegisterKernel("SequenceMask", SequenceMask, nullptr, kNumeric); }

}  // namespace mx_cpu
