// moments: each output's mean, then the mean of the squared deviations from
// it (two passes over the input, in double: no cancellation of E[x^2] -
// E[x]^2).  The input is walked with reduce_plan.h's runs; the outputs are
// shared among threads.
#include <algorithm>
#include <initializer_list>
#include <limits>

#include "kernel_util.h"
#include "reduce_plan.h"

namespace mx_cpu {

namespace {

// Calls f(value) for every input value folding into the output at `base`.
template <typename T, typename F>
void ForEachReduced(const T* base, const Plan& plan, F&& f) {
  Odometer red(plan.reduced, plan.num_reduced);
  for (int64_t r = 0; r < plan.reduced_rows; ++r, red.Next()) {
    const T* row = base + red.offset;
    for (int64_t i = 0; i < plan.row; ++i) f(static_cast<double>(row[i]));
  }
}

template <typename T>
void Moments(const DLTensor& in, const bool* reduce_axis, T* mean, T* var, int64_t num_out) {
  if (NumElements(in) == 0) {  // no plan over a 0-size dim: an empty reduction's moments are NaN, as mean's
    const T nan = static_cast<T>(std::numeric_limits<double>::quiet_NaN());
    for (T* out : {mean, var})
      if (out) std::fill(out, out + num_out, nan);
    return;
  }
  const Plan plan(in, reduce_axis);
  const T* x = Data<T>(in);
  const double count = static_cast<double>(plan.count);
  ParallelFor(num_out, ItemGrain(plan.count), [&](int64_t begin, int64_t end) {
    Odometer kept(plan.kept, plan.num_kept);  // enumerates the outputs in order
    kept.Seek(begin);
    for (int64_t o = begin; o < end; ++o, kept.Next()) {
      const T* base = x + kept.offset;
      double sum = 0;
      ForEachReduced(base, plan, [&](double v) { sum += v; });
      const double m = sum / count;
      double squares = 0;
      ForEachReduced(base, plan, [&](double v) { squares += (v - m) * (v - m); });
      if (mean) mean[o] = static_cast<T>(m);
      if (var) var[o] = static_cast<T>(squares / count);
    }
  });
}

int MomentsKernel(const MXKernelCall* call) {
  const DLTensor& in = call->inputs[0];
  for (int k = 0; k < 2; ++k)
    if (call->req[k] == MX_REQ_ADD) return Fail("moments does not support req=add");
  const MXAttr* axes = mx_attr_find(call->attrs, call->num_attrs, "axes");
  const bool all = axes->is_none || axes->len == 0;
  bool reduce_axis[MX_MAX_NDIM];
  for (int i = 0; i < in.ndim; ++i) reduce_axis[i] = all;
  for (int k = 0; !all && k < axes->len; ++k)  // ops/ has validated the axes
    reduce_axis[axes->ints[k] < 0 ? axes->ints[k] + in.ndim : axes->ints[k]] = true;
  const int64_t num_out = NumElements(call->outputs[0]);
  bool supported = false;
  DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, half>) {
      supported = true;
      T* mean = call->req[0] == MX_REQ_NULL ? nullptr : Data<T>(call->outputs[0]);
      T* var = call->req[1] == MX_REQ_NULL ? nullptr : Data<T>(call->outputs[1]);
      Moments<T>(in, reduce_axis, mean, var, num_out);
    }
  });
  return supported ? 0 : Fail("moments: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(moments) { return RegisterKernel("moments", MomentsKernel, nullptr, {kF32, kF64, kF16}); }

}  // namespace mx_cpu
