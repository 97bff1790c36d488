// _contrib_BilinearResize2D and its gradient (semantics:
// ops/contrib/bilinear_resize.cc).  Each output pixel reads the 2 x 2
// neighbourhood of its source coordinate; the geometry of a row or column
// (first source index, step to the second, weight of the second) is the
// same for every plane, so it is computed once per call.  The forward takes
// one plane per task, the gradient one input plane per task (no two threads
// add into one element).  Arithmetic in Acc<T>: float16 in float.
#include <vector>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

// Where output index `dst` of an axis resized from `in` to `out` samples.
struct Tap {
  int64_t first;  // source index
  int64_t step;   // 1, or 0 at the last source index
  double weight;  // of first + step
};

std::vector<Tap> Taps(int64_t in, int64_t out, bool align_corners) {
  std::vector<Tap> taps(out);
  const double scale = out > 1 ? (align_corners ? double(in - 1) / double(out - 1) : double(in) / double(out)) : 0.0;
  for (int64_t dst = 0; dst < out; ++dst) {
    double src = align_corners ? scale * double(dst) : scale * (double(dst) + 0.5) - 0.5;
    if (src < 0) src = 0;
    const int64_t first = static_cast<int64_t>(src);
    taps[dst] = {first, first < in - 1 ? 1 : 0, src - double(first)};
  }
  return taps;
}

struct Geometry {
  int64_t planes, H, W, OH, OW;
  std::vector<Tap> rows, cols;
};

Geometry Measure(const MXKernelCall* call, const DLTensor& data, const DLTensor& resized) {
  const bool align = mx_attr_find(call->attrs, call->num_attrs, "align_corners")->i != 0;
  Geometry g{data.shape[0] * data.shape[1], data.shape[2], data.shape[3], resized.shape[2], resized.shape[3], {}, {}};
  g.rows = Taps(g.H, g.OH, align);
  g.cols = Taps(g.W, g.OW, align);
  return g;
}

template <typename T>
void Resize(const Geometry& g, const T* x, T* y) {
  using C = typename Acc<T>::type;
  ParallelFor(g.planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, g.OH * g.OW)), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      const T* plane = x + p * g.H * g.W;
      T* out = y + p * g.OH * g.OW;
      for (int64_t i = 0; i < g.OH; ++i) {
        const Tap& r = g.rows[i];
        const T* top = plane + r.first * g.W;
        const T* bottom = top + r.step * g.W;
        const C wr = static_cast<C>(r.weight);
        for (int64_t j = 0; j < g.OW; ++j) {
          const Tap& c = g.cols[j];
          const C wc = static_cast<C>(c.weight);
          const int64_t l = c.first, rr = c.first + c.step;
          const C upper = (C(1) - wc) * static_cast<C>(top[l]) + wc * static_cast<C>(top[rr]);
          const C lower = (C(1) - wc) * static_cast<C>(bottom[l]) + wc * static_cast<C>(bottom[rr]);
          out[i * g.OW + j] = static_cast<T>((C(1) - wr) * upper + wr * lower);
        }
      }
    }
  });
}

// ddata (zeroed here) += each output gradient times its four weights.
template <typename T>
void ResizeBackward(const Geometry& g, const T* dy, T* dx) {
  using C = typename Acc<T>::type;
  ParallelFor(g.planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, g.OH * g.OW)), [&](int64_t b, int64_t e) {
    std::vector<C> sum(static_cast<size_t>(g.H * g.W));
    for (int64_t p = b; p < e; ++p) {
      std::fill(sum.begin(), sum.end(), C(0));
      const T* grad = dy + p * g.OH * g.OW;
      for (int64_t i = 0; i < g.OH; ++i) {
        const Tap& r = g.rows[i];
        const C wr = static_cast<C>(r.weight);
        C* top = sum.data() + r.first * g.W;
        C* bottom = top + r.step * g.W;
        for (int64_t j = 0; j < g.OW; ++j) {
          const Tap& c = g.cols[j];
          const C wc = static_cast<C>(c.weight), v = static_cast<C>(grad[i * g.OW + j]);
          const int64_t l = c.first, rr = c.first + c.step;
          top[l] += (C(1) - wr) * (C(1) - wc) * v;
          top[rr] += (C(1) - wr) * wc * v;
          bottom[l] += wr * (C(1) - wc) * v;
          bottom[rr] += wr * wc * v;
        }
      }
      T* out = dx + p * g.H * g.W;
      for (int64_t k = 0; k < g.H * g.W; ++k) out[k] = static_cast<T>(sum[k]);
    }
  });
}

int CheckRequest(const MXKernelCall* call, const char* op) {
  if (call->req[0] == MX_REQ_ADD) {
    Fail(op);
    return -1;
  }
  return call->req[0] == MX_REQ_NULL ? 1 : 0;
}

int BilinearResize(const MXKernelCall* call) {
  if (int rc = CheckRequest(call, "_contrib_BilinearResize2D does not support req=add")) return rc < 0 ? rc : 0;
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const Geometry g = Measure(call, data, out);
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    if (g.planes && g.OH && g.OW) Resize<T>(g, Data<T>(data), Data<T>(out));
  });
  return ok ? 0 : Fail("_contrib_BilinearResize2D: unsupported dtype");
}

// inputs: out_grad, data; output: data's gradient.
int BilinearResizeBackward(const MXKernelCall* call) {
  if (int rc = CheckRequest(call, "_backward_contrib_BilinearResize2D does not support req=add"))
    return rc < 0 ? rc : 0;
  const DLTensor &grad = call->inputs[0], &data = call->inputs[1], &out = call->outputs[0];
  const Geometry g = Measure(call, data, grad);
  const bool ok = DispatchFloat(MXDType(grad.dtype), [&](auto zero) {
    using T = decltype(zero);
    if (g.planes && g.H && g.W) ResizeBackward<T>(g, Data<T>(grad), Data<T>(out));
  });
  return ok ? 0 : Fail("_backward_contrib_BilinearResize2D: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(bilinear_resize) {
  if (int rc = RegisterKernel("_contrib_BilinearResize2D", BilinearResize, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_contrib_BilinearResize2D", BilinearResizeBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
