// Whole-array checks and resets over lists of arrays that MXNet's AMP loss
// scaler and LARS/LAMB optimizers use (src/operator/contrib/all_finite.cc,
// multi_sum_sq.cc, reset_arrays.cc): all_finite / multi_all_finite (a
// float32 (1,) flag: 1 when every element is finite), multi_sum_sq (a
// float32 vector of each array's sum of squares) and reset_arrays (zeros
// its inputs in place, no outputs).  No gradients: MXNet registers none.
#include "ops/optimizer/update_op.h"

namespace mx {
namespace op {
namespace optimizer {

namespace {

constexpr const char* kInitOutputDoc = "Initialize output to 1.";

// Inputs share one floating-point dtype; the one output is float32.
bool FloatInputsFloat32Output(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  int t = -1;
  for (int dtype : *in) AssignType(&t, dtype, op, "input");
  AssignType(&(*out)[0], kFloat32, op, "output");
  if (t < 0) return false;
  CheckFloatType(attrs, t, "input");
  for (int& dtype : *in) dtype = t;
  return true;
}

InferShapeFn VectorOutput(const char* length_param) {
  return [length_param](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
    const int64_t length = length_param ? attrs.Int(length_param) : 1;
    AssignShape(&(*out)[0], Shape({length}), *attrs.op(), "output");
    for (const Shape& s : *in)
      if (s.ndim() < 0) return false;
    return true;
  };
}

void CheckNumArrays(const Attrs& attrs) {
  MX_CHECK(attrs.Int("num_arrays") >= 1, kValue, "operator ", attrs.op()->name, ": num_arrays must be >= 1, got ",
           attrs.Int("num_arrays"));
}

}  // namespace

MX_REGISTER_OPS(optimizer_multi_array) {
  Registry::Get()
      .Register("all_finite")
      .Describe("Check if all the float numbers in the array are finite (used for AMP).\n\n"
                "The output is a float32 array of shape (1,): 1 when every element of data is finite, else 0.  "
                "With init_output=False the output is only ever set to 0, so a caller can AND the checks of "
                "several arrays into one flag (out=...).")
      .Inputs({"data"})
      .Param("init_output", "boolean", "True", kInitOutputDoc)
      .Shapes(VectorOutput(nullptr))
      .Types(FloatInputsFloat32Output);

  Registry::Get()
      .Register("multi_all_finite")
      .Describe("Check if all the float numbers in all the arrays are finite (used for AMP).\n\n"
                "The output is a float32 array of shape (1,): 1 when every element of every array is finite, "
                "else 0; init_output=False leaves a 1 already there unless some element is not finite.")
      .VariadicInputs("data", "num_arrays")
      .Param("num_arrays", "int", "1", "Number of arrays.")
      .Param("init_output", "boolean", "True", kInitOutputDoc)
      .Shapes([](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
        CheckNumArrays(attrs);
        return VectorOutput(nullptr)(attrs, in, out);
      })
      .Types(FloatInputsFloat32Output);

  Registry::Get()
      .Register("multi_sum_sq")
      .Describe("Compute the sums of squares of multiple arrays.\n\n"
                "The output is a float32 vector of num_arrays entries: entry i is the sum of the squares of the "
                "elements of array i (its squared L2 norm), stored as float32.  MX accumulates in float64 "
                "where MXNet accumulates in float32.")
      .VariadicInputs("data", "num_arrays")
      .Param("num_arrays", "int", nullptr, "number of input arrays.")
      .Shapes([](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
        CheckNumArrays(attrs);
        return VectorOutput("num_arrays")(attrs, in, out);
      })
      .Types(FloatInputsFloat32Output);

  OpDef& reset = Registry::Get()
                     .Register("reset_arrays")
                     .Describe("Set to zero multiple arrays.\n\n"
                               "Every input is overwritten with zeros in place; the op has no outputs.")
                     .VariadicInputs("data", "num_arrays")
                     .Param("num_arrays", "int", nullptr, "number of input arrays.")
                     .Shapes([](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>*) {
                       CheckNumArrays(attrs);
                       for (const Shape& s : *in)
                         if (s.ndim() < 0) return false;
                       return true;
                     })
                     .Types([](const Attrs&, std::vector<int>* in, std::vector<int>*) {
                       for (int dtype : *in)
                         if (dtype < 0) return false;
                       return true;
                     });
  reset.num_outputs = 0;
  reset.mutate_inputs_fn = [](const Attrs& attrs) {
    std::vector<int> all(static_cast<size_t>(attrs.Int("num_arrays")));
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
    return all;
  };
}

}  // namespace optimizer
}  // namespace op
}  // namespace mx
