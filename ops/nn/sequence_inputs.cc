#include "ops/nn/sequence_inputs.h"

#include "common/dtype.h"

namespace mx {
namespace op {

bool SequenceInputShapes(const Attrs& attrs, std::vector<Shape>* in) {
  const std::string& name = attrs.op()->name;
  const Shape& data = (*in)[0];
  const int64_t axis = attrs.Int("axis");
  MX_CHECK(axis == 0 || axis == 1, kValue, name, ": axis must be 0 or 1, got ", axis);
  if (!data.is_known()) return false;
  MX_CHECK(data.ndim() >= 2, kValue, name, ": data must have rank 2 or greater, got shape ", data.ToString());
  if (attrs.Bool("use_sequence_length")) {
    const Shape expected{data[1 - axis]};
    Shape& length = (*in)[1];
    MX_CHECK(!length.is_known() || length == expected, kValue, name, ": sequence_length must have shape ",
             expected.ToString(), " (the batch size of data ", data.ToString(), " for axis=", axis, "), got ",
             length.ToString());
    AssignShape(&length, expected, *attrs.op(), "sequence_length");
  }
  return true;
}

bool SequenceTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  for (size_t i = 0; i < in->size(); ++i)
    MX_CHECK((*in)[i] != kBool, kType, attrs.op()->name, ": ", i ? "sequence_length" : "data",
             " must have a numeric dtype, got bool");
  const int data = (*in)[0];
  if (data < 0) return false;
  AssignType(&(*out)[0], data, *attrs.op(), "output");
  return true;
}

int SequenceNumInputs(const Attrs& attrs) { return attrs.Bool("use_sequence_length") ? 2 : 1; }

}  // namespace op
}  // namespace mx
