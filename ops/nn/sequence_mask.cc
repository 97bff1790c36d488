// SequenceMask: sets every step at or past its sequence's length to `value`.
// data is (max_len, batch, ...) for axis=0 or (batch, max_len, ...) for
// axis=1; sequence_length (batch,) is an input only when use_sequence_length
// is true -- without it the op is an identity copy.  Lengths of any numeric
// dtype are truncated toward zero, as MXNet reads them.
#include "ops/nn/sequence_inputs.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool SequenceMaskShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!SequenceInputShapes(attrs, in)) return false;
  AssignShape(&(*out)[0], (*in)[0], *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(SequenceMask)
    .Describe(
        "Sets all elements outside the sequence to a constant value.\n\n"
        "This function takes an n-dimensional input array of the form [max_sequence_length, "
        "batch_size, other_feature_dims] and returns an array of the same shape.\n\n"
        "Parameter `sequence_length` is used to handle variable-length sequences. "
        "`sequence_length` should be an input array of positive ints of dimension [batch_size]. "
        "To use this parameter, set `use_sequence_length` to `True`, otherwise each example in "
        "the batch is assumed to have the max sequence length and this operator works as the "
        "`identity` operator.")
    .InputsFn({"data", "sequence_length"}, SequenceNumInputs)
    .Param("use_sequence_length", "boolean", "False",
           "If set to true, this layer takes in an extra input parameter `sequence_length` to "
           "specify variable length sequence")
    .Param("value", "float", "0", "The value to be used as a mask.")
    .Param("axis", "int", "0", "The sequence axis. Only values of 0 and 1 are currently supported.")
    .Shapes(SequenceMaskShape)
    .Types(SequenceTypes)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) {
      // Masked steps are constants: the gradient masks them with zeros.
      std::vector<Value> args{b.out_grad(0)};
      if (b.num_inputs() > 1) args.push_back(b.input(1));
      std::vector<Value> grads(b.num_inputs());
      grads[0] = b.Apply("SequenceMask", args,
                         {{"use_sequence_length", b.attrs().Str("use_sequence_length")},
                          {"value", "0"},
                          {"axis", b.attrs().Str("axis")}});
      return grads;
    })
    .Alias("_npx_SequenceMask");

}  // namespace op
}  // namespace mx
