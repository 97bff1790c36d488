// _cast_like(data, like): data converted to like's dtype and moved to like's
// device (like's values and shape are unused).  Gradients use it to return
// to an input's dtype, which is unknown when the gradient graph is built
// (Cast, softmax and norm with an output dtype), and to an input's device
// (_copyto across devices: the gradient of a copy is a copy back).
#include "ops/op.h"

namespace mx {
namespace op {

MX_REGISTER_OP(_cast_like)
    .Describe("Casts data to the dtype of like, element-wise (as Cast), on like's device (a copy "
              "between devices needs equal dtypes); like's values and shape are unused.")
    .Inputs({"data", "like"})
    .CrossDevice(1)
    .Shapes([](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      AssignShape(&(*out)[0], (*in)[0], *attrs.op(), "output");
      AssignShape(&(*in)[0], (*out)[0], *attrs.op(), "data");
      return (*out)[0].is_known() && (*in)[1].is_known();
    })
    .Types([](const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
      AssignType(&(*out)[0], (*in)[1], *attrs.op(), "output");
      AssignType(&(*in)[1], (*out)[0], *attrs.op(), "like");
      return (*out)[0] >= 0 && (*in)[0] >= 0;
    })
    .Gradient([](GradBuilder& b) {
      return std::vector<Value>{b.Apply("_cast_like", {b.out_grad(0), b.input(0)}), Value()};
    });

}  // namespace op
}  // namespace mx
