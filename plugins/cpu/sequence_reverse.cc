// SequenceReverse (ops/nn/sequence_reverse.cc): row (step, sequence) of the
// output (sequence_rows.h) reads row (length - 1 - step, sequence) of data
// inside the sequence and its own row past it.  Never in place: rows move.
#include "sequence_rows.h"

namespace mx_cpu {

namespace {

int SequenceReverse(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const SequenceRows rows(data, mx_attr_find(call->attrs, call->num_attrs, "axis")->i);
  std::vector<int64_t> lengths;
  if (!SequenceLengths(call, 1, rows, 0, &lengths)) return Fail("SequenceReverse: unsupported sequence_length dtype");
  const bool accumulate = call->req[0] == MX_REQ_ADD;
  const int64_t rest = rows.rest;
  const bool ok = DispatchDType(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* src = Data<T>(data);
    T* dst = Data<T>(out);
    ParallelFor(rows.max_len * rows.batch, rows.Grain(), [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row) {
        const int64_t step = rows.Step(row), sequence = rows.Sequence(row), length = lengths[sequence];
        const T* x = src + rows.Row(step < length ? length - 1 - step : step, sequence) * rest;
        Store(dst + row * rest, rest, accumulate, [x](int64_t i) { return x[i]; });
      }
    });
  });
  return ok ? 0 : Fail("SequenceReverse: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(sequence_reverse) { return RegisterKernel("SequenceReverse", SequenceReverse, nullptr, kNumeric); }

}  // namespace mx_cpu
