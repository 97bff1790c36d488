// The gradient of a batched matrix product out = alpha op(A) op(B) (batch_dot,
// _linalg_gemm2, _linalg_gemm) as two more products of the same op.
#ifndef MX_OPS_LINALG_MATMUL_GRADIENT_H_
#define MX_OPS_LINALG_MATMUL_GRADIENT_H_

#include <string>
#include <utility>

#include "ops/gradient.h"

namespace mx {
namespace op {

// (dA, dB) for the output gradient og, built with `op`, which takes
// transpose_a / transpose_b and the parameters in `same` (alpha, axis),
// passed on unchanged: with out = op(A) op(B),
//   dA = og op(B)^T  (transposed when A was),  dB = op(A)^T og  (likewise).
std::pair<Value, Value> MatmulGradients(GradBuilder& b, const std::string& op, Value og, Value a, Value bm,
                                        bool trans_a, bool trans_b, const Params& same);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_LINALG_MATMUL_GRADIENT_H_
