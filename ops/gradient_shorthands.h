// More shorthands for gradient functions (beside those in gradient.h): the
// scalar and unary ops element-wise gradients are built from.
#ifndef MX_OPS_GRADIENT_SHORTHANDS_H_
#define MX_OPS_GRADIENT_SHORTHANDS_H_

#include "ops/gradient.h"

namespace mx {
namespace op {

inline Value Unary(GradBuilder& b, const char* op, Value x) { return b.Apply(op, {x}); }
inline Value Square(GradBuilder& b, Value x) { return b.Apply("square", {x}); }
inline Value Scale(GradBuilder& b, Value x, double s) { return WithScalar(b, "_mul_scalar", x, s); }
inline Value PlusScalar(GradBuilder& b, Value x, double s) { return WithScalar(b, "_plus_scalar", x, s); }
// s - x
inline Value RMinusScalar(GradBuilder& b, Value x, double s) { return WithScalar(b, "_rminus_scalar", x, s); }
// 1 where x > s, else 0 (NaN: 0)
inline Value GreaterScalar(GradBuilder& b, Value x, double s) { return WithScalar(b, "_greater_scalar", x, s); }
// x where cond is non-zero, else y
inline Value Where(GradBuilder& b, Value cond, Value x, Value y) { return b.Apply("where", {cond, x, y}); }

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_GRADIENT_SHORTHANDS_H_
