// _contrib_box_iou (MXNet 1.9): the intersection over union of every box of
// lhs (..., 4) with every box of rhs (..., 4), shaped lhs.shape[:-1] +
// rhs.shape[:-1].  A box with a negative width or height has area 0, and
// boxes that do not intersect have IoU 0.  As in MXNet, the gradient is
// zero.
#include "ops/contrib/box_format.h"
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

void CheckBoxes(const OpDef& op, const Shape& s, const char* name) {
  MX_CHECK(s.ndim() >= 2, kValue, op.name, ": ", name, " must have dim >= 2, ", s.ndim(), " provided");
  MX_CHECK(s[s.ndim() - 1] == 4, kValue, op.name, ": last dimension of ", name, " must be 4, ", s[s.ndim() - 1],
           " provided");
}

bool BoxIouShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &lhs = (*in)[0], &rhs = (*in)[1];
  if (!lhs.is_known() || !rhs.is_known()) return false;
  CheckBoxes(*attrs.op(), lhs, "lhs");
  CheckBoxes(*attrs.op(), rhs, "rhs");
  std::vector<int64_t> dims(lhs.begin(), lhs.end() - 1);
  dims.insert(dims.end(), rhs.begin(), rhs.end() - 1);
  AssignShape(&(*out)[0], Shape(dims), *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OPS(box_iou) {
  AddBoxFormatParam(Registry::Get()
                        .Register("_contrib_box_iou")
                        .Describe("Bounding box overlap of two arrays.\n"
                                  "  The overlap is defined as Intersection-over-Union, aka, IOU.\n"
                                  "  - lhs: (a_1, a_2, ..., a_n, 4) array\n"
                                  "  - rhs: (b_1, b_2, ..., b_n, 4) array\n"
                                  "  - output: (a_1, a_2, ..., a_n, b_1, b_2, ..., b_n) array\n\n"
                                  "  Zero gradients are back-propagated in this op for now.")
                        .Inputs({"lhs", "rhs"})
                        .Shapes(BoxIouShape)
                        .Types(SameFloatTypes)
                        .Gradient(ZeroGradient),
                    "format", "corner", "The box encoding type.");
}

}  // namespace op
}  // namespace mx
