// _backward_gammaln(ograd, data): ograd * digamma(data), the gradient of
// gammaln (and, times gamma(data), of gamma).  With order=n it computes
// ograd * psi^(n)(data), the n-th derivative of digamma, so that the op is
// its own gradient: d/d data of psi^(n) is psi^(n+1), to any order.
//
// Rationale: no registered op computes digamma; one internal op with an
// order parameter keeps every higher-order gradient of gamma and gammaln
// available without a new op per order.
#include <string>

#include "ops/elemwise/float_types.h"
#include "ops/op.h"

namespace mx {
namespace op {

MX_REGISTER_OP(_backward_gammaln)
    .Describe("ograd * psi^(n)(data), element-wise: the n-th derivative of the digamma function "
              "(n = order; order 0 is digamma itself, gammaln's derivative).  NaN at the poles "
              "(0, -1, -2, ...).")
    .Inputs({"ograd", "data"})
    .Param("order", "int", "0", "The derivative of digamma to compute (0: digamma).")
    .Shapes([](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      MX_CHECK(attrs.Int("order") >= 0, kValue, "_backward_gammaln: order must be >= 0, got ",
               attrs.Int("order"));
      return SameShapes(attrs, in, out);
    })
    .Types(FloatTypes)
    .Gradient([](GradBuilder& b) {
      const std::string order = std::to_string(b.attrs().Int("order"));
      const std::string next = std::to_string(b.attrs().Int("order") + 1);
      const Value og = b.out_grad(0), ograd = b.input(0), data = b.input(1);
      return std::vector<Value>{b.Apply("_backward_gammaln", {og, data}, {{"order", order}}),
                                b.Apply("_backward_gammaln", {Mul(b, og, ograd), data}, {{"order", next}})};
    });

}  // namespace op
}  // namespace mx
