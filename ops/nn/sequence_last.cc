// SequenceLast: each sequence's last step -- step sequence_length - 1, or
// max_len - 1 without lengths -- so the output is data without its sequence
// axis.  Lengths of any numeric dtype are truncated toward zero and clipped
// to [1, max_len] (MXNet 1.9 reads outside data for lengths out of range).
//
// _backward_SequenceLast(ograd, data[, sequence_length]) is its adjoint:
// ograd written at each sequence's last step, zeros elsewhere; SequenceLast
// is in turn the adjoint's gradient.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/nn/sequence_inputs.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

Shape WithoutSequenceAxis(const Shape& data, int64_t axis) {
  Shape out = Shape::Scalar();
  for (int i = 0; i < data.ndim(); ++i)
    if (i != axis) out.push_back(data[i]);
  return out;
}

bool SequenceLastShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!SequenceInputShapes(attrs, in)) return false;
  MX_CHECK((*in)[0][attrs.Int("axis")] > 0, kValue, "SequenceLast: data of shape ", (*in)[0].ToString(),
           " has no steps along axis ", attrs.Int("axis"));
  AssignShape(&(*out)[0], WithoutSequenceAxis((*in)[0], attrs.Int("axis")), *attrs.op(), "output");
  return true;
}

// Inputs (ograd, data[, sequence_length]): the sequence inputs start at 1.
bool BackwardSequenceLastShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  std::vector<Shape> sequence_inputs(in->begin() + 1, in->end());
  const bool known = SequenceInputShapes(attrs, &sequence_inputs);
  std::copy(sequence_inputs.begin(), sequence_inputs.end(), in->begin() + 1);
  if (!known) return false;
  const Shape& data = (*in)[1];
  const Shape expected = WithoutSequenceAxis(data, attrs.Int("axis"));
  const Shape& ograd = (*in)[0];
  MX_CHECK(!ograd.is_known() || ograd == expected, kValue, attrs.op()->name, ": ograd must have shape ",
           expected.ToString(), " (data ", data.ToString(), " without its sequence axis), got ", ograd.ToString());
  AssignShape(&(*in)[0], expected, *attrs.op(), "ograd");
  AssignShape(&(*out)[0], data, *attrs.op(), "output");
  return true;
}

bool BackwardSequenceLastType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  AssignType(&(*out)[0], (*in)[0], *attrs.op(), "output");
  AssignType(&(*in)[0], (*out)[0], *attrs.op(), "ograd");
  std::vector<int> sequence_inputs(in->begin() + 1, in->end()), unused{-1};
  return SequenceTypes(attrs, &sequence_inputs, &unused) && (*out)[0] >= 0;
}

Params SequenceParams(const Attrs& attrs) {
  return {{"use_sequence_length", attrs.Str("use_sequence_length")}, {"axis", attrs.Str("axis")}};
}

constexpr const char* kUseLengthDoc =
    "If set to true, this layer takes in an extra input parameter `sequence_length` to specify variable "
    "length sequence";
constexpr const char* kAxisDoc = "The sequence axis. Only values of 0 and 1 are currently supported.";

}  // namespace

MX_REGISTER_OP(SequenceLast)
    .Describe(
        "Takes the last element of a sequence.\n\n"
        "This function takes an n-dimensional input array of the form [max_sequence_length, batch_size, "
        "other_feature_dims] and returns a (n-1)-dimensional array of the form [batch_size, "
        "other_feature_dims].\n\n"
        "Parameter `sequence_length` is used to handle variable-length sequences. `sequence_length` should "
        "be an input array of positive ints of dimension [batch_size]. To use this parameter, set "
        "`use_sequence_length` to `True`, otherwise each example in the batch is assumed to have the max "
        "sequence length.")
    .InputsFn({"data", "sequence_length"}, SequenceNumInputs)
    .Param("use_sequence_length", "boolean", "False", kUseLengthDoc)
    .Param("axis", "int", "0", kAxisDoc)
    .Shapes(SequenceLastShape)
    .Types(SequenceTypes)
    .Gradient([](GradBuilder& b) {
      std::vector<Value> args{b.out_grad(0), b.input(0)};
      if (b.num_inputs() > 1) args.push_back(b.input(1));
      std::vector<Value> grads(b.num_inputs());
      grads[0] = b.Apply("_backward_SequenceLast", args, SequenceParams(b.attrs()));
      return grads;
    })
    .Alias("_npx_SequenceLast");

MX_REGISTER_OP(_backward_SequenceLast)
    .Describe("The gradient of SequenceLast: ograd at each sequence's last step of data's shape, zeros "
              "elsewhere.")
    .InputsFn({"ograd", "data", "sequence_length"}, [](const Attrs& attrs) { return SequenceNumInputs(attrs) + 1; })
    .Param("use_sequence_length", "boolean", "False", kUseLengthDoc)
    .Param("axis", "int", "0", kAxisDoc)
    .Shapes(BackwardSequenceLastShape)
    .Types(BackwardSequenceLastType)
    .Gradient([](GradBuilder& b) {
      std::vector<Value> args{b.out_grad(0)};
      if (b.num_inputs() > 2) args.push_back(b.input(2));
      std::vector<Value> grads(b.num_inputs());
      grads[0] = b.Apply("SequenceLast", args, SequenceParams(b.attrs()));
      return grads;
    });

}  // namespace op
}  // namespace mx
