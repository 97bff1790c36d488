// Kernels of the regression output layers and their gradients:
//   forward   linear / MAE: the identity; logistic: the sigmoid
//   backward  (out - label) or sign(out - label) (+1 or -1: -1 where they are
//             equal, as MXNet's minus_sign), times grad_scale / m,
//             m = label.size / label.shape[0]
#include <cmath>
#include <cstring>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

enum class Regression { kLinear, kLogistic, kMAE };

struct RegressionKernel {
  const char* op;
  const char* backward_op;
  Regression kind;
};

const RegressionKernel kKernels[] = {
    {"LinearRegressionOutput", "_backward_LinearRegressionOutput", Regression::kLinear},
    {"LogisticRegressionOutput", "_backward_LogisticRegressionOutput", Regression::kLogistic},
    {"MAERegressionOutput", "_backward_MAERegressionOutput", Regression::kMAE},
};

constexpr int64_t kGrain = 1 << 14;

int RegressionForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("regression outputs do not support req=add");
  const auto* spec = static_cast<const RegressionKernel*>(call->kernel_data);
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int64_t n = NumElements(in);
  const bool ok = DispatchFloat(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    using C = typename Acc<T>::type;
    const T* x = Data<T>(in);
    T* y = Data<T>(out);
    if (spec->kind != Regression::kLogistic) {
      if (x != y) std::memcpy(y, x, n * sizeof(T));
      return;
    }
    ParallelFor(n, kGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) y[i] = static_cast<T>(C(1) / (C(1) + std::exp(-static_cast<C>(x[i]))));
    });
  });
  return ok ? 0 : Fail("regression outputs: unsupported dtype");
}

// inputs: label, output; output: data's gradient.
int RegressionBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("regression outputs do not support req=add");
  const auto* spec = static_cast<const RegressionKernel*>(call->kernel_data);
  const DLTensor &label = call->inputs[0], &out = call->inputs[1];
  const int64_t n = NumElements(out);
  const int64_t batch = label.ndim ? label.shape[0] : 1;
  const double per_example = batch ? static_cast<double>(NumElements(label)) / static_cast<double>(batch) : 1.0;
  const double scale = mx_attr_find(call->attrs, call->num_attrs, "grad_scale")->f / per_example;
  const bool ok = DispatchFloat(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    using C = typename Acc<T>::type;
    const T *l = Data<T>(label), *y = Data<T>(out);
    T* g = Data<T>(call->outputs[0]);
    const C s = static_cast<C>(scale);
    ParallelFor(n, kGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const C d = static_cast<C>(y[i]) - static_cast<C>(l[i]);
        g[i] = static_cast<T>(spec->kind == Regression::kMAE ? (d > C(0) ? s : -s) : s * d);
      }
    });
  });
  return ok ? 0 : Fail("regression outputs: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(regression_output) {
  for (const RegressionKernel& k : kKernels) {
    void* data = const_cast<RegressionKernel*>(&k);
    if (int rc = RegisterKernel(k.op, RegressionForward, data, kFloats)) return rc;
    if (int rc = RegisterKernel(k.backward_op, RegressionBackward, data, kFloats)) return rc;
  }
  return 0;
}

}  // namespace mx_cpu
