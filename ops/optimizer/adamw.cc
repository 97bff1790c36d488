// MXNet's AdamW ops (src/operator/contrib/adamw.cc): Adam with the weight
// decay taken out of the gradient, for one weight (_adamw_update,
// _mp_adamw_update) or many (_multi_adamw_update, _multi_mp_adamw_update).
// With g = clip(rescale_grad * grad, clip_gradient):
//   mean = beta1 * mean + (1 - beta1) * g;  var = beta2 * var + (1 - beta2) * g^2
//   out = weight - eta * (lr * mean / (sqrt(var) + epsilon) + wd * weight)
// rescale_grad is an array (its first value is read, so a loss scaler
// changes it without a new op call); when it is 0, inf or NaN the update is
// skipped: the states stay as they were and the output is the weight.
#include "ops/optimizer/multi_update.h"

namespace mx {
namespace op {
namespace optimizer {

namespace {

constexpr const char* kAdamWDoc =
    "AdamW is seen as a modification of Adam by decoupling the weight decay from the optimization steps taken "
    "w.r.t. the loss function.\n\n"
    "Adam update consists of the following steps, where g represents gradient and m, v are 1st and 2nd order "
    "moment estimates (mean and variance).\n\n"
    ".. math::\n\n"
    " g_t = \\nabla J(W_{t-1})\\\\\n"
    " m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t\\\\\n"
    " v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2\\\\\n"
    " W_t = W_{t-1} - \\eta_t (\\alpha \\frac{ m_t }{ \\sqrt{ v_t } + \\epsilon } + wd W_{t-1})\n\n"
    "It updates the weights using::\n\n"
    " m = beta1*m + (1-beta1)*grad\n"
    " v = beta2*v + (1-beta2)*(grad**2)\n"
    " w -= eta * (learning_rate * m / (sqrt(v) + epsilon) + w * wd)\n\n"
    "Note that gradient is rescaled to grad = rescale_grad * grad. If rescale_grad is NaN, Inf, or 0, the update "
    "is skipped: the states keep their values and the output is the weight.  rescale_grad is an array of any "
    "float dtype (float32 when not given) whose first value is read.";

constexpr const char* kRescaleGradArrayDoc =
    "Rescale gradient to rescale_grad * grad. If NaN, Inf, or 0, the update is skipped.";

WeightGroups AdamWGroups(bool mixed_precision, bool multi) {
  std::vector<std::string> names = {"weight", "grad", "mean", "var"};
  if (mixed_precision) names.push_back("weight32");
  return {names, mixed_precision ? 2 : 4, multi ? "num_weights" : nullptr, {"rescale_grad"}};
}

// The groups as WeightGroups lays them out; rescale_grad holds a value.
InferShapeFn AdamWShapes(WeightGroups groups) {
  return [groups](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
    if (groups.count_param) groups.CheckPerWeight(attrs, {"lrs", "wds", "etas"});
    const Shape& scale = in->back();
    MX_CHECK(!scale.is_known() || scale.Size() >= 1, kValue, "operator ", attrs.op()->name,
             ": rescale_grad must hold a value, got shape ", scale.ToString());
    return groups.Shapes(attrs, in, out) && scale.is_known();
  };
}

// The groups as WeightGroups types them; rescale_grad is any float dtype,
// float32 when nothing says otherwise.
InferTypeFn AdamWTypes(WeightGroups groups) {
  return [groups](const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
    int& scale = in->back();
    if (scale < 0) scale = kFloat32;
    CheckFloatType(attrs, scale, "rescale_grad");
    return groups.Types(attrs, in, out) >= 0;
  };
}

OpDef& AddAdamWParams(OpDef& op, bool multi) {
  if (multi) op.Param("lrs", "tuple of <float>", nullptr, "Learning rates");
  else op.Param("lr", "float", nullptr, kLrDoc);
  op.Param("beta1", "float", "0.9", "The decay rate for the 1st moment estimates.")
      .Param("beta2", "float", "0.999", "The decay rate for the 2nd moment estimates.")
      .Param("epsilon", "float", "1e-08", kEpsilonDoc);
  if (multi) {
    op.Param("wds", "tuple of <float>", nullptr, kWdDoc)
        .Param("etas", "tuple of <float>", nullptr, "Learning rates schedule multiplier");
  } else {
    op.Param("wd", "float", "0", kWdDoc).Param("eta", "float", nullptr, "Learning rate schedule multiplier");
  }
  op.Param("clip_gradient", "float", "-1", kClipGradientDoc);
  if (multi) op.Param("num_weights", "int", "1", "Number of updated weights.");
  return op;
}

void RegisterAdamW(const std::string& name, bool mixed_precision, bool multi) {
  const WeightGroups groups = AdamWGroups(mixed_precision, multi);
  std::string doc = std::string(mixed_precision ? "Update function for multi-precision AdamW optimizer.\n\n"
                                                : "Update function for AdamW optimizer. ") +
                    kAdamWDoc;
  if (mixed_precision)
    doc += "\n\nMixed precision: mean, var and weight32 (the float32 master copy of the weight, updated in place) "
           "are float32; the output is weight32 rounded to weight's dtype.";
  if (multi)
    doc += "\n\nInputs, per weight: weight_i, grad_i, mean_i, var_i" +
           std::string(mixed_precision ? ", weight32_i" : "") +
           "; then rescale_grad.  Output i is weight i's new value; lrs, wds and etas hold one value per weight.";
  std::vector<std::string> inputs = groups.names;
  inputs.push_back("rescale_grad");
  OpDef& op = multi ? RegisterMultiUpdate(name, doc, groups)
                    : Registry::Get().Register(name).Describe(doc).Inputs(inputs).MutateInputs(
                          mixed_precision ? std::vector<int>{2, 3, 4} : std::vector<int>{2, 3}).Inplace({{0, 0}});
  op.Shapes(AdamWShapes(groups)).Types(AdamWTypes(groups));
  AddAdamWParams(op, multi);
}

}  // namespace

MX_REGISTER_OPS(optimizer_adamw) {
  for (bool multi : {false, true})
    for (bool mixed : {false, true})
      RegisterAdamW(std::string(multi ? "_multi_" : "_") + (mixed ? "mp_" : "") + "adamw_update", mixed, multi);
}

}  // namespace optimizer
}  // namespace op
}  // namespace mx
