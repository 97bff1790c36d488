// MXNet's multi-tensor SGD updates (src/operator/optimizer_op.cc): one call
// updates num_weights weights, each with its own learning rate and weight
// decay, by sgd_update's / sgd_mom_update's formulas (ops/optimizer/sgd.cc).
// Inputs come interleaved per weight, as MXNet takes them: weight_i, grad_i,
// then mom_i (momentum forms) and weight32_i (mixed-precision forms); output
// i is weight i's new value; mom_i and weight32_i are updated in place.
// preloaded_* forms take lrs and wds as two float32 arrays after the
// weights' inputs instead of as parameters, so a caller changes them
// without building a new op call.
#include "ops/optimizer/update_op.h"

namespace mx {
namespace op {
namespace optimizer {

namespace {

struct MultiSGDKind {
  bool momentum;
  bool mixed_precision;
  bool preloaded;
  // Inputs per weight.
  int stride() const { return 2 + momentum + mixed_precision; }
};

int NumWeights(const Attrs& attrs) {
  const int64_t n = attrs.Int("num_weights");
  MX_CHECK(n >= 1, kValue, "operator ", attrs.op()->name, ": num_weights must be >= 1, got ", n);
  return static_cast<int>(n);
}

std::vector<std::string> InputNames(MultiSGDKind kind, const Attrs& attrs) {
  std::vector<std::string> names;
  for (int i = 0, n = NumWeights(attrs); i < n; ++i) {
    const std::string k = std::to_string(i);
    names.insert(names.end(), {"weight_" + k, "grad_" + k});
    if (kind.momentum) names.push_back("mom_" + k);
    if (kind.mixed_precision) names.push_back("weight32_" + k);
  }
  if (kind.preloaded) names.insert(names.end(), {"lrs", "wds"});
  return names;
}

// Weight i's inputs and output i share a shape; lrs and wds hold one value
// per weight.
InferShapeFn MultiSGDShapes(MultiSGDKind kind) {
  return [kind](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
    const OpDef& op = *attrs.op();
    const int n = NumWeights(attrs), stride = kind.stride();
    if (kind.preloaded) {
      const Shape one_per_weight({static_cast<int64_t>(n)});
      for (int k : {n * stride, n * stride + 1}) {
        Shape& s = (*in)[k];
        MX_CHECK(s.ndim() < 0 || s == one_per_weight, kValue, "operator ", op.name, ": ",
                 k == n * stride ? "lrs" : "wds", " must have shape ", one_per_weight.ToString(), " (num_weights=", n,
                 "), got ", s.ToString());
        s = one_per_weight;
      }
    } else {
      for (const char* name : {"lrs", "wds"}) {
        const int64_t len = attrs.Get(name).len;
        MX_CHECK(len == n, kValue, "operator ", op.name, ": ", name, " has ", len, " value(s) for num_weights=", n,
                 " weights");
      }
    }
    bool known = true;
    for (int i = 0; i < n; ++i) {
      Shape s = (*out)[i];
      for (int j = 0; j < stride; ++j) AssignShape(&s, (*in)[i * stride + j], op, "weight group");
      for (int j = 0; j < stride; ++j) AssignShape(&(*in)[i * stride + j], s, op, "weight group");
      AssignShape(&(*out)[i], s, op, "output");
      known = known && s.ndim() >= 0;
    }
    return known;
  };
}

// Weights, grads and outputs share one floating-point dtype; mixed
// precision's mom and weight32, and preloaded lrs and wds, are float32.
InferTypeFn MultiSGDTypes(MultiSGDKind kind) {
  return [kind](const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
    const OpDef& op = *attrs.op();
    const int n = NumWeights(attrs), stride = kind.stride();
    int t = -1;
    for (int i = 0; i < n; ++i) {
      const int same = kind.mixed_precision ? 2 : stride;
      for (int j = 0; j < same; ++j) AssignType(&t, (*in)[i * stride + j], op, "weight group");
      AssignType(&t, (*out)[i], op, "output");
      for (int j = same; j < stride; ++j) AssignType(&(*in)[i * stride + j], kFloat32, op, "float32 state");
    }
    if (kind.preloaded)
      for (int k : {n * stride, n * stride + 1}) AssignType(&(*in)[k], kFloat32, op, "lrs/wds");
    if (t < 0) return false;
    CheckFloatType(attrs, t, "weight");
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < (kind.mixed_precision ? 2 : stride); ++j) (*in)[i * stride + j] = t;
      (*out)[i] = t;
    }
    return true;
  };
}

void RegisterMultiSGD(const std::string& name, MultiSGDKind kind, const std::string& description) {
  OpDef& op = Registry::Get().Register(name).Describe(description).Inputs({"data"});
  op.num_inputs_fn = [kind](const Attrs& attrs) {
    return NumWeights(attrs) * kind.stride() + (kind.preloaded ? 2 : 0);
  };
  op.input_names_fn = [kind](const Attrs& attrs) { return InputNames(kind, attrs); };
  op.num_outputs_fn = NumWeights;
  op.mutate_inputs_fn = [kind](const Attrs& attrs) {
    std::vector<int> states;
    for (int i = 0, n = NumWeights(attrs); i < n; ++i)
      for (int j = 2; j < kind.stride(); ++j) states.push_back(i * kind.stride() + j);
    return states;
  };
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
