// _sample_multinomial: draws category indices from the categorical
// distributions along the last axis of `data` (probabilities summing to 1).
// With get_prob a second output holds the log-probability of each draw.
#include "ops/random/sampling.h"
#include "ops/tensor/adjoint.h"

namespace mx {
namespace op {

namespace {

bool MultinomialShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  MX_CHECK(data.ndim() >= 1 && data[data.ndim() - 1] > 0, kValue, "operator ", op.name,
           ": data must hold probabilities along a non-empty last axis, got shape ", data.ToString());
  const Shape sample_shape = attrs.Tuple("shape");
  CheckSampleShape(attrs, sample_shape);
  // Rationale: MXNet gives one sample of a single distribution shape (1,),
  // not a 0-d array.
  Shape shape = data.ndim() == 1 && sample_shape.ndim() == 0 ? Shape{1} : Shape(data.data(), data.ndim() - 1);
  for (int64_t d : sample_shape) shape.push_back(d);
  for (Shape& o : *out) AssignShape(&o, shape, op, "output");
  return true;
}

bool MultinomialType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  const int data = (*in)[0];
  if (data < 0) return false;
  MX_CHECK(data == kFloat32 || data == kFloat64 || data == kFloat16, kType, "operator ", op.name,
           ": data must be float16, float32 or float64, got ", DTypeName(data));
  AssignType(&(*out)[0], DTypeParam(attrs, kInt32), op, "output");
  if (out->size() > 1) AssignType(&(*out)[1], data, op, "log-probability output");
  return true;
}

// _backward_sample_multinomial(ograd, data, sample): ograd and sample have
// the draws' shape, the gradient has data's.
bool MultinomialAdjointShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  AssignShape(&(*out)[0], (*in)[1], op, "output");
  AssignShape(&(*in)[1], (*out)[0], op, "data");
  AssignShape(&(*in)[0], (*in)[2], op, "ograd (the shape of sample)");
  AssignShape(&(*in)[2], (*in)[0], op, "sample (the shape of ograd)");
  const Shape &data = (*in)[1], &draws = (*in)[0];
  if (!data.is_known() || !draws.is_known()) return false;
  MX_CHECK(data.ndim() >= 1 && data[data.ndim() - 1] > 0, kValue, "operator ", op.name,
           ": data must hold probabilities along a non-empty last axis, got shape ", data.ToString());
  const int64_t distributions = data.Size() / data[data.ndim() - 1];
  MX_CHECK(distributions ? draws.Size() % distributions == 0 : draws.Size() == 0, kValue, "operator ",
           op.name, ": draws of shape ", draws.ToString(), " do not come from the distributions of data ",
           data.ToString());
  return true;
}

}  // namespace

MX_REGISTER_OPS(random_multinomial) {
  OpDef& op =
      Registry::Get()
          .Register("_sample_multinomial")
          .Describe("Concurrent sampling from multiple multinomial distributions.\n\n"
                    "data holds the probabilities of the categories along its last axis (they must "
                    "sum to 1). With data of shape (n, k) and the shape parameter (m, ...), the output "
                    "has shape (n, m, ...): indices in [0, k) drawn from each of the n distributions. "
                    "A 1-D data is one distribution. If get_prob is true, a second output holds the "
                    "log-likelihood of each drawn index, usually to differentiate through the draw "
                    "(e.g. in reinforcement learning).")
          .Inputs({"data"})
          .NumOutputsFn([](const Attrs& attrs) { return attrs.Bool("get_prob") ? 2 : 1; })
          .Param("shape", "Shape(tuple)", "()", "Shape to be sampled from each random distribution.")
          .Param("get_prob", "boolean", "False",
                 "Whether to also return the log probability of sampled result. This is usually used "
                 "for differentiating through stochastic variables, e.g. in reinforcement learning.")
          .Param("dtype", "{'float16', 'float32', 'float64', 'int32', 'uint8'}", "int32",
                 "DType of the output in case this can't be inferred.")
          .Shapes(MultinomialShape)
          .Types(MultinomialType)
          .Gradient([](GradBuilder& b) {
            // Only the log-probabilities are differentiable (REINFORCE): the
            // draws themselves get a zero gradient, as in MXNet.
            if (!b.attrs().Bool("get_prob")) return ZeroGradient(b);
            return std::vector<Value>{
                b.Apply("_backward_sample_multinomial", {b.out_grad(1), b.input(0), b.output(0)})};
          })
          .Alias("sample_multinomial");
  op.needs_rng = true;

  Registry::Get()
      .Register("_backward_sample_multinomial")
      .Describe("The gradient of _sample_multinomial's log-probabilities: for each draw s of "
                "distribution i, ograd[i, draw] / data[i, s] is added to the gradient at data[i, s].")
      .Inputs({"ograd", "data", "sample"})
      .Shapes(MultinomialAdjointShape)
      .Types(AdjointTypes);
}

}  // namespace op
}  // namespace mx
