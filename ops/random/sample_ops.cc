// The _random_<dist> ops: samples of one distribution with scalar parameters,
// in an array of the `shape` parameter on the device of `ctx`.  Each call gets
// its own seed (needs_rng), so mx.random.seed makes them reproducible.
//
// Each float distribution also has _random_<dist>_like: the same samples in
// an array of its input's shape and dtype.
//
// Bad parameters (high < low, a non-positive scale, ...) throw here, when the
// call is made, with MXNet's messages.
#include <functional>
#include <initializer_list>
#include <string>

#include "ops/elemwise/float_types.h"
#include "ops/gradient.h"
#include "ops/random/sampling.h"

namespace mx {
namespace op {

namespace {

struct DistributionParam {
  const char* name;
  const char* type;
  const char* default_value;
  const char* doc;
};

using CheckFn = std::function<void(const Attrs&)>;

void Require(bool ok, const Attrs& attrs, const char* message) {
  MX_CHECK(ok, kValue, "operator ", attrs.op()->name, ": ", message);
}

OpDef& RandomOp(const char* name, const char* description,
                std::initializer_list<DistributionParam> params, CheckFn check, const char* dtype_choices,
                int default_dtype) {
  OpDef& op = Registry::Get().Register(name).Describe(description).Inputs({});
  op.needs_rng = true;
  for (const DistributionParam& p : params) op.Param(p.name, p.type, p.default_value, p.doc);
  return op.Param("shape", "Shape(tuple)", "()", "Shape of the output.")
      .Param("ctx", "string", "",
             "Context of output, in format [cpu|gpu|cpu_pinned](n). Only used for imperative calls.")
      .Param("dtype", dtype_choices, "None",
             default_dtype == kFloat32 ? kFloatDTypeDoc
                                       : "DType of the output in case this can't be inferred. "
                                         "Defaults to int32 if not defined (dtype=None).")
      .Shapes([check](const Attrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
        check(attrs);
        const Shape shape = attrs.Tuple("shape");
        CheckSampleShape(attrs, shape);
        // Rationale: MXNet's default shape is "unset", so a call with out=
        // and no shape takes the output array's shape.
        if (shape.ndim() == 0 && (*out)[0].is_known()) return true;
        AssignShape(&(*out)[0], shape, *attrs.op(), "output");
        return true;
      })
      .Types([default_dtype](const Attrs& attrs, std::vector<int>*, std::vector<int>* out) {
        AssignType(&(*out)[0], DTypeParam(attrs, default_dtype), *attrs.op(), "output");
        return true;
      });
}

void RandomLikeOp(const std::string& name, const char* description,
                  std::initializer_list<DistributionParam> params, CheckFn check) {
  OpDef& op = Registry::Get()
                  .Register(name)
                  .Describe(std::string(description) + " The output has the shape and dtype of the input.")
                  .Inputs({"data"});
  op.needs_rng = true;
  for (const DistributionParam& p : params) op.Param(p.name, p.type, p.default_value, p.doc);
  op.Shapes([check](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      check(attrs);
      return SameShapes(attrs, in, out);
    })
      .Types(FloatTypes)
      .Gradient(ZeroGradient);  // as MXNet: the input only lends its shape
}

OpDef& FloatRandomOp(const char* name, const char* description,
                     std::initializer_list<DistributionParam> params, CheckFn check) {
  RandomLikeOp(std::string(name) + "_like", description, params, check);
  return RandomOp(name, description, params, std::move(check), kFloatDTypeChoices, kFloat32);
}

}  // namespace

MX_REGISTER_OPS(random_sample) {
  FloatRandomOp("_random_uniform",
                "Draws samples from a uniform distribution on the half-open interval [low, high).",
                {{"low", "float", "0", "Lower bound of the distribution."},
                 {"high", "float", "1", "Upper bound of the distribution."}},
                [](const Attrs& a) {
                  Require(a.Float("high") >= a.Float("low"), a,
                          "low must be less or equal to high in uniform distribution");
                })
      .Alias("uniform")
      .Alias("random_uniform");

  FloatRandomOp("_random_normal",
                "Draws samples from a normal (Gaussian) distribution with mean loc and standard "
                "deviation scale.",
                {{"loc", "float", "0", "Mean of the distribution."},
                 {"scale", "float", "1", "Standard deviation of the distribution."}},
                [](const Attrs& a) {
                  Require(a.Float("scale") > 0, a, "scale parameter in gaussian has to be positive");
                })
      .Alias("normal")
      .Alias("random_normal");

  FloatRandomOp("_random_gamma",
                "Draws samples from a gamma distribution with shape alpha and scale beta.",
                {{"alpha", "float", "1", "Alpha parameter (shape) of the gamma distribution."},
                 {"beta", "float", "1", "Beta parameter (scale) of the gamma distribution."}},
                [](const Attrs& a) {
                  Require(a.Float("alpha") > 0, a, "alpha parameter in gamma distribution has to be positive");
                  Require(a.Float("beta") > 0, a, "beta parameter in gamma distribution has to be positive");
                })
      .Alias("random_gamma");

  FloatRandomOp("_random_exponential",
                "Draws samples from an exponential distribution with rate lam.",
                {{"lam", "float", "1", "Lambda parameter (rate) of the exponential distribution."}},
                [](const Attrs& a) {
                  Require(a.Float("lam") > 0, a,
                          "lambda parameter in exponential distribution has to be positive");
                })
      .Alias("random_exponential");

  FloatRandomOp("_random_poisson",
                "Draws samples from a Poisson distribution with rate lam. Samples are returned as a "
                "floating point data type.",
                {{"lam", "float", "1", "Lambda parameter (rate) of the Poisson distribution."}},
                [](const Attrs& a) {
                  Require(a.Float("lam") >= 0, a,
                          "lambda parameter in poisson distribution has to be non-negative");
                })
      .Alias("random_poisson");

  FloatRandomOp("_random_negative_binomial",
                "Draws samples from a negative binomial distribution with k (limit of unsuccessful "
                "experiments) and p (failure probability in each experiment); the mean is k(1-p)/p. "
                "Samples are returned as a floating point data type.",
                {{"k", "int", "1", "Limit of unsuccessful experiments."},
                 {"p", "float", "1", "Failure probability in each experiment."}},
                [](const Attrs& a) {
                  Require(a.Int("k") >= 0, a,
                          "k parameter in negative binomial distribution has to be non-negative");
                  Require(a.Float("p") >= 0 && a.Float("p") <= 1, a,
                          "p parameter in negative binomial distribution has to be in [0, 1]");
                })
      .Alias("random_negative_binomial");

  FloatRandomOp("_random_generalized_negative_binomial",
                "Draws samples from a generalized negative binomial distribution with mean mu and "
                "dispersion alpha (variance mu + alpha * mu^2). Samples are returned as a floating "
                "point data type.",
                {{"mu", "float", "1", "Mean of the negative binomial distribution."},
                 {"alpha", "float", "1", "Alpha (dispersion) parameter of the negative binomial distribution."}},
                [](const Attrs& a) {
                  Require(a.Float("mu") >= 0, a,
                          "mu parameter in generalized negative binomial distribution has to be non-negative");
                  Require(a.Float("alpha") >= 0, a,
                          "alpha parameter in generalized negative binomial distribution has to be "
                          "non-negative");
                })
      .Alias("random_generalized_negative_binomial");

  RandomOp("_random_randint",
           "Draws integers uniformly distributed over the half-open interval [low, high).",
           {{"low", "long", nullptr, "Lower bound of the distribution."},
            {"high", "long", nullptr, "Upper bound of the distribution."}},
           [](const Attrs& a) {
             Require(a.Int("high") >= a.Int("low"), a,
                     "low must be less or equal to high in uniform distribution");
           },
           "{'None', 'int32', 'int64'}", kInt32)
      .Alias("random_randint");
}

}  // namespace op
}  // namespace mx
