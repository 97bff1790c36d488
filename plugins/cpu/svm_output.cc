// SVMOutput's kernels (ops/nn/svm_output.cc holds its meaning): the forward
// pass copies data; the backward pass gives the L1- or L2-SVM gradient of
// each row (the last axis) against its label, the class index truncated
// toward zero (one outside [0, classes), or NaN, marks no class).
#include <cmath>
#include <cstring>

#include "float_dispatch.h"
#include "index_util.h"

namespace mx_cpu {

namespace {

int SVMOutputForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("SVMOutput does not support req=add");
  CopyUnlessInplace(call, call->inputs[0], call->outputs[0]);
  return 0;
}

// inputs: label, output; output: data's gradient.
int SVMOutputBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_SVMOutput does not support req=add");
  const DLTensor &label = call->inputs[0], &out = call->inputs[1];
  const int64_t classes = out.ndim ? out.shape[out.ndim - 1] : 1;
  const int64_t rows = classes ? NumElements(out) / classes : 0;
  const auto attr = [&](const char* name) { return mx_attr_find(call->attrs, call->num_attrs, name); };
  const double margin = attr("margin")->f, coefficient = attr("regularization_coefficient")->f;
  const bool linear = attr("use_linear")->i != 0;
  const bool ok = DispatchFloat(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    using C = typename Acc<T>::type;
    const T *l = Data<T>(label), *y = Data<T>(out);
    T* g = Data<T>(call->outputs[0]);
    // the parameters in the array's dtype, as MXNet's DType(margin)
    const C m = static_cast<C>(static_cast<T>(margin)), c = static_cast<C>(static_cast<T>(coefficient));
    ParallelFor(rows, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(classes, 1)), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const double v = static_cast<double>(l[r]);
        const bool none = std::isnan(v) || std::fabs(v) >= static_cast<double>(classes);
        const int64_t target = none ? -1 : static_cast<int64_t>(v);
        for (int64_t k = 0; k < classes; ++k) {
          const C o = static_cast<C>(y[r * classes + k]);
          C d;
          if (k == target)
            d = linear ? (m > o ? -c : C(0)) : (m > o ? C(-2) * c * (m - o) : C(0));
          else
            d = linear ? (m > -o ? c : C(0)) : (m > -o ? C(2) * c * (m + o) : C(0));
          g[r * classes + k] = static_cast<T>(d);
        }
      }
    });
  });
  return ok ? 0 : Fail("_backward_SVMOutput: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(svm_output) {
  if (int rc = RegisterKernel("SVMOutput", SVMOutputForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_SVMOutput", SVMOutputBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
