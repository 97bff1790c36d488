// _contrib_bipartite_matching kernel (semantics:
// ops/contrib/bipartite_matching.cc): one batch item per task, a stable sort
// of its scores, then MXNet's greedy walk.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

template <typename T>
void MatchBatch(const T* scores, int64_t rows, int64_t cols, bool ascend, float threshold, int64_t topk,
                T* row_match, T* col_match, std::vector<int64_t>* order) {
  using C = typename Acc<T>::type;
  auto score = [&](int64_t k) { return static_cast<C>(scores[k]); };
  order->resize(rows * cols);
  std::iota(order->begin(), order->end(), int64_t{0});
  std::stable_sort(order->begin(), order->end(), [&](int64_t a, int64_t b) {
    const C sa = score(a), sb = score(b);
    if (std::isnan(sb)) return !std::isnan(sa);  // NaN last
    return ascend ? sa < sb : sa > sb;
  });
  std::fill_n(row_match, rows, T(-1));
  std::fill_n(col_match, cols, T(-1));
  int64_t count = 0;
  for (int64_t k : *order) {
    const int64_t r = k / cols, c = k % cols;
    if (static_cast<C>(row_match[r]) != C(-1) || static_cast<C>(col_match[c]) != C(-1)) continue;
    const C s = score(k);
    if (!(ascend ? s < static_cast<C>(threshold) : s > static_cast<C>(threshold))) break;
    row_match[r] = static_cast<T>(c);
    col_match[c] = static_cast<T>(r);
    if (topk > 0 && ++count > topk) break;
  }
}

int BipartiteMatchingForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL && call->req[1] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD || call->req[1] == MX_REQ_ADD)
    return Fail("_contrib_bipartite_matching does not support req=add");
  const DLTensor& data = call->inputs[0];
  const int64_t rows = data.shape[data.ndim - 2], cols = data.shape[data.ndim - 1];
  const int64_t batch = rows * cols != 0 ? NumElements(data) / (rows * cols) : 0;
  const bool ascend = mx_attr_find(call->attrs, call->num_attrs, "is_ascend")->i != 0;
  const float threshold = static_cast<float>(mx_attr_find(call->attrs, call->num_attrs, "threshold")->f);
  const int64_t topk = mx_attr_find(call->attrs, call->num_attrs, "topk")->i;
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* x = Data<T>(data);
    T *row_match = Data<T>(call->outputs[0]), *col_match = Data<T>(call->outputs[1]);
    if (rows * cols == 0) {  // nothing to match: every row and column unmatched
      std::fill_n(row_match, NumElements(call->outputs[0]), T(-1));
      std::fill_n(col_match, NumElements(call->outputs[1]), T(-1));
      return;
    }
    ParallelFor(batch, std::max<int64_t>(1, 16384 / (rows * cols)), [&](int64_t begin, int64_t end) {
      std::vector<int64_t> order;
      for (int64_t b = begin; b < end; ++b)
        MatchBatch(x + b * rows * cols, rows, cols, ascend, threshold, topk, row_match + b * rows,
                   col_match + b * cols, &order);
    });
  });
  return ok ? 0 : Fail("_contrib_bipartite_matching: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(bipartite_matching) {
  return RegisterKernel("_contrib_bipartite_matching", BipartiteMatchingForward, nullptr, kFloats);
}

}  // namespace mx_cpu
