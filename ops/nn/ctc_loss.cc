// CTCLoss (aliases ctc_loss, _contrib_CTCLoss, _contrib_ctc_loss,
// _npx_ctc_loss): the connectionist temporal classification loss of
// unnormalised activations data (T, N, C) against label (N, L), one value
// per sample (N,).  Channel 0 (blank_label 'first') or C-1 ('last') is the
// blank.  A sample's label ends at its first padding value (0 for 'first',
// -1 for 'last') or, with use_label_lengths, after label_lengths[n] entries;
// its frames are the first data_lengths[n] (use_data_lengths) or all T.
//
// As in MXNet 1.9 the forward pass also writes the loss's gradient with
// respect to data into a second, hidden output (data's shape, zero past each
// sample's length); the data's gradient is that output times the gradient
// reaching the loss, broadcast over time and channels.  A label that cannot
// be aligned in the sample's frames (L + repeated neighbours > frames) gives
// loss 0 and no gradient, as MXNet's warp-ctc does.
#include <string>
#include <vector>

#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

// The optional inputs are given in this order after data and label.
int CTCNumInputs(const Attrs& attrs) {
  return 2 + attrs.Bool("use_data_lengths") + attrs.Bool("use_label_lengths");
}

std::vector<std::string> CTCInputNames(const Attrs& attrs) {
  std::vector<std::string> names{"data", "label"};
  if (attrs.Bool("use_data_lengths")) names.push_back("data_lengths");
  if (attrs.Bool("use_label_lengths")) names.push_back("label_lengths");
  return names;
}

// A lengths input: (N,) for the batch size N of data.
void AssignLengths(const OpDef& op, Shape* lengths, int64_t batch, const char* what) {
  MX_CHECK(lengths->ndim() < 0 || lengths->ndim() == 1, kValue, "operator ", op.name, ": ", what,
           " must be a vector (N,), got shape ", lengths->ToString());
  AssignShape(lengths, Shape{batch}, op, what);
}

bool CTCShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape &data = (*in)[0], &label = (*in)[1];
  AssignShape(&data, (*out)[1], op, "data (the hidden gradient output)");
  if (!data.is_known() || !label.is_known()) return false;
  MX_CHECK(data.ndim() == 3, kValue, "operator ", op.name,
           ": data must be 3-D (sequence_length, batch_size, alphabet_size), got shape ", data.ToString());
  MX_CHECK(label.ndim() == 2, kValue, "operator ", op.name,
           ": label must be 2-D (batch_size, label_sequence_length), got shape ", label.ToString());
  MX_CHECK(data[1] == label[0], kValue, "operator ", op.name,
           ": the batch size for the labels and data arrays must be the same, got data ", data.ToString(),
           " and label ", label.ToString());
  MX_CHECK(data[2] >= 1, kValue, "operator ", op.name,
           ": alphabet_size (data's last axis) must be at least 1 (the blank), got ", data.ToString());
  MX_CHECK(label[1] <= data[0], kValue, "operator ", op.name,
           ": the max number of labels cannot exceed the maximum sequence length of the data, got label ",
           label.ToString(), " for data ", data.ToString());
  int next = 2;
  if (attrs.Bool("use_data_lengths")) AssignLengths(op, &(*in)[next++], data[1], "data_lengths");
  if (attrs.Bool("use_label_lengths")) AssignLengths(op, &(*in)[next], data[1], "label_lengths");
  AssignShape(&(*out)[0], Shape{data[1]}, op, "output");
  AssignShape(&(*out)[1], data, op, "the hidden gradient output");
  return true;
}

// data float32 or float64; the outputs take its dtype.  label and the
// lengths may be of any numeric dtype (read as integers, truncated); unknown
// ones take data's.
bool CTCTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  int& data = (*in)[0];
  AssignType(&data, (*out)[0], op, "output");
  AssignType(&data, (*out)[1], op, "the hidden gradient output");
  if (data < 0) return false;
  MX_CHECK(data == kFloat32 || data == kFloat64, kType, "operator ", op.name, ": data must be float32 or float64, got ",
           DTypeName(data));
  const std::vector<std::string> names = CTCInputNames(attrs);
  for (size_t i = 1; i < in->size(); ++i) {
    MX_CHECK((*in)[i] != kBool, kType, "operator ", op.name, ": ", names[i], " must have a numeric dtype, got bool");
    if ((*in)[i] < 0) (*in)[i] = data;
  }
  AssignType(&(*out)[0], data, op, "output");
  AssignType(&(*out)[1], data, op, "the hidden gradient output");
  return true;
}

}  // namespace

