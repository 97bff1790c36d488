// Kernel of _backward_gammaln: ograd * psi^(n)(data), psi the digamma
// function and n the `order` parameter, computed in double.
//   n = 0: reflection to x > 0, the recurrence psi(x) = psi(x + 1) - 1/x up
//          to x >= 10, then the asymptotic series (error below 1e-14).
//   n >= 1: psi^(n)(x) = (-1)^(n+1) n! sum_k (x + k)^-(n+1) (Hurwitz zeta),
//          the first terms summed, the tail by Euler-Maclaurin.  The sum
//          holds for negative non-integer x too.
// Non-positive integers are poles: NaN.
#include <cmath>
#include <limits>

#include "digamma.h"
#include "elemwise_math.h"

namespace mx_cpu {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool IsPole(double x) { return x <= 0 && x == std::floor(x); }

}  // namespace

double Digamma(double x) {
  if (std::isnan(x) || IsPole(x)) return kNaN;
  if (std::isinf(x)) return x;
  double result = 0;
  if (x < 0) {  // psi(x) = psi(1 - x) - pi / tan(pi x); tan has period pi: reduce first
    result = -kPi / std::tan(kPi * (x - std::round(x)));
    x = 1 - x;
  }
  for (; x < 10; x += 1) result -= 1 / x;
  // ln x - 1/(2x) - sum_k B_2k / (2k x^2k), k = 1..5
  const double inv2 = 1 / (x * x);
  const double series =
      inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
  return result + std::log(x) - 0.5 / x - series;
}

namespace {

// sum_{k >= 0} (x + k)^-s for an integer s >= 2.
double HurwitzZeta(int s, double x) {
  const double shift = 10 + s;  // where Euler-Maclaurin's tail converges fast
  double sum = 0;
  for (; x < shift; x += 1) sum += std::pow(x, -s);
  // The tail from x: x^(1-s) / (s-1) + x^-s / 2 + sum_j B_2j / (2j)! s (s+1) ... (s+2j-2) x^(-s-2j+1)
  static const double kBernoulli[] = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6};
  double tail = std::pow(x, 1 - s) / (s - 1) + 0.5 * std::pow(x, -s);
  double rising = s, power = std::pow(x, -s - 1), factorial = 2;
  for (int j = 1; j <= 7; ++j) {
    tail += kBernoulli[j - 1] / factorial * rising * power;
    rising *= (s + 2.0 * j - 1) * (s + 2.0 * j);
    power /= x * x;
    factorial *= (2.0 * j + 1) * (2.0 * j + 2);
  }
  return sum + tail;
}

double Polygamma(int64_t n, double x) {
  if (n == 0) return Digamma(x);
  if (std::isnan(x) || IsPole(x)) return kNaN;
  if (std::isinf(x)) return 0;
  const double factorial = std::tgamma(static_cast<double>(n) + 1);
  return (n % 2 ? 1 : -1) * factorial * HurwitzZeta(static_cast<int>(n) + 1, x);
}

int BackwardGammalnKernel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_gammaln does not support req=add");
  const int64_t order = mx_attr_find(call->attrs, call->num_attrs, "order")->i;
  const DLTensor &ograd = call->inputs[0], &data = call->inputs[1], &out = call->outputs[0];
  const int64_t n = NumElements(out);
  bool ok = false;
  DispatchDType(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, half>) {
      const T *g = Data<T>(ograd), *x = Data<T>(data);
      T* y = Data<T>(out);
      ParallelElements(n, kGrainLibm, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i)
          y[i] = static_cast<T>(static_cast<double>(g[i]) * Polygamma(order, static_cast<double>(x[i])));
      });
      ok = true;
    }
  });
  return ok ? 0 : Fail("_backward_gammaln: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(polygamma) {
  return RegisterKernel("_backward_gammaln", BackwardGammalnKernel, nullptr, {kF32, kF64, kF16});
}

}  // namespace mx_cpu
