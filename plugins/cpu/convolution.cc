// Convolution and _backward_Convolution kernels (channel-first layouts).
//   General groups: per image, im2col (spatial_geometry.h, im2col.h) and one
//   gemm per group, split across the pool (ParallelGemm) --
//   out_g (F/G x S) = weight_g (F/G x C/G*K) . col_g;
//   1x1 stride-1 unpadded kernels use the image itself as the column matrix.
//   Depthwise (one input channel per group): direct loops, K shifted
//   multiply-adds over each output plane -- a gemm with one row wastes BLAS.
// The gradient mirrors it: weight_g += dy_g . col_g^T, dcol_g = weight_g^T dy_g
// scattered back by col2im, bias = sum of dy per filter.  float16 computes in
// float32 (half_staging.h).
#include <algorithm>

#include "blas.h"
#include "half_staging.h"
#include "im2col.h"
#include "workspace_kernel.h"

namespace mx_cpu {

namespace {

struct ConvShape {
  SpatialGeometry g;
  int64_t groups = 1, filters = 1;
  int64_t group_channels = 1, group_filters = 1;
  int64_t group_rows = 1;  // C/G * K: rows of one group's column matrix

  bool Depthwise() const { return group_channels == 1 && groups > 1; }
};

ConvShape ReadConv(const MXKernelCall* call, const DLTensor& data, const DLTensor& out) {
  ConvShape s;
  s.g = ReadGeometry(call, data, out);
  s.groups = mx_attr_find(call->attrs, call->num_attrs, "num_group")->i;
  s.filters = out.shape[1];
  s.group_channels = s.g.channels / s.groups;
  s.group_filters = s.filters / s.groups;
  s.group_rows = s.group_channels * s.g.KernelSize();
  return s;
}

// Elements of the column matrix, 0 when the kernel needs none.
int64_t ColumnElements(const ConvShape& s) {
  if (s.Depthwise() || s.g.Pointwise()) return 0;
  return s.g.channels * s.g.KernelSize() * s.g.OutSize();
}

const char* CheckCall(const MXKernelCall* call, const ConvShape& s) {
  if (!ChannelFirst(call)) return "Convolution: the CPU kernels support NCW, NCHW and NCDHW layouts only";
  for (int k = 0; k < call->num_outputs; ++k)
    if (call->req[k] == MX_REQ_ADD) return "Convolution does not support req=add";
  if (!FitsBlas({s.g.OutSize(), s.g.InSize(), s.group_rows, s.group_filters, s.g.channels * s.g.KernelSize()}))
    return "Convolution: operands too large for 32-bit BLAS";
  return nullptr;
}

// ---- depthwise -----------------------------------------------------------------

// out (S) = bias + sum_k w[k] * the image plane under kernel offset k.
template <typename T>
MX_CPU_CLONES void DepthwisePlane(const SpatialGeometry& g, const T* plane, const T* w, T bias, T* out) {
  const int64_t OW = g.out[2], sw = g.stride[2];
  std::fill(out, out + g.OutSize(), bias);
  for (int64_t k = 0; k < g.KernelSize(); ++k) {
    int64_t kd, kh, kw;
    KernelOffset(g, k, &kd, &kh, &kw);
    const T wk = w[k];
    ForEachWindowRow(
        g, kd, kh, kw,
        [&](int64_t row, int64_t base, int64_t lo, int64_t hi) {
          T* o = out + row * OW;
          const T* x = plane + base;
          for (int64_t ow = lo; ow < hi; ++ow) o[ow] += wk * x[ow * sw];
        },
        [](int64_t) {});
  }
}

// The adjoint of DepthwisePlane in the image: plane += sum_k w[k] * dy shifted back.
template <typename T>
MX_CPU_CLONES void DepthwisePlaneData(const SpatialGeometry& g, const T* dy, const T* w, T* plane) {
  const int64_t OW = g.out[2], sw = g.stride[2];
  for (int64_t k = 0; k < g.KernelSize(); ++k) {
    int64_t kd, kh, kw;
    KernelOffset(g, k, &kd, &kh, &kw);
    const T wk = w[k];
    ForEachWindowRow(
        g, kd, kh, kw,
        [&](int64_t row, int64_t base, int64_t lo, int64_t hi) {
          const T* d = dy + row * OW;
          T* x = plane + base;
          for (int64_t ow = lo; ow < hi; ++ow) x[ow * sw] += wk * d[ow];
        },
        [](int64_t) {});
  }
}

// dw[k] += sum over positions of dy * the image plane under kernel offset k.
template <typename T>
MX_CPU_CLONES void DepthwisePlaneWeight(const SpatialGeometry& g, const T* dy, const T* plane, T* dw) {
  const int64_t OW = g.out[2], sw = g.stride[2];
  for (int64_t k = 0; k < g.KernelSize(); ++k) {
    int64_t kd, kh, kw;
    KernelOffset(g, k, &kd, &kh, &kw);
    T sum = 0;
    ForEachWindowRow(
        g, kd, kh, kw,
        [&](int64_t row, int64_t base, int64_t lo, int64_t hi) {
          const T* d = dy + row * OW;
          const T* x = plane + base;
          for (int64_t ow = lo; ow < hi; ++ow) sum += d[ow] * x[ow * sw];
        },
        [](int64_t) {});
    dw[k] += sum;
  }
}

template <typename T>
void DepthwiseForward(const ConvShape& s, const T* x, const T* w, const T* bias, T* y) {
  const SpatialGeometry& g = s.g;
  const int64_t S = g.OutSize(), X = g.InSize(), K = g.KernelSize();
  ParallelFor(g.batch * s.filters, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(K * S, 1)),
              [&](int64_t begin, int64_t end) {
                for (int64_t p = begin; p < end; ++p) {
                  const int64_t n = p / s.filters, f = p % s.filters, c = f / s.group_filters;
                  DepthwisePlane(g, x + (n * g.channels + c) * X, w + f * K, bias ? bias[f] : T(0), y + p * S);
                }
              });
}

template <typename T>
void DepthwiseBackward(const ConvShape& s, const T* dy, const T* x, const T* w, T* dx, T* dw) {
  const SpatialGeometry& g = s.g;
  const int64_t S = g.OutSize(), X = g.InSize(), K = g.KernelSize();
  const int64_t grain = std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(K * S, 1));
  if (dx) {  // each (image, channel) plane sums its own filters
    ParallelFor(g.batch * g.channels, grain, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const int64_t n = p / g.channels, c = p % g.channels;
        T* plane = dx + p * X;
        std::fill(plane, plane + X, T(0));
        for (int64_t f = c * s.group_filters; f < (c + 1) * s.group_filters; ++f)
          DepthwisePlaneData(g, dy + (n * s.filters + f) * S, w + f * K, plane);
      }
    });
  }
  if (dw) {  // each filter sums over the images
    const int64_t filter_grain = std::max<int64_t>(1, grain / std::max<int64_t>(g.batch, 1));
    ParallelFor(s.filters, filter_grain, [&](int64_t begin, int64_t end) {
      for (int64_t f = begin; f < end; ++f) {
        std::fill(dw + f * K, dw + (f + 1) * K, T(0));
        const int64_t c = f / s.group_filters;
        for (int64_t n = 0; n < g.batch; ++n)
          DepthwisePlaneWeight(g, dy + (n * s.filters + f) * S, x + (n * g.channels + c) * X, dw + f * K);
      }
    });
  }
}

