// The casts AMP (automatic mixed precision) inserts into graphs: they change
// only float16 and float32 values and pass every other dtype through.
//   amp_cast(data, dtype): a float16/float32 input becomes dtype.
//   amp_multicast(data_0, ..., num_outputs, cast_narrow): each float16/float32
//     input becomes the widest of the float types among them (float32 if any
//     is float32, else input 0's dtype), or with cast_narrow the narrowest
//     (float16 if any is float16, else float32).
// Their gradients cast the output gradients back to the inputs' dtypes.
//
// Rationale: MXNet lets an output reuse its input's memory (FInplaceOption);
// here no in-place hint, as the two dtypes may differ in size.
#include <string>
#include <vector>

#include "common/dtype.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool IsAmpFloat(int dtype) { return dtype == kFloat16 || dtype == kFloat32; }

bool AmpCastType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const int data = (*in)[0];
  if (data < 0) return false;
  AssignType(&(*out)[0], IsAmpFloat(data) ? static_cast<int>(attrs.Int("dtype")) : data, *attrs.op(), "output");
  return true;
}

bool AmpMulticastType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const bool narrow = attrs.Bool("cast_narrow");
  // As MXNet 1.9: any input (or output) of the extreme float type decides;
  // without one, float32 (cast_narrow) or input 0's dtype, whatever it is.
  const int extreme = narrow ? kFloat16 : kFloat32;
  int target = narrow ? kFloat32 : (*in)[0];
  for (size_t i = 0; i < in->size(); ++i)
    if ((*in)[i] == extreme || (*out)[i] == extreme) target = extreme;
  bool known = true;
  for (size_t i = 0; i < in->size(); ++i) {
    if ((*in)[i] < 0) {
      known = false;
      continue;
    }
    AssignType(&(*out)[i], IsAmpFloat((*in)[i]) ? target : (*in)[i], *attrs.op(), "output");
  }
  return known;
}

bool AmpMulticastShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  MX_CHECK(attrs.Int("num_outputs") >= 1, kValue, "operator amp_multicast: num_outputs must be at least 1, got ",
           attrs.Int("num_outputs"));
  bool known = true;
  for (size_t i = 0; i < in->size(); ++i) {
    AssignShape(&(*out)[i], (*in)[i], *attrs.op(), "output");
    AssignShape(&(*in)[i], (*out)[i], *attrs.op(), "data");
    known = known && (*in)[i].is_known();
  }
  return known;
}

// Each output gradient back to its input's dtype.
std::vector<Value> CastBack(GradBuilder& b) {
  std::vector<Value> grads;
  for (int i = 0; i < b.num_inputs(); ++i) grads.push_back(b.Apply("_cast_like", {b.out_grad(i), b.input(i)}));
  return grads;
}

}  // namespace

MX_REGISTER_OP(amp_cast)
    .Describe("Cast function between low precision float/FP32 used by AMP.\n\n"
              "It casts only between low precision float/FP32 and does not do anything for other types.")
    .Inputs({"data"})
    .Param("dtype", "dtype", nullptr, "Output data type.")
    .Shapes(SameShapes)
    .Types(AmpCastType)
    .Gradient(CastBack);

MX_REGISTER_OP(amp_multicast)
    .Describe("Cast function used by AMP, that casts its inputs to the common widest type.\n\n"
              "It casts only between low precision float/FP32 and does not do anything for other types.")
    .VariadicInputs("data", "num_outputs")
    .NumOutputsFn([](const Attrs& attrs) { return static_cast<int>(attrs.Int("num_outputs")); })
    .Param("num_outputs", "int", nullptr, "Number of input/output pairs to be casted to the widest type.")
    .Param("cast_narrow", "boolean", "False", "Whether to cast to the narrowest type")
    .Shapes(AmpMulticastShape)
    .Types(AmpMulticastType)
    .Gradient(CastBack);

}  // namespace op
}  // namespace mx
