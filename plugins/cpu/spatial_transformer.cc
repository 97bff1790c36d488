// GridGenerator, BilinearSampler and SpatialTransformer kernels and the
// gradients of the first two (semantics: ops/nn/spatial_transformer.cc).
// Arithmetic runs in Acc<T> (float for float16); grids are stored in T, so
// SpatialTransformer equals BilinearSampler(data, GridGenerator(loc)) exactly.
// The sampler's gradient takes two passes so no two threads add into one
// element: data's per (n, c) plane, the grid's per (n, row) summing channels.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

bool IsAffine(const MXKernelCall* call) {
  return std::strcmp(mx_attr_find(call->attrs, call->num_attrs, "transform_type")->s, "affine") == 0;
}

// Planes or rows per task: about 64K elements of work each.
int64_t Grain(int64_t work) { return std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(1, work)); }

// The normalised target coordinate of pixel i of n: -1 + i * 2 / (n - 1).
template <typename C>
C TargetCoordinate(int64_t i, int64_t n) {
  return C(-1) + static_cast<C>(i) * static_cast<C>(2.0 / static_cast<double>(n - 1));
}

// grid (N, 2, H, W) = theta (N, 6) applied to the target coordinates.
template <typename T>
void AffineGrid(const T* theta, int64_t batch, int64_t H, int64_t W, T* grid) {
  using C = typename Acc<T>::type;
  ParallelFor(batch, Grain(2 * H * W), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      C t[6];
      for (int k = 0; k < 6; ++k) t[k] = static_cast<C>(theta[n * 6 + k]);
      T *gx = grid + n * 2 * H * W, *gy = gx + H * W;
      for (int64_t h = 0; h < H; ++h) {
        const C y = TargetCoordinate<C>(h, H);
        for (int64_t w = 0; w < W; ++w) {
          const C x = TargetCoordinate<C>(w, W);
          gx[h * W + w] = static_cast<T>(t[0] * x + t[1] * y + t[2]);
          gy[h * W + w] = static_cast<T>(t[3] * x + t[4] * y + t[5]);
        }
      }
    }
  });
}

// dtheta (N, 6) = out_grad (N, 2, H, W) against the coordinates (x, y, 1).
template <typename T>
void AffineGridGradient(const T* grad, int64_t batch, int64_t H, int64_t W, T* dtheta) {
  using C = typename Acc<T>::type;
  ParallelFor(batch, Grain(2 * H * W), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n)
      for (int i = 0; i < 2; ++i) {
        const T* g = grad + (n * 2 + i) * H * W;
        double sx = 0, sy = 0, s1 = 0;
        for (int64_t h = 0; h < H; ++h) {
          const double y = TargetCoordinate<C>(h, H);
          for (int64_t w = 0; w < W; ++w) {
            const double v = static_cast<double>(g[h * W + w]);
            sx += v * static_cast<double>(TargetCoordinate<C>(w, W));
            sy += v * y;
            s1 += v;
          }
        }
        T* d = dtheta + n * 6 + i * 3;
        d[0] = static_cast<T>(sx);
        d[1] = static_cast<T>(sy);
        d[2] = static_cast<T>(s1);
      }
  });
}

// Warp: grid channel 0 = (flow_x + w) / ((W - 1) / 2) - 1, channel 1 the same
// in y; backward: grad / the same scale.  `backward` picks which.
template <typename T>
void WarpGrid(const T* src, int64_t batch, int64_t H, int64_t W, bool backward, T* dst) {
  using C = typename Acc<T>::type;
  const C half_extent[2] = {(static_cast<C>(W) - C(1)) / C(2), (static_cast<C>(H) - C(1)) / C(2)};
  ParallelFor(batch * 2, Grain(H * W), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int axis = static_cast<int>(p % 2);
      const C scale = half_extent[axis];
      for (int64_t h = 0; h < H; ++h)
        for (int64_t w = 0; w < W; ++w) {
          const int64_t i = (p * H + h) * W + w;
          const C v = static_cast<C>(src[i]);
          dst[i] = static_cast<T>(backward ? v / scale : (v + static_cast<C>(axis == 0 ? w : h)) / scale - C(1));
        }
    }
  });
}

// Where grid point (gx, gy) falls in an H x W image: its top-left tap
// (x0, y0) -- (-2, -2) when none of the four taps can be inside, NaN
// included -- and the weights wx, wy of the taps in column x0 and row y0.
template <typename C>
struct Taps {
  int64_t x0, y0;
  C wx, wy;

