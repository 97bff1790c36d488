// L2Normalization(data, eps=1e-10, mode): data divided by its L2 norm,
// sqrt(sum x^2 + eps), taken over (with data seen as (N, C, rest))
//   instance: each instance, all but axis 0     norm (N,)
//   channel:  axis 1 at each position           norm data's shape with dim 1 as 1
//   spatial:  each channel, the axes after 1    norm (N, C)
// channel and spatial need 3 or more dimensions.  Outputs [output, norm],
// only output visible (as MXNet 1.9).
//
// Gradient (MXNet's): (og - y sum(og y)) / norm, the sum over the same axes;
// the norm is recomputed from data with its axes kept, so the graph needs
// no shapes.
#include <string>
#include <vector>

#include "ops/gradient_shorthands.h"
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

bool L2NormalizationShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  const std::string mode = attrs.Str("mode");
  Shape norm;
  if (mode == "instance") {
    MX_CHECK(data.ndim() >= 1, kValue, "L2Normalization: data must have at least 1 dimension");
    norm = Shape({data[0]});
  } else {
    MX_CHECK(data.ndim() >= 3, kValue, "L2Normalization: data needs at least 3 dimensions in ", mode,
             " mode, got shape ", data.ToString());
    if (mode == "channel") {
      norm = data;
      norm[1] = 1;
    } else {
      norm = Shape({data[0], data[1]});
    }
  }
  AssignShape(&(*out)[0], data, *attrs.op(), "output");
  AssignShape(&(*out)[1], norm, *attrs.op(), "norm");
  return true;
}

// sum over the mode's axes, kept as size-1 axes.
Value SumOverNormAxes(GradBuilder& b, Value v) {
  const std::string mode = b.attrs().Str("mode");
  if (mode == "channel") return b.Apply("sum", {v}, {{"axis", "1"}, {"keepdims", "True"}});
  const char* kept = mode == "instance" ? "0" : "(0, 1)";
  return b.Apply("sum", {v}, {{"axis", kept}, {"exclude", "True"}, {"keepdims", "True"}});
}

std::vector<Value> L2NormalizationGradient(GradBuilder& b) {
  const Value y = b.output(0), og = b.out_grad(0);
  const Value norm = Unary(b, "sqrt", PlusScalar(b, SumOverNormAxes(b, Square(b, b.input(0))), b.attrs().Float("eps")));
  const Value centered = Sub(b, og, b.Apply("broadcast_mul", {y, SumOverNormAxes(b, Mul(b, og, y))}));
  return {b.Apply("broadcast_div", {centered, norm})};
}

}  // namespace

MX_REGISTER_OP(L2Normalization)
    .Describe("Normalize the input array using the L2 norm.\n\n"
              "For 1-D NDArray, it computes::\n\n  out = data / sqrt(sum(data ** 2) + eps)\n\n"
              "For N-D NDArray, if the input array has shape (N, N, ..., N), with ``mode`` = ``instance``, it "
              "normalizes each instance in the multidimensional array by its L2 norm; with ``mode`` = "
              "``channel``, each channel at each position (the sum runs over axis 1); with ``mode`` = "
              "``spatial``, each channel of each instance over its spatial positions (the axes after 1).")
    .Inputs({"data"})
    .Outputs({"output", "norm"})
    .VisibleOutputs([](const Attrs&) { return 1; })
    .Param("eps", "float", "1e-10", "A small constant for numerical stability.")
    .Param("mode", "{'channel', 'instance', 'spatial'}", "'instance'",
           "Specify the dimension along which to compute L2 norm.")
    .Shapes(L2NormalizationShape)
    .Types(SameFloatTypes)
    .Gradient(L2NormalizationGradient);

}  // namespace op
}  // namespace mx