MX_REGISTER_OPS(ctc_loss) {
  OpDef& op =
      Registry::Get()
          .Register("CTCLoss")
          .Describe(
              "Connectionist Temporal Classification Loss.\n\n"
              "- **data**: `(sequence_length, batch_size, alphabet_size)`, activations before the softmax; "
              "channel i stands for label i (0-indexed), and one channel is the blank: 0 when `blank_label` is "
              "``\"first\"``, alphabet_size-1 when it is ``\"last\"``.\n"
              "- **label**: `(batch_size, label_sequence_length)`, each row a label sequence of non-blank "
              "channels, padded at the end with 0 (``\"first\"``) or -1 (``\"last\"``); with "
              "`use_label_lengths` the lengths come from `label_lengths` instead.\n"
              "- **out**: `(batch_size)`, the negative log-likelihood of each label sequence.\n\n"
              "For the vocabulary `[a, b, c]` and the sequences 'ba', 'cbb' and 'abac', ``\"first\"`` indexes "
              "the labels as `{'a': 1, 'b': 2, 'c': 3}` with label `[[2, 1, 0, 0], [3, 2, 2, 0], [1, 2, 1, 3]]`; "
              "``\"last\"`` as `{'a': 0, 'b': 1, 'c': 2}` (channel 3 the blank) with label "
              "`[[1, 0, -1, -1], [2, 1, 1, -1], [0, 1, 0, 2]]`.\n\n"
              "A label sequence that cannot be aligned within its frames gives a loss of 0 and no gradient.  "
              "See *Connectionist Temporal Classification: Labelling Unsegmented Sequence Data with Recurrent "
              "Neural Networks*, A. Graves *et al*.")
          .InputsFn({"data", "label", "data_lengths", "label_lengths"}, CTCNumInputs)
          .Param("use_data_lengths", "boolean", "False",
                 "Whether the data lengths are decided by `data_lengths`. If false, the lengths are equal to the "
                 "max sequence length.")
          .Param("use_label_lengths", "boolean", "False",
                 "Whether the label lengths are decided by `label_lengths`, or derived from the first occurrence "
                 "of the padding value: ``0`` when the first label is reserved for blank, ``-1`` when the last "
                 "is. See `blank_label`.")
          .Param("blank_label", "{'first', 'last'}", "first",
                 "The label reserved for blank. If \"first\", label 0 is the blank, tokens are between ``1`` and "
                 "``alphabet_size-1`` and the padding value is ``0``. If \"last\", label ``alphabet_size-1`` is "
                 "the blank, tokens are between ``0`` and ``alphabet_size-2`` and the padding value is ``-1``.")
          .VisibleOutputs([](const Attrs&) { return 1; })
          .Shapes(CTCShape)
          .Types(CTCTypes)
          .Gradient([](GradBuilder& b) {
            // The hidden output holds d loss[n] / d data[:, n, :]; scale it by
            // the loss's gradient, seen as (1, N, 1).
            const Value scale = b.Apply("Reshape", {b.out_grad(0)}, {{"shape", "(1, -1, 1)"}});
            std::vector<Value> grads(b.num_inputs());
            grads[0] = b.Apply("broadcast_mul", {b.output(1), scale});
            return grads;
          });
  op.num_outputs = 2;  // unnamed, as in MXNet 1.9: list_outputs gives <name>_output0
  op.input_names_fn = CTCInputNames;
  op.input_names_subset = true;
  for (const char* alias : {"ctc_loss", "_contrib_CTCLoss", "_contrib_ctc_loss", "_npx_ctc_loss"}) op.Alias(alias);
}

}  // namespace op
}  // namespace mx
