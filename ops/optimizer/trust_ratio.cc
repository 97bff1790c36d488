// MXNet's layer-wise trust-ratio optimizer ops (src/operator/optimizer_op.cc,
// contrib/multi_lars.cc).  LAMB runs in two phases around the caller's norms:
//   lamb_update_phase1: g = m_hat / (sqrt(v_hat) + epsilon) + wd * weight,
//     updating mean and var in place (m_hat, v_hat bias-corrected by
//     1 - beta^t when bias_correction, else m and v);
//   lamb_update_phase2: out = weight - lr * r * g, with r = r1' / r2 for the
//     norms r1 = ||weight|| (clamped to [lower_bound, upper_bound] where a
//     bound is >= 0) and r2 = ||g||, and r = 1 when either is 0.
// multi_lars turns per-layer squared norms into LARS learning rates.
#include "ops/optimizer/update_op.h"

namespace mx {
namespace op {
namespace optimizer {

namespace {

// mp_lamb_update_phase1: weight and grad share a float dtype; mean, var,
// weight32 and the output g are float32.  mp_lamb_update_phase2: weight
// and the output share a float dtype; g, r1, r2 and weight32 are float32.
InferTypeFn MixedPrecisionLambTypes(bool phase1) {
  return [phase1](const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
    const OpDef& op = *attrs.op();
    int t = -1;
    AssignType(&t, (*in)[0], op, "weight");
    if (phase1) AssignType(&t, (*in)[1], op, "grad");
    else AssignType(&t, (*out)[0], op, "output");
    for (size_t i = phase1 ? 2 : 1; i < in->size(); ++i) AssignType(&(*in)[i], kFloat32, op, "float32 input");
    if (phase1) AssignType(&(*out)[0], kFloat32, op, "output");
    if (t < 0) return false;
    CheckFloatType(attrs, t, "weight");
    (*in)[0] = t;
    (phase1 ? (*in)[1] : (*out)[0]) = t;
    return true;
  };
}

// Phase 2: weight, g (and weight32) and the output share a shape; the
// norms r1 and r2 are (1,).
bool Phase2Shapes(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  AssignShape(&(*in)[2], Shape({1}), op, "r1");
  AssignShape(&(*in)[3], Shape({1}), op, "r2");
  Shape s = (*out)[0];
  for (size_t i : {size_t(0), size_t(1), size_t(4)})
    if (i < in->size()) AssignShape(&s, (*in)[i], op, i == 1 ? "g" : "weight");
  for (size_t i : {size_t(0), size_t(1), size_t(4)})
    if (i < in->size()) AssignShape(&(*in)[i], s, op, "weight");
  AssignShape(&(*out)[0], s, op, "output");
  return s.ndim() >= 0;
}

OpDef& AddPhase1Params(OpDef& op) {
  return op.Param("beta1", "float", "0.9", "The decay rate for the 1st moment estimates.")
      .Param("beta2", "float", "0.999", "The decay rate for the 2nd moment estimates.")
      .Param("epsilon", "float", "1e-06", kEpsilonDoc)
      .Param("t", "int", nullptr, "Index update count.")
      .Param("bias_correction", "boolean", "True", "Whether to use bias correction.")
      .Param("wd", "float", nullptr, kWdDoc)
      .Param("rescale_grad", "float", "1", kRescaleGradDoc)
      .Param("clip_gradient", "float", "-1", kClipGradientDoc);
}

OpDef& AddPhase2Params(OpDef& op) {
  return op.Param("lr", "float", nullptr, kLrDoc)
      .Param("lower_bound", "float", "-1",
             "Lower limit of norm of weight. If lower_bound <= 0, Lower limit is not set")
      .Param("upper_bound", "float", "-1",
             "Upper limit of norm of weight. If upper_bound <= 0, Upper limit is not set");
}

constexpr const char* kPhase1Doc =
    "Phase I of lamb update it performs the following operations and returns g:.\n\n"
    "Link to paper: https://arxiv.org/pdf/1904.00962.pdf\n\n"
    ".. math::\n"
    "    \\begin{gather*}\n"
    "    grad = grad * rescale_grad\n"
    "    if (grad < -clip_gradient)\n"
    "    then\n"
    "         grad = -clip_gradient\n"
    "    if (grad > clip_gradient)\n"
    "    then\n"
    "         grad = clip_gradient\n\n"
    "    mean = beta1 * mean + (1 - beta1) * grad;\n"
    "    variance = beta2 * variance + (1. - beta2) * grad ^ 2;\n\n"
    "    if (bias_correction)\n"
    "    then\n"
    "         mean_hat = mean / (1. - beta1^t);\n"
    "         var_hat = var / (1 - beta2^t);\n"
    "         g = mean_hat / (var_hat^(1/2) + epsilon) + wd * weight;\n"
    "    else\n"
    "         g = mean / (var_data^(1/2) + epsilon) + wd * weight;\n"
    "    \\end{gather*}\n\n"
    "``mean`` and ``var`` are updated in place.";

constexpr const char* kPhase2Doc =
    "Phase II of lamb update it performs the following operations and returns the new weight.\n\n"
    "Link to paper: https://arxiv.org/pdf/1904.00962.pdf\n\n"
    ".. math::\n"
    "    \\begin{gather*}\n"
    "    if (lower_bound >= 0)\n"
    "    then\n"
    "         r1 = max(r1, lower_bound)\n"
    "    if (upper_bound >= 0)\n"
    "    then\n"
    "         r1 = min(r1, upper_bound)\n\n"
    "    if (r1 == 0 or r2 == 0)\n"
    "    then\n"
    "         lr = lr\n"
    "    else\n"
    "         lr = lr * (r1/r2)\n"
    "    weight = weight - lr * g\n"
    "    \\end{gather*}\n\n"
    "r1 and r2 are arrays of shape (1,): the L2 norms of weight and g.";

}  // namespace

MX_REGISTER_OPS(optimizer_trust_ratio) {
  AddPhase1Params(RegisterUpdate("lamb_update_phase1", kPhase1Doc, {"weight", "grad", "mean", "var"}));
  AddPhase1Params(Registry::Get()
                      .Register("mp_lamb_update_phase1")
                      .Describe(std::string(kPhase1Doc) +
                                "\n\nMixed precision: weight and grad are float16 (or any float type); mean, var "
                                "and the master weight32 are float32, and so is the output g.")
                      .Inputs({"weight", "grad", "mean", "var", "weight32"})
                      .MutateInputs({2, 3})
                      .Shapes(SameShapes)
                      .Types(MixedPrecisionLambTypes(true)));

  AddPhase2Params(Registry::Get()
                      .Register("lamb_update_phase2")
                      .Describe(kPhase2Doc)
                      .Inputs({"weight", "g", "r1", "r2"})
                      .Inplace({{0, 0}})
                      .Shapes(Phase2Shapes)
                      .Types(UpdateTypes));
  AddPhase2Params(Registry::Get()
                      .Register("mp_lamb_update_phase2")
                      .Describe(std::string(kPhase2Doc) +
                                "\n\nMixed precision: the step is taken from the float32 master weight32 and "
                                "rounded to weight's dtype; weight32 is read, not updated, as MXNet 1.9's kernel "
                                "does.")
                      .Inputs({"weight", "g", "r1", "r2", "weight32"})
                      .Inplace({{0, 0}})
                      .Shapes(Phase2Shapes)
                      .Types(MixedPrecisionLambTypes(false)));

  Registry::Get()
      .Register("multi_lars")
      .Describe("Compute the LARS coefficients of multiple weights and grads from their sums of square\n\n"
                "  lr_i = lrs_i * eta * ||w_i|| / (||g_i|| * rescale_grad + wds_i * ||w_i|| + eps)\n\n"
                "where ||w_i|| = sqrt(weights_sum_sq_i) and ||g_i|| = sqrt(grads_sum_sq_i); lr_i = lrs_i when "
                "either norm is 0.  Every input and the output are float32 vectors of one length.")
      .Inputs({"lrs", "weights_sum_sq", "grads_sum_sq", "wds"})
      .Param("eta", "float", nullptr, "LARS eta")
      .Param("eps", "float", nullptr, "LARS eps")
      .Param("rescale_grad", "float", "1", "Gradient rescaling factor")
      .Shapes(SameShapes)
      .Types([](const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
        const OpDef& op = *attrs.op();
        for (int& t : *in) AssignType(&t, kFloat32, op, "input");
        AssignType(&(*out)[0], kFloat32, op, "output");
        return true;
      });
}

}  // namespace optimizer
}  // namespace op
}  // namespace mx
