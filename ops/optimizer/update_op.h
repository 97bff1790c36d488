// What MXNet's optimizer update ops share (src/operator/optimizer_op.cc):
// inputs (weight, grad, state...), one output of weight's shape -- the new
// weight, which callers usually write over weight (out=weight) -- and
// states (momentum, moments, master weights) updated in place.  Every input
// has weight's shape.  No gradient: MXNet registers none.
#ifndef MX_OPS_OPTIMIZER_UPDATE_OP_H_
#define MX_OPS_OPTIMIZER_UPDATE_OP_H_

#include <string>
#include <vector>

#include "common/dtype.h"
#include "common/error.h"
#include "ops/op.h"

namespace mx {
namespace op {
namespace optimizer {

// MXNet's parameter docs, shared by every update op that takes them.
constexpr const char* kLrDoc = "Learning rate";
constexpr const char* kWdDoc =
    "Weight decay augments the objective function with a regularization term that penalizes large weights. "
    "The penalty scales with the square of the magnitude of each weight.";
constexpr const char* kRescaleGradDoc = "Rescale gradient to grad = rescale_grad*grad.";
constexpr const char* kClipGradientDoc =
    "Clip gradient to the range of [-clip_gradient, clip_gradient] If clip_gradient <= 0, gradient clipping is "
    "turned off. grad = max(min(grad, clip_gradient), -clip_gradient).";
constexpr const char* kClipWeightsDoc =
    "Clip weights to the range of [-clip_weights, clip_weights] If clip_weights <= 0, weight clipping is turned "
    "off. weights = max(min(weights, clip_weights), -clip_weights).";
constexpr const char* kMomentumDoc = "The decay rate of momentum estimates at each epoch.";
constexpr const char* kEpsilonDoc = "A small constant for numerical stability.";

inline void CheckFloatType(const Attrs& attrs, int dtype, const char* what) {
  MX_CHECK(dtype == kFloat32 || dtype == kFloat64 || dtype == kFloat16, kType, "operator ", attrs.op()->name, ": ",
           what, " has dtype ", DTypeName(dtype), " (float16, float32 and float64 only)");
}

// Every input and the output share one floating-point dtype.
inline bool UpdateTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  if (!SameTypes(attrs, in, out)) return false;
  CheckFloatType(attrs, (*in)[0], "weight");
  return true;
}

// Mixed precision (mp_*): weight, grad and the output share a dtype
// (float16 in practice); the states after them, the master weight32
// included, are float32.
inline bool MixedPrecisionTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  int t = -1;
  AssignType(&t, (*in)[0], op, "weight");
  AssignType(&t, (*in)[1], op, "grad");
  AssignType(&t, (*out)[0], op, "output");
  for (size_t i = 2; i < in->size(); ++i) AssignType(&(*in)[i], kFloat32, op, "float32 state");
  if (t < 0) return false;
  CheckFloatType(attrs, t, "weight");
  (*in)[0] = (*in)[1] = (*out)[0] = t;
  return true;
}

// Registers `name` with inputs (weight, grad, states...); the states are
// updated in place.  Chain .Param calls after it.
inline OpDef& RegisterUpdate(const std::string& name, std::string description, std::vector<std::string> inputs,
                             bool mixed_precision = false) {
  std::vector<int> states;
  for (int i = 2; i < static_cast<int>(inputs.size()); ++i) states.push_back(i);
  return Registry::Get()
      .Register(name)
      .Describe(std::move(description))
      .Inputs(std::move(inputs))
      .MutateInputs(std::move(states))
      .Inplace({{0, 0}})
      .Shapes(SameShapes)
      .Types(mixed_precision ? MixedPrecisionTypes : UpdateTypes);
}

}  // namespace optimizer
}  // namespace op
}  // namespace mx

#endif  // MX_OPS_OPTIMIZER_UPDATE_OP_H_
