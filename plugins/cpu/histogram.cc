// Kernel of _histogram (ops/tensor/histogram.cc): the edges (bin_cnt equal
// bins over range, or the bins input), then each element's bin, found as
// numpy.histogram does: from its position in range for equal bins (checked
// against the edges as written in the dtype), else by binary search.
#include <algorithm>
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

int Histogram(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_ADD || call->req[1] == MX_REQ_ADD) return Fail("_histogram does not support req=add");
  const DLTensor &data = call->inputs[0], &counts = call->outputs[0], &edges_out = call->outputs[1];
  const int64_t bins = counts.shape[0], n = NumElements(data);
  const MXAttr& range = Param(call, "range");
  const bool uniform = !range.is_none;
  double lo = uniform ? range.floats[0] : 0, hi = uniform ? range.floats[1] : 0;
  if (lo == hi) lo -= 0.5, hi += 0.5;  // numpy's widening of an empty range
  bool increasing = true;
  const bool ok = DispatchDType(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* out_edges = Data<T>(edges_out);
    std::vector<double> edges(bins + 1);
    for (int64_t i = 0; i <= bins; ++i) {
      const T edge = uniform ? static_cast<T>((hi * i + (bins - i) * lo) / bins) : Data<T>(call->inputs[1])[i];
      out_edges[i] = edge;
      edges[i] = static_cast<double>(edge);
      increasing = increasing && (i == 0 || edges[i - 1] <= edges[i]);  // numpy allows equal edges
    }
    if (!increasing) return;
    int64_t* count = Data<int64_t>(counts);
    std::fill(count, count + bins, 0);
    const double first = uniform ? lo : edges[0], last = uniform ? hi : edges[bins];  // numpy's
    const T* x = Data<T>(data);
    for (int64_t k = 0; k < n; ++k) {
      const double v = static_cast<double>(x[k]);
      if (!(v >= first && v <= last)) continue;  // outside, or NaN
      int64_t bin;
      if (uniform) {
        bin = std::min(bins - 1, static_cast<int64_t>((v - lo) * bins / (hi - lo)));
        if (bin > 0 && v < edges[bin]) --bin;
        else if (bin < bins - 1 && v >= edges[bin + 1]) ++bin;
      } else {
        bin = std::upper_bound(edges.begin(), edges.end(), v) - edges.begin() - 1;
      }
      ++count[std::min(bin, bins - 1)];
    }
  });
  if (!ok) return Fail("_histogram: unsupported dtype");
  return increasing ? 0 : Fail("_histogram: bins must increase monotonically");
}

}  // namespace

MX_CPU_KERNELS(histogram) { return RegisterKernel("_histogram", Histogram, nullptr, kNumeric); }

}  // namespace mx_cpu
