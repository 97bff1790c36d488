// Kernels of the whole-array checks and resets of ops/optimizer/multi_array.cc:
// all_finite / multi_all_finite, multi_sum_sq and reset_arrays.
#include <atomic>
#include <cmath>
#include <cstring>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

constexpr int64_t kGrain = 1 << 15;

int64_t IntParam(const MXKernelCall* call, const char* name) {
  return mx_attr_find(call->attrs, call->num_attrs, name)->i;
}

// Whether every element of input k is finite (neither inf nor NaN).
template <typename T>
bool AllFinite(const MXKernelCall* call, int k) {
  const T* x = Data<T>(call->inputs[k]);
  const int64_t n = NumElements(call->inputs[k]);
  std::atomic<bool> finite{true};
  ParallelFor(n, kGrain, [&](int64_t begin, int64_t end) {
    bool ok = true;
    for (int64_t i = begin; i < end; ++i) ok = ok && std::isfinite(static_cast<typename Acc<T>::type>(x[i]));
    if (!ok) finite.store(false, std::memory_order_relaxed);
  });
  return finite.load();
}

// all_finite and multi_all_finite: the float32 flag is set to 1 first when
// init_output, and to 0 if some element is not finite.
int MultiAllFinite(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("all_finite: req=add is not supported");
  float* flag = Data<float>(call->outputs[0]);
  if (IntParam(call, "init_output")) *flag = 1.f;
  bool finite = true;
  for (int k = 0; k < call->num_inputs && finite; ++k) {
    if (!DispatchFloat(MXDType(call->inputs[k].dtype), [&](auto zero) { finite = AllFinite<decltype(zero)>(call, k); }))
      return Fail("all_finite: arrays must be float16, float32 or float64");
  }
  if (!finite) *flag = 0.f;
  return 0;
}

// Entry k of the float32 output: the sum of squares of input k, accumulated
// in double in a fixed order (the result does not depend on threads).
int MultiSumSq(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  float* out = Data<float>(call->outputs[0]);
  for (int k = 0; k < call->num_inputs; ++k) {
    double sum = 0;
    const bool ok = DispatchFloat(MXDType(call->inputs[k].dtype), [&](auto zero) {
      using T = decltype(zero);
      const T* x = Data<T>(call->inputs[k]);
      for (int64_t i = 0, n = NumElements(call->inputs[k]); i < n; ++i) sum += double(x[i]) * double(x[i]);
    });
    if (!ok) return Fail("multi_sum_sq: arrays must be float16, float32 or float64");
    out[k] = call->req[0] == MX_REQ_ADD ? out[k] + float(sum) : float(sum);
  }
  return 0;
}

int ResetArrays(const MXKernelCall* call) {
  for (int k = 0; k < call->num_inputs; ++k) {
    const DLTensor& t = call->inputs[k];
    std::memset(Data<char>(t), 0, static_cast<size_t>(NumElements(t)) * ((t.dtype.bits + 7) / 8));
  }
  return 0;
}

}  // namespace

MX_CPU_KERNELS(multi_array) {
  if (RegisterKernel("all_finite", MultiAllFinite, nullptr, kFloats) != 0) return -1;
  if (RegisterKernel("multi_all_finite", MultiAllFinite, nullptr, kFloats) != 0) return -1;
  if (RegisterKernel("multi_sum_sq", MultiSumSq, nullptr, kFloats) != 0) return -1;
  return RegisterKernel("reset_arrays", ResetArrays, nullptr, kAll);
}

}  // namespace mx_cpu
