// GroupNorm and InstanceNorm: data of shape (N, C, spatial...) is cut into G
// groups of C / G consecutive channels, and each (sample, group) slice is
// normalized over its channels and spatial positions:
//   out = (data - mean) / sqrt(var + eps) * gamma[g] + beta[g]
// GroupNorm takes G = num_groups; InstanceNorm is the case G = C.  As in
// MXNet 1.9 gamma and beta hold one value per group -- (num_groups,) for
// GroupNorm, (C,) for InstanceNorm -- and the statistics have shape (N, G).
// Outputs: GroupNorm [output, mean, std] with std = sqrt(var + eps), the
// last two visible with output_mean_var; InstanceNorm [output, mean, var],
// only output visible.  Gradient: _backward_<Op>(out_grad, data, gamma,
// mean, std or var) -> data, gamma, beta.
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

// The number of groups G for data of known rank (>= 3 checked); -1 while unknown.
using GroupsFn = int64_t (*)(const Attrs& attrs, const Shape& data);

int64_t GroupNormGroups(const Attrs& attrs, const Shape& data) {
  const int64_t groups = attrs.Int("num_groups");
  MX_CHECK(groups >= 1, kValue, "operator ", attrs.op()->name, ": num_groups must be positive, got ", groups);
  MX_CHECK(data[1] < 0 || data[1] % groups == 0, kValue, "operator ", attrs.op()->name, ": the number of channels ",
           data[1], " of data of shape ", data.ToString(), " must be divisible by num_groups ", groups);
  return groups;
}

int64_t InstanceNormGroups(const Attrs&, const Shape& data) { return data[1]; }

// Fills gamma's, beta's and the statistics' shapes from data's.
bool NormShapes(const Attrs& attrs, GroupsFn groups_of, Shape* data, Shape* gamma, Shape* beta, Shape* mean,
                Shape* stat) {
  const OpDef& op = *attrs.op();
  if (data->ndim() < 0) return false;
  MX_CHECK(data->ndim() >= 3, kValue, "operator ", op.name, ": data must have rank >= 3 (batch, channel, "
           "spatial...), got shape ", data->ToString());
  const int64_t groups = groups_of(attrs, *data);
  AssignShape(gamma, Shape({groups}), op, "gamma");
  AssignShape(beta, Shape({groups}), op, "beta");
  AssignShape(mean, Shape({(*data)[0], groups}), op, "mean");
  AssignShape(stat, Shape({(*data)[0], groups}), op, "std/var");
  return data->is_known();
}

InferShapeFn ForwardShape(GroupsFn groups_of) {
  return [groups_of](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
    AssignShape(&(*in)[0], (*out)[0], *attrs.op(), "output");
    AssignShape(&(*out)[0], (*in)[0], *attrs.op(), "output");
    return NormShapes(attrs, groups_of, &(*in)[0], &(*in)[1], &(*in)[2], &(*out)[1], &(*out)[2]);
  };
}

// _backward_<Op>: [out_grad, data, gamma, mean, std or var] -> [data, gamma, beta] gradients.
InferShapeFn BackwardShape(GroupsFn groups_of) {
  return [groups_of](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
    const OpDef& op = *attrs.op();
    Shape& data = (*in)[1];
    AssignShape(&data, (*in)[0], op, "out_grad");
    AssignShape(&data, (*out)[0], op, "gradient");
    AssignShape(&(*in)[0], data, op, "out_grad");
    AssignShape(&(*out)[0], data, op, "gradient");
    const bool known = NormShapes(attrs, groups_of, &data, &(*in)[2], &(*out)[2], &(*in)[3], &(*in)[4]);
    AssignShape(&(*out)[1], (*in)[2], op, "gradient");
    return known;
  };
}

// The backward node: the forward op's parameters, its gradient's inputs.
GradientFn BackwardNode(const char* backward_op) {
  return [backward_op](GradBuilder& b) {
    return b.ApplyN(backward_op, {b.out_grad(0), b.input(0), b.input(1), b.output(1), b.output(2)},
                    ParamsOf(b.attrs()));
  };
}

