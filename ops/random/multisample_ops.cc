// The _sample_<dist> ops: one distribution per element of the parameter
// arrays, `shape` samples from each, so the output shape is the parameters'
// shape followed by `shape`.  As in MXNet, parameter values are not checked
// (they are data); degenerate ones give the distribution's limit.
#include <string>
#include <vector>

#include "ops/random/sampling.h"

namespace mx {
namespace op {

namespace {

struct ParamInput {
  const char* name;
  const char* doc;  // kept for the description: inputs carry names only
};

bool MultiSampleShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  const Shape sample_shape = attrs.Tuple("shape");
  for (int64_t d : sample_shape)
    MX_CHECK(d > 0, kValue, "operator ", op.name, ": invalid shape ", sample_shape.ToString(),
             ": shape parameter must be non-zero within each dimension");
  Shape params = Shape::Unknown();
  for (size_t i = 0; i < in->size(); ++i) AssignShape(&params, (*in)[i], op, "parameter input");
  if (!params.is_known()) return false;
  MX_CHECK(params.Size() > 0, kValue, "operator ", op.name, ": the parameter arrays are empty");
  for (Shape& s : *in) s = params;
  Shape shape = params;
  for (int64_t d : sample_shape) shape.push_back(d);
  AssignShape(&(*out)[0], shape, op, "output");
  return true;
}

bool MultiSampleType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  int dtype = -1;
  for (int t : *in) AssignType(&dtype, t, op, "parameter input");
  MX_CHECK(dtype != kBool, kType, "operator ", op.name, ": parameters cannot be boolean");
  for (int& t : *in) t = dtype;
  AssignType(&(*out)[0], DTypeParam(attrs, kFloat32), op, "output");
  return dtype >= 0;
}

void SampleOp(const char* distribution, const std::string& description, std::vector<ParamInput> inputs) {
  std::string text = description +
                     "\n\nThe parameters of the distributions are given as input arrays of one shape "
                     "[s]; with the shape parameter [t] the output has shape [s]x[t], and output[i] "
                     "holds the samples drawn from the distribution of the parameters at index i. "
                     "Without a shape parameter one sample is drawn per distribution.\n\nInputs:";
  std::vector<std::string> names;
  for (const ParamInput& p : inputs) {
    names.push_back(p.name);
    text += std::string("\n  ") + p.name + ": " + p.doc;
  }
  OpDef& op = Registry::Get()
                  .Register(std::string("_sample_") + distribution)
                  .Describe(text)
                  .Inputs(names)
                  .Param("shape", "Shape(tuple)", "()", "Shape to be sampled from each random distribution.")
                  .Param("dtype", kFloatDTypeChoices, "None", kFloatDTypeDoc)
                  .Shapes(MultiSampleShape)
                  .Types(MultiSampleType)
                  .Gradient(ZeroGradient)  // as MXNet: the parameters get zero gradients
                  .Alias(std::string("sample_") + distribution);
  op.needs_rng = true;
}

}  // namespace

MX_REGISTER_OPS(random_multisample) {
  SampleOp("uniform", "Concurrent sampling from multiple uniform distributions on [low, high).",
           {{"low", "Lower bounds of the distributions."}, {"high", "Upper bounds of the distributions."}});
  SampleOp("normal", "Concurrent sampling from multiple normal distributions.",
           {{"mu", "Means of the distributions."}, {"sigma", "Standard deviations of the distributions."}});
  SampleOp("gamma", "Concurrent sampling from multiple gamma distributions.",
           {{"alpha", "Alpha (shape) parameters of the distributions."},
            {"beta", "Beta (scale) parameters of the distributions."}});
  SampleOp("exponential", "Concurrent sampling from multiple exponential distributions.",
           {{"lam", "Lambda (rate) parameters of the distributions."}});
  SampleOp("poisson",
           "Concurrent sampling from multiple Poisson distributions. Samples are returned as a floating "
           "point data type.",
           {{"lam", "Lambda (rate) parameters of the distributions."}});
  SampleOp("negative_binomial",
           "Concurrent sampling from multiple negative binomial distributions. Samples are returned as "
           "a floating point data type.",
           {{"k", "Limits of unsuccessful experiments."}, {"p", "Failure probabilities in each experiment."}});
  SampleOp("generalized_negative_binomial",
           "Concurrent sampling from multiple generalized negative binomial distributions. Samples are "
           "returned as a floating point data type.",
           {{"mu", "Means of the distributions."}, {"alpha", "Alpha (dispersion) parameters of the distributions."}});
}

}  // namespace op
}  // namespace mx
