// Kernels of _random_pdf_<dist> and _backward_pdf_<dist>
// (ops/random/pdf_ops.cc), in double whatever the dtype.  A distribution's
// samples are contiguous: output element i belongs to distribution
// i / (samples per distribution).  Each distribution gives its log-density
// and that's derivatives by the sample and by each parameter; the density's
// follow as pdf * those.  The backward kernel walks one distribution's
// samples at a time and sums its parameters' gradients there.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "digamma.h"
#include "float_dispatch.h"
#include "layout_copy.h"

namespace mx_cpu {

namespace {

// lgamma_r: std::lgamma writes the global signgam (a data race across threads).
double LogGamma(double x) {
  int sign;
  return ::lgamma_r(x, &sign);
}

constexpr double kLogSqrt2Pi = 0.91893853320467274178;

// Each distribution: LogPdf(x, p) and Grad(x, p, &dx, dp), the derivatives
// of the log-density.  Zero dx where MXNet gives the sample no gradient.
struct Uniform {
  static constexpr int kParams = 2;
  static double LogPdf(double, const double* p) { return -std::log(p[1] - p[0]); }
  static void Grad(double, const double* p, double* dx, double* dp) {
    *dx = 0;
    dp[0] = 1 / (p[1] - p[0]);
    dp[1] = -dp[0];
  }
};

struct Normal {
  static constexpr int kParams = 2;
  static double LogPdf(double x, const double* p) {
    const double z = (x - p[0]) / p[1];
    return -0.5 * z * z - std::log(p[1]) - kLogSqrt2Pi;
  }
  static void Grad(double x, const double* p, double* dx, double* dp) {
    const double d = x - p[0], s2 = p[1] * p[1];
    *dx = -d / s2;
    dp[0] = d / s2;
    dp[1] = (d * d - s2) / (s2 * p[1]);
  }
};

struct Gamma {  // alpha (shape), beta (rate)
  static constexpr int kParams = 2;
  static double LogPdf(double x, const double* p) {
    return p[0] * std::log(p[1]) + (p[0] - 1) * std::log(x) - p[1] * x - LogGamma(p[0]);
  }
  static void Grad(double x, const double* p, double* dx, double* dp) {
    *dx = (p[0] - 1) / x - p[1];
    dp[0] = std::log(p[1]) + std::log(x) - Digamma(p[0]);
    dp[1] = p[0] / p[1] - x;
  }
};

struct Exponential {
  static constexpr int kParams = 1;
  static double LogPdf(double x, const double* p) { return std::log(p[0]) - p[0] * x; }
  static void Grad(double x, const double* p, double* dx, double* dp) {
    *dx = -p[0];
    dp[0] = 1 / p[0] - x;
  }
};

struct Poisson {
  static constexpr int kParams = 1;
  static double LogPdf(double x, const double* p) { return x * std::log(p[0]) - LogGamma(x + 1) - p[0]; }
  static void Grad(double x, const double* p, double* dx, double* dp) {
    *dx = 0;
    dp[0] = x / p[0] - 1;
  }
};

struct NegativeBinomial {  // k (failure limit), p (failure probability)
  static constexpr int kParams = 2;
  static double LogPdf(double x, const double* p) {
    return LogGamma(x + p[0]) - LogGamma(x + 1) - LogGamma(p[0]) + p[0] * std::log(p[1]) + x * std::log1p(-p[1]);
  }
  static void Grad(double x, const double* p, double* dx, double* dp) {
    *dx = 0;
    dp[0] = Digamma(x + p[0]) - Digamma(p[0]) + std::log(p[1]);
    dp[1] = p[0] / p[1] - x / (1 - p[1]);
  }
};

// mu (mean), alpha (dispersion): the negative binomial of k = 1 / alpha,
// p = 1 / (mu alpha + 1).
struct GeneralizedNegativeBinomial {
  static constexpr int kParams = 2;
  static void Reparameterize(const double* p, double* kp) {
    kp[0] = 1 / p[1];
    kp[1] = 1 / (p[0] * p[1] + 1);
  }
  static double LogPdf(double x, const double* p) {
    double kp[2];
    Reparameterize(p, kp);
    return NegativeBinomial::LogPdf(x, kp);
  }
  static void Grad(double x, const double* p, double* dx, double* dp) {
    double kp[2], dkp[2];
    Reparameterize(p, kp);
    NegativeBinomial::Grad(x, kp, dx, dkp);
    const double den = p[0] * p[1] + 1;
    dp[0] = -dkp[1] * p[1] / (den * den);
    dp[1] = -dkp[0] / (p[1] * p[1]) - dkp[1] * p[0] / (den * den);
  }
};

bool IsLog(const MXKernelCall* call) { return Param(call, "is_log").i != 0; }

// Writes (or with req=add adds) v to *y; nothing for req=null.
template <typename T>
void Store(int req, T* y, double v) {
  if (req == MX_REQ_ADD) v += static_cast<double>(*y);
  if (req != MX_REQ_NULL) *y = static_cast<T>(v);
}

template <typename D>
int PdfForward(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor& out = call->outputs[0];
  const int64_t n = NumElements(out), dists = NumElements(call->inputs[1]);
  if (n == 0) return 0;
  const int64_t per = n / dists;
  const bool is_log = IsLog(call);
  const bool ok = DispatchFloat(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* x = Data<T>(call->inputs[0]);
    T* y = Data<T>(out);
    ParallelFor(n, 1 << 12, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        double p[D::kParams];
        for (int k = 0; k < D::kParams; ++k) p[k] = static_cast<double>(Data<T>(call->inputs[k + 1])[i / per]);
        const double lp = D::LogPdf(static_cast<double>(x[i]), p);
        y[i] = static_cast<T>(is_log ? lp : std::exp(lp));
      }
    });
  });
  return ok ? 0 : Fail("_random_pdf: unsupported dtype");
}

