// one_hot: indices (..., ) -> (..., depth), on_value where the last
// coordinate equals the index, off_value elsewhere (everywhere for indices
// outside [0, depth)).
#include <string>
#include <vector>

#include "common/dtype.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool OneHotShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& indices = (*in)[0];
  if (!indices.is_known()) return false;
  const int64_t depth = attrs.Int("depth");
  MX_CHECK(depth >= 0, kValue, "operator ", attrs.op()->name, ": depth must be >= 0, got ", depth);
  Shape result = indices;
  result.push_back(depth);
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

bool OneHotType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const std::string name = attrs.Str("dtype");
  const int dtype = DTypeFromName(name);
  MX_CHECK(dtype >= 0, kType, "operator ", attrs.op()->name, ": dtype ", name, " is not supported");
  AssignType(&(*out)[0], dtype, *attrs.op(), "output");
  return (*in)[0] >= 0;
}

}  // namespace

MX_REGISTER_OP(one_hot)
    .Describe(
        "One-hot encoding: output[i..., j] = on_value if j == indices[i...] else off_value; "
        "the output has shape indices.shape + (depth,). Float indices are truncated.")
    .Inputs({"indices"})
    .Param("depth", "int", nullptr, "Depth of the one hot dimension.")
    .Param("on_value", "double", "1", "The value assigned to the locations represented by indices.")
    .Param("off_value", "double", "0", "The value assigned to the locations not represented by indices.")
    .Param("dtype", "{'bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8'}",
           "'float32'", "DType of the output")
    .Shapes(OneHotShape)
    .Types(OneHotType)
    .Gradient(ZeroGradient);  // as MXNet: indices get a zero gradient

}  // namespace op
}  // namespace mx
