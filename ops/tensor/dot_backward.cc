// _backward_dot(ograd, lhs, rhs): the gradients (d lhs, d rhs) of
// dot(lhs, rhs) with the same transposes, computed on dot's 2-D views of the
// operands (the flattening no composition of ops can express without
// shapes).
//
// Its own gradient: dot is bilinear, so with f = dot and cotangents G_lhs,
// G_rhs of the two outputs,
//   d ograd = f(G_lhs, rhs) + f(lhs, G_rhs)
//   d lhs   = _backward_dot(ograd, lhs, G_rhs)[0]
//   d rhs   = _backward_dot(ograd, G_lhs, rhs)[1]
// (d lhs of <G_rhs, d rhs(ograd, lhs)> = <ograd, f(lhs, G_rhs)>, and so on),
// which makes every order of dot's gradients a graph of these two ops.
#include "ops/tensor/dot.h"

namespace mx {
namespace op {

namespace {

bool BackwardDotShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &ograd = (*in)[0], &lhs = (*in)[1], &rhs = (*in)[2];
  AssignShape(&(*out)[0], lhs, *attrs.op(), "lhs gradient");
  AssignShape(&(*out)[1], rhs, *attrs.op(), "rhs gradient");
  if (!lhs.is_known() || !rhs.is_known()) return false;
  const Shape result =
      DotResultShape(lhs, rhs, attrs.Bool("transpose_a"), attrs.Bool("transpose_b"), attrs.op()->name);
  MX_CHECK(!ograd.is_known() || ograd == result, kValue, "operator _backward_dot: ograd must have dot's output shape ",
           result.ToString(), ", got ", ograd.ToString());
  AssignShape(&(*in)[0], result, *attrs.op(), "ograd");
  return true;
}

std::vector<Value> BackwardDotGradient(GradBuilder& b) {
  const Params transposes = {{"transpose_a", b.attrs().Str("transpose_a")},
                             {"transpose_b", b.attrs().Str("transpose_b")}};
  const Value ograd = b.input(0), lhs = b.input(1), rhs = b.input(2);
  const Value g_lhs = b.out_grad(0), g_rhs = b.out_grad(1);
  const Value d_ograd = Add(b, b.Apply("dot", {g_lhs, rhs}, transposes), b.Apply("dot", {lhs, g_rhs}, transposes));
  return {d_ograd, b.ApplyN("_backward_dot", {ograd, lhs, g_rhs}, transposes)[0],
          b.ApplyN("_backward_dot", {ograd, g_lhs, rhs}, transposes)[1]};
}

}  // namespace

MX_REGISTER_OPS(backward_dot) {
  Registry::Get()
      .Register("_backward_dot")
      .Describe("The gradients of dot(lhs, rhs) (same transposes) for the output gradient ograd: "
                "(d lhs, d rhs), shaped like lhs and rhs.")
      .Inputs({"ograd", "lhs", "rhs"})
      .Outputs({"lhs_grad", "rhs_grad"})
      .Param("transpose_a", "boolean", "False", "dot's transpose_a.")
      .Param("transpose_b", "boolean", "False", "dot's transpose_b.")
      .Shapes(BackwardDotShape)
      .Types(SameTypes)
      .Gradient(BackwardDotGradient);
}

}  // namespace op
}  // namespace mx
