// SoftmaxOutput and _backward_SoftmaxOutput kernels.  Both see the data as
// (rows, classes, inner) with the softmax over `classes`:
//   default         (d1, s / d1, 1)
//   preserve_shape  (s / last, last, 1)
//   multi_output    (d1, d2, s / d1 / d2)
// and one label per (row, inner) position (the first rows * inner entries of
// the label, as MXNet reads it), unless the label has data's shape.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

struct SoftmaxGeometry {
  int64_t rows = 0, classes = 0, inner = 1;
};

bool Flag(const MXKernelCall* call, const char* name) {
  return mx_attr_find(call->attrs, call->num_attrs, name)->i != 0;
}

SoftmaxGeometry GeometryOf(const MXKernelCall* call, const DLTensor& data) {
  const int64_t size = NumElements(data), first = data.ndim ? data.shape[0] : 1;
  SoftmaxGeometry g;
  if (Flag(call, "multi_output")) {
    g.rows = first;
    g.classes = data.shape[1];
    g.inner = g.rows != 0 && g.classes != 0 ? size / (g.rows * g.classes) : 0;
  } else if (Flag(call, "preserve_shape")) {
    g.classes = data.ndim ? data.shape[data.ndim - 1] : 1;
    g.rows = g.classes ? size / g.classes : 0;
  } else {
    g.rows = first;
    g.classes = first ? size / first : 0;
  }
  return g;
}

template <typename T>
void Softmax(const SoftmaxGeometry& g, const T* x, T* y) {
  using C = typename Acc<T>::type;
  const int64_t k = g.classes, r = g.inner;
  ParallelFor(g.rows * r, std::max<int64_t>(1, (1 << 13) / std::max<int64_t>(k, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t s = begin; s < end; ++s) {
      const int64_t base = (s / r) * k * r + s % r;  // element c of slice s is at base + c * r
      C top = -std::numeric_limits<C>::infinity(), sum = 0;
      for (int64_t c = 0; c < k; ++c) top = std::max(top, static_cast<C>(x[base + c * r]));
      for (int64_t c = 0; c < k; ++c) {
        const C e = std::exp(static_cast<C>(x[base + c * r]) - top);
        y[base + c * r] = static_cast<T>(e);
        sum += e;
      }
      for (int64_t c = 0; c < k; ++c) y[base + c * r] = static_cast<T>(static_cast<C>(y[base + c * r]) / sum);
    }
  });
}

struct LossOptions {
  double grad_scale, ignore_label, smooth_alpha;
  bool use_ignore, multi_output, out_grad;
  const char* normalization;
};

LossOptions LossOptionsOf(const MXKernelCall* call) {
  const auto attr = [&](const char* name) { return mx_attr_find(call->attrs, call->num_attrs, name); };
  return {attr("grad_scale")->f, attr("ignore_label")->f, attr("smooth_alpha")->f, Flag(call, "use_ignore"),
          Flag(call, "multi_output"), Flag(call, "out_grad"), attr("normalization")->s};
}

// The factor every gradient entry is scaled by (MXNet 1.9's normalization).
template <typename T>
double GradFactor(const LossOptions& o, const SoftmaxGeometry& g, const T* label, int64_t labels) {
  double count = 1;
  if (std::strcmp(o.normalization, "batch") == 0) {
    count = static_cast<double>(o.multi_output ? g.rows : labels);
  } else if (std::strcmp(o.normalization, "valid") == 0) {
    count = 0;
    for (int64_t i = 0; i < labels; ++i)
      count += static_cast<int>(static_cast<double>(label[i])) != static_cast<int>(o.ignore_label);
    count = std::max(count, 1.0);
  }
  const bool per_position = o.multi_output && std::strcmp(o.normalization, "valid") != 0;
  const double spatial = per_position ? static_cast<double>(g.inner) : 1;
  return o.grad_scale / spatial / count;
}

bool SameShape(const DLTensor& a, const DLTensor& b) {
  return a.ndim == b.ndim && std::equal(a.shape, a.shape + a.ndim, b.shape);
}

template <typename T>
void LossGradient(const LossOptions& o, const SoftmaxGeometry& g, const T* ograd, const DLTensor& label_t,
                  const DLTensor& out_t, T* grad) {
  using C = typename Acc<T>::type;
  const T* label = Data<T>(label_t);
  const T* out = Data<T>(out_t);
  const int64_t k = g.classes, r = g.inner, total = g.rows * k * r;
  if (SameShape(label_t, out_t)) {  // probabilities: no normalization
    for (int64_t i = 0; i < total; ++i) {
      C v = (static_cast<C>(out[i]) - static_cast<C>(label[i])) * static_cast<C>(o.grad_scale);
      grad[i] = static_cast<T>(o.out_grad ? v * static_cast<C>(ograd[i]) : v);
    }
    return;
  }
  const C factor = static_cast<C>(GradFactor(o, g, label, NumElements(label_t)));
  const C alpha = static_cast<C>(o.smooth_alpha), spread = k > 1 ? alpha / static_cast<C>(k - 1) : C(0);
  const int ignore = static_cast<int>(o.ignore_label);
  for (int64_t s = 0; s < g.rows * r; ++s) {
    const int64_t base = (s / r) * k * r + s % r;
    const int target = static_cast<int>(static_cast<double>(label[s]));
    const bool skip = o.use_ignore && target == ignore;
    for (int64_t c = 0; c < k; ++c) {
      const int64_t i = base + c * r;
      C v = skip ? C(0) : static_cast<C>(out[i]) - (c == target ? C(1) - alpha : spread);
      v *= factor;
      grad[i] = static_cast<T>(o.out_grad ? v * static_cast<C>(ograd[i]) : v);
    }
  }
}

int SoftmaxOutputForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("SoftmaxOutput does not support req=add");
  const DLTensor& data = call->inputs[0];
  const SoftmaxGeometry g = GeometryOf(call, data);
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    Softmax(g, Data<T>(data), Data<T>(call->outputs[0]));
  });
  return ok ? 0 : Fail("SoftmaxOutput: unsupported dtype");
}

// inputs: out_grad, label, output; output: data's gradient.
int SoftmaxOutputBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_SoftmaxOutput does not support req=add");
  const DLTensor& out = call->inputs[2];
  const SoftmaxGeometry g = GeometryOf(call, out);
  const LossOptions o = LossOptionsOf(call);
  const bool ok = DispatchFloat(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    LossGradient(o, g, Data<T>(call->inputs[0]), call->inputs[1], out, Data<T>(call->outputs[0]));
  });
  return ok ? 0 : Fail("_backward_SoftmaxOutput: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(softmax_output) {
  if (int rc = RegisterKernel("SoftmaxOutput", SoftmaxOutputForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_SoftmaxOutput", SoftmaxOutputBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
