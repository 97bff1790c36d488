// _contrib_box_nms (alias _contrib_box_non_maximum_suppression; MXNet 1.9):
// greedy non-maximum suppression over data (..., K, width), every leading
// axis a batch.  Per batch: boxes with score > valid_thresh (and, when
// id_index >= 0, an id other than background_id) are stably sorted by
// descending score (ties keep input order), the first topk kept (topk < 0:
// all), and each box, in that order, removes the later boxes whose IoU with
// it is > overlap_thresh (boxes of any id when force_suppress or id_index <
// 0, else of its own id, ids compared truncated to integers as MXNet does;
// background_id is compared as a value).  Two empty boxes have IoU 0 / 0
// there, which suppresses nothing.  The survivors fill the first rows of the batch's
// output in that order, their coordinates converted from in_format to
// out_format; every other row is -1.  topk = 0 copies data unchanged.
//
// The hidden output record (int32, data's shape without its last axis)
// holds, for each output row, the input row it came from or -1.  The
// gradient, as MXNet defines it, routes each output row's gradient to its
// input row (coordinates included, whatever the formats):
// _backward_contrib_box_nms(out_grad, record) -> data's gradient.
#include "common/dtype.h"
#include "ops/contrib/box_format.h"
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

// Checks data's shape against the column indices, as MXNet does.
void CheckLayout(const Attrs& attrs, const Shape& data) {
  const std::string& op = attrs.op()->name;
  MX_CHECK(data.ndim() >= 2, kValue, op,
           ": input must have dim >= 2 the last two dimensions are num_box and box_width ", data.ToString(),
           " provided");
  const int64_t width = data[data.ndim() - 1];
  const int64_t id_index = attrs.Int("id_index"), score_index = attrs.Int("score_index");
  const int64_t coord_start = attrs.Int("coord_start"), coord_end = coord_start + 3;
  const int64_t expected = id_index >= 0 ? 6 : 5;
  MX_CHECK(width >= expected, kValue, op,
           ": the last dimension must have at least 5 elements namely (score, coordinates x 4) ", width,
           " provided, ", expected, " expected.");
  MX_CHECK(score_index >= 0 && score_index < width, kValue, op, ": score_index: ", score_index,
           " out of range: (0, ", width, ")");
  MX_CHECK(score_index < coord_start || score_index > coord_end, kValue, op, ": score_index: ", score_index,
           " conflict with coordinates: (", coord_start, ", ", coord_end, ").");
  MX_CHECK(coord_start >= 0 && coord_end < width, kValue, op, ": coordinates: (", coord_start, ", ", coord_end,
           ") out of range:: (0, ", width, ")");
  if (id_index >= 0) {
    MX_CHECK(id_index < width, kValue, op, ": id_index: ", id_index, " out of range: (0, ", width, ")");
    MX_CHECK(id_index < coord_start || id_index > coord_end, kValue, op, ": id_index: ", id_index,
             " conflict with coordinates: (", coord_start, ", ", coord_end, ").");
    MX_CHECK(id_index != score_index, kValue, op, ": id_index: ", id_index, " conflict with score_index: ",
             score_index);
  }
}

Shape RecordShape(const Shape& data) { return Shape(data.begin(), data.ndim() - 1); }

bool BoxNMSShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  CheckLayout(attrs, data);
  AssignShape(&(*out)[0], data, *attrs.op(), "output");
  AssignShape(&(*out)[1], RecordShape(data), *attrs.op(), "record");
  return true;
}

bool BoxNMSType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  std::vector<int> boxes = {(*out)[0]};
  const bool known = SameFloatTypes(attrs, in, &boxes);
  (*out)[0] = boxes[0];
  AssignType(&(*out)[1], kInt32, *attrs.op(), "record");
  return known;
}

// _backward_contrib_box_nms: [out_grad, record] -> [data's gradient].
bool BoxNMSBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& grad = (*in)[0];
  if (!grad.is_known()) return false;
  CheckLayout(attrs, grad);
  AssignShape(&(*in)[1], RecordShape(grad), *attrs.op(), "record");
  AssignShape(&(*out)[0], grad, *attrs.op(), "gradient");
  return true;
}

bool BoxNMSBackwardType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  std::vector<int> grads = {(*in)[0]};
  const bool known = SameFloatTypes(attrs, &grads, out);
  (*in)[0] = grads[0];
  AssignType(&(*in)[1], kInt32, *attrs.op(), "record");
  return known;
}