// ---- general groups: im2col + gemm ---------------------------------------------

// The column matrix of image n: the image itself for pointwise kernels.
template <typename T>
const T* Columns(const ConvShape& s, const T* image, T* col) {
  if (s.g.Pointwise()) return image;
  Im2Col(s.g, image, s.g.channels, col);
  return col;
}

template <typename T>
void GemmForward(const ConvShape& s, const T* x, const T* w, const T* bias, T* y, T* col) {
  const SpatialGeometry& g = s.g;
  const int64_t S = g.OutSize(), X = g.InSize(), rows = s.group_rows, fg = s.group_filters;
  for (int64_t n = 0; n < g.batch; ++n) {
    T* yn = y + n * s.filters * S;
    if (rows == 0) {
      std::fill(yn, yn + s.filters * S, T(0));
    } else {
      const T* cols = Columns(s, x + n * g.channels * X, col);
      for (int64_t grp = 0; grp < s.groups; ++grp)
        ParallelGemm(false, false, fg, S, rows, T(1), w + grp * fg * rows, rows, cols + grp * rows * S, S, T(0),
                     yn + grp * fg * S, S);
    }
    if (bias)
      for (int64_t f = 0; f < s.filters; ++f) {
        T* row = yn + f * S;
        const T b = bias[f];
        for (int64_t i = 0; i < S; ++i) row[i] += b;
      }
  }
}