OpDef& AddGroupNormParams(OpDef& op) {
  return op.Param("num_groups", "int", "1", "Total number of groups.")
      .Param("eps", "float", "1e-05", "An `epsilon` parameter to prevent division by 0.")
      .Param("output_mean_var", "boolean", "False", "Output the mean and std calculated along the given axis.");
}

OpDef& AddInstanceNormParams(OpDef& op) {
  return op.Param("eps", "float", "0.001", "An `epsilon` parameter to prevent division by 0.");
}

}  // namespace

MX_REGISTER_OPS(group_norm) {
  AddGroupNormParams(
      Registry::Get()
          .Register("GroupNorm")
          .Describe(
              "Group normalization.\n\n"
              "Splits the ``C`` channels of data of shape (N, C, ...) into ``num_groups`` groups of "
              "``C / num_groups`` consecutive channels and normalizes every (sample, group) by the mean and "
              "variance over its channels and spatial positions:\n\n"
              "    data = data.reshape((N, num_groups, C // num_groups, ...))\n"
              "    out = (data - mean(data, axis)) / sqrt(var(data, axis) + eps) * gamma + beta\n\n"
              "``gamma`` and ``beta`` are learnable, one value per group (shape (num_groups,)).  With "
              "``output_mean_var`` the mean and the standard deviation sqrt(var + eps), both of shape "
              "(N, num_groups), are outputs too.")
          .Inputs({"data", "gamma", "beta"})
          .Outputs({"output", "mean", "std"})
          .VisibleOutputs([](const Attrs& a) { return a.Bool("output_mean_var") ? 3 : 1; })
          .Shapes(ForwardShape(GroupNormGroups))
          .Types(SameFloatTypes)
          .Inplace({{0, 0}})  // the kernels read a slice whole before writing it
          .Gradient(BackwardNode("_backward_GroupNorm")));

  AddGroupNormParams(Registry::Get()
                         .Register("_backward_GroupNorm")
                         .Describe("The gradients of GroupNorm: from (out_grad, data, gamma, mean, std) to those "
                                   "of data, gamma and beta.")
                         .Inputs({"out_grad", "data", "gamma", "mean", "std"})
                         .Outputs({"data_grad", "gamma_grad", "beta_grad"})
                         .Shapes(BackwardShape(GroupNormGroups))
                         .Types(SameFloatTypes));

  AddInstanceNormParams(
      Registry::Get()
          .Register("InstanceNorm")
          .Describe(
              "Applies instance normalization to the n-dimensional input array.\n\n"
              "Data of shape (batch, channel, spatial_dim1, ...), rank at least 3, is normalized per sample "
              "and channel over the spatial positions:\n\n"
              "    out = (data - mean(data)) / sqrt(var(data) + eps) * gamma + beta\n\n"
              "``gamma`` and ``beta`` are vectors of shape (channel,).  Unlike BatchNorm the statistics are "
              "per instance, and the same in training and inference.  The mean and variance, of shape "
              "(batch, channel), are hidden outputs kept for the gradient.")
          .Inputs({"data", "gamma", "beta"})
          .Outputs({"output", "mean", "var"})
          .VisibleOutputs([](const Attrs&) { return 1; })
          .Shapes(ForwardShape(InstanceNormGroups))
          .Types(SameFloatTypes)
          .Gradient(BackwardNode("_backward_InstanceNorm")));

  AddInstanceNormParams(Registry::Get()
                            .Register("_backward_InstanceNorm")
                            .Describe("The gradients of InstanceNorm: from (out_grad, data, gamma, mean, var) to "
                                      "those of data, gamma and beta.")
                            .Inputs({"out_grad", "data", "gamma", "mean", "var"})
                            .Outputs({"data_grad", "gamma_grad", "beta_grad"})
                            .Shapes(BackwardShape(InstanceNormGroups))
                            .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
