// How the sequence kernels (SequenceMask, SequenceLast, SequenceReverse) see
// data: (max_len, batch, rest) for axis 0 or (batch, max_len, rest) for
// axis 1, so each (step, sequence) pair owns a row of `rest` contiguous
// elements; and the sequence lengths, read as int64.
#ifndef MX_PLUGINS_CPU_SEQUENCE_ROWS_H_
#define MX_PLUGINS_CPU_SEQUENCE_ROWS_H_

#include <algorithm>
#include <vector>

#include "index_util.h"

namespace mx_cpu {

struct SequenceRows {
  int64_t axis, max_len, batch, rest = 1;

  SequenceRows(const DLTensor& data, int64_t sequence_axis)
      : axis(sequence_axis), max_len(data.shape[sequence_axis]), batch(data.shape[1 - sequence_axis]) {
    for (int d = 2; d < data.ndim; ++d) rest *= data.shape[d];
  }
  int64_t Row(int64_t step, int64_t sequence) const {
    return axis == 0 ? step * batch + sequence : sequence * max_len + step;
  }
  int64_t Step(int64_t row) const { return axis == 0 ? row / batch : row % max_len; }
  int64_t Sequence(int64_t row) const { return axis == 0 ? row % batch : row / max_len; }
  // The ParallelFor grain, in rows.
  int64_t Grain() const { return std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(rest, 1)); }
};

// Each sequence's length (truncated toward zero), clipped to [low, max_len];
// max_len for every sequence when the call has no length input (`input`
// past the inputs).  False on an unsupported length dtype.
inline bool SequenceLengths(const MXKernelCall* call, int input, const SequenceRows& rows, int64_t low,
                            std::vector<int64_t>* lengths) {
  lengths->assign(static_cast<size_t>(rows.batch), rows.max_len);
  if (input >= call->num_inputs) return true;
  if (!LoadIndices(call->inputs[input], lengths)) return false;
  for (int64_t& n : *lengths) n = std::clamp(n, low, rows.max_len);
  return true;
}

// Every element of out[0, n) gets f(i) (write or in-place) or adds it.
template <typename T, typename F>
void Store(T* out, int64_t n, bool accumulate, F f) {
  if (accumulate) {
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(out[i] + f(i));
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = f(i);
  }
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_SEQUENCE_ROWS_H_
