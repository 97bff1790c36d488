// _contrib_ROIAlign and _backward_ROIAlign kernels (semantics:
// ops/contrib/roi_align.cc).  Every roi's sample points -- four pixel
// offsets and weights each, already divided by the bin's sample count --
// are computed once per call and shared by all channels.  The forward takes
// one (roi, channel) plane per task; the gradient one output channel per
// task (each reads its own data channels), every roi in order, so no two
// threads add into one element.  Geometry runs in Acc<T> with
// spatial_scale as a float, as MXNet's.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

template <typename C>
struct Sample {
  int64_t offset[4];  // in the (H, W) plane
  C weight[4];
};

// One roi's samples, bin by bin: bin k's are [start[k], start[k + 1]).
template <typename C>
struct RoiSamples {
  int64_t batch = -1;  // -1: padding
  std::vector<Sample<C>> samples;
  std::vector<size_t> start;
};

struct Layout {
  int64_t channels, H, W, PH, PW, out_channels;
  bool position_sensitive;
  // data channel of output channel c in bin (ph, pw)
  int64_t Source(int64_t c, int64_t ph, int64_t pw) const {
    return position_sensitive ? (c * PH + ph) * PW + pw : c;
  }
};

// Detectron's bilinear rule: no sample beyond one pixel outside the image;
// coordinates clamped to the edge rows and columns.
template <typename C>
bool Interpolate(C y, C x, int64_t H, int64_t W, C scale, Sample<C>* s) {
  if (y < C(-1) || y > C(H) || x < C(-1) || x > C(W)) return false;
  y = std::max(y, C(0));
  x = std::max(x, C(0));
  int64_t y0 = static_cast<int64_t>(y), x0 = static_cast<int64_t>(x), y1 = y0 + 1, x1 = x0 + 1;
  if (y0 >= H - 1) y = static_cast<C>(y0 = y1 = H - 1);
  if (x0 >= W - 1) x = static_cast<C>(x0 = x1 = W - 1);
  const C ly = y - C(y0), lx = x - C(x0);
  *s = {{y0 * W + x0, y0 * W + x1, y1 * W + x0, y1 * W + x1},
        {(C(1) - ly) * (C(1) - lx) * scale, (C(1) - ly) * lx * scale, ly * (C(1) - lx) * scale, ly * lx * scale}};
  return true;
}

// The samples of every roi; an error message for a batch index past the
// batch or an empty roi under `aligned`.
template <typename T, typename C = typename Acc<T>::type>
std::string PlaceRois(const MXKernelCall* call, const DLTensor& data, const DLTensor& rois, const Layout& l,
                      std::vector<RoiSamples<C>>* out) {
  const C scale = static_cast<C>(static_cast<float>(mx_attr_find(call->attrs, call->num_attrs, "spatial_scale")->f));
  const int64_t ratio = mx_attr_find(call->attrs, call->num_attrs, "sample_ratio")->i;
  const bool aligned = mx_attr_find(call->attrs, call->num_attrs, "aligned")->i != 0;
  const C shift = aligned ? C(0.5) : C(0);
  const T* r = Data<T>(rois);
  out->assign(rois.shape[0], RoiSamples<C>());
  char text[200];
  for (int64_t k = 0; k < rois.shape[0]; ++k, r += 5) {
    const double index = std::trunc(static_cast<double>(r[0]));
    if (!(index < static_cast<double>(data.shape[0]))) {
      std::snprintf(text, sizeof(text), "_contrib_ROIAlign: roi %lld has batch index %g, data has batch size %lld",
                    static_cast<long long>(k), index, static_cast<long long>(data.shape[0]));
      return text;
    }
    RoiSamples<C>& roi = (*out)[k];
    roi.start.assign(l.PH * l.PW + 1, 0);
    if (index < 0) continue;
    roi.batch = static_cast<int64_t>(index);
    const C x1 = static_cast<C>(r[1]) * scale - shift, y1 = static_cast<C>(r[2]) * scale - shift;
    C width = static_cast<C>(r[3]) * scale - shift - x1, height = static_cast<C>(r[4]) * scale - shift - y1;
    if (aligned && !(width > C(0) && height > C(0))) {
      std::snprintf(text, sizeof(text), "_contrib_ROIAlign: roi %lld is empty (x2 <= x1 or y2 <= y1) with aligned=True",
                    static_cast<long long>(k));
      return text;
    }
    if (!aligned) {  // malformed rois count as 1 x 1
      width = std::max(width, C(1));
      height = std::max(height, C(1));
    }
    const C bin_h = height / C(l.PH), bin_w = width / C(l.PW);
    const int64_t grid_h = ratio > 0 ? ratio : static_cast<int64_t>(std::ceil(height / C(l.PH)));
    const int64_t grid_w = ratio > 0 ? ratio : static_cast<int64_t>(std::ceil(width / C(l.PW)));
    const C share = C(1) / C(std::max<int64_t>(grid_h * grid_w, 1));
    for (int64_t ph = 0; ph < l.PH; ++ph)
      for (int64_t pw = 0; pw < l.PW; ++pw) {
        for (int64_t iy = 0; iy < grid_h; ++iy) {
          const C y = y1 + C(ph) * bin_h + (C(iy) + C(0.5)) * bin_h / C(grid_h);
          for (int64_t ix = 0; ix < grid_w; ++ix) {
            const C x = x1 + C(pw) * bin_w + (C(ix) + C(0.5)) * bin_w / C(grid_w);
            Sample<C> s;
            if (Interpolate(y, x, l.H, l.W, share, &s)) roi.samples.push_back(s);
          }
        }
        roi.start[ph * l.PW + pw + 1] = roi.samples.size();
      }
  }
  return "";
}

