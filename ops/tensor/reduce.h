// Shape rules of the axis reductions (sum, mean, ..., norm), shared with
// their gradients.
#ifndef MX_OPS_TENSOR_REDUCE_H_
#define MX_OPS_TENSOR_REDUCE_H_

#include "ops/op.h"

namespace mx {
namespace op {

// The output shape of reducing `in` over attrs' `axis` (None or () for all
// axes; `axis_param` names it: moments calls it `axes`) with MXNet 1.9's
// legacy rules; throws kValue for a bad axis.
Shape ReduceAxesShape(const Shape& in, const Attrs& attrs, bool keepdims, bool exclude,
                      const char* axis_param = "axis");

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_TENSOR_REDUCE_H_
