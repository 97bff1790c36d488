// _histogram: counts (int64) of data's elements in bins, and the bin edges
// (data's dtype).  Either bin_cnt equal bins over range = (lo, hi), or the
// edges given as a second input; every bin is [edge_i, edge_i+1) but the
// last, which also takes its right edge (numpy.histogram).  Elements
// outside the edges (and NaN) are not counted.
#include <string>
#include <vector>

#include "common/dtype.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool CountsGiven(const Attrs& attrs) { return !attrs.IsNone("bin_cnt"); }

bool HistogramShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  MX_CHECK(CountsGiven(attrs) == !attrs.IsNone("range"), kValue,
           "operator _histogram: bin_cnt and range must both be given or neither (then the bins input "
           "holds the edges)");
  int64_t bins;
  if (CountsGiven(attrs)) {
    bins = attrs.Int("bin_cnt");
    MX_CHECK(bins >= 1, kValue, "operator _histogram: bin_cnt must be at least 1, got ", bins);
    const MXAttr& range = attrs.Get("range");
    MX_CHECK(range.len == 2, kValue, "operator _histogram: range must have 2 elements, got ", range.len);
    MX_CHECK(range.floats[0] <= range.floats[1], kValue, "operator _histogram: the left end of range (",
             range.floats[0], ") must not exceed the right end (", range.floats[1], ")");
  } else {
    const Shape& edges = (*in)[1];
    if (!edges.is_known()) return false;
    MX_CHECK(edges.ndim() == 1 && edges[0] >= 2, kValue,
             "operator _histogram: bins must be a 1-D array of at least 2 edges, got shape ", edges.ToString());
    bins = edges[0] - 1;
  }
  AssignShape(&(*out)[0], Shape({bins}), *attrs.op(), "histogram");
  AssignShape(&(*out)[1], Shape({bins + 1}), *attrs.op(), "bin edges");
  return (*in)[0].is_known();
}

// The counts are int64; the edges (and a bins input) have data's dtype.
bool HistogramType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  AssignType(&(*out)[0], kInt64, *attrs.op(), "histogram");
  if ((*in)[0] < 0) return false;
  if (in->size() > 1) AssignType(&(*in)[1], (*in)[0], *attrs.op(), "bins");
  AssignType(&(*out)[1], (*in)[0], *attrs.op(), "bin edges");
  return true;
}

}  // namespace

MX_REGISTER_OP(_histogram)
    .Describe(
        "This operators implements the histogram function.\n\n"
        "With bin_cnt and range, counts data's elements in bin_cnt equal bins over range (widened by "
        "0.5 on each side when its ends are equal); otherwise the bins input holds increasing edges. "
        "Each bin is [left, right) except the last, which includes its right edge; elements outside "
        "the edges are ignored. Outputs the counts (int64) and the bin edges.")
    .InputsFn({"data", "bins"}, [](const Attrs& attrs) { return CountsGiven(attrs) ? 1 : 2; })
    .NumOutputsFn([](const Attrs&) { return 2; })
    .Param("bin_cnt", "int or None", "None", "Number of bins for uniform case")
    .Param("range", "tuple of <double> or None", "None",
           "The lower and upper range of the bins. if not provided, range is simply (a.min(), a.max()). "
           "values outside the range are ignored. the first element of the range must be less than or "
           "equal to the second. range affects the automatic bin computation as well. while bin width is "
           "computed to be optimal based on the actual data within range, the bin count will fill the "
           "entire range including portions containing no data.")
    .Shapes(HistogramShape)
    .Types(HistogramType)
    .Alias("_npi_histogram");

}  // namespace op
}  // namespace mx
