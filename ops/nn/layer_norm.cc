// LayerNorm over one axis:
//   out = (data - mean) / sqrt(var + eps) * gamma + beta
// with mean and var taken along `axis` for every position of the other axes,
// gamma and beta of shape (data.shape[axis],).  Outputs [output, mean, std]
// (std = sqrt(var + eps); data's shape with the axis set to 1), the last two
// visible with output_mean_var.  Gradient: _backward_LayerNorm(out_grad,
// data, gamma, mean, std) -> data, gamma, beta.
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

int Axis(const Attrs& attrs, const Shape& data) {
  const int64_t axis = attrs.Int("axis");
  MX_CHECK(axis >= -data.ndim() && axis < data.ndim(), kValue, "operator ", attrs.op()->name, ": axis ", axis,
           " is out of range for data of shape ", data.ToString());
  return static_cast<int>(axis < 0 ? axis + data.ndim() : axis);
}

// Fills gamma's, beta's and the statistics' shapes from data's.
bool LayerNormShapes(const Attrs& attrs, Shape* data, Shape* gamma, Shape* beta, Shape* mean, Shape* std) {
  const OpDef& op = *attrs.op();
  if (data->ndim() < 0) return false;
  MX_CHECK(data->ndim() >= 1, kValue, "LayerNorm: data must have at least one dimension");
  const int axis = Axis(attrs, *data);
  AssignShape(gamma, Shape({(*data)[axis]}), op, "gamma");
  AssignShape(beta, Shape({(*data)[axis]}), op, "beta");
  Shape stats = *data;
  stats[axis] = 1;
  AssignShape(mean, stats, op, "mean");
  AssignShape(std, stats, op, "std");
  return data->is_known();
}

bool LayerNormShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  AssignShape(&(*in)[0], (*out)[0], *attrs.op(), "output");
  AssignShape(&(*out)[0], (*in)[0], *attrs.op(), "output");
  return LayerNormShapes(attrs, &(*in)[0], &(*in)[1], &(*in)[2], &(*out)[1], &(*out)[2]);
}

// _backward_LayerNorm: [out_grad, data, gamma, mean, std] -> [data, gamma, beta] gradients.
bool LayerNormBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape& data = (*in)[1];
  AssignShape(&data, (*in)[0], op, "out_grad");
  AssignShape(&data, (*out)[0], op, "gradient");
  AssignShape(&(*in)[0], data, op, "out_grad");
  AssignShape(&(*out)[0], data, op, "gradient");
  const bool known = LayerNormShapes(attrs, &data, &(*in)[2], &(*out)[2], &(*in)[3], &(*in)[4]);
  AssignShape(&(*out)[1], (*in)[2], op, "gradient");
  return known;
}

OpDef& AddLayerNormParams(OpDef& op) {
  return op.Param("axis", "int", "-1", "The axis to perform layer normalization. Usually, this should be be axis "
                  "of the channel dimension. Negative values means indexing from right to left.")
      .Param("eps", "float", "1e-05", "An `epsilon` parameter to prevent division by 0.")
      .Param("output_mean_var", "boolean", "False", "Output the mean and std calculated along the given axis.");
}

}  // namespace

MX_REGISTER_OPS(layer_norm) {
  AddLayerNormParams(
      Registry::Get()
          .Register("LayerNorm")
          .Describe(
              "Layer normalization.\n\n"
              "Normalizes the channels of the input tensor by mean and variance, and applies a scale ``gamma`` "
              "as well as offset ``beta``.  Assume the input has more than one dimension and we normalize along "
              "axis 1.  We first compute the mean and variance along this axis and then compute the normalized "
              "output, which has the same shape as input:\n\n"
              "    out = (data - mean(data, axis)) / sqrt(var(data, axis) + eps) * gamma + beta\n\n"
              "Both ``gamma`` and ``beta`` are learnable parameters of the length of the normalized axis.  With "
              "``output_mean_var`` the mean and the standard deviation sqrt(var + eps) are outputs too.")
          .Inputs({"data", "gamma", "beta"})
          .Outputs({"output", "mean", "std"})
          .VisibleOutputs([](const Attrs& a) { return a.Bool("output_mean_var") ? 3 : 1; })
          .Shapes(LayerNormShape)
          .Types(SameFloatTypes)
          .Gradient([](GradBuilder& b) {
            return b.ApplyN("_backward_LayerNorm", {b.out_grad(0), b.input(0), b.input(1), b.output(1), b.output(2)},
                            ParamsOf(b.attrs()));
          }))
      .Alias("_npx_layer_norm");

  AddLayerNormParams(Registry::Get()
                         .Register("_backward_LayerNorm")
                         .Describe("The gradients of LayerNorm: from (out_grad, data, gamma, mean, std) to those "
                                   "of data, gamma and beta.")
                         .Inputs({"out_grad", "data", "gamma", "mean", "std"})
                         .Outputs({"data_grad", "gamma_grad", "beta_grad"})
                         .Shapes(LayerNormBackwardShape)
                         .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
