// The distributions the random ops draw from, each a transform of one
// element's PhiloxStream.  Parameters arrive as doubles in the op's order
// (e.g. uniform: low, high); their validity is checked by the op's semantics
// (ops/random), so degenerate values give the limit of the distribution
// (gamma with alpha 0 gives 0, as MXNet's sample_gamma documents).
#ifndef MX_PLUGINS_CPU_RANDOM_DISTRIBUTIONS_H_
#define MX_PLUGINS_CPU_RANDOM_DISTRIBUTIONS_H_

#include <cmath>

#include "philox.h"

namespace mx_cpu {
namespace distribution {

// Standard normal by Box-Muller (one of the pair is used, so every element
// owns its draws).
inline double StandardNormal(PhiloxStream& s) {
  const double radius = std::sqrt(-2.0 * std::log(s.UniformOpenZero()));
  return radius * std::cos(2.0 * M_PI * s.Uniform());
}

// Gamma(alpha, 1) by Marsaglia and Tsang, "A Simple Method for Generating
// Gamma Variables" (2000); alpha < 1 boosted as Gamma(alpha + 1) * U^(1/alpha).
inline double StandardGamma(double alpha, PhiloxStream& s) {
  if (!(alpha > 0)) return 0;
  if (alpha < 1) return StandardGamma(alpha + 1, s) * std::pow(s.UniformOpenZero(), 1.0 / alpha);
  const double d = alpha - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = StandardNormal(s);
    double v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = s.UniformOpenZero();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
  }
}

// Poisson(lam): inversion by sequential search for small means; for large
// ones Hoermann's transformed rejection with squeeze (PTRS), "The transformed
// rejection method for generating Poisson random variables" (1993).
inline double Poisson(double lam, PhiloxStream& s) {
  if (!(lam > 0)) return 0;
  if (lam < 10) {
    double p = std::exp(-lam), cdf = p, k = 0;
    const double u = s.Uniform();
    // Rationale: the bound stops the walk where the cdf saturates below u
    // through rounding (u within 1e-16 of 1).
    while (u > cdf && k < 1000) {
      k += 1;
      p *= lam / k;
      cdf += p;
    }
    return k;
  }
  const double slam = std::sqrt(lam), loglam = std::log(lam);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = s.Uniform() - 0.5, v = s.UniformOpenZero();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2 * a / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -lam + k * loglam - std::lgamma(k + 1))
      return k;
  }
}

// One struct per distribution: kArity parameters, Draw(params, stream).
struct Uniform {
  static constexpr int kArity = 2;  // low, high
  static double Draw(const double* p, PhiloxStream& s) { return p[0] + (p[1] - p[0]) * s.Uniform(); }
};

struct Normal {
  static constexpr int kArity = 2;  // loc (mu), scale (sigma)
  static double Draw(const double* p, PhiloxStream& s) { return p[0] + p[1] * StandardNormal(s); }
};

struct Gamma {
  static constexpr int kArity = 2;  // alpha (shape), beta (scale)
  static double Draw(const double* p, PhiloxStream& s) { return StandardGamma(p[0], s) * p[1]; }
};

struct Exponential {
  static constexpr int kArity = 1;  // lam (rate)
  static double Draw(const double* p, PhiloxStream& s) { return -std::log(s.UniformOpenZero()) / p[0]; }
};

struct PoissonDistribution {
  static constexpr int kArity = 1;  // lam (rate)
  static double Draw(const double* p, PhiloxStream& s) { return Poisson(p[0], s); }
};

// MXNet's negative binomial: mean k(1-p)/p (p acts as numpy's success
// probability, though MXNet's docs call it the failure probability), drawn as
// the gamma-Poisson mixture Poisson(Gamma(k, (1-p)/p)).
struct NegativeBinomial {
  static constexpr int kArity = 2;  // k, p
  static double Draw(const double* p, PhiloxStream& s) {
    if (p[1] >= 1) return 0;
    return Poisson(StandardGamma(p[0], s) * (1 - p[1]) / p[1], s);
  }
};

// Mean mu, dispersion alpha (variance mu + alpha mu^2): Poisson(Gamma(1/alpha,
// alpha mu)); alpha 0 is the Poisson limit.
struct GeneralizedNegativeBinomial {
  static constexpr int kArity = 2;  // mu, alpha
  static double Draw(const double* p, PhiloxStream& s) {
    if (p[1] == 0) return Poisson(p[0], s);
    return Poisson(StandardGamma(1 / p[1], s) * p[1] * p[0], s);
  }
};

}  // namespace distribution
}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_RANDOM_DISTRIBUTIONS_H_
