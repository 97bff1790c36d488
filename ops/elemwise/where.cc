// where(condition, x, y): elements of x where condition is non-zero, else
// of y (MXNet 1.9's control-flow op).
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

// x, y and the output share one shape; condition has it too, or is 1-D with
// one entry per row (x.shape[0]) and then picks whole rows.
bool WhereShapes(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape s;
  AssignShape(&s, (*in)[1], op, "x");
  AssignShape(&s, (*in)[2], op, "y");
  AssignShape(&s, (*out)[0], op, "output");
  (*in)[1] = s;
  (*in)[2] = s;
  (*out)[0] = s;
  const Shape& cond = (*in)[0];
  if (s.ndim() < 0 || cond.ndim() < 0) return false;
  if (cond.ndim() == s.ndim()) {
    AssignShape(&(*in)[0], s, op, "condition");
  } else {
    MX_CHECK(cond.ndim() == 1 && s.ndim() >= 1, kValue, "operator where: condition of shape ",
             cond.ToString(), " must have the shape of x ", s.ToString(),
             " or be 1-D with x.shape[0] entries");
    MX_CHECK(!cond.is_known() || !s.is_known() || cond[0] == s[0], kValue,
             "operator where: a 1-D condition needs x.shape[0] = ", s.is_known() ? s[0] : -1,
             " entries, got ", cond[0]);
  }
  return s.is_known() && (*in)[0].is_known();
}

// x, y and the output share a dtype; the condition may have any dtype.
bool WhereTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  int t = -1;
  AssignType(&t, (*in)[1], op, "x");
  AssignType(&t, (*in)[2], op, "y");
  AssignType(&t, (*out)[0], op, "output");
  (*in)[1] = (*in)[2] = (*out)[0] = t;
  return t >= 0 && (*in)[0] >= 0;
}

}  // namespace

MX_REGISTER_OP(where)
    .Describe("Return the elements, either from x or y, depending on the condition.\n\n"
              "Given three ndarrays, condition, x, and y, return an ndarray with the elements "
              "from x or y, depending on the elements from condition are true or false. x and y "
              "must have the same shape. If condition has the same shape as x, each element in "
              "the output array is from x if the corresponding element in the condition is "
              "true, and from y if false.\n\n"
              "If condition does not have the same shape as x, it must be a 1D array whose size "
              "is the same as x's first dimension size. Each row of the output array is from x's "
              "row if the corresponding element from condition is true, and from y's row if "
              "false.\n\n"
              "Note that all non-zero values are interpreted as ``True`` in condition.\n\n"
              "Examples::\n\n"
              "  x = [[1, 2], [3, 4]]\n  y = [[5, 6], [7, 8]]\n"
              "  cond = [[0, 1], [-1, 0]]\n\n"
              "  where(cond, x, y) = [[5, 2], [3, 8]]")
    .Inputs({"condition", "x", "y"})
    .Shapes(WhereShapes)
    .Types(WhereTypes)
    .Inplace({{1, 0}, {2, 0}})
    .Gradient([](GradBuilder& b) {  // the condition gets none
      const Value condition = b.input(0), og = b.out_grad(0);
      const Value zeros = b.Apply("zeros_like", {og});
      return std::vector<Value>{Value(), b.Apply("where", {condition, og, zeros}),
                                b.Apply("where", {condition, zeros, og})};
    });

}  // namespace op
}  // namespace mx
