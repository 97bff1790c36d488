// MXNet's multi-tensor LAMB ops (src/operator/contrib/multi_lamb.cc): both
// of LAMB's phases (trust_ratio.cc) for num_tensors weights in one call.
// For weight i, with g_i = clip(rescale_grad * grad_i, clip_gradient):
//   mean_i, var_i updated as Adam's; d_i = mean_hat / (sqrt(var_hat) + epsilon) + wds[i] * weight_i
//   (hats: divided by 1 - beta^step_count[i] when bias_correction)
//   out_i = weight_i - learning_rates[i] * r * d_i, r = clamp(||weight_i||) / ||d_i|| (1 when either is 0)
// The mixed-precision form steps the float32 master weight32_i (updated in
// place) and takes ||weight_i|| from the low-precision weight, as MXNet does.
#include "ops/optimizer/multi_update.h"

namespace mx {
namespace op {
namespace optimizer {

namespace {

WeightGroups LambGroups(bool mixed_precision) {
  std::vector<std::string> names = {"weight", "grad", "mean", "var"};
  if (mixed_precision) names.push_back("weight32");
  return {names, mixed_precision ? 2 : 4, "num_tensors", {}};
}

void RegisterMultiLamb(const std::string& name, bool mixed_precision) {
  const WeightGroups groups = LambGroups(mixed_precision);
  std::string doc = mixed_precision ? "Compute the LAMB coefficients of multiple weights and grads with Mix Precision"
                                    : "Compute the LAMB coefficients of multiple weights and grads";
  doc += "\n\nUpdates each weight by LAMB (https://arxiv.org/pdf/1904.00962.pdf), as lamb_update_phase1 and "
         "lamb_update_phase2 do with the L2 norms of the weight and of phase 1's direction.  Inputs, per tensor: "
         "weight_i, grad_i, mean_i, var_i";
  doc += mixed_precision ? ", weight32_i (mean, var and the float32 master weight updated in place)."
                         : " (mean and var updated in place).";
  doc += "  Output i is weight i's new value; learning_rates, wds and step_count hold one value per tensor.";
  RegisterMultiUpdate(name, doc, groups)
      .Shapes([groups](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
        groups.CheckPerWeight(attrs, {"learning_rates", "wds", "step_count"});
        return groups.Shapes(attrs, in, out);
      })
      .Types([groups](const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
        return groups.Types(attrs, in, out) >= 0;
      })
      .Param("learning_rates", "tuple of <float>", nullptr, "List of learning rates")
      .Param("beta1", "float", "0.9", "Exponential decay rate for the first moment estimates.")
      .Param("beta2", "float", "0.999", "Exponential decay rate for the second moment estimates.")
      .Param("epsilon", "float", "1e-06", "Small value to avoid division by 0.")
      .Param("wds", "tuple of <float>", nullptr, std::string("List of Weight decays.") + kWdDoc)
      .Param("rescale_grad", "float", "1", "Gradient rescaling factor")
      .Param("lower_bound", "float", "-1",
             "Lower limit of norm of weight. If lower_bound <= 0, Lower limit is not set")
      .Param("upper_bound", "float", "-1",
             "Upper limit of norm of weight. If upper_bound <= 0, Upper limit is not set")
      .Param("clip_gradient", "float", "-1", kClipGradientDoc)
      .Param("bias_correction", "boolean", "True", "Whether to use bias correction.")
      .Param("step_count", "Shape(tuple)", nullptr, "Step count for each tensor")
      .Param("num_tensors", "int", "1", "Number of tensors");
}

}  // namespace

MX_REGISTER_OPS(optimizer_multi_lamb) {
  RegisterMultiLamb("_multi_lamb_update", false);
  RegisterMultiLamb("_multi_mp_lamb_update", true);
}

}  // namespace optimizer
}  // namespace op
}  // namespace mx
