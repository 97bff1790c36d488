// FullyConnected's shape rules, shared with its gradient.
#ifndef MX_OPS_NN_FULLY_CONNECTED_H_
#define MX_OPS_NN_FULLY_CONNECTED_H_

#include "ops/op.h"

namespace mx {
namespace op {

// The columns data is read with (-1 where unknown): its last dim, or all but
// the first when flatten.
int64_t FullyConnectedInputDim(const Shape& data, bool flatten);
// The output shape for data (ndim >= 1).
Shape FullyConnectedOutputShape(const Shape& data, int64_t num_hidden, bool flatten);
// attrs' num_hidden and flatten with the given no_bias, for gradient nodes.
Params FullyConnectedParams(const Attrs& attrs, bool no_bias);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_NN_FULLY_CONNECTED_H_
