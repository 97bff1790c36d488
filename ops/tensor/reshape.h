#ifndef MX_OPS_TENSOR_RESHAPE_H_
#define MX_OPS_TENSOR_RESHAPE_H_

#include <string>

#include "common/shape.h"

namespace mx {
namespace op {

// The target shape of reshaping src by spec, with MXNet's special codes:
// 0 copies a dim, -1 infers one dim, -2 copies all remaining dims, -3 merges
// two dims, -4 splits one dim into the next two spec values (one may be -1).
// reverse applies the codes right to left.  Throws kValue when the spec is
// malformed or the sizes differ.
Shape InferReshape(const Shape& src, const Shape& spec, bool reverse, const std::string& op_name);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_TENSOR_RESHAPE_H_