  Taps(C gx, C gy, int64_t H, int64_t W) {
    const C x = (gx + C(1)) * static_cast<C>(W - 1) / C(2), y = (gy + C(1)) * static_cast<C>(H - 1) / C(2);
    const C fx = std::floor(x), fy = std::floor(y);
    wx = C(1) - (x - fx);
    wy = C(1) - (y - fy);
    x0 = fx >= C(-1) && fx <= static_cast<C>(W - 1) ? static_cast<int64_t>(fx) : -2;
    y0 = fy >= C(-1) && fy <= static_cast<C>(H - 1) ? static_cast<int64_t>(fy) : -2;
  }
  // The four taps' values in plane p (zero outside): top-left, top-right,
  // bottom-left, bottom-right.
  template <typename T>
  void Values(const T* p, int64_t H, int64_t W, C v[4]) const {
    for (int k = 0; k < 4; ++k) {
      const int64_t x = x0 + (k & 1), y = y0 + (k >> 1);
      v[k] = x >= 0 && x < W && y >= 0 && y < H ? static_cast<C>(p[y * W + x]) : C(0);
    }
  }
  C Weight(int k) const { return ((k >> 1) ? C(1) - wy : wy) * ((k & 1) ? C(1) - wx : wx); }
};

// Tensor layouts of one sampling: data (N, C, H, W), grid (N, 2, Ho, Wo).
struct Sampling {
  int64_t batch, channels, H, W, Ho, Wo;
  Sampling(const DLTensor& data, const DLTensor& grid)
      : batch(data.shape[0]), channels(data.shape[1]), H(data.shape[2]), W(data.shape[3]), Ho(grid.shape[2]),
        Wo(grid.shape[3]) {}
  template <typename C, typename T>
  Taps<C> At(const T* grid, int64_t n, int64_t i) const {
    const T* g = grid + n * 2 * Ho * Wo + i;
    return Taps<C>(static_cast<C>(g[0]), static_cast<C>(g[Ho * Wo]), H, W);
  }
};

template <typename T>
void Sample(const Sampling& s, const T* data, const T* grid, T* out) {
  using C = typename Acc<T>::type;
  const int64_t S = s.Ho * s.Wo;
  ParallelFor(s.batch * s.channels, Grain(4 * S), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t n = p / s.channels;
      const T* plane = data + p * s.H * s.W;
      for (int64_t i = 0; i < S; ++i) {
        const Taps<C> t = s.At<C>(grid, n, i);
        C v[4];
        t.Values(plane, s.H, s.W, v);
        out[p * S + i] = static_cast<T>(v[0] * t.Weight(0) + v[1] * t.Weight(1) + v[2] * t.Weight(2) +
                                        v[3] * t.Weight(3));
      }
    }
  });
}

// ddata (zeroed here) += out_grad spread over each point's taps.
template <typename T>
void SampleDataGradient(const Sampling& s, const T* grad, const T* grid, T* ddata) {
  using C = typename Acc<T>::type;
  const int64_t S = s.Ho * s.Wo, X = s.H * s.W;
  ParallelFor(s.batch * s.channels, Grain(4 * S), [&](int64_t begin, int64_t end) {
    std::fill(ddata + begin * X, ddata + end * X, T(0));
    for (int64_t p = begin; p < end; ++p) {
      const int64_t n = p / s.channels;
      T* plane = ddata + p * X;
      for (int64_t i = 0; i < S; ++i) {
        const Taps<C> t = s.At<C>(grid, n, i);
        const C g = static_cast<C>(grad[p * S + i]);
        for (int k = 0; k < 4; ++k) {
          const int64_t x = t.x0 + (k & 1), y = t.y0 + (k >> 1);
          if (x >= 0 && x < s.W && y >= 0 && y < s.H)
            plane[y * s.W + x] = static_cast<T>(static_cast<C>(plane[y * s.W + x]) + g * t.Weight(k));
        }
      }
    }
  });
}

// dgrid (N, 2, Ho, Wo): d out / d (x, y) summed over channels, times the
// normalisation's (W - 1) / 2 and (H - 1) / 2.
template <typename T>
void SampleGridGradient(const Sampling& s, const T* grad, const T* data, const T* grid, T* dgrid) {
  using C = typename Acc<T>::type;
  const int64_t S = s.Ho * s.Wo, X = s.H * s.W;
  ParallelFor(s.batch * s.Ho, Grain(4 * s.Wo * s.channels), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t n = r / s.Ho;
      for (int64_t i = (r % s.Ho) * s.Wo; i < (r % s.Ho + 1) * s.Wo; ++i) {
        const Taps<C> t = s.At<C>(grid, n, i);
        C dx = 0, dy = 0;
        for (int64_t c = 0; c < s.channels; ++c) {
          C v[4];
          t.Values(data + (n * s.channels + c) * X, s.H, s.W, v);
          const C g = static_cast<C>(grad[(n * s.channels + c) * S + i]), cross = v[0] - v[1] - v[2] + v[3];
          dy -= g * (v[1] - v[3] + cross * t.wx);
          dx -= g * (v[2] - v[3] + cross * t.wy);
        }
        dgrid[n * 2 * S + i] = static_cast<T>(dx * static_cast<C>(s.W - 1) / C(2));
        dgrid[n * 2 * S + S + i] = static_cast<T>(dy * static_cast<C>(s.H - 1) / C(2));
      }
    }
  });
}

