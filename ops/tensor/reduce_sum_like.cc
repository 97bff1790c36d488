// _reduce_sum_like(data, like): data summed down to like's shape (over the
// axes numpy broadcasting stretched).  The gradient of a broadcasting op
// w.r.t. an input is its output gradient reduced this way; taking `like`
// as an input keeps the gradient graph free of shapes.
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool ReduceSumLikeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  const Shape& like = (*in)[1];
  if (like.ndim() < 0) return false;
  AssignShape(&(*out)[0], like, *attrs.op(), "output");
  if (data.ndim() < 0) return false;
  MX_CHECK(data.ndim() >= like.ndim(), kValue, "_reduce_sum_like: data of shape ", data.ToString(),
           " has fewer dimensions than ", like.ToString());
  const int lead = data.ndim() - like.ndim();
  for (int i = 0; i < like.ndim(); ++i)
    MX_CHECK(like[i] < 0 || data[lead + i] < 0 || like[i] == 1 || like[i] == data[lead + i], kValue,
             "_reduce_sum_like: shape ", like.ToString(), " does not broadcast to ", data.ToString());
  return data.is_known() && like.is_known();
}

bool ReduceSumLikeType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  AssignType(&(*out)[0], (*in)[0], *attrs.op(), "output");
  AssignType(&(*in)[0], (*out)[0], *attrs.op(), "data");
  return (*out)[0] >= 0;
}

}  // namespace

MX_REGISTER_OP(_reduce_sum_like)
    .Describe("Sums data over the axes along which `like` was broadcast to data's shape; the "
              "result has like's shape and data's dtype.")
    .Inputs({"data", "like"})
    .Shapes(ReduceSumLikeShape)
    .Types(ReduceSumLikeType)
    .Gradient([](GradBuilder& b) {
      // Each output element came from a stretched block of data: stretch the
      // gradient back (numpy broadcasting, which may prepend axes).
      const Value zeros = b.Apply("zeros_like", {b.input(0)});
      return std::vector<Value>{b.Apply("broadcast_add", {zeros, b.out_grad(0)}), Value()};
    });

}  // namespace op
}  // namespace mx
