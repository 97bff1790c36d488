// _backward_FullyConnected(ograd, data, weight[, bias]): the gradients
// (d data, d weight[, d bias]) of FullyConnected with the same parameters,
// from data and ograd read as 2-D (rows x input_dim, rows x num_hidden);
// bias is an input for its shape only ((num_hidden,) or (num_hidden, 1)).
//
// Its own gradient: FullyConnected is bilinear in (data, weight) plus bias,
// so with cotangents G_data, G_weight, G_bias of the outputs
//   d ograd  = FullyConnected(G_data, weight, G_bias) + FullyConnected(data, G_weight)
//   d data   = _backward_FullyConnected(ograd, data, G_weight)[0]
//   d weight = _backward_FullyConnected(ograd, G_data, weight)[1]
// and every order of FullyConnected's gradients is a graph of these two ops.
#include "ops/nn/fully_connected.h"

namespace mx {
namespace op {

namespace {

bool BackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  const Shape &ograd = (*in)[0], &data = (*in)[1], &weight = (*in)[2];
  for (size_t i = 1; i < in->size(); ++i) AssignShape(&(*out)[i - 1], (*in)[i], op, "gradient");
  if (!data.is_known() || !weight.is_known()) return false;
  const int64_t num_hidden = attrs.Int("num_hidden");
  const bool flatten = attrs.Bool("flatten");
  MX_CHECK(data.ndim() >= 1 && weight == Shape({num_hidden, FullyConnectedInputDim(data, flatten)}), kValue,
           "_backward_FullyConnected: weight of shape ", weight.ToString(), " does not fit data of shape ",
           data.ToString(), " and num_hidden=", num_hidden);
  const Shape result = FullyConnectedOutputShape(data, num_hidden, flatten);
  MX_CHECK(!ograd.is_known() || ograd == result, kValue, "_backward_FullyConnected: ograd must have shape ",
           result.ToString(), ", got ", ograd.ToString());
  AssignShape(&(*in)[0], result, op, "ograd");
  return in->size() == 3 || (*in)[3].is_known();
}

std::vector<Value> BackwardGradient(GradBuilder& b) {
  const bool has_bias = b.num_inputs() == 4;
  const Params params = FullyConnectedParams(b.attrs(), !has_bias);
  const Value ograd = b.input(0), data = b.input(1), weight = b.input(2);
  const Value g_data = b.out_grad(0), g_weight = b.out_grad(1);
  const Value through_data = has_bias ? b.Apply("FullyConnected", {g_data, weight, b.out_grad(2)}, params)
                                      : b.Apply("FullyConnected", {g_data, weight}, params);
  const Value through_weight = b.Apply("FullyConnected", {data, g_weight}, FullyConnectedParams(b.attrs(), true));
  const Value d_ograd = Add(b, through_data, through_weight);
  std::vector<Value> with_g_weight{ograd, data, g_weight}, with_g_data{ograd, g_data, weight};
  if (has_bias) {
    with_g_weight.push_back(b.input(3));
    with_g_data.push_back(b.input(3));
  }
  std::vector<Value> grads{d_ograd, b.ApplyN("_backward_FullyConnected", with_g_weight, params)[0],
                           b.ApplyN("_backward_FullyConnected", with_g_data, params)[1]};
  if (has_bias) grads.push_back(Value());
  return grads;
}

}  // namespace

MX_REGISTER_OP(_backward_FullyConnected)
    .Describe("The gradients of FullyConnected (same parameters) for the output gradient ograd: "
              "(d data, d weight) and d bias unless no_bias.  bias is read for its shape only.")
    .InputsFn({"ograd", "data", "weight", "bias"}, [](const Attrs& a) { return a.Bool("no_bias") ? 3 : 4; })
    .NumOutputsFn([](const Attrs& a) { return a.Bool("no_bias") ? 2 : 3; })
    .Param("num_hidden", "int", nullptr, "FullyConnected's num_hidden.")
    .Param("no_bias", "boolean", "False", "FullyConnected's no_bias.")
    .Param("flatten", "boolean", "True", "FullyConnected's flatten.")
    .Shapes(BackwardShape)
    .Types(SameTypes)
    .Gradient(BackwardGradient);

}  // namespace op
}  // namespace mx
