// SequenceReverse: reverses the first sequence_length steps of each
// sequence (all max_len without lengths) and keeps the steps past them.
// Lengths of any numeric dtype are truncated toward zero and clipped to
// [0, max_len] (MXNet 1.9 writes outside data for lengths out of range).
// MXNet 1.9 supports only axis=0.  A permutation that is its own inverse:
// the gradient reverses the head gradient the same way.
#include <vector>

#include "ops/nn/sequence_inputs.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool SequenceReverseShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  MX_CHECK(attrs.Int("axis") == 0, kValue, "SequenceReverse: only axis=0 is supported, got axis=",
           attrs.Int("axis"));
  if (!SequenceInputShapes(attrs, in)) return false;
  AssignShape(&(*out)[0], (*in)[0], *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(SequenceReverse)
    .Describe(
        "Reverses the elements of each sequence.\n\n"
        "This function takes an n-dimensional input array of the form [max_sequence_length, batch_size, "
        "other_feature_dims] and returns an array of the same shape.\n\n"
        "Parameter `sequence_length` is used to handle variable-length sequences. `sequence_length` should "
        "be an input array of positive ints of dimension [batch_size]. To use this parameter, set "
        "`use_sequence_length` to `True`, otherwise each example in the batch is assumed to have the max "
        "sequence length; the steps past a sequence's length are kept where they are.")
    .InputsFn({"data", "sequence_length"}, SequenceNumInputs)
    .Param("use_sequence_length", "boolean", "False",
           "If set to true, this layer takes in an extra input parameter `sequence_length` to specify "
           "variable length sequence")
    .Param("axis", "int", "0", "The sequence axis. Only 0 is currently supported.")
    .Shapes(SequenceReverseShape)
    .Types(SequenceTypes)
    .Gradient([](GradBuilder& b) {
      std::vector<Value> args{b.out_grad(0)};
      if (b.num_inputs() > 1) args.push_back(b.input(1));
      std::vector<Value> grads(b.num_inputs());
      grads[0] = b.Apply("SequenceReverse", args,
                         {{"use_sequence_length", b.attrs().Str("use_sequence_length")}, {"axis", "0"}});
      return grads;
    })
    .Alias("_npx_SequenceReverse");

}  // namespace op
}  // namespace mx
