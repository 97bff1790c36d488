// _contrib_box_encode and _contrib_box_decode (MXNet 1.9): training targets
// as normalized center offsets of boxes from their anchors, and back.
//
// box_encode(samples (B, N), matches (B, N), anchors (B, N, 4), refs
// (B, M, 4), means (4,), stds (4,)) -> targets (B, N, 4), masks (B, N, 4):
// for a positive sample (samples > 0.5) matched to refs[b, matches[b, n]],
// with centers and sizes of the corner boxes, targets = ((dx / aw, dy / ah,
// log(rw / aw), log(rh / ah)) - means) / stds and masks 1; otherwise both 0.
// A match outside [0, M) is an error (MXNet reads past refs).
//
// box_decode(data (B, N, 4), anchors (1, N, 4)) -> corner boxes (B, N, 4):
// x = data0 * std0 * aw + ax, w / 2 = exp(data2 * std2) * aw / 2 (the
// exponent capped at clip when clip > 0), the same for y and h; anchors are
// read in `format`.
//
// Every input shares one float dtype.  As in MXNet, both ops back-propagate
// zero gradients.
#include "ops/contrib/box_format.h"
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

void CheckLastIs4(const OpDef& op, const Shape& s, const char* name) {
  MX_CHECK(s[s.ndim() - 1] == 4, kValue, op.name, ": last dimension of ", name, " must be 4, ", s[s.ndim() - 1],
           " provided");
}

void CheckNdim(const OpDef& op, const Shape& s, int ndim, const char* name) {
  MX_CHECK(s.ndim() == ndim, kValue, op.name, ": ", name, " shape must have dim == ", ndim, ", ", s.ndim(),
           " provided");
}

bool BoxEncodeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  AssignShape(&(*in)[4], Shape({4}), op, "means");
  AssignShape(&(*in)[5], Shape({4}), op, "stds");
  for (int i = 0; i < 4; ++i)
    if (!(*in)[i].is_known()) return false;
  const Shape &samples = (*in)[0], &matches = (*in)[1], &anchors = (*in)[2], &refs = (*in)[3];
  CheckNdim(op, samples, 2, "samples");
  CheckNdim(op, matches, 2, "matches");
  CheckNdim(op, anchors, 3, "anchors");
  CheckLastIs4(op, anchors, "anchors");
  CheckNdim(op, refs, 3, "refs");
  CheckLastIs4(op, refs, "refs");
  const Shape batch_boxes({anchors[0], anchors[1]});
  MX_CHECK(samples == batch_boxes && matches == batch_boxes, kValue, op.name, ": samples ", samples.ToString(),
           " and matches ", matches.ToString(), " must both be anchors' first two dimensions ",
           batch_boxes.ToString());
  MX_CHECK(refs[0] == anchors[0], kValue, op.name, ": refs ", refs.ToString(), " and anchors ", anchors.ToString(),
           " must have the same batch size");
  AssignShape(&(*out)[0], anchors, op, "targets");
  AssignShape(&(*out)[1], anchors, op, "masks");
  return true;
}

bool BoxDecodeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  const Shape &data = (*in)[0], &anchors = (*in)[1];
  if (!data.is_known() || !anchors.is_known()) return false;
  CheckNdim(op, data, 3, "data");
  CheckLastIs4(op, data, "data");
  CheckNdim(op, anchors, 3, "anchors");
  MX_CHECK(anchors == Shape({1, data[1], 4}), kValue, op.name, ": anchors must have shape (1, ", data[1],
           ", 4) for data ", data.ToString(), ", got ", anchors.ToString());
  AssignShape(&(*out)[0], data, op, "output");
  return true;
}

}  // namespace

MX_REGISTER_OPS(box_coding) {
  Registry::Get()
      .Register("_contrib_box_encode")
      .Describe("Encode bounding boxes training target with normalized center offsets.\n"
                "    Input bounding boxes are using corner type: `x_{min}, y_{min}, x_{max}, y_{max}`.) array")
      .Inputs({"samples", "matches", "anchors", "refs", "means", "stds"})
      .Outputs({"targets", "masks"})
      .Shapes(BoxEncodeShape)
      .Types(SameFloatTypes)
      .Gradient(ZeroGradient);
  OpDef& decode =
      Registry::Get()
          .Register("_contrib_box_decode")
          .Describe("Decode bounding boxes training target with normalized center offsets.\n"
                    "    Input bounding boxes are using corner type: `x_{min}, y_{min}, x_{max}, y_{max}`\n"
                    "    or center type: `x, y, width, height.) array")
          .Inputs({"data", "anchors"})
          .Shapes(BoxDecodeShape)
          .Types(SameFloatTypes)
          .Gradient(ZeroGradient);
  const char* ordinal[] = {"1st", "2nd", "3rd", "4th"};
  for (int k = 0; k < 4; ++k)
    decode.Param("std" + std::to_string(k), "float", "1",
                 std::string("value to be divided from the ") + ordinal[k] + " encoded values");
  decode.Param("clip", "float", "-1", "If larger than 0, bounding box target will be clipped to this value.");
  AddBoxFormatParam(decode, "format", "center", "The box encoding type.");
}

}  // namespace op
}  // namespace mx
