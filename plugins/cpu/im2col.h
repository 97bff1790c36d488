// im2col / col2im: the windows of an image as the columns of a matrix, so a
// convolution becomes one gemm.  For an image of C channels the column
// matrix has C * K rows (channel-major, then kernel offsets d, h, w) and S
// columns (window positions, row-major), K = kernel size, S = output size;
// entries that fall in the zero padding are 0.  col2im is the adjoint: it
// adds every column entry back onto the pixel it came from.
#ifndef MX_PLUGINS_CPU_IM2COL_H_
#define MX_PLUGINS_CPU_IM2COL_H_

#include <algorithm>
#include <cstring>

#include "spatial_geometry.h"

namespace mx_cpu {

// Output positions o in [lo, hi) of [0, n_out) whose input position
// o * stride + offset lies in [0, n_in).
inline void ValidRange(int64_t n_out, int64_t n_in, int64_t stride, int64_t offset, int64_t* lo, int64_t* hi) {
  *lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const int64_t last = n_in - 1 - offset;
  *hi = last < 0 ? 0 : std::min(n_out, last / stride + 1);
  *lo = std::min(*lo, *hi);
}

// Visits the rows of one kernel offset (kd, kh, kw) of one channel `plane`:
// fn(row, base, lo, hi) for each (od, oh) whose input row exists, where
// the window at ow reads plane[base + ow * stride_w] for ow in [lo, hi);
// empty(row) for rows that lie wholly in the padding.
template <typename Row, typename Empty>
void ForEachWindowRow(const SpatialGeometry& g, int64_t kd, int64_t kh, int64_t kw, Row&& fn, Empty&& empty) {
  const int64_t w_offset = kw * g.dilate[2] - g.pad[2];
  int64_t lo, hi;
  ValidRange(g.out[2], g.in[2], g.stride[2], w_offset, &lo, &hi);
  for (int64_t od = 0; od < g.out[0]; ++od) {
    const int64_t id = od * g.stride[0] + kd * g.dilate[0] - g.pad[0];
    for (int64_t oh = 0; oh < g.out[1]; ++oh) {
      const int64_t ih = oh * g.stride[1] + kh * g.dilate[1] - g.pad[1];
      const int64_t row = od * g.out[1] + oh;
      if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1] || lo == hi) {
        empty(row);
        continue;
      }
      fn(row, (id * g.in[1] + ih) * g.in[2] + w_offset, lo, hi);
    }
  }
}

// Splits kernel offset k into (kd, kh, kw).
inline void KernelOffset(const SpatialGeometry& g, int64_t k, int64_t* kd, int64_t* kh, int64_t* kw) {
  *kw = k % g.kernel[2];
  *kh = (k / g.kernel[2]) % g.kernel[1];
  *kd = k / (g.kernel[2] * g.kernel[1]);
}

// col (channels * K, S) from image (channels, *g.in).
template <typename T>
void Im2Col(const SpatialGeometry& g, const T* image, int64_t channels, T* col) {
  const int64_t K = g.KernelSize(), S = g.OutSize(), X = g.InSize(), OW = g.out[2], sw = g.stride[2];
  ParallelFor(channels * K, std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(S, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      int64_t kd, kh, kw;
      KernelOffset(g, r % K, &kd, &kh, &kw);
      const T* plane = image + (r / K) * X;
      T* dst = col + r * S;
      ForEachWindowRow(
          g, kd, kh, kw,
          [&](int64_t row, int64_t base, int64_t lo, int64_t hi) {
            T* d = dst + row * OW;
            std::fill(d, d + lo, T(0));
            if (sw == 1)
              std::memcpy(d + lo, plane + base + lo, static_cast<size_t>(hi - lo) * sizeof(T));
            else
              for (int64_t ow = lo; ow < hi; ++ow) d[ow] = plane[base + ow * sw];
            std::fill(d + hi, d + OW, T(0));
          },
          [&](int64_t row) { std::fill(dst + row * OW, dst + (row + 1) * OW, T(0)); });
    }
  });
}

// image (channels, *g.in) += the entries of col (channels * K, S) at their pixels.
template <typename T>
void Col2Im(const SpatialGeometry& g, const T* col, int64_t channels, T* image) {
  const int64_t K = g.KernelSize(), S = g.OutSize(), X = g.InSize(), OW = g.out[2], sw = g.stride[2];
  ParallelFor(channels, std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(K * S, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      T* plane = image + c * X;
      for (int64_t k = 0; k < K; ++k) {
        int64_t kd, kh, kw;
        KernelOffset(g, k, &kd, &kh, &kw);
        const T* src = col + (c * K + k) * S;
        ForEachWindowRow(
            g, kd, kh, kw,
            [&](int64_t row, int64_t base, int64_t lo, int64_t hi) {
              const T* s = src + row * OW;
              for (int64_t ow = lo; ow < hi; ++ow) plane[base + ow * sw] += s[ow];
            },
            [](int64_t) {});
      }
    }
  });
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_IM2COL_H_
