// SequenceLast and _backward_SequenceLast (ops/nn/sequence_last.cc): the row
// (sequence_rows.h) at each sequence's last step, gathered into out[sequence]
// or, for the gradient, ograd[sequence] scattered back there with zeros in
// every other row.
#include "sequence_rows.h"

namespace mx_cpu {

namespace {

// `data` is the input whose shape has the sequence axis: input 0 forward,
// input 1 (after ograd) backward; the lengths follow it.
template <bool kBackward>
int SequenceLastKernel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const int data_input = kBackward ? 1 : 0;
  const SequenceRows rows(call->inputs[data_input], mx_attr_find(call->attrs, call->num_attrs, "axis")->i);
  std::vector<int64_t> lengths;
  if (!SequenceLengths(call, data_input + 1, rows, 1, &lengths))
    return Fail("SequenceLast: unsupported sequence_length dtype");
  const bool accumulate = call->req[0] == MX_REQ_ADD;
  const int64_t rest = rows.rest;
  const bool ok = DispatchDType(MXDType(call->outputs[0].dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* src = Data<T>(call->inputs[0]);
    T* dst = Data<T>(call->outputs[0]);
    if constexpr (kBackward) {
      ParallelFor(rows.max_len * rows.batch, rows.Grain(), [&](int64_t begin, int64_t end) {
        for (int64_t row = begin; row < end; ++row) {
          const int64_t sequence = rows.Sequence(row);
          const T* g = src + sequence * rest;
          if (rows.Step(row) == lengths[sequence] - 1)
            Store(dst + row * rest, rest, accumulate, [g](int64_t i) { return g[i]; });
          else
            Store(dst + row * rest, rest, accumulate, [](int64_t) { return T(0); });
        }
      });
    } else {
      ParallelFor(rows.batch, rows.Grain(), [&](int64_t begin, int64_t end) {
        for (int64_t sequence = begin; sequence < end; ++sequence) {
          const T* x = src + rows.Row(lengths[sequence] - 1, sequence) * rest;
          Store(dst + sequence * rest, rest, accumulate, [x](int64_t i) { return x[i]; });
        }
      });
    }
  });
  return ok ? 0 : Fail("SequenceLast: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(sequence_last) {
  if (int rc = RegisterKernel("SequenceLast", SequenceLastKernel<false>, nullptr, kNumeric)) return rc;
  return RegisterKernel("_backward_SequenceLast", SequenceLastKernel<true>, nullptr, kNumeric);
}

}  // namespace mx_cpu
