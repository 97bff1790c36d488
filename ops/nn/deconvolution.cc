// Deconvolution (transposed convolution) over 1, 2 or 3 spatial axes: the
// adjoint of the Convolution with the same kernel, stride, dilate and pad,
// mapping (N, C, *in) to (N, num_filter, *out) with
//   out = stride * (in - 1) + dilate * (kernel - 1) + 1 - 2 * pad + adj
// weight (C, num_filter / num_group, *kernel), bias (num_filter,) unless
// no_bias (the default).  With target_shape, pad and adj are chosen to give
// that output size (MXNet's InferPad).  Gradient:
// _backward_Deconvolution(out_grad, data, weight) -> (data, weight[, bias]).
#include "ops/nn/layer_util.h"
#include "ops/nn/spatial_window.h"

namespace mx {
namespace op {

namespace {

// An optional per-axis tuple (adj, target_shape): zeros when empty.
void ReadOptionalAxes(const Attrs& attrs, const char* name, int ndim, int64_t* dst) {
  const Shape values = attrs.Tuple(name);
  for (int i = 0; i < ndim; ++i) dst[i] = 0;
  if (values.ndim() == 0) return;
  MX_CHECK(values.ndim() == ndim, kValue, "Deconvolution: ", name, " must have ", ndim,
           " entries (one per spatial axis), got ", values.ToString());
  for (int i = 0; i < ndim; ++i) {
    MX_CHECK(values[i] >= 0, kValue, "Deconvolution: ", name, " must be >= 0, got ", values.ToString());
    dst[i] = values[i];
  }
}

// Output size along axis i for input size x (MXNet's InferPad: a non-zero
// target_shape replaces pad and adj by the ones that reach it).
int64_t OutputSize(const SpatialWindow& w, const int64_t* adj, const int64_t* target, bool use_target, int i,
                   int64_t x) {
  const int64_t full = w.stride[i] * (x - 1) + w.DilatedKernel(i);
  if (use_target) {
    MX_CHECK(full >= target[i], kValue, "Deconvolution: target_shape ", target[i], " is too big for input size ",
             x, " along spatial axis ", i, " (at most ", full, ")");
    const int64_t total = full - target[i];
    return full - 2 * ((total + 1) / 2) + total % 2;
  }
  const int64_t out = full - 2 * w.pad[i] + adj[i];
  MX_CHECK(out >= 0, kValue, "Deconvolution: pad ", w.pad[i], " leaves no output along spatial axis ", i,
           " for input size ", x);
  return out;
}

bool DeconvolutionShapes(const Attrs& attrs, std::vector<Shape>* in, Shape* out) {
  const OpDef& op = *attrs.op();
  const SpatialWindow w = ReadWindow(attrs, attrs.Tuple("kernel").ndim());
  int64_t adj[3], target[3];
  ReadOptionalAxes(attrs, "adj", w.ndim, adj);
  ReadOptionalAxes(attrs, "target_shape", w.ndim, target);
  bool use_target = false;
  for (int i = 0; i < w.ndim; ++i) use_target = use_target || target[i] != 0;
  const int64_t num_filter = attrs.Int("num_filter"), num_group = attrs.Int("num_group");
  MX_CHECK(num_filter >= 1, kValue, "Deconvolution: num_filter must be >= 1, got ", num_filter);
  MX_CHECK(num_group >= 1 && num_filter % num_group == 0, kValue, "Deconvolution: num_filter (", num_filter,
           ") must be divisible by num_group (", num_group, ")");
  if (!attrs.Bool("no_bias")) AssignShape(&(*in)[2], Shape({num_filter}), op, "bias");
  const Shape& data = (*in)[0];
  if (data.ndim() < 0) return false;
  MX_CHECK(data.ndim() == w.ndim + 2, kValue, "Deconvolution: data must be ", w.ndim + 2, "-D for a ", w.ndim,
           "-D kernel, got shape ", data.ToString());
  const int64_t channels = data[w.ChannelAxis()];
  if (channels >= 0) {
    MX_CHECK(channels % num_group == 0, kValue, "Deconvolution: input channels (", channels,
             ") must be divisible by num_group (", num_group, ")");
    AssignShape(&(*in)[1], w.Make(channels, num_filter / num_group, w.kernel), op, "weight");
  }
  int64_t spatial[3];
  for (int i = 0; i < w.ndim; ++i) {
    const int64_t x = data[w.SpatialAxis(i)];
    spatial[i] = x < 0 ? -1 : OutputSize(w, adj, target, use_target, i, x);
  }
  AssignShape(out, w.Make(data[0], num_filter, spatial), op, "output");
  bool known = out->is_known();
  for (const Shape& s : *in) known = known && s.is_known();
  return known;
}

bool DeconvolutionShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  return DeconvolutionShapes(attrs, in, &(*out)[0]);
}

// _backward_Deconvolution: [out_grad, data, weight] -> [data, weight, bias?] grads.
bool DeconvolutionBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  return WeightedLayerBackwardShape(attrs, in, out, DeconvolutionShapes);
}

OpDef& AddDeconvolutionParams(OpDef& op) {
  return op
      .Param("kernel", "Shape(tuple)", nullptr,
             "Deconvolution kernel size: (w,), (h, w) or (d, h, w). This is same as the kernel size used for the "
             "corresponding convolution")
      .Param("stride", "Shape(tuple)", "[]",
             "The stride used for the corresponding convolution: (w,), (h, w) or (d, h, w). Defaults to 1 for "
             "each dimension.")
      .Param("dilate", "Shape(tuple)", "[]",
             "Dilation factor for each dimension of the input: (w,), (h, w) or (d, h, w). Defaults to 1 for each "
             "dimension.")
      .Param("pad", "Shape(tuple)", "[]",
             "The amount of implicit zero padding added during convolution for each dimension of the input: "
             "(w,), (h, w) or (d, h, w). ``(kernel-1)/2`` is usually a good choice. If `target_shape` is set, "
             "`pad` will be ignored and a padding that will generate the target shape will be used. Defaults to "
             "no padding.")
      .Param("adj", "Shape(tuple)", "[]",
             "Adjustment for output shape: (w,), (h, w) or (d, h, w). If `target_shape` is set, `adj` will be "
             "ignored and computed accordingly.")
      .Param("target_shape", "Shape(tuple)", "[]", "Shape of the output tensor: (w,), (h, w) or (d, h, w).")
      .Param("num_filter", "int (non-negative)", nullptr, "Number of output filters.")
      .Param("num_group", "int (non-negative)", "1", "Number of groups partition.")
      .Param("workspace", "long", "512",
             "Maximum temporary workspace allowed (MB) in deconvolution (accepted for compatibility).")
      .Param("no_bias", "boolean", "True", "Whether to disable bias parameter.")
      .Param("cudnn_tune", "{'fastest', 'limited_workspace', 'off'} or None", "None",
             "Whether to pick convolution algorithm by running performance test (accepted and ignored).")
      .Param("cudnn_off", "boolean", "False", "Turn off cudnn for this layer (accepted and ignored).")
      .Param("layout", "{'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC'} or None", "None",
             "Set layout for input, output and weight. Empty for default layout, NCW for 1d, NCHW for 2d and "
             "NCDHW for 3d.NHWC and NDHWC are only supported on GPU.");
}

}  // namespace