// Runs fn(T{}) for the float dtype of the call's input 0, after the
// common checks of these ops (no req=add); `op` names the op in errors.
template <typename F>
int Run(const MXKernelCall* call, const char* op, F&& fn) {
  for (int k = 0; k < call->num_outputs; ++k)
    if (call->req[k] == MX_REQ_ADD) return Fail((std::string(op) + " does not support req=add").c_str());
  if (DispatchFloat(MXDType(call->inputs[0].dtype), fn)) return 0;
  return Fail((std::string(op) + ": unsupported dtype").c_str());
}

int GridGenerator(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor &data = call->inputs[0], &grid = call->outputs[0];
  return Run(call, "GridGenerator", [&](auto zero) {
    using T = decltype(zero);
    if (IsAffine(call)) AffineGrid(Data<T>(data), grid.shape[0], grid.shape[2], grid.shape[3], Data<T>(grid));
    else WarpGrid(Data<T>(data), grid.shape[0], grid.shape[2], grid.shape[3], false, Data<T>(grid));
  });
}

// inputs: out_grad; output: data's gradient.
int GridGeneratorBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor &grad = call->inputs[0], &ddata = call->outputs[0];
  return Run(call, "_backward_GridGenerator", [&](auto zero) {
    using T = decltype(zero);
    if (IsAffine(call))
      AffineGridGradient(Data<T>(grad), grad.shape[0], grad.shape[2], grad.shape[3], Data<T>(ddata));
    else WarpGrid(Data<T>(grad), grad.shape[0], grad.shape[2], grad.shape[3], true, Data<T>(ddata));
  });
}

int BilinearSampler(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor &data = call->inputs[0], &grid = call->inputs[1];
  return Run(call, "BilinearSampler", [&](auto zero) {
    using T = decltype(zero);
    Sample(Sampling(data, grid), Data<T>(data), Data<T>(grid), Data<T>(call->outputs[0]));
  });
}

// inputs: out_grad, data, grid; outputs: data's and grid's gradients.
int BilinearSamplerBackward(const MXKernelCall* call) {
  const DLTensor &grad = call->inputs[0], &data = call->inputs[1], &grid = call->inputs[2];
  return Run(call, "_backward_BilinearSampler", [&](auto zero) {
    using T = decltype(zero);
    const Sampling s(data, grid);
    if (call->req[0] != MX_REQ_NULL) SampleDataGradient(s, Data<T>(grad), Data<T>(grid), Data<T>(call->outputs[0]));
    if (call->req[1] != MX_REQ_NULL)
      SampleGridGradient(s, Data<T>(grad), Data<T>(data), Data<T>(grid), Data<T>(call->outputs[1]));
  });
}

// The grid SpatialTransformer samples at, in its workspace: (N, 2, Ho, Wo) of T.
size_t SpatialTransformerWorkspace(const MXKernelCall* call) {
  const DLTensor& out = call->outputs[0];
  return static_cast<size_t>(out.shape[0] * 2 * out.shape[2] * out.shape[3]) * (out.dtype.bits / 8);
}

// inputs: data, loc (N, 6).
int SpatialTransformer(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const int64_t grid_shape[4] = {out.shape[0], 2, out.shape[2], out.shape[3]};
  DLTensor grid = out;
  grid.shape = const_cast<int64_t*>(grid_shape);
  grid.data = call->workspace;
  return Run(call, "SpatialTransformer", [&](auto zero) {
    using T = decltype(zero);
    AffineGrid(Data<T>(call->inputs[1]), grid_shape[0], grid_shape[2], grid_shape[3], Data<T>(grid));
    Sample(Sampling(data, grid), Data<T>(data), Data<T>(grid), Data<T>(out));
  });
}

}  // namespace

MX_CPU_KERNELS(spatial_transformer) {
  if (int rc = RegisterKernel("GridGenerator", GridGenerator, nullptr, kFloats)) return rc;
  if (int rc = RegisterKernel("_backward_GridGenerator", GridGeneratorBackward, nullptr, kFloats)) return rc;
  if (int rc = RegisterKernel("BilinearSampler", BilinearSampler, nullptr, kFloats)) return rc;
  if (int rc = RegisterKernel("_backward_BilinearSampler", BilinearSamplerBackward, nullptr, kFloats)) return rc;
  return RegisterKernel("SpatialTransformer", SpatialTransformer, nullptr, kFloats, SpatialTransformerWorkspace);
}

}  // namespace mx_cpu
