// Kernels of the sampling ops: _random_<dist> (scalar parameters) and
// _sample_<dist> (one distribution per element of the parameter arrays), and
// _random_randint.  Every output element i draws from PhiloxStream(seed, i),
// so the values depend on the call's seed only, never on the threads.
#include <cstdint>
#include <string>
#include <type_traits>

#include "kernel_util.h"
#include "random_distributions.h"

namespace mx_cpu {

namespace {

namespace dist = distribution;

// Elements per thread below which splitting does not pay (a draw costs tens
// of nanoseconds: a log, a cos, a Philox block).
constexpr int64_t kGrain = 8192;

// An element of a parameter array of any numeric dtype, as a double.
double LoadAsDouble(const DLTensor& t, int64_t i) {
  double v = 0;
  DispatchDType(MXDType(t.dtype), [&](auto zero) {
    using T = decltype(zero);
    v = static_cast<double>(Data<T>(t)[i]);
  });
  return v;
}

// Fills output 0 (a float dtype) with Dist's draws; params(i, p) writes the
// parameters of element i into p.
template <class Dist, class Params>
int Fill(const MXKernelCall* call, Params&& params) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("random ops cannot accumulate into their output (req=add)");
  const DLTensor& out = call->outputs[0];
  const int64_t n = NumElements(out);
  bool is_float = false;
  DispatchDType(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_integral_v<T>) {
      is_float = true;
      T* y = Data<T>(out);
      ParallelFor(n, kGrain, [&](int64_t begin, int64_t end) {
        double p[Dist::kArity];
        for (int64_t i = begin; i < end; ++i) {
          params(i, p);
          PhiloxStream stream(call->seed, static_cast<uint64_t>(i));
          T value = static_cast<T>(Dist::Draw(p, stream));
          if constexpr (std::is_same_v<Dist, dist::Uniform>) {
            // [low, high) must hold after rounding to T too: redraw the rare
            // value that rounds up to high (unless T cannot tell them apart).
            const T low = static_cast<T>(p[0]), high = static_cast<T>(p[1]);
            while (low < high && !(value < high))
              value = static_cast<T>(Dist::Draw(p, stream));
          }
          y[i] = value;
        }
      });
    }
  });
  return is_float ? 0 : Fail("random ops produce float16, float32 or float64 only");
}

// The names of a distribution's parameters in its _random_ op.
struct ScalarParams {
  const char* names[2];
};

template <class Dist>
int SampleScalar(const MXKernelCall* call) {
  const auto* spec = static_cast<const ScalarParams*>(call->kernel_data);
  double values[Dist::kArity];
  for (int k = 0; k < Dist::kArity; ++k) {
    const MXAttr* a = mx_attr_find(call->attrs, call->num_attrs, spec->names[k]);
    if (!a) return Fail("missing distribution parameter");
    values[k] = a->kind == MX_ATTR_INT ? static_cast<double>(a->i) : a->f;
  }
  return Fill<Dist>(call, [&](int64_t, double* p) {
    for (int k = 0; k < Dist::kArity; ++k) p[k] = values[k];
  });
}

// Output element i samples the distribution of parameter element i / m,
// m = the samples per distribution (the op's `shape` parameter).
template <class Dist>
int SampleArrays(const MXKernelCall* call) {
  const int64_t num_params = NumElements(call->inputs[0]);
  if (num_params == 0) return 0;
  const int64_t m = NumElements(call->outputs[0]) / num_params;
  return Fill<Dist>(call, [&](int64_t i, double* p) {
    for (int k = 0; k < Dist::kArity; ++k) p[k] = LoadAsDouble(call->inputs[k], i / m);
  });
}

int RandInt(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const MXAttr* low_attr = mx_attr_find(call->attrs, call->num_attrs, "low");
  const MXAttr* high_attr = mx_attr_find(call->attrs, call->num_attrs, "high");
  if (!low_attr || !high_attr) return Fail("missing parameter 'low' or 'high'");
  const int64_t low = low_attr->i;
  // high - low as unsigned: exact even when it overflows int64.
  const uint64_t range = high_attr->i > low ? static_cast<uint64_t>(high_attr->i) - static_cast<uint64_t>(low) : 0;
  const DLTensor& out = call->outputs[0];
  const int64_t n = NumElements(out);
  auto fill = [&](auto* y) {
    using T = std::remove_pointer_t<decltype(y)>;
    ParallelFor(n, kGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        PhiloxStream stream(call->seed, static_cast<uint64_t>(i));
        const uint64_t offset = range ? stream.Below(range) : 0;
        y[i] = static_cast<T>(static_cast<uint64_t>(low) + offset);
      }
    });
  };
  switch (MXDType(out.dtype)) {
    case kI32: fill(Data<int32_t>(out)); return 0;
    case kI64: fill(Data<int64_t>(out)); return 0;
    default: return Fail("randint produces int32 or int64 only");
  }
}

// Per distribution: the _random_ op and its parameter names, the _sample_ op.
struct SamplingOps {
  const char* random_op;
  ScalarParams params;
  const char* sample_op;
  MXKernelFn scalar_fn;
  MXKernelFn array_fn;
};

template <class Dist>
SamplingOps Ops(const char* random_op, ScalarParams params, const char* sample_op) {
  return {random_op, params, sample_op, SampleScalar<Dist>, SampleArrays<Dist>};
}

// Static: the scalar kernels keep a pointer to their entry's parameter names.
const SamplingOps kSamplingOps[] = {
    Ops<dist::Uniform>("_random_uniform", {{"low", "high"}}, "_sample_uniform"),
    Ops<dist::Normal>("_random_normal", {{"loc", "scale"}}, "_sample_normal"),
    Ops<dist::Gamma>("_random_gamma", {{"alpha", "beta"}}, "_sample_gamma"),
    Ops<dist::Exponential>("_random_exponential", {{"lam", nullptr}}, "_sample_exponential"),
    Ops<dist::PoissonDistribution>("_random_poisson", {{"lam", nullptr}}, "_sample_poisson"),
    Ops<dist::NegativeBinomial>("_random_negative_binomial", {{"k", "p"}}, "_sample_negative_binomial"),
    Ops<dist::GeneralizedNegativeBinomial>("_random_generalized_negative_binomial", {{"mu", "alpha"}},
                                           "_sample_generalized_negative_binomial"),
};

}  // namespace

MX_CPU_KERNELS(random) {
  for (const SamplingOps& ops : kSamplingOps) {
    void* names = const_cast<ScalarParams*>(&ops.params);
    if (int rc = RegisterKernel(ops.random_op, ops.scalar_fn, names, {kF32, kF64, kF16})) return rc;
    const std::string like_op = std::string(ops.random_op) + "_like";  // reads only its output
    if (int rc = RegisterKernel(like_op.c_str(), ops.scalar_fn, names, {kF32, kF64, kF16})) return rc;
    if (int rc = RegisterKernel(ops.sample_op, ops.array_fn, nullptr, kNumeric)) return rc;
  }
  return RegisterKernel("_random_randint", RandInt, nullptr, {kI32, kI64});
}

}  // namespace mx_cpu
