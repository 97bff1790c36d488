// _contrib_bipartite_matching (MXNet 1.9): greedy matching on a score
// matrix data (..., N, M), every leading axis a batch.  Per batch the N * M
// scores are stably sorted (descending, or ascending with is_ascend) and
// walked in order; a pair whose row and column are both free is matched if
// its score is > threshold (< threshold with is_ascend), and the walk stops
// at the first free pair that is not, or once more than topk pairs matched
// (topk > 0; so topk + 1 pairs, as MXNet counts).  Outputs, in data's
// dtype: each row's column (..., N) and each column's row (..., M), -1
// where unmatched.  NaN scores sort last and so end the walk (MXNet leaves
// their order undefined).  As in MXNet, the gradient is zero.
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

bool BipartiteMatchingShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  MX_CHECK(data.ndim() >= 2, kValue, attrs.op()->name, ": score matrix must have dim >= 2 ", data.ndim(),
           " provided");
  std::vector<int64_t> cols(data.begin(), data.end() - 2);
  cols.push_back(data[data.ndim() - 1]);
  AssignShape(&(*out)[0], Shape(data.begin(), data.ndim() - 1), *attrs.op(), "row matches");
  AssignShape(&(*out)[1], Shape(cols), *attrs.op(), "column matches");
  return true;
}

}  // namespace

MX_REGISTER_OP(_contrib_bipartite_matching)
    .Describe("Compute bipartite matching.\n"
              "  The matching is performed on score matrix with shape [B, N, M]\n"
              "  - B: batch_size\n"
              "  - N: number of rows to match\n"
              "  - M: number of columns as reference to be matched against.\n\n"
              "  Returns:\n"
              "  x : matched column indices. -1 indicating non-matched elements in rows.\n"
              "  y : matched row indices.\n\n"
              "  Zero gradients are back-propagated in this op for now.")
    .Inputs({"data"})
    .Outputs({"row_matches", "column_matches"})
    .Param("is_ascend", "boolean", "False",
           "Use ascend order for scores instead of descending. Please set threshold accordingly.")
    .Param("threshold", "float", nullptr,
           "Ignore matching when score < thresh, if is_ascend=false, or ignore score > thresh, if is_ascend=true.")
    .Param("topk", "int", "-1", "Limit the number of matches to topk, set -1 for no limit")
    .Shapes(BipartiteMatchingShape)
    .Types(SameFloatTypes)
    .Gradient(ZeroGradient);

}  // namespace op
}  // namespace mx