MX_REGISTER_OPS(deconvolution) {
  AddDeconvolutionParams(
      Registry::Get()
          .Register("Deconvolution")
          .Describe("Computes 1D, 2D or 3D transposed convolution (aka fractionally strided convolution) of the "
                    "input tensor. This operation can be seen as the gradient of Convolution operation with "
                    "respect to its input. Convolution usually reduces the size of the input. Transposed "
                    "convolution works the other way, going from a smaller input to a larger output while "
                    "preserving the connectivity pattern.")
          .InputsFn({"data", "weight", "bias"}, [](const Attrs& a) { return a.Bool("no_bias") ? 2 : 3; })
          .Shapes(DeconvolutionShape)
          .Types(SameFloatTypes)
          .Gradient([](GradBuilder& b) {
            return b.ApplyN("_backward_Deconvolution", {b.out_grad(0), b.input(0), b.input(1)}, ParamsOf(b.attrs()));
          }))
      .Alias("_npx_deconvolution");

  AddDeconvolutionParams(
      Registry::Get()
          .Register("_backward_Deconvolution")
          .Describe("The gradients of Deconvolution: from (out_grad, data, weight) to the gradients of data, "
                    "weight and (unless no_bias) bias.")
          .Inputs({"out_grad", "data", "weight"})
          .NumOutputsFn([](const Attrs& a) { return a.Bool("no_bias") ? 2 : 3; })
          .Shapes(DeconvolutionBackwardShape)
          .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
