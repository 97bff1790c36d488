// FullyConnected: out = data . weight^T + bias.
//   flatten=True:  data (n, x1, ..., xk) is read as (n, x1*...*xk); out (n, num_hidden)
//   flatten=False: the last axis is contracted; out data.shape[:-1] + (num_hidden,)
// weight is (num_hidden, input_dim); bias is (num_hidden,) (MXNet also takes
// (num_hidden, 1)).  Weight and bias shapes are inferred from data's, so a
// graph may leave them unknown.
// Inputs: [data, weight, bias], or [data, weight] with no_bias=True.
//
// Gradient: _backward_FullyConnected (fully_connected_backward.cc).
#include "ops/nn/fully_connected.h"

namespace mx {
namespace op {

int64_t FullyConnectedInputDim(const Shape& data, bool flatten) {
  const int n = data.ndim();
  if (!flatten) return data[n - 1];
  int64_t input_dim = 1;
  for (int i = 1; i < n; ++i) input_dim = data[i] < 0 || input_dim < 0 ? -1 : input_dim * data[i];
  return input_dim;
}

Shape FullyConnectedOutputShape(const Shape& data, int64_t num_hidden, bool flatten) {
  if (flatten) return Shape({data[0], num_hidden});
  Shape result = data;
  result[data.ndim() - 1] = num_hidden;
  return result;
}

Params FullyConnectedParams(const Attrs& attrs, bool no_bias) {
  return {{"num_hidden", attrs.Str("num_hidden")}, {"no_bias", no_bias ? "True" : "False"},
          {"flatten", attrs.Str("flatten")}};
}

namespace {

// Fills an unknown input shape, or checks a known one (naming the expected shape).
void AssignInput(const OpDef& op, const char* what, const Shape& expected, Shape* given) {
  MX_CHECK(!given->is_known() || *given == expected, kValue, "FullyConnected: ", what, " must have shape ",
           expected.ToString(), " for this data and num_hidden, got ", given->ToString());
  AssignShape(given, expected, op, what);
}

bool FullyConnectedShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  const Shape& data = (*in)[0];
  const int64_t num_hidden = attrs.Int("num_hidden");
  MX_CHECK(num_hidden >= 1, kValue, "FullyConnected: num_hidden must be >= 1, got ", num_hidden);
  const bool no_bias = attrs.Bool("no_bias");
  if (data.ndim() < 0) return false;  // a partly known data shape (unknown batch) is enough
  MX_CHECK(data.ndim() >= 1, kValue, "FullyConnected: data must have at least one dimension");
  const bool flatten = attrs.Bool("flatten");
  const int64_t input_dim = FullyConnectedInputDim(data, flatten);
  if (input_dim >= 0) AssignInput(op, "weight", Shape({num_hidden, input_dim}), &(*in)[1]);
  if (!no_bias) {
    Shape& bias = (*in)[2];
    // MXNet also accepts a (num_hidden, 1) bias
    AssignInput(op, "bias", bias.ndim() == 2 ? Shape({num_hidden, 1}) : Shape({num_hidden}), &bias);
  }
  AssignShape(&(*out)[0], FullyConnectedOutputShape(data, num_hidden, flatten), op, "output");
  return (*out)[0].is_known() && (*in)[1].is_known();
}

}  // namespace

MX_REGISTER_OP(FullyConnected)
    .Describe(
        "Applies a linear transformation: Y = X W^T + b.\n\n"
        "If flatten is true, data of shape (batch_size, x1, ..., xn) is flattened to "
        "(batch_size, x1*...*xn) and the output is (batch_size, num_hidden); otherwise the last "
        "axis is contracted and the output is (x1, ..., xn-1, num_hidden).  weight has shape "
        "(num_hidden, input_dim) and bias (num_hidden,).")
    .InputsFn({"data", "weight", "bias"}, [](const Attrs& a) { return a.Bool("no_bias") ? 2 : 3; })
    .Param("num_hidden", "int", nullptr, "Number of hidden nodes of the output.")
    .Param("no_bias", "boolean", "False", "Whether to disable bias parameter.")
    .Param("flatten", "boolean", "True", "Whether to collapse all but the first axis of the input data tensor.")
    .Shapes(FullyConnectedShape)
    .Types(SameTypes)
    .Gradient([](GradBuilder& b) {
      std::vector<Value> inputs{b.out_grad(0)};
      for (int i = 0; i < b.num_inputs(); ++i) inputs.push_back(b.input(i));
      return b.ApplyN("_backward_FullyConnected", inputs, FullyConnectedParams(b.attrs(), b.num_inputs() == 2));
    })
    .Alias("_npx_fully_connected");

}  // namespace op
}  // namespace mx
