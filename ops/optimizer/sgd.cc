// The SGD family of MXNet's optimizer ops: plain, momentum and Nesterov
// updates, their mixed-precision (mp_*) forms that keep a float32 master
// copy of a float16 weight, and the sign-based signsgd / signum.  With
// g = clip(rescale_grad * grad, clip_gradient) (clip_gradient < 0: none):
//   sgd_update:      out = (1 - lr * wd) * weight - lr * g
//   sgd_mom_update:  mom = momentum * mom - lr * wd * weight - lr * g; out = weight + mom
//   nag_mom_update:  mom' = momentum * mom; out = weight - mom' + (momentum + 1) * (mom' - lr * (g + wd * weight));
//                    mom = mom' - lr * (g + wd * out)
// lazy_update only matters for row_sparse gradients, which MX does not
// have: it is accepted and ignored.
#include "ops/optimizer/update_op.h"

namespace mx {
namespace op {
namespace optimizer {

namespace {

OpDef& AddSGDParams(OpDef& op, bool momentum, bool lazy_update) {
  op.Param("lr", "float", nullptr, kLrDoc);
  if (momentum) op.Param("momentum", "float", "0", kMomentumDoc);
  op.Param("wd", "float", "0", kWdDoc)
      .Param("rescale_grad", "float", "1", kRescaleGradDoc)
      .Param("clip_gradient", "float", "-1", kClipGradientDoc);
  if (lazy_update)
    op.Param("lazy_update", "boolean", "True",
             momentum ? "If true, lazy updates are applied if gradient's stype is row_sparse and both weight and "
                        "momentum have the same stype"
                      : "If true, lazy updates are applied if gradient's stype is row_sparse.");
  return op;
}

constexpr const char* kMixedPrecisionNote =
    "\n\nMixed precision: weight and grad are float16 (or any float type), weight32 is a float32 master copy of "
    "weight that the update reads and writes in place; the output is weight32 rounded to weight's dtype.";

}  // namespace

MX_REGISTER_OPS(optimizer_sgd) {
  const std::string sgd =
      "Update function for Stochastic Gradient Descent (SGD) optimizer.\n\n"
      "It updates the weights using::\n\n"
      " weight = weight - learning_rate * (gradient + wd * weight)\n";
  AddSGDParams(RegisterUpdate("sgd_update", sgd, {"weight", "grad"}), false, true);
  AddSGDParams(RegisterUpdate("mp_sgd_update", "Updater function for multi-precision sgd optimizer" +
                                                   std::string(kMixedPrecisionNote),
                              {"weight", "grad", "weight32"}, true),
               false, true);

  const std::string sgd_mom =
      "Momentum update function for Stochastic Gradient Descent (SGD) optimizer.\n\n"
      "Momentum update has better convergence rates on neural networks. Mathematically it looks like below:\n\n"
      "  v_1 = -\\alpha * \\nabla J(W_0)\n"
      "  v_t = \\gamma v_{t-1} - \\alpha * \\nabla J(W_{t-1})\n"
      "  W_t = W_{t-1} + v_t\n\n"
      "It updates the weights using::\n\n"
      "  v = momentum * v - learning_rate * gradient\n"
      "  weight += v\n\n"
      "Where the parameter ``momentum`` is the decay rate of momentum estimates at each epoch.  ``mom`` is "
      "updated in place.";
  AddSGDParams(RegisterUpdate("sgd_mom_update", sgd_mom, {"weight", "grad", "mom"}), true, true);
  AddSGDParams(RegisterUpdate("mp_sgd_mom_update", "Updater function for multi-precision sgd optimizer" +
                                                       std::string(kMixedPrecisionNote) + " mom is float32.",
                              {"weight", "grad", "mom", "weight32"}, true),
               true, true);

  const std::string nag =
      "Update function for Nesterov Accelerated Gradient( NAG) optimizer.\n"
      "It updates the weights using the following formula,\n\n"
      "  v_t = \\gamma v_{t-1} + \\eta * \\nabla J(W_{t-1} - \\gamma v_{t-1})\n"
      "  W_t = W_{t-1} - v_t\n\n"
      "Where \\eta is the learning rate of the optimizer, \\gamma is the decay rate of the momentum estimate, "
      "v_t is the update vector at time step t, W_t is the weight vector at time step t.  ``mom`` is updated "
      "in place; its weight-decay term uses the new weight, as MXNet's kernel does when called with "
      "out=weight.";
  AddSGDParams(RegisterUpdate("nag_mom_update", nag, {"weight", "grad", "mom"}), true, false);
  AddSGDParams(RegisterUpdate("mp_nag_mom_update", "Update function for multi-precision Nesterov Accelerated "
                                                   "Gradient( NAG) optimizer." +
                                                       std::string(kMixedPrecisionNote) + " mom is float32.",
                              {"weight", "grad", "mom", "weight32"}, true),
               true, false);

  RegisterUpdate("signsgd_update",
                 "Update function for SignSGD optimizer.\n\n"
                 ".. math::\n\n"
                 " g_t = \\nabla J(W_{t-1})\\\n"
                 " W_t = W_{t-1} - \\eta_t \\text{sign}(g_t)\n\n"
                 "It updates the weights using::\n\n"
                 " weight = weight - learning_rate * sign(gradient)\n\n"
                 ".. note::\n"
                 "   - sparse ndarray not supported for this optimizer yet.\n"
                 "   - rescale_grad and clip_gradient do not change the sign: they have no effect.",
                 {"weight", "grad"})
      .Param("lr", "float", nullptr, kLrDoc)
      .Param("wd", "float", "0", kWdDoc)
      .Param("rescale_grad", "float", "1", kRescaleGradDoc)
      .Param("clip_gradient", "float", "-1", kClipGradientDoc);

  RegisterUpdate("signum_update",
                 "SIGN momentUM (Signum) optimizer.\n\n"
                 ".. math::\n\n"
                 " g_t = \\nabla J(W_{t-1})\\\n"
                 " m_t = \\beta m_{t-1} + (1 - \\beta) g_t\\\n"
                 " W_t = W_{t-1} - \\eta_t \\text{sign}(m_t)\n\n"
                 "It updates the weights using::\n"
                 " state = momentum * state + (1-momentum) * gradient\n"
                 " weight = weight - learning_rate * sign(state)\n\n"
                 "Where the parameter ``momentum`` is the decay rate of momentum estimates at each epoch.  MXNet's "
                 "state holds the negated momentum: mom = momentum * mom - (1 - momentum) * (wd * weight + g); "
                 "out = (1 - lr * wd_lh) * weight + lr * sign(mom).",
                 {"weight", "grad", "mom"})
      .Param("lr", "float", nullptr, kLrDoc)
      .Param("momentum", "float", "0", kMomentumDoc)
      .Param("wd", "float", "0", kWdDoc)
      .Param("rescale_grad", "float", "1", kRescaleGradDoc)
      .Param("clip_gradient", "float", "-1", kClipGradientDoc)
      .Param("wd_lh", "float", "0",
             "The amount of weight decay that does not go into gradient/momentum calculationsotherwise do weight "
             "decay algorithmically only.");
}

}  // namespace optimizer
}  // namespace op
}  // namespace mx
