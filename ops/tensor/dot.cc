// dot: MXNet's generalised matrix product.  Both operands are flattened to
// matrices -- lhs to (prod(shape[:-1]), shape[-1]), rhs to
// (shape[0], prod(shape[1:])) -- so the output shape is
// lhs.shape[:-1] + rhs.shape[1:] (with transposes, the other ends).
#include "ops/tensor/dot.h"

namespace mx {
namespace op {

Shape DotResultShape(const Shape& a, const Shape& b, bool ta, bool tb, const std::string& name) {
  MX_CHECK(a.ndim() > 0 && b.ndim() > 0, kValue, "operator ", name, ": operands must have at least one dimension");
  // MXNet rejects a transpose of two vectors rather than ignoring it.
  MX_CHECK(a.ndim() > 1 || b.ndim() > 1 || (!ta && !tb), kValue, "operator ", name,
           ": cannot transpose vectors (shapes ", a.ToString(), " and ", b.ToString(), ")");
  Shape result = Shape::Scalar();
  int64_t k_a, k_b;
  if (ta) {
    k_a = a[0];
    for (int i = 1; i < a.ndim(); ++i) result.push_back(a[i]);
  } else {
    k_a = a[a.ndim() - 1];
    for (int i = 0; i < a.ndim() - 1; ++i) result.push_back(a[i]);
  }
  if (tb) {
    k_b = b[b.ndim() - 1];
    for (int i = 0; i < b.ndim() - 1; ++i) result.push_back(b[i]);
  } else {
    k_b = b[0];
    for (int i = 1; i < b.ndim(); ++i) result.push_back(b[i]);
  }
  MX_CHECK(k_a == k_b, kValue, "operator ", name, ": shapes ", a.ToString(), " and ", b.ToString(),
           " are not aligned for dot (transpose_a=", ta, ", transpose_b=", tb, ")");
  if (result.ndim() == 0) result.push_back(1);  // vector . vector is (1,), as in MXNet
  return result;
}

namespace {

bool DotShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  const Shape& b = (*in)[1];
  if (!a.is_known() || !b.is_known()) return false;
  const Shape result =
      DotResultShape(a, b, attrs.Bool("transpose_a"), attrs.Bool("transpose_b"), attrs.op()->name);
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

}  // namespace

OpDef& AddDotParams(OpDef& op) {
  return op
    .Param("transpose_a", "boolean", "False", "If true then transpose the first input before dot.")
    .Param("transpose_b", "boolean", "False", "If true then transpose the second input before dot.")
    .Param("forward_stype", "{'csr', 'default', 'row_sparse'} or None", "None",
           "The desired storage type of the forward output given by user, if the combination of "
           "input storage types and this hint does not match any implemented ones, the dot "
           "operator will perform fallback operation and still produce an output of the desired "
           "storage type.");
}

MX_REGISTER_OPS(dot) {
  AddDotParams(Registry::Get().Register("dot"))
      .Describe(
          "Dot product of two arrays.\n\n"
          "For 1-D arrays the inner product (shape (1,)); for 2-D the matrix product; for N-D, "
          "a sum product over the last axis of lhs and the first axis of rhs: "
          "dot(x, y)[i,j,k,l] = sum(x[i,j,:] * y[:,k,l]).")
      .Inputs({"lhs", "rhs"})
      .Shapes(DotShape)
      .Types(SameTypes)
      .Gradient([](GradBuilder& b) {
        const Attrs& attrs = b.attrs();
        return b.ApplyN("_backward_dot", {b.out_grad(0), b.input(0), b.input(1)},
                        {{"transpose_a", attrs.Str("transpose_a")}, {"transpose_b", attrs.Str("transpose_b")}});
      });
}

}  // namespace op
}  // namespace mx
