// Deconvolution and _backward_Deconvolution kernels (channel-first layouts).
// A deconvolution is Convolution's data gradient: the output is the image
// and the input holds one value per window, so per image and group
//   col_g (F/G*K x S) = weight_g^T (F/G*K x C/G) . data_g, then col2im into out;
// the gradient reads the windows of out_grad back with im2col:
//   data_g = weight_g . col_g,   weight_g += data_g . col_g^T.
// float16 computes in float32 (half_staging.h).
#include "deconvolution.h"

#include <algorithm>
#include <string>

#include "blas.h"
#include "half_staging.h"
#include "im2col.h"
#include "workspace_kernel.h"

namespace mx_cpu {

DeconvShape MakeDeconvShape(const SpatialGeometry& g, int64_t groups, const DLTensor& data, const DLTensor& out) {
  DeconvShape s;
  s.g = g;
  s.groups = groups;
  s.channels = data.shape[1];
  s.filters = out.shape[1];
  s.group_channels = s.channels / s.groups;
  s.group_rows = s.filters / s.groups * s.g.KernelSize();
  return s;
}

namespace {

// The geometry of image `out` against windows `data`, with the padding
// MXNet's InferPad picks for a non-zero target_shape.
DeconvShape ReadDeconv(const MXKernelCall* call, const DLTensor& data, const DLTensor& out) {
  SpatialGeometry g = ReadGeometry(call, out, data);
  const MXAttr* target = mx_attr_find(call->attrs, call->num_attrs, "target_shape");
  bool use_target = false;
  for (int i = 0; i < target->len; ++i) use_target = use_target || target->ints[i] != 0;
  for (int i = 3 - (data.ndim - 2); use_target && i < 3; ++i) {
    const int64_t total = g.stride[i] * (g.out[i] - 1) + g.dilate[i] * (g.kernel[i] - 1) + 1 - g.in[i];
    g.pad[i] = (total + 1) / 2;
  }
  return MakeDeconvShape(g, mx_attr_find(call->attrs, call->num_attrs, "num_group")->i, data, out);
}

// Elements of the column matrix (of out, or of out_grad).
int64_t ColumnElements(const DeconvShape& s) { return s.filters * s.g.KernelSize() * s.g.OutSize(); }

// The reason the CPU kernels cannot run this call (with `op`'s name), or empty.
std::string CheckCall(const MXKernelCall* call, const DeconvShape& s, const std::string& op) {
  if (!ChannelFirst(call)) return op + ": the CPU kernels support NCW, NCHW and NCDHW layouts only";
  for (int k = 0; k < call->num_outputs; ++k)
    if (call->req[k] == MX_REQ_ADD) return op + " does not support req=add";
  if (!FitsBlas({s.g.OutSize(), s.g.InSize(), s.group_rows, s.group_channels, s.filters * s.g.KernelSize()}))
    return op + ": operands too large for 32-bit BLAS";
  return "";
}

template <typename T>
void Forward(const DeconvShape& s, const T* x, const T* w, const T* bias, T* y, T* col) {
  const SpatialGeometry& g = s.g;
  const int64_t S = g.OutSize(), X = g.InSize(), rows = s.group_rows, cg = s.group_channels;
  for (int64_t n = 0; n < g.batch; ++n) {
    T* yn = y + n * s.filters * X;
    std::fill(yn, yn + s.filters * X, T(0));
    if (cg > 0 && S > 0) {
      const T* xn = x + n * s.channels * S;
      for (int64_t grp = 0; grp < s.groups; ++grp)
        ParallelGemm(true, false, rows, S, cg, T(1), w + grp * cg * rows, rows, xn + grp * cg * S, S, T(0),
                     col + grp * rows * S, S);
      Col2Im(g, col, s.filters, yn);
    }
    if (bias)
      for (int64_t f = 0; f < s.filters; ++f) {
        T* plane = yn + f * X;
        const T b = bias[f];
        for (int64_t i = 0; i < X; ++i) plane[i] += b;
      }
  }
}

template <typename T>
void Backward(const DeconvShape& s, const T* dy, const T* x, const T* w, T* dx, T* dw, T* db, T* col) {
  const SpatialGeometry& g = s.g;
  const int64_t S = g.OutSize(), X = g.InSize(), rows = s.group_rows, cg = s.group_channels;
  if (dw) std::fill(dw, dw + s.channels * rows, T(0));
  if (dx) std::fill(dx, dx + g.batch * s.channels * S, T(0));
  for (int64_t n = 0; n < g.batch && (dx || dw) && cg > 0 && S > 0; ++n) {
    Im2Col(g, dy + n * s.filters * X, s.filters, col);
    for (int64_t grp = 0; grp < s.groups; ++grp) {
      const T* col_g = col + grp * rows * S;
      if (dx)
        ParallelGemm(false, false, cg, S, rows, T(1), w + grp * cg * rows, rows, col_g, S, T(0),
                     dx + (n * s.channels + grp * cg) * S, S);
      if (dw)
        ParallelGemm(false, true, cg, rows, S, T(1), x + (n * s.channels + grp * cg) * S, S, col_g, S, T(1),
                     dw + grp * cg * rows, rows);
    }
  }
  if (!db) return;
  for (int64_t f = 0; f < s.filters; ++f) {
    double sum = 0;
    for (int64_t n = 0; n < g.batch; ++n) {
      const T* plane = dy + (n * s.filters + f) * X;
      for (int64_t i = 0; i < X; ++i) sum += plane[i];
    }
    db[f] = static_cast<T>(sum);
  }
}

size_t ForwardWorkspace(const MXKernelCall* call) {
  return DeconvolutionWorkspace(call, ReadDeconv(call, call->inputs[0], call->outputs[0]));
}

int DeconvolutionForward(const MXKernelCall* call) {
  return RunDeconvolution(call, ReadDeconv(call, call->inputs[0], call->outputs[0]), "Deconvolution");
}

// inputs: out_grad, data, weight; outputs: data, weight, bias? gradients.
size_t BackwardWorkspace(const MXKernelCall* call) {
  return StagedWorkspaceBytes(call, call->inputs[1],
                              ColumnElements(ReadDeconv(call, call->inputs[1], call->inputs[0])));
}

int DeconvolutionBackward(const MXKernelCall* call) {
  const DLTensor &dy = call->inputs[0], &data = call->inputs[1];
  const DeconvShape s = ReadDeconv(call, data, dy);
  const std::string error = CheckCall(call, s, "_backward_Deconvolution");
  if (!error.empty()) return Fail(error.c_str());
  return RunFloatKernel(call, data, ColumnElements(s), "_backward_Deconvolution: unsupported dtype",
                        [&](auto* col, const auto* const* in, auto* const* outs) {
                          Backward(s, in[0], in[1], in[2], Wanted(call, 0, outs[0]), Wanted(call, 1, outs[1]),
                                   Wanted(call, 2, outs[2]), col);
                        });
}

}  // namespace

size_t DeconvolutionWorkspace(const MXKernelCall* call, const DeconvShape& s) {
  return StagedWorkspaceBytes(call, call->inputs[0], ColumnElements(s));
}

int RunDeconvolution(const MXKernelCall* call, const DeconvShape& s, const char* op) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const std::string error = CheckCall(call, s, op);
  if (!error.empty()) return Fail(error.c_str());
  const bool has_bias = call->num_inputs == 3;
  const std::string unsupported = std::string(op) + ": unsupported dtype";
  return RunFloatKernel(call, call->inputs[0], ColumnElements(s), unsupported.c_str(),
                        [&](auto* col, const auto* const* in, auto* const* outs) {
                          Forward(s, in[0], in[1], has_bias ? in[2] : nullptr, outs[0], col);
                        });
}

MX_CPU_KERNELS(deconvolution) {
  if (int rc = RegisterKernel("Deconvolution", DeconvolutionForward, nullptr, {kF32, kF64, kF16},
                              ForwardWorkspace))
    return rc;
  return RegisterKernel("_backward_Deconvolution", DeconvolutionBackward, nullptr, {kF32, kF64, kF16},
                        BackwardWorkspace);
}

}  // namespace mx_cpu