template <typename T, typename C>
void Align(const std::vector<RoiSamples<C>>& rois, const Layout& l, const T* x, T* y) {
  ParallelFor(static_cast<int64_t>(rois.size()) * l.out_channels, 64, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const RoiSamples<C>& roi = rois[p / l.out_channels];
      const int64_t c = p % l.out_channels;
      for (int64_t ph = 0; ph < l.PH; ++ph)
        for (int64_t pw = 0; pw < l.PW; ++pw) {
          C sum = 0;
          if (roi.batch >= 0) {
            const T* plane = x + (roi.batch * l.channels + l.Source(c, ph, pw)) * l.H * l.W;
            const size_t bin = ph * l.PW + pw;
            for (size_t k = roi.start[bin]; k < roi.start[bin + 1]; ++k)
              for (int t = 0; t < 4; ++t)
                sum += roi.samples[k].weight[t] * static_cast<C>(plane[roi.samples[k].offset[t]]);
          }
          y[(p * l.PH + ph) * l.PW + pw] = static_cast<T>(sum);
        }
    }
  });
}

// ddata (zeroed here) gets each bin's out_grad times its samples' weights.
template <typename T, typename C>
void AlignBackward(const std::vector<RoiSamples<C>>& rois, const Layout& l, const T* dy, T* dx, int64_t batch) {
  const int64_t plane = l.H * l.W;
  ParallelFor(l.out_channels, 1, [&](int64_t begin, int64_t end) {
    std::vector<C> sum;
    for (int64_t c = begin; c < end; ++c) {
      // the data channels this output channel reads, for every image
      const int64_t span = l.position_sensitive ? l.PH * l.PW : 1, first = l.Source(c, 0, 0);
      sum.assign(static_cast<size_t>(batch * span * plane), C(0));
      for (size_t r = 0; r < rois.size(); ++r) {
        if (rois[r].batch < 0) continue;
        for (int64_t ph = 0; ph < l.PH; ++ph)
          for (int64_t pw = 0; pw < l.PW; ++pw) {
            const C g = static_cast<C>(dy[((static_cast<int64_t>(r) * l.out_channels + c) * l.PH + ph) * l.PW + pw]);
            C* target = sum.data() + (rois[r].batch * span + l.Source(c, ph, pw) - first) * plane;
            const size_t bin = ph * l.PW + pw;
            for (size_t k = rois[r].start[bin]; k < rois[r].start[bin + 1]; ++k)
              for (int t = 0; t < 4; ++t) target[rois[r].samples[k].offset[t]] += rois[r].samples[k].weight[t] * g;
          }
      }
      for (int64_t n = 0; n < batch; ++n)
        for (int64_t s = 0; s < span; ++s) {
          T* out = dx + (n * l.channels + first + s) * plane;
          const C* from = sum.data() + (n * span + s) * plane;
          for (int64_t k = 0; k < plane; ++k) out[k] = static_cast<T>(from[k]);
        }
    }
  });
}

Layout Measure(const MXKernelCall* call, const DLTensor& data, const DLTensor& pooled) {
  const bool sensitive = mx_attr_find(call->attrs, call->num_attrs, "position_sensitive")->i != 0;
  return {data.shape[1], data.shape[2], data.shape[3], pooled.shape[2], pooled.shape[3], pooled.shape[1], sensitive};
}

int ROIAlignForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_contrib_ROIAlign does not support req=add");
  const DLTensor &data = call->inputs[0], &rois = call->inputs[1], &out = call->outputs[0];
  const Layout l = Measure(call, data, out);
  std::string error;
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    std::vector<RoiSamples<typename Acc<T>::type>> placed;
    error = PlaceRois<T>(call, data, rois, l, &placed);
    if (error.empty()) Align(placed, l, Data<T>(data), Data<T>(out));
  });
  if (!ok) return Fail("_contrib_ROIAlign: unsupported dtype");
  return error.empty() ? 0 : Fail(error.c_str());
}

// inputs: out_grad, data, rois; output: data's gradient.
int ROIAlignBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_ROIAlign does not support req=add");
  const DLTensor &grad = call->inputs[0], &data = call->inputs[1], &rois = call->inputs[2];
  const Layout l = Measure(call, data, grad);
  std::string error;
  const bool ok = DispatchFloat(MXDType(grad.dtype), [&](auto zero) {
    using T = decltype(zero);
    std::vector<RoiSamples<typename Acc<T>::type>> placed;
    error = PlaceRois<T>(call, data, rois, l, &placed);
    if (error.empty()) AlignBackward(placed, l, Data<T>(grad), Data<T>(call->outputs[0]), data.shape[0]);
  });
  if (!ok) return Fail("_backward_ROIAlign: unsupported dtype");
  return error.empty() ? 0 : Fail(error.c_str());
}

}  // namespace

MX_CPU_KERNELS(roi_align) {
  if (int rc = RegisterKernel("_contrib_ROIAlign", ROIAlignForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_ROIAlign", ROIAlignBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
