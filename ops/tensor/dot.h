#ifndef MX_OPS_TENSOR_DOT_H_
#define MX_OPS_TENSOR_DOT_H_

#include <string>

#include "ops/op.h"

namespace mx {
namespace op {

// dot's output shape for operands a and b (known); throws kValue naming
// op_name when they do not align.
Shape DotResultShape(const Shape& a, const Shape& b, bool ta, bool tb, const std::string& op_name);

// The parameters dot and batch_dot share (MXNet 1.9 declares the same three).
OpDef& AddDotParams(OpDef& op);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_TENSOR_DOT_H_
