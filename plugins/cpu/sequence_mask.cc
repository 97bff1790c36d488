// SequenceMask's kernel (ops/nn/sequence_mask.cc holds its meaning): each
// (step, sequence) row (sequence_rows.h) is copied when the step is inside
// the sequence and set to `value` otherwise.
#include "sequence_rows.h"

namespace mx_cpu {

namespace {

int SequenceMask(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const SequenceRows rows(data, mx_attr_find(call->attrs, call->num_attrs, "axis")->i);
  const bool accumulate = call->req[0] == MX_REQ_ADD;
  std::vector<int64_t> lengths;
  if (!SequenceLengths(call, 1, rows, 0, &lengths)) return Fail("SequenceMask: unsupported sequence_length dtype");
  const double value = mx_attr_find(call->attrs, call->num_attrs, "value")->f;
  const int64_t rest = rows.rest;
  const bool ok = DispatchDType(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* src = Data<T>(data);
    T* dst = Data<T>(out);
    const T fill = FromDouble<T>(value);
    // Rows are (step, sequence) pairs in memory order.
    ParallelFor(rows.max_len * rows.batch, rows.Grain(), [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row) {
        const T* x = src + row * rest;
        if (rows.Step(row) < lengths[rows.Sequence(row)])
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
