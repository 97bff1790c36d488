// _sample_multinomial: category indices drawn by inverting each
// distribution's cumulative sum with one uniform per output element; and the
// gradient of the draws' log-probabilities.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "index_util.h"
#include "philox.h"

namespace mx_cpu {

namespace {

constexpr int64_t kGrain = 4096;

// The index j of the first cumulative probability above u; past the end
// (the probabilities sum to less than 1 by rounding) the last category that
// has any probability.
template <typename P>
int64_t DrawCategory(const P* prob, int64_t k, double u) {
  double cumulative = 0;
  int64_t last_possible = 0;
  for (int64_t j = 0; j < k; ++j) {
    const double p = static_cast<double>(prob[j]);
    if (p > 0) last_possible = j;
    cumulative += p;
    if (u < cumulative) return j;
  }
  return last_possible;
}

int Multinomial(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor& data = call->inputs[0];
  const DLTensor& out = call->outputs[0];
  const DLTensor* log_prob = call->num_outputs > 1 ? &call->outputs[1] : nullptr;
  const int64_t k = data.shape[data.ndim - 1];
  const int64_t num_dists = NumElements(data) / k;
  const int64_t n = NumElements(out);
  if (n == 0 || num_dists == 0) return 0;
  const int64_t samples_per_dist = n / num_dists;
  bool ok = true;
  DispatchDType(MXDType(data.dtype), [&](auto pzero) {
    using P = decltype(pzero);
    if constexpr (std::is_integral_v<P>) {
      ok = false;
    } else {
      const P* prob = Data<P>(data);
      P* logp = log_prob ? Data<P>(*log_prob) : nullptr;
      ok = DispatchDType(MXDType(out.dtype), [&](auto izero) {
        using I = decltype(izero);
        I* y = Data<I>(out);
        ParallelFor(n, kGrain, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) {
            const P* dist = prob + (i / samples_per_dist) * k;
            PhiloxStream stream(call->seed, static_cast<uint64_t>(i));
            const int64_t j = DrawCategory(dist, k, stream.Uniform());
            y[i] = static_cast<I>(j);
            if (logp) logp[i] = static_cast<P>(std::log(static_cast<double>(dist[j])));
          }
        });
      });
    }
  });
  return ok ? 0 : Fail("_sample_multinomial: unsupported dtype");
}

// _backward_sample_multinomial(ograd, data, sample): the gradient of the
// draws' log-probabilities, d log p[s] / d p[s] = 1 / p[s].  Threads own
// distributions, so repeated draws of one category never race.
int MultinomialBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor &ograd = call->inputs[0], &data = call->inputs[1], &grad = call->outputs[0];
  std::vector<int64_t> draws;
  if (!LoadIndices(call->inputs[2], &draws)) return Fail("_backward_sample_multinomial: unsupported sample dtype");
  const int64_t k = data.shape[data.ndim - 1];
  const int64_t num_dists = NumElements(data) / k;
  for (int64_t s : draws)
    if (s < 0 || s >= k) return Fail("_backward_sample_multinomial: a sample lies outside [0, the number of categories)");
  const int64_t per_dist = num_dists ? NumElements(ograd) / num_dists : 0;
  const bool ok = DispatchDType(MXDType(grad.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* g = Data<T>(ograd);
    const T* prob = Data<T>(data);
    T* dst = Data<T>(grad);
    ParallelFor(num_dists, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, per_dist + k)),
                [&](int64_t begin, int64_t end) {
                  for (int64_t d = begin; d < end; ++d) {
                    T* row = dst + d * k;
                    std::fill(row, row + k, T(0));
                    for (int64_t j = d * per_dist; j < (d + 1) * per_dist; ++j)
                      row[draws[j]] = static_cast<T>(row[draws[j]] + g[j] / prob[d * k + draws[j]]);
                  }
                });
  });
  return ok ? 0 : Fail("_backward_sample_multinomial: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(random_multinomial) {
  if (int rc = RegisterKernel("_backward_sample_multinomial", MultinomialBackward, nullptr, {kF32, kF64, kF16}))
    return rc;
  return RegisterKernel("_sample_multinomial", Multinomial, nullptr, {kF32, kF64, kF16});
}

}  // namespace mx_cpu
