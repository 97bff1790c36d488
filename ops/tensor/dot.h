#ifndef MX_OPS_TENSOR_DOT_H_
#define MX_OPS_TENSOR_DOT_H_

#include "ops/op.h"

namespace mx {
namespace op {

// The parameters dot and batch_dot share (MXNet 1.9 declares the same three).
OpDef& AddDotParams(OpDef& op);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_TENSOR_DOT_H_
