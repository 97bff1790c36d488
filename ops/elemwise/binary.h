#ifndef MX_OPS_ELEMWISE_BINARY_H_
#define MX_OPS_ELEMWISE_BINARY_H_

#include <string>

#include "common/shape.h"

namespace mx {
namespace op {

// numpy broadcasting of two shapes (right-aligned; a dim of 1 stretches);
// throws kValue naming op_name when they are incompatible.
Shape BroadcastShape(const Shape& lhs, const Shape& rhs, const std::string& op_name);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_ELEMWISE_BINARY_H_
