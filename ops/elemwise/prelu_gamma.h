// LeakyReLU's prelu slope gamma and how it spreads over data: one slope per
// channel (axis 1; axis 0 of a 1-D input), a single slope (shape (1,)), or
// one per element (data's shape).
#ifndef MX_OPS_ELEMWISE_PRELU_GAMMA_H_
#define MX_OPS_ELEMWISE_PRELU_GAMMA_H_

#include "common/shape.h"
#include "ops/gradient.h"

namespace mx {
namespace op {

// The number of channels of data (1 for a 0-d input).
int64_t PReLUChannels(const Shape& data);
// gamma is one of the three shapes above for data (both known).
bool PReLUGammaFits(const Shape& gamma, const Shape& data);
// gamma spread to data's shape (gradient graphs).
Value BroadcastPReLUGamma(GradBuilder& b, Value gamma, Value data);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_ELEMWISE_PRELU_GAMMA_H_
