// Helpers shared by the indexing ops (slice, take, pick, gather_nd, ...).
#ifndef MX_OPS_TENSOR_INDEXING_H_
#define MX_OPS_TENSOR_INDEXING_H_

#include <string>
#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

// The output takes the dtype of input 0 (the data); the other inputs (index
// arrays) may have any dtype, as in MXNet.
inline bool DataTypeOnly(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  AssignType(&(*out)[0], (*in)[0], *attrs.op(), "output");
  AssignType(&(*in)[0], (*out)[0], *attrs.op(), "data");
  return (*out)[0] >= 0;
}

// axis in [-ndim, ndim) made non-negative; kValue otherwise.
inline int NormalizeAxis(int64_t axis, int ndim, const std::string& op_name) {
  MX_CHECK(axis >= -ndim && axis < ndim, kValue, "operator ", op_name, ": axis ", axis,
           " is out of bounds for an array with ", ndim, " dimensions");
  return static_cast<int>(axis < 0 ? axis + ndim : axis);
}

// The box slice-style ops select: per axis a first index, a step and a count.
// Axes past the given begin/end are taken whole.
struct SliceBox {
  Shape begin, step, shape;
};

// MXNet's slice: begin/end/step tuples whose entries may be None
// (MX_ATTR_NONE_INT), with Python's slice semantics on each axis (negative
// indices count from the end, out-of-range bounds are clamped).
SliceBox InferSliceBox(const Attrs& attrs, const Shape& data);

// The begin/end/step parameters of a slice-style node, as text (for the
// gradients, which move between slice and the _slice_assign ops).
Params SliceBoxParams(const Attrs& attrs);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_TENSOR_INDEXING_H_
