// Kernels of Activation (through the unary math kernels) and LeakyReLU.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "elemwise_math.h"

namespace mx_cpu {

namespace {

constexpr std::initializer_list<int32_t> kFloats = {kF32, kF64, kF16};

const char* StrAttr(const MXKernelCall* call, const char* name) {
  const MXAttr* a = mx_attr_find(call->attrs, call->num_attrs, name);
  return a && a->s ? a->s : "";
}

double FloatAttr(const MXKernelCall* call, const char* name, double fallback) {
  const MXAttr* a = mx_attr_find(call->attrs, call->num_attrs, name);
  return a ? a->f : fallback;
}

int ActivationKernel(const MXKernelCall* call) {
  static const struct {
    const char* name;
    UnaryOp op;
  } kActs[] = {{"relu", UnaryOp::kRelu},         {"sigmoid", UnaryOp::kSigmoid},
               {"softrelu", UnaryOp::kSoftrelu}, {"softsign", UnaryOp::kSoftsign},
               {"tanh", UnaryOp::kTanh}};
  const char* act = StrAttr(call, "act_type");
  for (const auto& a : kActs)
    if (std::strcmp(a.name, act) == 0) return UnaryMathKernel(a.op)(call);
  return Fail("Activation: unknown act_type");
}

// SELU's constants (Klambauer et al. 2017), as MXNet.
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluLambda = 1.0507009873554804934193349852946;
constexpr double kSqrtHalf = 0.70710678118654752440084436210485;

// y = x > 0 ? x : x * slope, with slope from gamma: one value, one per
// channel (axis 1; axis 0 of a 1-D input) or one per element.
template <typename T>
void PReLU(const DLTensor& data, const DLTensor& gamma, T* y) {
  using C = typename Acc<T>::type;
  const T* x = Data<T>(data);
  const T* g = Data<T>(gamma);
  const int64_t n = NumElements(data), gn = NumElements(gamma);
  const auto leaky = [](T v, C s) {
    const C c = static_cast<C>(v);
    return static_cast<T>(c > C(0) ? c : c * s);
  };
  if (gn == 1) {
    const C s = static_cast<C>(g[0]);
    ParallelElements(n, kGrainCheap, [&](int64_t b, int64_t e) {
      MapLoop(x + b, y + b, e - b, [&](T v) { return leaky(v, s); });
    });
    return;
  }
  if (gn == n) {  // one slope per element
    ParallelElements(n, kGrainCheap, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) y[i] = leaky(x[i], static_cast<C>(g[i]));
    });
    return;
  }
  // One slope per channel: rows of `inner` elements share a slope.
  const int64_t channels = gn;
  int64_t inner = 1;
  for (int d = 2; d < data.ndim; ++d) inner *= data.shape[d];
  const int64_t rows = inner ? n / inner : 0;
  ParallelFor(rows, std::max<int64_t>(1, kGrainCheap / std::max<int64_t>(inner, 1)),
              [&](int64_t rb, int64_t re) {
                for (int64_t r = rb; r < re; ++r) {
                  const C s = static_cast<C>(g[r % channels]);
                  MapLoop(x + r * inner, y + r * inner, inner, [&](T v) { return leaky(v, s); });
                }
              });
}

int LeakyReLUKernel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("LeakyReLU does not support req=add");
  const char* act = StrAttr(call, "act_type");
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int64_t n = NumElements(in);
  const double slope = FloatAttr(call, "slope", 0.25);
  int rc = 0;
  DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, half>) {
      using C = typename Acc<T>::type;
      const T* x = Data<T>(in);
      T* y = Data<T>(out);
      const auto map_cheap = [&](auto f) {  // vectorisable bodies
        ParallelElements(n, kGrainCheap, [&](int64_t b, int64_t e) { MapLoop(x + b, y + b, e - b, f); });
      };
      const auto map_libm = [&](auto f) {  // a libm call per element
        ParallelElements(n, kGrainLibm, [&](int64_t b, int64_t e) { MapLoopScalar(x + b, y + b, e - b, f); });
      };
      if (std::strcmp(act, "leaky") == 0 || std::strcmp(act, "rrelu") == 0) {
        // rrelu: the inference form, the mean of the slope's range.
        const C s = static_cast<C>(std::strcmp(act, "rrelu") == 0
                                       ? (FloatAttr(call, "lower_bound", 0.125) +
                                          FloatAttr(call, "upper_bound", 0.334)) / 2
                                       : slope);
        map_cheap([s](T v) {
          const C c = static_cast<C>(v);
          return static_cast<T>(c > C(0) ? c : c * s);
        });
        if (call->num_outputs > 1 && call->req[1] != MX_REQ_NULL)  // rrelu's mask: the slope used
          std::fill(Data<T>(call->outputs[1]), Data<T>(call->outputs[1]) + n, static_cast<T>(s));
      } else if (std::strcmp(act, "elu") == 0) {
        const C s = static_cast<C>(slope);
        map_libm([s](T v) {
          const C c = static_cast<C>(v);
          return static_cast<T>(c > C(0) ? c : s * std::expm1(c));
        });
      } else if (std::strcmp(act, "selu") == 0) {
        map_libm([](T v) {
          const C c = static_cast<C>(v);
          return static_cast<T>(C(kSeluLambda) * (c > C(0) ? c : C(kSeluAlpha) * std::expm1(c)));
        });
      } else if (std::strcmp(act, "gelu") == 0) {
        map_libm([](T v) {
          const C c = static_cast<C>(v);
          return static_cast<T>(C(0.5) * c * (C(1) + std::erf(c * C(kSqrtHalf))));
        });
      } else if (std::strcmp(act, "prelu") == 0) {
        if (call->num_inputs < 2) {
          rc = Fail("LeakyReLU: act_type='prelu' needs the gamma input");
          return;
        }
        PReLU<T>(in, call->inputs[1], y);
      } else {
        rc = Fail("LeakyReLU: unknown act_type");
      }
    } else {
      rc = Fail("LeakyReLU: unsupported dtype");
    }
  });
  return rc;
}

}  // namespace

MX_CPU_KERNELS(activation) {
  if (int rc = RegisterKernel("Activation", ActivationKernel, nullptr, kFloats)) return rc;
  return RegisterKernel("LeakyReLU", LeakyReLUKernel, nullptr, kFloats);
}

}  // namespace mx_cpu
