// ROIPooling and _backward_ROIPooling kernels (semantics:
// ops/nn/roi_pooling.cc).  The forward takes one (roi, channel) plane per
// task; the gradient one channel per task (every roi's maxima of that
// channel), so no two threads add into one element.  Roi arithmetic runs in
// Acc<T> with spatial_scale as a float, as MXNet's does.
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

// One roi's placement on the image, and the window of each bin.
struct RoiBins {
  int64_t batch = -1;  // -1: a padding roi (negative batch index)
  int64_t x1 = 0, y1 = 0;
  double bin_h = 1, bin_w = 1;
};

// A rounded, scaled coordinate as an integer (clamped far outside any image).
int64_t RoundedCoordinate(double v) {
  const double r = std::round(v), limit = 1e15;
  return static_cast<int64_t>(r > -limit ? (r < limit ? r : limit) : -limit);
}

// The bins of every roi; an error message for a batch index past the batch.
template <typename T>
std::string PlaceRois(const MXKernelCall* call, const DLTensor& data, const DLTensor& rois, int64_t pooled_h,
                      int64_t pooled_w, std::vector<RoiBins>* out) {
  using C = typename Acc<T>::type;
  const C scale = static_cast<C>(static_cast<float>(mx_attr_find(call->attrs, call->num_attrs, "spatial_scale")->f));
  const T* r = Data<T>(rois);
  out->assign(rois.shape[0], RoiBins());
  for (int64_t k = 0; k < rois.shape[0]; ++k, r += 5) {
    const double index = std::trunc(static_cast<double>(r[0]));
    if (!(index < static_cast<double>(data.shape[0]))) {
      char text[160];
      std::snprintf(text, sizeof(text), "ROIPooling: roi %lld has batch index %g, data has batch size %lld",
                    static_cast<long long>(k), index, static_cast<long long>(data.shape[0]));
      return text;
    }
    if (index < 0) continue;
    RoiBins& b = (*out)[k];
    b.batch = static_cast<int64_t>(index);
    int64_t corner[4];
    for (int j = 0; j < 4; ++j) corner[j] = RoundedCoordinate(static_cast<C>(r[1 + j]) * scale);
    b.x1 = corner[0];
    b.y1 = corner[1];
    // malformed rois count as 1 x 1
    b.bin_h = static_cast<C>(std::max<int64_t>(corner[3] - corner[1] + 1, 1)) / static_cast<C>(pooled_h);
    b.bin_w = static_cast<C>(std::max<int64_t>(corner[2] - corner[0] + 1, 1)) / static_cast<C>(pooled_w);
  }
  return "";
}

// [begin, end) of bin p along an axis of size n starting at `first`.
template <typename C>
void BinRange(int64_t p, C bin, int64_t first, int64_t n, int64_t* begin, int64_t* end) {
  const int64_t b = static_cast<int64_t>(std::floor(static_cast<C>(p) * bin)) + first;
  const int64_t e = static_cast<int64_t>(std::ceil(static_cast<C>(p + 1) * bin)) + first;
  *begin = std::min(std::max<int64_t>(b, 0), n);
  *end = std::min(std::max<int64_t>(e, 0), n);
}

template <typename T>
void PoolRois(const std::vector<RoiBins>& rois, const DLTensor& data, const DLTensor& out, int32_t* maxidx) {
  using C = typename Acc<T>::type;
  const int64_t channels = data.shape[1], H = data.shape[2], W = data.shape[3];
  const int64_t PH = out.shape[2], PW = out.shape[3];
  const T* x = Data<T>(data);
  T* y = Data<T>(out);
  ParallelFor(static_cast<int64_t>(rois.size()) * channels, std::max<int64_t>(1, 4096 / (PH * PW)),
              [&](int64_t begin, int64_t end) {
                for (int64_t p = begin; p < end; ++p) {
                  const RoiBins& roi = rois[p / channels];
                  const T* plane = x + (roi.batch * channels + p % channels) * H * W;
                  for (int64_t ph = 0; ph < PH; ++ph)
                    for (int64_t pw = 0; pw < PW; ++pw) {
                      const int64_t o = (p * PH + ph) * PW + pw;
                      int64_t h0, h1, w0, w1;
                      BinRange<C>(ph, static_cast<C>(roi.bin_h), roi.y1, H, &h0, &h1);
                      BinRange<C>(pw, static_cast<C>(roi.bin_w), roi.x1, W, &w0, &w1);
                      if (roi.batch < 0 || h1 <= h0 || w1 <= w0) {
                        y[o] = T(0);
                        maxidx[o] = -1;
                        continue;
                      }
                      C best = -FLT_MAX;  // MXNet's start, float64 included
                      int32_t at = -1;
                      for (int64_t h = h0; h < h1; ++h)
                        for (int64_t w = w0; w < w1; ++w)
                          if (static_cast<C>(plane[h * W + w]) > best) {
                            best = static_cast<C>(plane[h * W + w]);
                            at = static_cast<int32_t>(h * W + w);
                          }
                      y[o] = static_cast<T>(best);
                      maxidx[o] = at;
                    }
                }
              });
}