OpDef& AddBoxNMSParams(OpDef& op) {
  op.Param("overlap_thresh", "float", "0.5", "Overlapping(IoU) threshold to suppress object with smaller score.")
      .Param("valid_thresh", "float", "0", "Filter input boxes to those whose scores greater than valid_thresh.")
      .Param("topk", "int", "-1", "Apply nms to topk boxes with descending scores, -1 to no restriction.")
      .Param("coord_start", "int", "2", "Start index of the consecutive 4 coordinates.")
      .Param("score_index", "int", "1", "Index of the scores/confidence of boxes.")
      .Param("id_index", "int", "-1", "Optional, index of the class categories, -1 to disable.")
      .Param("background_id", "int", "-1", "Optional, id of the background class which will be ignored in nms.")
      .Param("force_suppress", "boolean", "False",
             "Optional, if set false and id_index is provided, nms will only apply to boxes belongs to the same "
             "category");
  AddBoxFormatParam(op, "in_format", "corner", "The input box encoding type.");
  return AddBoxFormatParam(op, "out_format", "corner", "The output box encoding type.");
}

}  // namespace

MX_REGISTER_OPS(box_nms) {
  OpDef& op = AddBoxNMSParams(
      Registry::Get()
          .Register("_contrib_box_nms")
          .Describe("Apply non-maximum suppression to input.\n\n"
                    "The output will be sorted in descending order according to `score`. Boxes with overlaps "
                    "larger than `overlap_thresh`, smaller scores and background boxes will be removed and filled "
                    "with -1, the corresponding position will be recorded for backward propogation.\n\n"
                    "During back-propagation, the gradient will be copied to the original position according to "
                    "the input index. For positions that have been suppressed, the in_grad will be assigned 0.\n"
                    "In summary, gradients are sticked to its boxes, will either be moved or discarded according "
                    "to its original index in input.\n\n"
                    "Input requirements::\n\n"
                    "  1. Input tensor have at least 2 dimensions, (n, k), any higher dims will be regarded\n"
                    "  as batch, e.g. (a, b, c, d, n, k) == (a*b*c*d, n, k)\n"
                    "  2. n is the number of boxes in each batch\n"
                    "  3. k is the width of each box item.\n\n"
                    "By default, a box is [id, score, xmin, ymin, xmax, ymax, ...],\n"
                    "additional elements are allowed.\n\n"
                    "- `id_index`: optional, use -1 to ignore, useful if `force_suppress=False`, which means\n"
                    "  we will skip highly overlapped boxes if one is `apple` while the other is `car`.\n\n"
                    "- `background_id`: optional, default=-1, class id for background boxes, useful\n"
                    "  when `id_index >= 0` which means boxes with background id will be filtered before nms.\n\n"
                    "- `coord_start`: required, default=2, the starting index of the 4 coordinates.\n"
                    "  Two formats are supported:\n\n"
                    "    - `corner`: [xmin, ymin, xmax, ymax]\n\n"
                    "    - `center`: [x, y, width, height]\n\n"
                    "- `score_index`: required, default=1, box score/confidence.\n"
                    "  When two boxes overlap IOU > `overlap_thresh`, the one with smaller score will be "
                    "suppressed.\n\n"
                    "- `in_format` and `out_format`: default='corner', specify in/out box formats.")
          .Inputs({"data"})
          .Outputs({"output", "record"})
          .VisibleOutputs([](const Attrs&) { return 1; })
          .Shapes(BoxNMSShape)
          .Types(BoxNMSType)
          .Gradient([](GradBuilder& b) {
            return std::vector<Value>{
                b.Apply("_backward_contrib_box_nms", {b.out_grad(0), b.output(1)}, ParamsOf(b.attrs()))};
          }));
  op.Alias("_contrib_box_non_maximum_suppression");
  AddBoxNMSParams(Registry::Get()
                      .Register("_backward_contrib_box_nms")
                      .Describe("The gradient of box_nms: from (out_grad, record) to data's gradient (each kept "
                                "row's gradient goes to the input row it came from; the rest are 0).")
                      .Inputs({"out_grad", "record"})
                      .Shapes(BoxNMSBackwardShape)
                      .Types(BoxNMSBackwardType));
}

}  // namespace op
}  // namespace mx
