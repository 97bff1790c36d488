// The batch of square (or m x n) matrices in the last two axes of a tensor,
// and a loop over it for the la_op kernels (_linalg_*).
#ifndef MX_PLUGINS_CPU_LINALG_BATCH_H_
#define MX_PLUGINS_CPU_LINALG_BATCH_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

#include "kernel_util.h"

namespace mx_cpu {

struct MatrixBatch {
  int64_t count, rows, cols;
  int64_t size() const { return rows * cols; }
};

inline MatrixBatch BatchOf(const DLTensor& t) {
  const int64_t rows = t.shape[t.ndim - 2], cols = t.shape[t.ndim - 1];
  return {rows != 0 && cols != 0 ? NumElements(t) / (rows * cols) : 0, rows, cols};
}

// fn(i) for every matrix i, spread over the pool (OpenBLAS runs single-
// threaded in the plugin); fn returns false on a numerical failure, and
// the index of a failing matrix comes back (-1: none failed).
template <typename F>
int64_t ForEachMatrix(int64_t count, int64_t work_per_matrix, F&& fn) {
  std::atomic<int64_t> failed{-1};
  const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 18) / std::max<int64_t>(1, work_per_matrix));
  ParallelFor(count, grain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      if (!fn(i)) {
        int64_t none = -1;
        failed.compare_exchange_strong(none, i);
      }
  });
  return failed.load();
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_LINALG_BATCH_H_