// ddata (zeroed here): each bin's out_grad goes to its maximum.
template <typename T>
void UnpoolRois(const std::vector<RoiBins>& rois, const DLTensor& grad, const int32_t* maxidx, const DLTensor& ddata) {
  using C = typename Acc<T>::type;
  const int64_t batch = ddata.shape[0], channels = ddata.shape[1], X = ddata.shape[2] * ddata.shape[3];
  const int64_t bins = grad.shape[2] * grad.shape[3];
  const T* g = Data<T>(grad);
  T* dx = Data<T>(ddata);
  ParallelFor(channels, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, static_cast<int64_t>(rois.size()) * bins)),
              [&](int64_t begin, int64_t end) {
                for (int64_t c = begin; c < end; ++c) {
                  for (int64_t n = 0; n < batch; ++n) std::fill_n(dx + (n * channels + c) * X, X, T(0));
                  for (size_t r = 0; r < rois.size(); ++r) {
                    if (rois[r].batch < 0) continue;
                    T* plane = dx + (rois[r].batch * channels + c) * X;
                    const int64_t o = (static_cast<int64_t>(r) * channels + c) * bins;
                    for (int64_t k = 0; k < bins; ++k) {
                      const int32_t at = maxidx[o + k];
                      if (at >= 0 && at < X)  // only the forward's maxima are meaningful
                        plane[at] = static_cast<T>(static_cast<C>(plane[at]) + static_cast<C>(g[o + k]));
                    }
                  }
                }
              });
}

int ROIPoolingForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL && call->req[1] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD || call->req[1] == MX_REQ_ADD) return Fail("ROIPooling does not support req=add");
  const DLTensor &data = call->inputs[0], &rois = call->inputs[1], &out = call->outputs[0];
  std::string error;
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    std::vector<RoiBins> placed;
    error = PlaceRois<T>(call, data, rois, out.shape[2], out.shape[3], &placed);
    if (error.empty()) PoolRois<T>(placed, data, out, Data<int32_t>(call->outputs[1]));
  });
  if (!ok) return Fail("ROIPooling: unsupported dtype");
  return error.empty() ? 0 : Fail(error.c_str());
}

// inputs: out_grad, data, rois, maxidx; output: data's gradient.
int ROIPoolingBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_ROIPooling does not support req=add");
  const DLTensor &grad = call->inputs[0], &data = call->inputs[1], &rois = call->inputs[2];
  std::string error;
  const bool ok = DispatchFloat(MXDType(grad.dtype), [&](auto zero) {
    using T = decltype(zero);
    std::vector<RoiBins> placed;
    error = PlaceRois<T>(call, data, rois, grad.shape[2], grad.shape[3], &placed);
    if (error.empty()) UnpoolRois<T>(placed, grad, Data<int32_t>(call->inputs[3]), call->outputs[0]);
  });
  if (!ok) return Fail("_backward_ROIPooling: unsupported dtype");
  return error.empty() ? 0 : Fail(error.c_str());
}

}  // namespace

MX_CPU_KERNELS(roi_pooling) {
  if (int rc = RegisterKernel("ROIPooling", ROIPoolingForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_ROIPooling", ROIPoolingBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
