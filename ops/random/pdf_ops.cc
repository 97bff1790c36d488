// The _random_pdf_<dist> ops: the density (or with is_log its log) of
// samples under distributions given by parameter arrays.  The parameter
// arrays share one shape, the leading axes of sample's shape: sample may
// equal it (one density per distribution) or extend it with more axes
// (several samples per distribution, contiguous in memory).  Dirichlet's
// samples are vectors: its parameter's last axis is the sample's last axis,
// which the output drops.  As in MXNet, values are not checked against the
// support (uniform's density is 1 / (high - low) everywhere).
//
// The gradient is _backward_pdf_<dist>(ograd, sample, params..., pdf): the
// sample's gradient and each parameter's, summed over its samples.  As in
// MXNet, the discrete distributions (and uniform) give the sample zero
// gradient.
#include <string>
#include <vector>

#include "common/dtype.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

struct Distribution {
  const char* name;
  std::vector<std::string> params;
  bool vector_samples;  // Dirichlet: one sample is a vector along the last axis
  std::string description;
};

bool PdfShape(bool vector_samples, const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape params = Shape::Unknown();
  for (size_t i = 1; i < in->size(); ++i) AssignShape(&params, (*in)[i], op, "parameter input");
  const Shape& sample = (*in)[0];
  if (!params.is_known() || !sample.is_known()) return false;
  MX_CHECK(params.ndim() >= 1, kValue, "operator ", op.name, ": the parameters must have at least one axis");
  MX_CHECK(params.ndim() <= sample.ndim(), kValue, "operator ", op.name, ": dimension of input samples (",
           sample.ndim(), ") must be at least dimension of distribution parameters (", params.ndim(), ")");
  MX_CHECK(!vector_samples || sample[sample.ndim() - 1] >= 1, kValue, "operator ", op.name,
           ": the samples' last axis (the vectors) must not be empty");
  std::vector<int64_t> lead(sample.begin(), sample.begin() + params.ndim());
  if (vector_samples) lead.back() = sample[sample.ndim() - 1];
  const Shape expected(lead);
  MX_CHECK(params == expected, kValue, "operator ", op.name, ": the parameters' shape ", params.ToString(),
           " must be ", expected.ToString(), ", the leading axes of the sample's shape ", sample.ToString(),
           vector_samples ? " with its last axis" : "");
  if (vector_samples && sample.ndim() == 1) {  // a single vector sample
    AssignShape(&(*out)[0], Shape({1}), op, "output");
  } else {
    AssignShape(&(*out)[0], Shape(std::vector<int64_t>(sample.begin(), sample.end() - (vector_samples ? 1 : 0))), op,
                "output");
  }
  return true;
}

// Every input and the output share one floating-point dtype (MXNet's
// ElemwiseType and MSHADOW_REAL_TYPE_SWITCH).
bool PdfTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  if (!SameTypes(attrs, in, out)) return false;
  const int dtype = (*out)[0];
  MX_CHECK(dtype == kFloat16 || dtype == kFloat32 || dtype == kFloat64, kType, "operator ", attrs.op()->name,
           ": samples and parameters must be float16, float32 or float64, got ", DTypeName(dtype));
  return true;
}

// The backward op's outputs are shaped like the forward inputs: sample, params.
bool BackwardPdfShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  bool known = true;
  for (size_t i = 0; i < out->size(); ++i) {
    AssignShape(&(*out)[i], (*in)[i + 1], *attrs.op(), i == 0 ? "sample gradient" : "parameter gradient");
    known = known && (*out)[i].is_known();
  }
  return known;
}