// Inputs: ograd, sample, params..., pdf; outputs: d sample, d params...
template <typename D>
int PdfBackward(const MXKernelCall* call) {
  const int64_t n = NumElements(call->inputs[0]), dists = NumElements(call->inputs[2]);
  if (dists == 0) return 0;
  const int64_t per = n / dists;
  const bool is_log = IsLog(call);
  const bool ok = DispatchFloat(MXDType(call->inputs[0].dtype), [&](auto zero) {
    using T = decltype(zero);
    const T *g = Data<T>(call->inputs[0]), *x = Data<T>(call->inputs[1]), *pdf = Data<T>(call->inputs[2 + D::kParams]);
    T* dx_out = Data<T>(call->outputs[0]);
    ParallelFor(dists, std::max<int64_t>(1, (1 << 12) / std::max<int64_t>(per, 1)), [&](int64_t b, int64_t e) {
      for (int64_t d = b; d < e; ++d) {
        double p[D::kParams], sum[D::kParams] = {};
        for (int k = 0; k < D::kParams; ++k) p[k] = static_cast<double>(Data<T>(call->inputs[k + 2])[d]);
        for (int64_t i = d * per; i < (d + 1) * per; ++i) {
          const double scale = static_cast<double>(g[i]) * (is_log ? 1 : static_cast<double>(pdf[i]));
          double dx, dp[D::kParams];
          D::Grad(static_cast<double>(x[i]), p, &dx, dp);
          Store(call->req[0], dx_out + i, scale * dx);
          for (int k = 0; k < D::kParams; ++k) sum[k] += scale * dp[k];
        }
        for (int k = 0; k < D::kParams; ++k) Store(call->req[k + 1], Data<T>(call->outputs[k + 1]) + d, sum[k]);
      }
    });
  });
  return ok ? 0 : Fail("_backward_pdf: unsupported dtype");
}

// Dirichlet: each sample a vector of the last axis' length k, log-density
// sum_j (a_j - 1) log x_j + lgamma(sum_j a_j) - sum_j lgamma(a_j).
int64_t VectorLength(const DLTensor& sample) { return sample.shape[sample.ndim - 1]; }

