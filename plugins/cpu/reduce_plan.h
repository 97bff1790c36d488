// How reductions (reduce.cc, arg_search.cc) read their input and split
// their work over threads.
//
// A reduction's input reads as runs: size-1 dims dropped, neighbouring dims
// that are all reduced (or all kept) merged into one (Plan), walked with an
// odometer per list of runs.
//
// Its work is a number of independent groups (outputs, or tiles of outputs),
// each folding in `work` input elements.  With enough groups the threads
// share the groups; with few, each group is also cut into pieces along the
// reduced extent, whose partial results merge in a fixed order afterwards.
// The cut depends on the shape only, never on the thread count, so a result
// has the same bits on every machine.
#ifndef MX_PLUGINS_CPU_REDUCE_PLAN_H_
#define MX_PLUGINS_CPU_REDUCE_PLAN_H_

#include <algorithm>
#include <cstdint>

#include "mx/plugin.h"

namespace mx_cpu {

// A run of merged dims: its size and its stride in input elements.
struct Run {
  int64_t size, stride;
};

// Walks the offsets of a multi-index over runs, last run fastest.
struct Odometer {
  const Run* runs;
  int n;
  int64_t index[MX_MAX_NDIM];  // the first n are used
  int64_t offset = 0;

  Odometer(const Run* r, int count) : runs(r), n(count) { std::fill(index, index + n, 0); }
  void Seek(int64_t linear) {
    offset = 0;
    for (int d = n - 1; d >= 0; --d) {
      index[d] = linear % runs[d].size;
      linear /= runs[d].size;
      offset += index[d] * runs[d].stride;
    }
  }
  void Next() {
    for (int d = n - 1; d >= 0; --d) {
      offset += runs[d].stride;
      if (++index[d] < runs[d].size) return;
      offset -= runs[d].stride * runs[d].size;
      index[d] = 0;
    }
  }
};

// The input's dims as merged runs: `row` -- the innermost run if it is
// reduced, else 1 -- apart; the others split into kept runs, which enumerate
// the outputs (the innermost kept run is contiguous in the output), and
// reduced runs.
struct Plan {
  Run kept[MX_MAX_NDIM], reduced[MX_MAX_NDIM];
  int num_kept = 0, num_reduced = 0;
  int64_t row = 1;           // contiguous input values that fold into one output
  int64_t reduced_rows = 1;  // product of the reduced runs' sizes
  int64_t count = 1;         // input elements per output

  Plan(const DLTensor& in, const bool* reduce_axis) {
    int64_t sizes[MX_MAX_NDIM], strides[MX_MAX_NDIM];
    bool flags[MX_MAX_NDIM];
    int m = 0;
    int64_t stride = 1;
    for (int i = in.ndim - 1; i >= 0; --i) {
      const int64_t d = in.shape[i];
      if (reduce_axis[i]) count *= d;
      if (d != 1) {
        if (m > 0 && flags[m - 1] == reduce_axis[i]) {
          sizes[m - 1] *= d;
        } else {
          sizes[m] = d;
          strides[m] = stride;
          flags[m++] = reduce_axis[i];
        }
      }
      stride *= d;
    }
    // runs were collected innermost first
    const int first = m > 0 && flags[0] ? 1 : 0;
    if (first) row = sizes[0];
    for (int r = m - 1; r >= first; --r) {
      if (flags[r]) {
        reduced[num_reduced++] = {sizes[r], strides[r]};
        reduced_rows *= sizes[r];
      } else {
        kept[num_kept++] = {sizes[r], strides[r]};
      }
    }
  }
};

// The smallest piece of work (input elements) worth a thread.
constexpr int64_t kReduceGrain = 1 << 16;

// Independent items to aim for when groups are few: enough for the cores of
// a large machine, few enough that merging partial results stays cheap.
constexpr int64_t kReduceItems = 32;

// Into how many pieces each of `groups` reductions of `work` elements is cut.
inline int64_t PiecesPerGroup(int64_t groups, int64_t work) {
  if (groups >= kReduceItems) return 1;
  const int64_t wanted = (kReduceItems + groups - 1) / groups;
  return std::max<int64_t>(1, std::min(wanted, work / kReduceGrain));
}

// The grain (in items) for ParallelFor over items of `work_per_item` elements.
inline int64_t ItemGrain(int64_t work_per_item) {
  return std::max<int64_t>(1, kReduceGrain / std::max<int64_t>(1, work_per_item));
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_REDUCE_PLAN_H_
