// MXNet's optimizer ops with per-element adaptive steps: adam, rmsprop
// (Tieleman & Hinton), rmspropalex (Graves 2013), ftrl and ftml.  Their
// states (moments, accumulators) are updated in place; bias correction,
// where an optimizer has one, is the caller's (MXNet's Python optimizers
// fold it into lr), except ftml's, which takes the step count t.
#include "ops/optimizer/update_op.h"

namespace mx {
namespace op {
namespace optimizer {

MX_REGISTER_OPS(optimizer_adaptive) {
  RegisterUpdate("adam_update",
                 "Update function for Adam optimizer. Adam is seen as a generalization of AdaGrad.\n\n"
                 "Adam update consists of the following steps, where g represents gradient and m, v are 1st and 2nd "
                 "order moment estimates (mean and variance).\n\n"
                 ".. math::\n\n"
                 " g_t = \\nabla J(W_{t-1})\\\n"
                 " m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t\\\n"
                 " v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2\\\n"
                 " W_t = W_{t-1} - \\alpha \\frac{ m_t }{ \\sqrt{ v_t } + \\epsilon }\n\n"
                 "It updates the weights using::\n\n"
                 " m = beta1*m + (1-beta1)*grad\n"
                 " v = beta2*v + (1-beta2)*(grad**2)\n"
                 " w += - learning_rate * m / (sqrt(v) + epsilon)\n\n"
                 "where grad = clip(rescale_grad * grad + wd * weight, clip_gradient).  ``mean`` and ``var`` are "
                 "updated in place.  lazy_update only matters for row_sparse gradients: accepted and ignored.",
                 {"weight", "grad", "mean", "var"})
      .Param("lr", "float", nullptr, kLrDoc)
      .Param("beta1", "float", "0.9", "The decay rate for the 1st moment estimates.")
      .Param("beta2", "float", "0.999", "The decay rate for the 2nd moment estimates.")
      .Param("epsilon", "float", "1e-08", kEpsilonDoc)
      .Param("wd", "float", "0", kWdDoc)
      .Param("rescale_grad", "float", "1", kRescaleGradDoc)
      .Param("clip_gradient", "float", "-1", kClipGradientDoc)
      .Param("lazy_update", "boolean", "True",
             "If true, lazy updates are applied if gradient's stype is row_sparse and all of w, m and v have the "
             "same stype");

  RegisterUpdate("rmsprop_update",
                 "Update function for `RMSProp` optimizer (Tieleman & Hinton, 2012).\n\n"
                 ".. math::\n"
                 "  E[g^2]_t = \\gamma * E[g^2]_{t-1} + (1-\\gamma) * g_t^2\\\n"
                 "  w_t = w_{t-1} - \\frac{\\eta}{\\sqrt{E[g^2]_t + \\epsilon}} g_t\n\n"
                 "where g = clip(rescale_grad * grad + wd * weight, clip_gradient); ``n`` is updated in place and "
                 "the new weight is clipped to [-clip_weights, clip_weights] when clip_weights >= 0.",
                 {"weight", "grad", "n"})
      .Param("lr", "float", nullptr, kLrDoc)
      .Param("gamma1", "float", "0.95", "The decay rate of momentum estimates.")
      .Param("epsilon", "float", "1e-08", kEpsilonDoc)
      .Param("wd", "float", "0", kWdDoc)
      .Param("rescale_grad", "float", "1", kRescaleGradDoc)
      .Param("clip_gradient", "float", "-1", kClipGradientDoc)
      .Param("clip_weights", "float", "-1", kClipWeightsDoc);

  RegisterUpdate("rmspropalex_update",
                 "Update function for RMSPropAlex optimizer (Graves, 2013, Eq. 38-45).\n\n"
                 ".. math::\n"
                 "  n_t = \\gamma_1 n_{t-1} + (1 - \\gamma_1) g_t^2\\\n"
                 "  g_t = \\gamma_1 g_{t-1} + (1 - \\gamma_1) g_t\\\n"
                 "  \\Delta_t = \\gamma_2 \\Delta_{t-1} - \\frac{\\eta}{\\sqrt{n_t - g_t^2 + \\epsilon}} g_t\\\n"
                 "  w_t = w_{t-1} + \\Delta_t\n\n"
                 "where the gradient is clip(rescale_grad * grad + wd * weight, clip_gradient); ``n``, ``g`` and "
                 "``delta`` are updated in place; clip_weights >= 0 clips the new weight.",
                 {"weight", "grad", "n", "g", "delta"})
      .Param("lr", "float", nullptr, kLrDoc)
      .Param("gamma1", "float", "0.95", "Decay rate.")
      .Param("gamma2", "float", "0.9", "Decay rate.")
      .Param("epsilon", "float", "1e-08", kEpsilonDoc)
      .Param("wd", "float", "0", kWdDoc)
      .Param("rescale_grad", "float", "1", kRescaleGradDoc)
      .Param("clip_gradient", "float", "-1", kClipGradientDoc)
      .Param("clip_weights", "float", "-1", kClipWeightsDoc);

  RegisterUpdate("ftrl_update",
                 "Update function for Ftrl optimizer.  Referenced from *Ad Click Prediction: a View from the "
                 "Trenches*.\n\n"
                 "It updates the weights using::\n\n"
                 " rescaled_grad = clip(grad * rescale_grad, clip_gradient)\n"
                 " z += rescaled_grad - (sqrt(n + rescaled_grad**2) - sqrt(n)) * weight / learning_rate\n"
                 " n += rescaled_grad**2\n"
                 " w = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / learning_rate + wd) * (abs(z) > lamda1)\n\n"
                 "``z`` and ``n`` are updated in place.",
                 {"weight", "grad", "z", "n"})
      .Param("lr", "float", nullptr, kLrDoc)
      .Param("lamda1", "float", "0.01", "The L1 regularization coefficient.")
      .Param("beta", "float", "1", "Per-Coordinate Learning Rate beta.")
      .Param("wd", "float", "0", kWdDoc)
      .Param("rescale_grad", "float", "1", kRescaleGradDoc)
      .Param("clip_gradient", "float", "-1", kClipGradientDoc);

  RegisterUpdate("ftml_update",
                 "The FTML optimizer described in *FTML - Follow the Moving Leader in Deep Learning*.\n\n"
                 ".. math::\n\n"
                 " g_t = \\nabla J(W_{t-1})\\\n"
                 " v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2\\\n"
                 " d_t = \\frac{ 1 - \\beta_1^t }{ \\eta_t } (\\sqrt{ \\frac{ v_t }{ 1 - \\beta_2^t } } + \\epsilon)\n"
                 " \\sigma_t = d_t - \\beta_1 d_{t-1}\n"
                 " z_t = \\beta_1 z_{ t-1 } + (1 - \\beta_1^t) g_t - \\sigma_t W_{t-1}\n"
                 " W_t = - \\frac{ z_t }{ d_t }\n\n"
                 "where g = clip(rescale_grad * grad + wd * weight, clip_grad); ``d``, ``v`` and ``z`` are "
                 "updated in place.",
                 {"weight", "grad", "d", "v", "z"})
      .Param("lr", "float", nullptr, "Learning rate.")
      .Param("beta1", "float", "0.6", "Generally close to 0.5.")
      .Param("beta2", "float", "0.999", "Generally close to 1.")
      .Param("epsilon", "double", "1e-08", "Epsilon to prevent div 0.")
      .Param("t", "int", nullptr, "Number of update.")
      .Param("wd", "float", "0", kWdDoc)
      .Param("rescale_grad", "float", "1", kRescaleGradDoc)
      .Param("clip_grad", "float", "-1", kClipGradientDoc);
}

}  // namespace optimizer
}  // namespace op
}  // namespace mx