int DirichletForward(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor& out = call->outputs[0];
  const int64_t k = VectorLength(call->inputs[0]), n = NumElements(out);
  if (n == 0) return 0;  // ops/ makes k at least 1
  const int64_t per = n / (NumElements(call->inputs[1]) / k);
  const bool is_log = IsLog(call);
  const bool ok = DispatchFloat(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T *x = Data<T>(call->inputs[0]), *alpha = Data<T>(call->inputs[1]);
    T* y = Data<T>(out);
    ParallelFor(n, std::max<int64_t>(1, (1 << 12) / k), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const T *xi = x + i * k, *a = alpha + (i / per) * k;
        double sum_a = 0, lp = 0;
        for (int64_t j = 0; j < k; ++j) {
          const double aj = static_cast<double>(a[j]);
          sum_a += aj;
          lp += (aj - 1) * std::log(static_cast<double>(xi[j])) - LogGamma(aj);
        }
        lp += LogGamma(sum_a);
        y[i] = static_cast<T>(is_log ? lp : std::exp(lp));
      }
    });
  });
  return ok ? 0 : Fail("_random_pdf_dirichlet: unsupported dtype");
}

int DirichletBackward(const MXKernelCall* call) {
  const int64_t k = VectorLength(call->inputs[1]), n = NumElements(call->inputs[0]);
  const int64_t dists = NumElements(call->inputs[2]) / k;
  if (dists == 0) return 0;
  const int64_t per = n / dists;
  const bool is_log = IsLog(call);
  const bool ok = DispatchFloat(MXDType(call->inputs[0].dtype), [&](auto zero) {
    using T = decltype(zero);
    const T *g = Data<T>(call->inputs[0]), *x = Data<T>(call->inputs[1]), *alpha = Data<T>(call->inputs[2]),
            *pdf = Data<T>(call->inputs[3]);
    T *dx_out = Data<T>(call->outputs[0]), *da_out = Data<T>(call->outputs[1]);
    ParallelFor(dists, 1, [&](int64_t b, int64_t e) {
      std::vector<double> sum(k), psi(k);
      for (int64_t d = b; d < e; ++d) {
        const T* a = alpha + d * k;
        double sum_a = 0;
        for (int64_t j = 0; j < k; ++j) sum_a += static_cast<double>(a[j]);
        const double psi_sum = Digamma(sum_a);
        for (int64_t j = 0; j < k; ++j) psi[j] = psi_sum - Digamma(static_cast<double>(a[j])), sum[j] = 0;
        for (int64_t i = d * per; i < (d + 1) * per; ++i) {
          const double scale = static_cast<double>(g[i]) * (is_log ? 1 : static_cast<double>(pdf[i]));
          for (int64_t j = 0; j < k; ++j) {
            const double xj = static_cast<double>(x[i * k + j]);
            Store(call->req[0], dx_out + i * k + j, scale * (static_cast<double>(a[j]) - 1) / xj);
            sum[j] += scale * (std::log(xj) + psi[j]);
          }
        }
        for (int64_t j = 0; j < k; ++j) Store(call->req[1], da_out + d * k + j, sum[j]);
      }
    });
  });
  return ok ? 0 : Fail("_backward_pdf_dirichlet: unsupported dtype");
}

template <typename D>
int RegisterScalar(const char* name) {
  const std::string suffix = name;
  if (int rc = RegisterKernel(("_random_pdf_" + suffix).c_str(), PdfForward<D>, nullptr, kFloats)) return rc;
  return RegisterKernel(("_backward_pdf_" + suffix).c_str(), PdfBackward<D>, nullptr, kFloats);
}

}  // namespace

MX_CPU_KERNELS(random_pdf) {
  int rc = RegisterScalar<Uniform>("uniform");
  if (!rc) rc = RegisterScalar<Normal>("normal");
  if (!rc) rc = RegisterScalar<Gamma>("gamma");
  if (!rc) rc = RegisterScalar<Exponential>("exponential");
  if (!rc) rc = RegisterScalar<Poisson>("poisson");
  if (!rc) rc = RegisterScalar<NegativeBinomial>("negative_binomial");
  if (!rc) rc = RegisterScalar<GeneralizedNegativeBinomial>("generalized_negative_binomial");
  if (!rc) rc = RegisterKernel("_random_pdf_dirichlet", DirichletForward, nullptr, kFloats);
  if (!rc) rc = RegisterKernel("_backward_pdf_dirichlet", DirichletBackward, nullptr, kFloats);
  return rc;
}

}  // namespace mx_cpu
