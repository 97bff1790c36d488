#include "ops/linalg/matmul_gradient.h"

namespace mx {
namespace op {

std::pair<Value, Value> MatmulGradients(GradBuilder& b, const std::string& op, Value og, Value a, Value bm,
                                        bool trans_a, bool trans_b, const Params& same) {
  const auto product = [&](Value lhs, Value rhs, bool tl, bool tr) {
    Params params = same;
    params.push_back({"transpose_a", tl ? "True" : "False"});
    params.push_back({"transpose_b", tr ? "True" : "False"});
    return b.Apply(op, {lhs, rhs}, params);
  };
  if (!trans_a && !trans_b) return {product(og, bm, false, true), product(a, og, true, false)};
  if (trans_a && !trans_b) return {product(bm, og, false, true), product(a, og, false, false)};  // out = A^T B
  if (!trans_a) return {product(og, bm, false, false), product(og, a, true, false)};           // out = A B^T
  return {product(bm, og, true, true), product(og, a, true, true)};                           // out = A^T B^T
}

}  // namespace op
}  // namespace mx
