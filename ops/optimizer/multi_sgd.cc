// MXNet's multi-tensor SGD updates (src/operator/optimizer_op.cc): one call
// updates num_weights weights, each with its own learning rate and weight
// decay, by sgd_update's / sgd_mom_update's formulas (ops/optimizer/sgd.cc).
// Inputs come interleaved per weight, as MXNet takes them: weight_i, grad_i,
// then mom_i (momentum forms) and weight32_i (mixed-precision forms); output
// i is weight i's new value; mom_i and weight32_i are updated in place.
// preloaded_* forms take lrs and wds as two float32 arrays after the
// weights' inputs instead of as parameters, so a caller changes them
// without building a new op call.
#include "ops/optimizer/multi_update.h"

namespace mx {
namespace op {
namespace optimizer {

namespace {

struct MultiSGDKind {
  bool momentum;
  bool mixed_precision;
  bool preloaded;

  WeightGroups Groups() const {
    std::vector<std::string> names = {"weight", "grad"};
    if (momentum) names.push_back("mom");
    if (mixed_precision) names.push_back("weight32");
    const int same_type = mixed_precision ? 2 : static_cast<int>(names.size());
    return {names, same_type, "num_weights", preloaded ? std::vector<std::string>{"lrs", "wds"}
                                                       : std::vector<std::string>{}};
  }
};

// Weight i's inputs and output i share a shape; lrs and wds hold one value
// per weight.
InferShapeFn MultiSGDShapes(MultiSGDKind kind) {
  return [kind, groups = kind.Groups()](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
    const int n = groups.Count(attrs), first_shared = n * groups.stride();
    if (kind.preloaded) {
      const Shape one_per_weight({static_cast<int64_t>(n)});
      for (int k : {first_shared, first_shared + 1}) {
        Shape& s = (*in)[k];
        MX_CHECK(s.ndim() < 0 || s == one_per_weight, kValue, "operator ", attrs.op()->name, ": ",
                 k == first_shared ? "lrs" : "wds", " must have shape ", one_per_weight.ToString(),
                 " (num_weights=", n, "), got ", s.ToString());
        s = one_per_weight;
      }
    } else {
      groups.CheckPerWeight(attrs, {"lrs", "wds"});
    }
    return groups.Shapes(attrs, in, out);
  };
}

// Weights, grads and outputs share one floating-point dtype; mixed
// precision's mom and weight32, and preloaded lrs and wds, are float32.
InferTypeFn MultiSGDTypes(MultiSGDKind kind) {
  return [kind, groups = kind.Groups()](const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
    const int first_shared = groups.Count(attrs) * groups.stride();
    if (kind.preloaded)
      for (int k : {first_shared, first_shared + 1}) AssignType(&(*in)[k], kFloat32, *attrs.op(), "lrs/wds");
    return groups.Types(attrs, in, out) >= 0;
  };
}

void RegisterMultiSGD(const std::string& name, MultiSGDKind kind, const std::string& description) {
  OpDef& op = RegisterMultiUpdate(name, description, kind.Groups());
  op.Shapes(MultiSGDShapes(kind)).Types(MultiSGDTypes(kind));
  if (!kind.preloaded)
    op.Param("lrs", "tuple of <float>", nullptr, "Learning rates.").Param("wds", "tuple of <float>", nullptr, kWdDoc);
  if (kind.momentum) op.Param("momentum", "float", "0", kMomentumDoc);
  op.Param("rescale_grad", "float", "1", kRescaleGradDoc)
      .Param("clip_gradient", "float", "-1", kClipGradientDoc)
      .Param("num_weights", "int", "1", "Number of updated weights.");
}

std::string Describe(const char* what, MultiSGDKind kind) {
  std::string text = std::string(what) + " for multiple weights, each with its own learning rate and weight decay.\n\n";
  text += kind.momentum ? "It updates each weight using::\n\n  v = momentum * v - learning_rate * gradient\n"
                          "  weight += v\n\nwhere gradient includes wd * weight; ``mom_i`` is updated in place."
                        : "It updates each weight using::\n\n  weight = weight - learning_rate * (gradient + wd * "
                          "weight)\n";
  text += "\n\nInputs, per weight: weight_i, grad_i";
  text += kind.momentum ? ", mom_i" : "";
  text += kind.mixed_precision ? ", weight32_i (a float32 master copy of the weight, updated in place)" : "";
  text += kind.preloaded ? "; then lrs and wds, float32 arrays of num_weights learning rates and weight decays."
                         : ".";
  text += "  Output i is weight i's new value.";
  return text;
}

}  // namespace

MX_REGISTER_OPS(optimizer_multi_sgd) {
  for (bool preloaded : {false, true}) {
    const std::string prefix = preloaded ? "preloaded_" : "";
    const char* what = preloaded ? "Update function for Stochastic Gradient Descent (SGD) optimizer, lrs and wds "
                                   "given as arrays,"
                                 : "Update function for Stochastic Gradient Descent (SGD) optimizer";
    for (bool momentum : {false, true})
      for (bool mixed : {false, true}) {
        const MultiSGDKind kind{momentum, mixed, preloaded};
        const std::string name =
            prefix + "multi_" + (mixed ? "mp_" : "") + "sgd_" + (momentum ? "mom_" : "") + "update";
        RegisterMultiSGD(name, kind, Describe(what, kind));
      }
  }
}

}  // namespace optimizer
}  // namespace op
}  // namespace mx
