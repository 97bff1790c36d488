// UpSampling and _backward_UpSampling kernels (semantics: ops/nn/upsampling.cc).
// Nearest: output plane (n, c) reads, for each input plane that makes it
// (one for concat, every input's channel c for sum), element
// (y / f, x / f) with f = out_h / h_i; float16 sums in float32.  The gradient
// of input i sums each f x f block of its out_grad plane.  Bilinear is the
// grouped Deconvolution of deconvolution.h: kernel 2s - s % 2, stride s, pad
// ceil((s - 1) / 2), one group per channel.
#include <algorithm>
#include <cstring>
#include <vector>

#include "deconvolution.h"
#include "float_dispatch.h"

namespace mx_cpu {

namespace {

const MXAttr& Attr(const MXKernelCall* call, const char* name) {
  return *mx_attr_find(call->attrs, call->num_attrs, name);
}

bool IsBilinear(const MXKernelCall* call) { return std::strcmp(Attr(call, "sample_type").s, "bilinear") == 0; }

// The nearest-neighbour layout: inputs (N, C_i, h_i, w_i) and the
// upsampled image (N, C, H, W) they make.
struct NearestLayout {
  const DLTensor* inputs = nullptr;
  int count = 0;
  bool sum = false;
  int64_t batch = 0, channels = 0, height = 0, width = 0;

  // The (input, channel) planes that make output channel c.
  void Sources(int64_t c, std::vector<std::pair<int, int64_t>>* out) const {
    out->clear();
    int64_t first = 0;
    for (int i = 0; i < count; ++i) {
      const int64_t ci = inputs[i].shape[1];
      if (sum) out->emplace_back(i, c);
      else if (c >= first && c < first + ci) out->emplace_back(i, c - first);
      first += ci;
    }
  }
  // The output channel input i's channel 0 lands on.
  int64_t FirstChannel(int i) const {
    int64_t first = 0;
    for (int j = 0; !sum && j < i; ++j) first += inputs[j].shape[1];
    return first;
  }
  const DLTensor& In(int i) const { return inputs[i]; }
  int64_t Factor(int i) const { return height / inputs[i].shape[2]; }
};

NearestLayout ReadLayout(const MXKernelCall* call, const DLTensor* inputs, int count, const DLTensor& image) {
  NearestLayout l;
  l.inputs = inputs;
  l.count = count;
  l.sum = std::strcmp(Attr(call, "multi_input_mode").s, "sum") == 0;
  l.batch = image.shape[0];
  l.channels = image.shape[1];
  l.height = image.shape[2];
  l.width = image.shape[3];
  return l;
}

// Planes per task: about 64K elements each.
int64_t PlaneGrain(int64_t plane) { return std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(1, plane)); }

template <typename T>
void NearestForward(const NearestLayout& l, T* out) {
  using C = typename Acc<T>::type;
  const int64_t H = l.height, W = l.width;
  ParallelFor(l.batch * l.channels, PlaneGrain(H * W), [&](int64_t begin, int64_t end) {
    std::vector<std::pair<int, int64_t>> sources;
    std::vector<C> row(W);
    for (int64_t p = begin; p < end; ++p) {
      const int64_t n = p / l.channels;
      l.Sources(p % l.channels, &sources);
      for (int64_t y = 0; y < H; ++y) {
        std::fill(row.begin(), row.end(), C(0));
        for (const auto& [i, c] : sources) {
          const DLTensor& in = l.In(i);
          const int64_t f = l.Factor(i), h = in.shape[2], w = in.shape[3];
          const T* src = Data<T>(in) + ((n * in.shape[1] + c) * h + y / f) * w;
          for (int64_t x = 0; x < W; ++x) row[x] += static_cast<C>(src[x / f]);
        }
        T* dst = out + (p * H + y) * W;
        for (int64_t x = 0; x < W; ++x) dst[x] = static_cast<T>(row[x]);
      }
    }
  });
}

// grad (input i's shape) = the f x f block sums of out_grad's planes for input i.
template <typename T>
void NearestBackward(const NearestLayout& l, int i, const T* ograd, T* grad) {
  using C = typename Acc<T>::type;
  const DLTensor& in = l.In(i);
  const int64_t ci = in.shape[1], h = in.shape[2], w = in.shape[3], f = l.Factor(i), first = l.FirstChannel(i);
  const int64_t H = l.height, W = l.width;
  ParallelFor(l.batch * ci, PlaneGrain(H * W), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t n = p / ci, c = p % ci;
      const T* src = ograd + (n * l.channels + first + c) * H * W;
      T* dst = grad + p * h * w;
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
          C sum = 0;
          for (int64_t dy = 0; dy < f; ++dy)
            for (int64_t dx = 0; dx < f; ++dx) sum += static_cast<C>(src[(y * f + dy) * W + x * f + dx]);
          dst[y * w + x] = static_cast<T>(sum);
        }
    }
  });
}

// Bilinear upsampling of data (N, C, h, w) into out as a Deconvolution.
DeconvShape BilinearShape(const MXKernelCall* call) {
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const int64_t scale = Attr(call, "scale").i;
  SpatialGeometry g;
  g.batch = out.shape[0];
  g.channels = out.shape[1];
  g.in[1] = out.shape[2];
  g.in[2] = out.shape[3];
  g.out[1] = data.shape[2];
  g.out[2] = data.shape[3];
  g.kernel[1] = g.kernel[2] = 2 * scale - scale % 2;
  g.stride[1] = g.stride[2] = scale;
  g.pad[1] = g.pad[2] = scale / 2;  // ceil((scale - 1) / 2)
  return MakeDeconvShape(g, data.shape[1], data, out);
}

size_t UpSamplingWorkspace(const MXKernelCall* call) {
  return IsBilinear(call) ? DeconvolutionWorkspace(call, BilinearShape(call)) : 0;
}

int UpSamplingForward(const MXKernelCall* call) {
  if (IsBilinear(call)) return RunDeconvolution(call, BilinearShape(call), "UpSampling");
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("UpSampling does not support req=add");
  const NearestLayout l = ReadLayout(call, call->inputs, call->num_inputs, call->outputs[0]);
  const bool ok = DispatchFloat(MXDType(call->inputs[0].dtype), [&](auto zero) {
    NearestForward(l, Data<decltype(zero)>(call->outputs[0]));
  });
  return ok ? 0 : Fail("UpSampling: unsupported dtype");
}

// inputs: out_grad, the forward inputs; outputs: their gradients.
int UpSamplingBackward(const MXKernelCall* call) {
  for (int k = 0; k < call->num_outputs; ++k)
    if (call->req[k] == MX_REQ_ADD) return Fail("_backward_UpSampling does not support req=add");
  const DLTensor& ograd = call->inputs[0];
  const NearestLayout l = ReadLayout(call, call->inputs + 1, call->num_inputs - 1, ograd);
  const bool ok = DispatchFloat(MXDType(ograd.dtype), [&](auto zero) {
    using T = decltype(zero);
    for (int i = 0; i < l.count; ++i)
      if (call->req[i] != MX_REQ_NULL) NearestBackward(l, i, Data<T>(ograd), Data<T>(call->outputs[i]));
  });
  return ok ? 0 : Fail("_backward_UpSampling: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(upsampling) {
  if (int rc = RegisterKernel("UpSampling", UpSamplingForward, nullptr, kFloats, UpSamplingWorkspace)) return rc;
  return RegisterKernel("_backward_UpSampling", UpSamplingBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
