// Pooling and _backward_Pooling kernels (channel-first layouts), one
// (image, channel) plane per task.  A window is clipped to the padded input
// and then to the input itself (MXNet's rule): avg divides by the first
// size when count_include_pad (the default), by the second otherwise.  The
// gradient of max goes to the first element of the window equal to the
// output, in row-major order.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "float_dispatch.h"
#include "spatial_geometry.h"

namespace mx_cpu {

namespace {

enum class PoolKind { kMax, kAvg, kSum, kLp };

// The windows along one axis: input range [begin, end) and the length
// counting padding.
struct AxisWindows {
  std::vector<int64_t> begin, end, padded;
};

AxisWindows WindowsAlong(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t pad) {
  AxisWindows a;
  for (int64_t o = 0; o < out; ++o) {
    const int64_t start = o * stride - pad, stop = std::min(start + kernel, in + pad);
    a.begin.push_back(std::max<int64_t>(start, 0));
    a.end.push_back(std::min(stop, in));
    a.padded.push_back(stop - start);
  }
  return a;
}

struct PoolSpec {
  SpatialGeometry g;
  PoolKind kind = PoolKind::kMax;
  int p = 1;  // lp only
  bool count_include_pad = true;
  AxisWindows axes[3];

  int64_t Count(int64_t od, int64_t oh, int64_t ow) const {
    if (count_include_pad) return axes[0].padded[od] * axes[1].padded[oh] * axes[2].padded[ow];
    return (axes[0].end[od] - axes[0].begin[od]) * (axes[1].end[oh] - axes[1].begin[oh]) *
           (axes[2].end[ow] - axes[2].begin[ow]);
  }
  // fn(index in the plane) over window (od, oh, ow), row-major; false from fn stops.
  template <typename F>
  void ForWindow(int64_t od, int64_t oh, int64_t ow, F&& fn) const {
    for (int64_t id = axes[0].begin[od]; id < axes[0].end[od]; ++id)
      for (int64_t ih = axes[1].begin[oh]; ih < axes[1].end[oh]; ++ih)
        for (int64_t iw = axes[2].begin[ow]; iw < axes[2].end[ow]; ++iw)
          if (!fn((id * g.in[1] + ih) * g.in[2] + iw)) return;
  }
};

PoolSpec ReadPool(const MXKernelCall* call, const DLTensor& data, const DLTensor& out) {
  PoolSpec ps;
  const auto attr = [&](const char* name) { return mx_attr_find(call->attrs, call->num_attrs, name); };
  ps.g = ReadGeometry(call, data, out, attr("global_pool")->i != 0);
  const char* type = attr("pool_type")->s;
  ps.kind = std::strcmp(type, "avg") == 0   ? PoolKind::kAvg
            : std::strcmp(type, "sum") == 0 ? PoolKind::kSum
            : std::strcmp(type, "lp") == 0  ? PoolKind::kLp
                                            : PoolKind::kMax;
  const MXAttr* p = attr("p_value");
  ps.p = p->is_none ? 1 : static_cast<int>(p->i);
  const MXAttr* include = attr("count_include_pad");
  ps.count_include_pad = include->is_none || include->i != 0;
  for (int i = 0; i < 3; ++i)
    ps.axes[i] = WindowsAlong(ps.g.in[i], ps.g.out[i], ps.g.kernel[i], ps.g.stride[i], ps.g.pad[i]);
  return ps;
}

template <typename C>
C PowerP(C v, int p) { return p == 1 ? v : p == 2 ? v * v : v * v * v; }

template <typename C>
C RootP(C v, int p) { return p == 1 ? v : p == 2 ? std::sqrt(v) : std::cbrt(v); }

template <typename T>
void PoolPlane(const PoolSpec& ps, const T* x, T* y) {
  using C = typename Acc<T>::type;
  const SpatialGeometry& g = ps.g;
  for (int64_t od = 0; od < g.out[0]; ++od)
    for (int64_t oh = 0; oh < g.out[1]; ++oh)
      for (int64_t ow = 0; ow < g.out[2]; ++ow) {
        C acc = ps.kind == PoolKind::kMax ? std::numeric_limits<C>::lowest() : C(0);
        if (ps.kind == PoolKind::kMax) {
          ps.ForWindow(od, oh, ow, [&](int64_t i) { return acc = std::max(acc, static_cast<C>(x[i])), true; });
        } else if (ps.kind == PoolKind::kLp) {
          ps.ForWindow(od, oh, ow, [&](int64_t i) { return acc += PowerP(static_cast<C>(x[i]), ps.p), true; });
          acc = RootP(acc, ps.p);
        } else {
          ps.ForWindow(od, oh, ow, [&](int64_t i) { return acc += static_cast<C>(x[i]), true; });
          if (ps.kind == PoolKind::kAvg) acc /= static_cast<C>(ps.Count(od, oh, ow));
        }
        *y++ = static_cast<T>(acc);
      }
}

// dx (zeroed) += the gradient of one plane's windows.
template <typename T>
void PoolPlaneGradient(const PoolSpec& ps, const T* dy, const T* x, const T* y, T* dx) {
  using C = typename Acc<T>::type;
  const SpatialGeometry& g = ps.g;
  for (int64_t od = 0; od < g.out[0]; ++od)
    for (int64_t oh = 0; oh < g.out[1]; ++oh)
      for (int64_t ow = 0; ow < g.out[2]; ++ow, ++dy, ++y) {
        const C grad = static_cast<C>(*dy);
        const auto add = [&](int64_t i, C v) { dx[i] = static_cast<T>(static_cast<C>(dx[i]) + v); };
        switch (ps.kind) {
          case PoolKind::kMax:
            ps.ForWindow(od, oh, ow, [&](int64_t i) { return x[i] == *y ? (add(i, grad), false) : true; });
            break;
          case PoolKind::kSum:
            ps.ForWindow(od, oh, ow, [&](int64_t i) { return add(i, grad), true; });
            break;
          case PoolKind::kAvg: {
            const C share = grad / static_cast<C>(ps.Count(od, oh, ow));
            ps.ForWindow(od, oh, ow, [&](int64_t i) { return add(i, share), true; });
            break;
          }
          case PoolKind::kLp: {  // d (sum x^p)^(1/p) / dx = (x / y)^(p-1)
            const C out = static_cast<C>(*y);
            ps.ForWindow(od, oh, ow, [&](int64_t i) {
              const C ratio = static_cast<C>(x[i]) / out;
              return add(i, grad * (ps.p == 1 ? C(1) : ps.p == 2 ? ratio : ratio * ratio)), true;
            });
            break;
          }
        }
      }
}

// Planes per task: enough window work to be worth a thread.
int64_t PlaneGrain(const PoolSpec& ps) {
  return std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(1, ps.g.OutSize() * ps.g.KernelSize()));
}

int PoolingForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("Pooling does not support req=add");
  if (!ChannelFirst(call)) return Fail("Pooling: the CPU kernels support NCW, NCHW and NCDHW layouts only");
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const PoolSpec ps = ReadPool(call, data, out);
  const int64_t planes = ps.g.batch * ps.g.channels, X = ps.g.InSize(), S = ps.g.OutSize();
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* x = Data<T>(data);
    T* y = Data<T>(out);
    ParallelFor(planes, PlaneGrain(ps), [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) PoolPlane(ps, x + p * X, y + p * S);
    });
  });
  return ok ? 0 : Fail("Pooling: unsupported dtype");
}

// inputs: out_grad, data, output; output: data's gradient.
int PoolingBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_Pooling does not support req=add");
  if (!ChannelFirst(call)) return Fail("Pooling: the CPU kernels support NCW, NCHW and NCDHW layouts only");
  const DLTensor &dy = call->inputs[0], &data = call->inputs[1], &dx = call->outputs[0];
  const PoolSpec ps = ReadPool(call, data, dy);
  const int64_t planes = ps.g.batch * ps.g.channels, X = ps.g.InSize(), S = ps.g.OutSize();
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T *g = Data<T>(dy), *x = Data<T>(data), *y = Data<T>(call->inputs[2]);
    T* d = Data<T>(dx);
    ParallelFor(planes, PlaneGrain(ps), [&](int64_t begin, int64_t end) {
      std::fill(d + begin * X, d + end * X, T(0));
      for (int64_t p = begin; p < end; ++p) PoolPlaneGradient(ps, g + p * S, x + p * X, y + p * S, d + p * X);
    });
  });
  return ok ? 0 : Fail("_backward_Pooling: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(pooling) {
  if (int rc = RegisterKernel("Pooling", PoolingForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_Pooling", PoolingBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
