#include "ops/linalg/la_gradient.h"

#include <sstream>

namespace mx {
namespace op {

std::string FloatStr(double v) {
  std::ostringstream text;
  text.precision(17);
  text << v;
  return text.str();
}

Value Gemm2(GradBuilder& b, Value x, Value y, bool ta, bool tb, double alpha) {
  return b.Apply("_linalg_gemm2", {x, y},
                 {{"transpose_a", BoolStr(ta)}, {"transpose_b", BoolStr(tb)}, {"alpha", FloatStr(alpha)}});
}

Value SwapLast(GradBuilder& b, Value x) { return b.Apply("SwapAxis", {x}, {{"dim1", "-2"}, {"dim2", "-1"}}); }

Value Triangle(GradBuilder& b, Value x, bool lower) {
  const Params params{{"lower", BoolStr(lower)}};
  return b.Apply("_linalg_maketrian", {b.Apply("_linalg_extracttrian", {x}, params)}, params);
}

Value MirrorLower(GradBuilder& b, Value x) {
  const Params strict{{"offset", "-1"}};
  const Value below = b.Apply("_linalg_maketrian", {b.Apply("_linalg_extracttrian", {x}, strict)}, strict);
  const Value diagonal = b.Apply("_linalg_makediag", {b.Apply("_linalg_extractdiag", {x})});
  return Add(b, Add(b, below, SwapLast(b, below)), diagonal);
}

// s gets two trailing axes of 1 and broadcasts over each matrix.  A single
// matrix's value has shape (1,), so the product comes out (1, n, n):
// reshape_like brings it back to x's shape.
Value ScaleMatrices(GradBuilder& b, Value x, Value s) {
  const Value s3 = b.Apply("expand_dims", {b.Apply("expand_dims", {s}, {{"axis", "-1"}})}, {{"axis", "-1"}});
  return b.Apply("reshape_like", {b.Apply("broadcast_mul", {s3, x}), x});
}

}  // namespace op
}  // namespace mx
