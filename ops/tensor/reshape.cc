#include "ops/tensor/reshape.h"

#include <algorithm>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/adjoint.h"

namespace mx {
namespace op {

Shape InferReshape(const Shape& src, const Shape& spec, bool reverse, const std::string& op_name) {
  std::vector<int64_t> dims(src.begin(), src.end());
  std::vector<int64_t> codes(spec.begin(), spec.end());
  if (reverse) {
    std::reverse(dims.begin(), dims.end());
    std::reverse(codes.begin(), codes.end());
  }
  auto fail = [&](const std::string& why) {
    Throw(ErrorKind::kValue, "operator ", op_name, ": cannot reshape ", src.ToString(), " to ",
          spec.ToString(), ": ", why);
  };
  std::vector<int64_t> out;
  size_t src_idx = 0;
  int infer_idx = -1;
  for (size_t i = 0; i < codes.size(); ++i) {
    const int64_t code = codes[i];
    if (code == 0) {
      if (src_idx >= dims.size()) fail("0 refers past the last input dimension");
      out.push_back(dims[src_idx++]);
    } else if (code == -1) {
      if (infer_idx >= 0) fail("only one dimension can be -1");
      infer_idx = static_cast<int>(out.size());
      out.push_back(1);
      ++src_idx;
    } else if (code == -2) {
      while (src_idx < dims.size()) out.push_back(dims[src_idx++]);
    } else if (code == -3) {
      if (src_idx + 1 >= dims.size()) fail("-3 needs two input dimensions to merge");
      const int64_t d1 = dims[src_idx++];
      const int64_t d2 = dims[src_idx++];
      out.push_back(d1 * d2);
    } else if (code == -4) {
      if (i + 2 >= codes.size()) fail("-4 must be followed by two dimensions");
      if (src_idx >= dims.size()) fail("-4 refers past the last input dimension");
      const int64_t d0 = dims[src_idx++];
      int64_t d1 = codes[++i];
      int64_t d2 = codes[++i];
      if (d1 == -1 && d2 == -1) fail("the two dimensions of -4 cannot both be -1");
      if (d1 == -1) d1 = d2 == 0 ? -1 : d0 / d2;
      if (d2 == -1) d2 = d1 == 0 ? -1 : d0 / d1;
      if (d1 < 0 || d2 < 0 || d1 * d2 != d0)
        fail("the split dimensions of -4 do not divide dimension " + std::to_string(d0));
      out.push_back(d1);
      out.push_back(d2);
    } else if (code > 0) {
      out.push_back(code);
      ++src_idx;
    } else {
      fail("invalid code " + std::to_string(code));
    }
  }
  if (infer_idx >= 0) {
    int64_t known = 1;
    for (size_t k = 0; k < out.size(); ++k)
      if (static_cast<int>(k) != infer_idx) known *= out[k];
    if (known == 0) fail("cannot infer -1 next to a 0-size dimension");
    if (src.Size() % known != 0) fail("the size is not divisible by " + std::to_string(known));
    out[infer_idx] = src.Size() / known;
  }
  if (reverse) std::reverse(out.begin(), out.end());
  int64_t size = 1;
  for (int64_t d : out)
    if (__builtin_mul_overflow(size, d, &size)) fail("the number of elements overflows 64 bits");
  Shape result(out);
  if (result.Size() != src.Size()) fail("the number of elements differs");
  return result;
}

namespace {

bool ReshapeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const std::string& name = attrs.op()->name;
  Shape spec = attrs.Tuple("shape");
  Shape target;
  if (spec.ndim() > 0) {
    target = InferReshape(src, spec, attrs.Bool("reverse"), name);
  } else {
    // Deprecated target_shape: one 0 entry is inferred; keep_highest pins dim 0.
    Shape t = attrs.Tuple("target_shape");
    MX_CHECK(t.ndim() > 0, kValue, "operator ", name, ": parameter 'shape' must be given");
    if (attrs.Bool("keep_highest")) t[0] = src[0];
    int64_t known = 1;
    int zero = -1;
    for (int i = 0; i < t.ndim(); ++i) {
      if (t[i] == 0) {
        MX_CHECK(zero < 0, kValue, "operator ", name, ": target_shape may contain one 0");
        zero = i;
      } else {
        known *= t[i];
      }
    }
    if (zero >= 0 && known > 0) t[zero] = src.Size() / known;
    MX_CHECK(t.Size() == src.Size(), kValue, "operator ", name, ": cannot reshape ",
             src.ToString(), " to target_shape ", t.ToString());
    target = t;
  }
  AssignShape(&(*out)[0], target, *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(Reshape)
    .Describe(
        "Reshapes the input array to a new shape with the same number of elements.\n\n"
        "Special values in `shape`: 0 copies the input dimension, -1 infers it from the rest, "
        "-2 copies all remaining input dimensions, -3 merges two consecutive input dimensions, "
        "-4 splits one input dimension into the two values that follow (one may be -1). "
        "With reverse=True the special values are applied from right to left.")
    .Inputs({"data"})
    .Param("shape", "Shape(tuple)", "()", "The target shape")
    .Param("reverse", "boolean", "False", "If true then the special values are inferred from right to left")
    .Param("target_shape", "Shape(tuple)", "()", "(Deprecated! Use ``shape`` instead.) Target new shape. One and only one dim can be 0, in which case it will be inferred from the rest of dims")
    .Param("keep_highest", "boolean", "False", "(Deprecated! Use ``shape`` instead.) Whether keep the highest dim unchanged.If set to true, then the first dim in target_shape is ignored,and always fixed as input")
    .Shapes(ReshapeShape)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient(ReshapeGradient)
    .Alias("reshape");

}  // namespace op
}  // namespace mx
