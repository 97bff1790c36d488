// Axis arithmetic shared by the shape and layout ops: MXNet's negative axes
// count from the end, and every out-of-range axis is a kValue error that
// names the op.
#ifndef MX_OPS_TENSOR_LAYOUT_AXIS_H_
#define MX_OPS_TENSOR_LAYOUT_AXIS_H_

#include <cstdint>
#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

// axis in [-ndim, ndim) mapped to [0, ndim); `what` names the parameter.
inline int NormalizeAxis(int64_t axis, int ndim, const Attrs& attrs, const char* what) {
  MX_CHECK(axis >= -ndim && axis < ndim, kValue, "operator ", attrs.op()->name, ": ", what, " ",
           axis, " is out of range for an array of ", ndim, " dimensions");
  return static_cast<int>(axis < 0 ? axis + ndim : axis);
}

// The output takes input 0's dtype; the other inputs (shape donors such as
// reshape_like's rhs) may have any dtype.
inline bool FirstInputType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  AssignType(&(*out)[0], (*in)[0], *attrs.op(), "output");
  AssignType(&(*in)[0], (*out)[0], *attrs.op(), "input 0");
  return (*out)[0] >= 0;
}

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_TENSOR_LAYOUT_AXIS_H_
