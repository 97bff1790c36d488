// Convolution over 1, 2 or 3 spatial axes, with stride, dilation, zero
// padding and groups (num_group == channels: depthwise), and its gradient
// _backward_Convolution(out_grad, data, weight) -> (data, weight[, bias]).
//   data   (N, C, *spatial)               [channel-last layouts: (N, *spatial, C)]
//   weight (num_filter, C / num_group, *kernel)   [(num_filter, *kernel, C / num_group)]
//   bias   (num_filter,)
//   out    (N, num_filter, *out_spatial), out = floor((x + 2p - (d (k - 1) + 1)) / s) + 1
// Weight and bias shapes follow from data's, so a graph may leave them unknown.
#include "ops/nn/layer_util.h"
#include "ops/nn/spatial_window.h"

namespace mx {
namespace op {

namespace {

int KernelNDim(const Attrs& attrs) { return attrs.Tuple("kernel").ndim(); }

void CheckCounts(const Attrs& attrs) {
  const int64_t num_filter = attrs.Int("num_filter"), num_group = attrs.Int("num_group");
  MX_CHECK(num_filter >= 1, kValue, "Convolution: num_filter must be >= 1, got ", num_filter);
  MX_CHECK(num_group >= 1, kValue, "Convolution: num_group must be >= 1, got ", num_group);
  MX_CHECK(num_filter % num_group == 0, kValue, "Convolution: num_filter (", num_filter,
           ") must be divisible by num_group (", num_group, ")");
}

// Fills weight's and bias's shapes from data's and the output's from data's;
// `in` holds [data, weight, bias?], `out` the output.
bool ConvolutionShapes(const Attrs& attrs, std::vector<Shape>* in, Shape* out) {
  const OpDef& op = *attrs.op();
  CheckCounts(attrs);
  const SpatialWindow w = ReadWindow(attrs, KernelNDim(attrs));
  const int64_t num_filter = attrs.Int("num_filter"), num_group = attrs.Int("num_group");
  if (!attrs.Bool("no_bias")) AssignShape(&(*in)[2], Shape({num_filter}), op, "bias");
  Shape& data = (*in)[0];
  if (data.ndim() < 0) return false;
  MX_CHECK(data.ndim() == w.ndim + 2, kValue, "Convolution: data must be ", w.ndim + 2, "-D for a ", w.ndim,
           "-D kernel, got shape ", data.ToString());
  const int64_t channels = data[w.ChannelAxis()];
  if (channels >= 0) {
    MX_CHECK(channels % num_group == 0, kValue, "Convolution: input channels (", channels,
             ") must be divisible by num_group (", num_group, ")");
    AssignShape(&(*in)[1], w.Make(num_filter, channels / num_group, w.kernel), op, "weight");
  }
  int64_t spatial[3];
  for (int i = 0; i < w.ndim; ++i) {
    const int64_t x = data[w.SpatialAxis(i)];
    spatial[i] = -1;
    if (x < 0) continue;
    MX_CHECK(w.DilatedKernel(i) <= x + 2 * w.pad[i], kValue, "Convolution: kernel size ", w.DilatedKernel(i),
             " (dilated) exceeds input ", x, " padded to ", x + 2 * w.pad[i], " along spatial axis ", i);
    spatial[i] = (x + 2 * w.pad[i] - w.DilatedKernel(i)) / w.stride[i] + 1;
  }
  AssignShape(out, w.Make(data[0], num_filter, spatial), op, "output");
  bool known = out->is_known();
  for (const Shape& s : *in) known = known && s.is_known();
  return known;
}

bool ConvolutionShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  return ConvolutionShapes(attrs, in, &(*out)[0]);
}

// _backward_Convolution: [out_grad, data, weight] -> [data, weight, bias?] grads.
bool ConvolutionBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  return WeightedLayerBackwardShape(attrs, in, out, ConvolutionShapes);
}

OpDef& AddConvolutionParams(OpDef& op) {
  return op.Param("kernel", "Shape(tuple)", nullptr, "Convolution kernel size: (w,), (h, w) or (d, h, w)")
      .Param("stride", "Shape(tuple)", "[]",
             "Convolution stride: (w,), (h, w) or (d, h, w). Defaults to 1 for each dimension.")
      .Param("dilate", "Shape(tuple)", "[]",
             "Convolution dilate: (w,), (h, w) or (d, h, w). Defaults to 1 for each dimension.")
      .Param("pad", "Shape(tuple)", "[]",
             "Zero pad for convolution: (w,), (h, w) or (d, h, w). Defaults to no padding.")
      .Param("num_filter", "int (non-negative)", nullptr, "Convolution filter(channel) number")
      .Param("num_group", "int (non-negative)", "1", "Number of group partitions.")
      .Param("workspace", "long", "1024",
             "Maximum temporary workspace allowed (MB) in convolution (accepted for compatibility; "
             "MX sizes its own workspace).")
      .Param("no_bias", "boolean", "False", "Whether to disable bias parameter.")
      .Param("cudnn_tune", "{'fastest', 'limited_workspace', 'off'} or None", "None",
             "Whether to pick convolution algo by running performance test (accepted and ignored).")
      .Param("cudnn_off", "boolean", "False", "Turn off cudnn for this layer (accepted and ignored).")
      .Param("layout", "{'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC'} or None", "None",
             "Set layout for input, output and weight. Empty for default layout: NCW for 1d, NCHW for 2d "
             "and NCDHW for 3d. NHWC and NDHWC are only supported on GPU.");
}

}  // namespace

MX_REGISTER_OPS(convolution) {
  AddConvolutionParams(
      Registry::Get()
          .Register("Convolution")
          .Describe(
              "Compute *N*-D convolution on *(N+2)*-D input.\n\n"
              "In the 2-D convolution, given input data with shape *(batch_size, channel, height, width)*, "
              "the output is computed by\n\n"
              "    out[n,i,:,:] = bias[i] + sum_{j=0}^{channel} data[n,j,:,:] \\star weight[i,j,:,:]\n\n"
              "where \\star is the 2-D cross-correlation operator.  The shapes are data *(batch_size, "
              "channel, height, width)*, weight *(num_filter, channel, kernel[0], kernel[1])*, bias "
              "*(num_filter,)* and out *(batch_size, num_filter, out_height, out_width)* with\n\n"
              "    f(x,k,p,s,d) = floor((x+2*p-d*(k-1)-1)/s)+1\n\n"
              "If ``num_group`` is larger than 1, denoted by *g*, the input channels and the filters are "
              "split evenly into *g* parts and the *i*-th part of data is convolved with the *i*-th part "
              "of weight.  1-D and 3-D convolutions work the same way on *(batch_size, channel, width)* "
              "and *(batch_size, channel, depth, height, width)*.")
          .InputsFn({"data", "weight", "bias"}, [](const Attrs& a) { return a.Bool("no_bias") ? 2 : 3; })
          .Shapes(ConvolutionShape)
          .Types(SameFloatTypes)
          .Gradient([](GradBuilder& b) {
            return b.ApplyN("_backward_Convolution", {b.out_grad(0), b.input(0), b.input(1)}, ParamsOf(b.attrs()));
          }))
      .Alias("_npx_convolution");

  AddConvolutionParams(
      Registry::Get()
          .Register("_backward_Convolution")
          .Describe("The gradients of Convolution: from (out_grad, data, weight) to the gradients of data, "
                    "weight and (unless no_bias) bias.")
          .Inputs({"out_grad", "data", "weight"})
          .NumOutputsFn([](const Attrs& a) { return a.Bool("no_bias") ? 2 : 3; })
          .Shapes(ConvolutionBackwardShape)
          .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
