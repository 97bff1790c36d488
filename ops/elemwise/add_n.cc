// add_n (ElementWiseSum): the element-wise sum of any number of arrays of one
// shape.  The gradient pass sums the gradients of reused entries with it.
#include "ops/op.h"

namespace mx {
namespace op {

MX_REGISTER_OP(add_n)
    .Describe("Adds all input arguments element-wise.\n\n"
              ".. math::\n   add\\_n(a_1, a_2, ..., a_n) = a_1 + a_2 + ... + a_n\n\n"
              "``add_n`` is potentially more efficient than calling ``add`` by `n` times.")
    .VariadicInputs("args", "num_args")
    .Param("num_args", "int", nullptr, "Number of inputs to be summed.")
    .Shapes([](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      MX_CHECK(attrs.Int("num_args") >= 1, kValue, "add_n: num_args must be >= 1, got ",
               attrs.Int("num_args"));
      return SameShapes(attrs, in, out);
    })
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) {
      std::vector<Value> grads;
      for (int i = 0; i < b.num_inputs(); ++i) grads.push_back(b.out_grad(0));
      return grads;
    })
    .Alias("ElementWiseSum");

}  // namespace op
}  // namespace mx
