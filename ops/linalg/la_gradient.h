// Building blocks of the la_op gradients, each a few ordinary ops so that
// the gradients are graphs MX can differentiate again.
#ifndef MX_OPS_LINALG_LA_GRADIENT_H_
#define MX_OPS_LINALG_LA_GRADIENT_H_

#include <string>

#include "ops/gradient.h"

namespace mx {
namespace op {

// x with its last two axes swapped (each matrix transposed).
Value SwapLast(GradBuilder& b, Value x);

// x with zeros outside its lower (or upper) triangle, diagonal kept.
Value Triangle(GradBuilder& b, Value x, bool lower);

// The symmetric matrix with x's lower triangle, diagonal included (MXNet's copyLTU).
Value MirrorLower(GradBuilder& b, Value x);

// x * s, s holding one value per matrix of x (shape PerMatrixShape(x)).
Value ScaleMatrices(GradBuilder& b, Value x, Value s);

// Strings for op parameters.
inline const char* BoolStr(bool v) { return v ? "True" : "False"; }
std::string FloatStr(double v);  // round-trips

// alpha * op(x) op(y) (_linalg_gemm2).
Value Gemm2(GradBuilder& b, Value x, Value y, bool ta, bool tb, double alpha = 1.0);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_LINALG_LA_GRADIENT_H_