template <typename T>
void GemmBackward(const ConvShape& s, const T* dy, const T* x, const T* w, T* dx, T* dw, T* col) {
  const SpatialGeometry& g = s.g;
  const int64_t S = g.OutSize(), X = g.InSize(), rows = s.group_rows, fg = s.group_filters;
  if (dw) std::fill(dw, dw + s.filters * rows, T(0));
  if (dx) std::fill(dx, dx + g.batch * g.channels * X, T(0));
  if (rows == 0 || S == 0) return;
  for (int64_t n = 0; n < g.batch; ++n) {
    const T* dyn = dy + n * s.filters * S;
    if (dw) {
      const T* cols = Columns(s, x + n * g.channels * X, col);
      for (int64_t grp = 0; grp < s.groups; ++grp)
        ParallelGemm(false, true, fg, rows, S, T(1), dyn + grp * fg * S, S, cols + grp * rows * S, S, T(1),
                     dw + grp * fg * rows, rows);
    }
    if (dx) {
      T* dxn = dx + n * g.channels * X;
      T* dcol = s.g.Pointwise() ? dxn : col;  // pointwise: the columns are the image
      for (int64_t grp = 0; grp < s.groups; ++grp)
        ParallelGemm(true, false, rows, S, fg, T(1), w + grp * fg * rows, rows, dyn + grp * fg * S, S, T(0),
                     dcol + grp * rows * S, S);
      if (!s.g.Pointwise()) Col2Im(g, col, g.channels, dxn);
    }
  }
}

// db[f] = the sum of dy over images and positions of filter f.
template <typename T>
void BiasGradient(const ConvShape& s, const T* dy, T* db) {
  const int64_t S = s.g.OutSize();
  for (int64_t f = 0; f < s.filters; ++f) {
    double sum = 0;
    for (int64_t n = 0; n < s.g.batch; ++n) {
      const T* row = dy + (n * s.filters + f) * S;
      for (int64_t i = 0; i < S; ++i) sum += row[i];
    }
    db[f] = static_cast<T>(sum);
  }
}

template <typename T>
void Forward(const ConvShape& s, const T* x, const T* w, const T* bias, T* y, T* col) {
  if (s.Depthwise())
    DepthwiseForward(s, x, w, bias, y);
  else
    GemmForward(s, x, w, bias, y, col);
}

// Null gradient pointers are not computed.
template <typename T>
void Backward(const ConvShape& s, const T* dy, const T* x, const T* w, T* dx, T* dw, T* db, T* col) {
  if (s.Depthwise())
    DepthwiseBackward(s, dy, x, w, dx, dw);
  else
    GemmBackward(s, dy, x, w, dx, dw, col);
  if (db) BiasGradient(s, dy, db);
}

// ---- the kernels -----------------------------------------------------------------

size_t ForwardWorkspace(const MXKernelCall* call) {
  return StagedWorkspaceBytes(call, call->inputs[0], ColumnElements(ReadConv(call, call->inputs[0], call->outputs[0])));
}

int ConvolutionForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const ConvShape s = ReadConv(call, data, out);
  if (const char* error = CheckCall(call, s)) return Fail(error);
  const bool has_bias = call->num_inputs == 3;
  return RunFloatKernel(call, data, ColumnElements(s), "Convolution: unsupported dtype",
                        [&](auto* col, const auto* const* in, auto* const* outs) {
                          Forward(s, in[0], in[1], has_bias ? in[2] : nullptr, outs[0], col);
                        });
}

// inputs: out_grad, data, weight; outputs: data, weight, bias? gradients.
size_t BackwardWorkspace(const MXKernelCall* call) {
  return StagedWorkspaceBytes(call, call->inputs[1], ColumnElements(ReadConv(call, call->inputs[1], call->inputs[0])));
}

int ConvolutionBackward(const MXKernelCall* call) {
  const DLTensor &dy = call->inputs[0], &data = call->inputs[1];
  const ConvShape s = ReadConv(call, data, dy);
  if (const char* error = CheckCall(call, s)) return Fail(error);
  return RunFloatKernel(call, data, ColumnElements(s), "_backward_Convolution: unsupported dtype",
                        [&](auto* col, const auto* const* in, auto* const* outs) {
                          Backward(s, in[0], in[1], in[2], Wanted(call, 0, outs[0]), Wanted(call, 1, outs[1]),
                                   Wanted(call, 2, outs[2]), col);
                        });
}

}  // namespace

MX_CPU_KERNELS(convolution) {
  if (int rc = RegisterKernel("Convolution", ConvolutionForward, nullptr, {kF32, kF64, kF16}, ForwardWorkspace))
    return rc;
  return RegisterKernel("_backward_Convolution", ConvolutionBackward, nullptr, {kF32, kF64, kF16},
                        BackwardWorkspace);
}

}  // namespace mx_cpu
