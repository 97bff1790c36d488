// Ops that create arrays from nothing: zeros, ones, full.  Their device comes
// from the "ctx" parameter (read by the imperative layer).
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool InitShape(const Attrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
  const Shape shape = attrs.Tuple("shape");
  for (int64_t d : shape)
    MX_CHECK(d >= 0, kValue, "operator ", attrs.op()->name, ": invalid shape ", shape.ToString(),
             ": dimensions must be non-negative");
  AssignShape(&(*out)[0], shape, *attrs.op(), "output");
  return true;
}

bool InitType(const Attrs& attrs, std::vector<int>*, std::vector<int>* out) {
  AssignType(&(*out)[0], static_cast<int>(attrs.Int("dtype")), *attrs.op(), "output");
  return true;
}

OpDef& InitOp(const char* name, const char* what) {
  return Registry::Get()
      .Register(name)
      .Describe(std::string("Returns a new array of the given shape and dtype, filled with ") + what + ".")
      .Inputs({})
      .Param("shape", "Shape(tuple)", "()", "The shape of the output")
      .Param("ctx", "string", "", "Context of output, in format [cpu|gpu|cpu_pinned](n). Only used for imperative calls.")
      .Param("dtype", "dtype", "float32", "Target data type.")
      .Shapes(InitShape)
      .Types(InitType);
}

}  // namespace

MX_REGISTER_OPS(init) {
  InitOp("_zeros", "zeros");
  InitOp("_ones", "ones");
  InitOp("_full", "a given value").Param("value", "float", nullptr, "Value with which to fill the array");
}

}  // namespace op
}  // namespace mx