void PdfOps(const Distribution& d) {
  const std::string backward = std::string("_backward_pdf_") + d.name;
  std::vector<std::string> inputs = {"sample"};
  inputs.insert(inputs.end(), d.params.begin(), d.params.end());
  const bool vector_samples = d.vector_samples;
  Registry::Get()
      .Register(std::string("_random_pdf_") + d.name)
      .Describe(d.description)
      .Inputs(inputs)
      .Param("is_log", "boolean", "False",
             "If set, compute the density of the log-probability instead of the probability.")
      .Shapes([vector_samples](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
        return PdfShape(vector_samples, attrs, in, out);
      })
      .Types(PdfTypes)
      .Gradient([backward](GradBuilder& b) {
        std::vector<Value> args = {b.out_grad(0)};
        for (int i = 0; i < b.num_inputs(); ++i) args.push_back(b.input(i));
        args.push_back(b.output(0));
        return b.ApplyN(backward, args, {{"is_log", b.attrs().Str("is_log")}});
      })
      .Alias(std::string("random_pdf_") + d.name);

  std::vector<std::string> backward_inputs = {"ograd"}, outputs = {"sample_grad"};
  backward_inputs.insert(backward_inputs.end(), inputs.begin(), inputs.end());
  backward_inputs.push_back("pdf");
  for (const std::string& p : d.params) outputs.push_back(p + "_grad");
  Registry::Get()
      .Register(backward)
      .Describe(std::string("The gradients (sample, parameters) of _random_pdf_") + d.name +
                " for the output gradient ograd; pdf is its output.")
      .Inputs(backward_inputs)
      .Outputs(outputs)
      .Param("is_log", "boolean", "False", "The forward op's is_log.")
      .Shapes(BackwardPdfShape)
      .Types(PdfTypes);
}

// MXNet's descriptions, without their examples (the tests hold them).
constexpr const char* kShared =
    " must have the same shape, which must match the leftmost subshape of *sample*.  That is, *sample* can "
    "have the same shape as the parameters, in which case the output contains one density per distribution, "
    "or *sample* can be a tensor of tensors with that shape, in which case the output is a tensor of densities "
    "such that the densities at index *i* in the output are given by the samples at index *i* in *sample* "
    "parameterized by the values of the parameters at index *i*.";

std::string Text(const std::string& head, const std::string& which) { return head + "\n\n" + which + kShared; }

}  // namespace

MX_REGISTER_OPS(random_pdf) {
  PdfOps({"uniform", {"low", "high"}, false,
          Text("Computes the value of the PDF of *sample* of uniform distributions on the intervals given by "
               "*[low,high)*.", "*low* and *high*")});
  PdfOps({"normal", {"mu", "sigma"}, false,
          Text("Computes the value of the PDF of *sample* of normal distributions with parameters *mu* (mean) "
               "and *sigma* (standard deviation).", "*mu* and *sigma*")});
  PdfOps({"gamma", {"alpha", "beta"}, false,
          Text("Computes the value of the PDF of *sample* of gamma distributions with parameters *alpha* "
               "(shape) and *beta* (rate).", "*alpha* and *beta*")});
  PdfOps({"exponential", {"lam"}, false,
          Text("Computes the value of the PDF of *sample* of exponential distributions with parameters *lam* "
               "(rate).", "*lam*")});
  PdfOps({"poisson", {"lam"}, false,
          Text("Computes the value of the PDF of *sample* of Poisson distributions with parameters *lam* "
               "(rate).", "*lam*")});
  PdfOps({"negative_binomial", {"k", "p"}, false,
          Text("Computes the value of the PDF of samples of negative binomial distributions with parameters "
               "*k* (failure limit) and *p* (failure probability).", "*k* and *p*")});
  PdfOps({"generalized_negative_binomial", {"mu", "alpha"}, false,
          Text("Computes the value of the PDF of *sample* of generalized negative binomial distributions with "
               "parameters *mu* (mean) and *alpha* (dispersion).  This can be understood as a "
               "reparameterization of the negative binomial, where *k* = *1 / alpha* and *p* = *1 / (mu \\* "
               "alpha + 1)*.", "*mu* and *alpha*")});
  PdfOps({"dirichlet", {"alpha"}, true,
          Text("Computes the value of the PDF of *sample* of Dirichlet distributions with parameter *alpha*.",
               "*alpha*")});
}

}  // namespace op
}  // namespace mx
