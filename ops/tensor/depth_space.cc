// depth_to_space and space_to_depth: NCHW data rearranged between channels
// and b x b spatial blocks (the DCR order of MXNet 1.9 and ONNX).  Each is a
// permutation of a 6-D view of the data, the inverse of the other, so each
// is the other's gradient.
//   depth_to_space: (N, b, b, C / b^2, H, W) -> (N, C / b^2, H, b, W, b)
//   space_to_depth: (N, C, H / b, b, W / b, b) -> (N, b, b, C, H / b, W / b)
#include <string>
#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool DepthSpaceShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  const std::string& name = attrs.op()->name;
  const int64_t b = attrs.Int("block_size");
  MX_CHECK(b > 0, kValue, name, ": block_size must be positive, got ", b);
  if (!data.is_known()) return false;
  MX_CHECK(data.ndim() == 4, kValue, name, ": data must be 4-D (N, C, H, W), got shape ", data.ToString());
  Shape result = data;
  if (name == "depth_to_space") {
    MX_CHECK(data[1] % (b * b) == 0, kValue, name, ": the channels (", data[1],
             ") must be a multiple of block_size^2 (", b * b, ")");
    result[1] = data[1] / (b * b);
    result[2] = data[2] * b;
    result[3] = data[3] * b;
  } else {
    MX_CHECK(data[2] % b == 0 && data[3] % b == 0, kValue, name, ": height and width (", data[2], ", ",
             data[3], ") must be multiples of block_size (", b, ")");
    result[1] = data[1] * b * b;
    result[2] = data[2] / b;
    result[3] = data[3] / b;
  }
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

GradientFn InverseGradient(const char* inverse) {
  return [inverse](GradBuilder& b) {
    return std::vector<Value>{b.Apply(inverse, {b.out_grad(0)}, {{"block_size", b.attrs().Str("block_size")}})};
  };
}

}  // namespace

MX_REGISTER_OP(depth_to_space)
    .Describe("Rearranges(permutes) data from depth into blocks of spatial data.\n\n"
              "The output is a new tensor where the values from depth dimension are moved in spatial blocks "
              "to height and width dimension. The reverse of space_to_depth.\n\n"
              "data (N, C, H, W) gives (N, C / (block_size ^ 2), H * block_size, W * block_size): reshaped to "
              "(N, block_size, block_size, C / (block_size ^ 2), H, W), transposed by (0, 3, 4, 1, 5, 2) and "
              "reshaped.")
    .Inputs({"data"})
    .Param("block_size", "int", nullptr, "Blocks of [block_size. block_size] are moved")
    .Shapes(DepthSpaceShape)
    .Types(SameTypes)
    .Gradient(InverseGradient("space_to_depth"));

MX_REGISTER_OP(space_to_depth)
    .Describe("Rearranges(permutes) blocks of spatial data into depth.\n\n"
              "The output is a new tensor where the values from height and width dimension are moved to the "
              "depth dimension. The reverse of depth_to_space.\n\n"
              "data (N, C, H, W) gives (N, C * (block_size ^ 2), H / block_size, W / block_size): reshaped to "
              "(N, C, H / block_size, block_size, W / block_size, block_size), transposed by (0, 3, 5, 1, 2, 4) "
              "and reshaped.")
    .Inputs({"data"})
    .Param("block_size", "int", nullptr, "Blocks of [block_size. block_size] are moved")
    .Shapes(DepthSpaceShape)
    .Types(SameTypes)
    .Gradient(InverseGradient("depth_to_space"));

}  // namespace op
}  // namespace mx
