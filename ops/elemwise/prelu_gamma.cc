// prelu's gamma broadcasting rule, its use in gradients, and
// _prelu_reduce_like(data, like): data (of LeakyReLU's data shape) summed
// down to the gamma-shaped like, the adjoint of that broadcast -- the
// gradient of gamma.
#include "ops/elemwise/prelu_gamma.h"

#include "ops/op.h"

namespace mx {
namespace op {

int64_t PReLUChannels(const Shape& data) {
  return data.ndim() == 0 ? 1 : data.ndim() == 1 ? data[0] : data[1];
}

bool PReLUGammaFits(const Shape& gamma, const Shape& data) {
  return gamma == data || (gamma.ndim() == 1 && (gamma[0] == 1 || gamma[0] == PReLUChannels(data)));
}

// Rationale: LeakyReLU is the one op that knows this rule; on an input of
// -1 everywhere its prelu form returns -gamma spread over the input.  So
// the broadcast needs no op of its own, and its gradient (gamma's, through
// LeakyReLU) is _prelu_reduce_like.
Value BroadcastPReLUGamma(GradBuilder& b, Value gamma, Value data) {
  const Value minus_ones = Neg(b, b.Apply("ones_like", {data}));
  return Neg(b, b.Apply("LeakyReLU", {minus_ones, gamma}, {{"act_type", "prelu"}}));
}

namespace {

bool ReduceLikeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &data = (*in)[0], &like = (*in)[1];
  if (!like.is_known()) return false;
  AssignShape(&(*out)[0], like, *attrs.op(), "output");
  if (!data.is_known()) return false;
  MX_CHECK(PReLUGammaFits(like, data), kValue, "_prelu_reduce_like: shape ", like.ToString(),
           " is not a prelu gamma shape for data of shape ", data.ToString(), " ((channels,) = (",
           PReLUChannels(data), ",), (1,) or data's shape)");
  return true;
}

bool ReduceLikeType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  AssignType(&(*out)[0], (*in)[0], *attrs.op(), "output");
  AssignType(&(*in)[0], (*out)[0], *attrs.op(), "data");
  return (*out)[0] >= 0;
}

}  // namespace

MX_REGISTER_OP(_prelu_reduce_like)
    .Describe("Sums data down to the shape of like, a LeakyReLU prelu gamma for data: over "
              "everything but the channel axis for one slope per channel, over everything for a "
              "single slope, nothing for one slope per element.  like's values are unused.")
    .Inputs({"data", "like"})
    .Shapes(ReduceLikeShape)
    .Types(ReduceLikeType)
    .Gradient([](GradBuilder& b) {
      return std::vector<Value>{BroadcastPReLUGamma(b, b.out_grad(0), b.input(0)), Value()};
    });

}  // namespace op
}  // namespace mx
