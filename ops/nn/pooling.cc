// Pooling (max, avg, sum, lp) over 1, 2 or 3 spatial axes, and its gradient
// _backward_Pooling(out_grad, data, output) -> data's gradient.  Output sizes
// by pooling_convention:
//   valid  floor((x + 2p - k) / s) + 1
//   full   ceil((x + 2p - k) / s) + 1       (Caffe's)
//   same   ceil((x + 2p) / s)                (1-D only, no pad, as in MXNet)
// global_pool ignores kernel, stride and pad: every spatial size becomes 1.
#include <cmath>
#include <cstring>

#include "ops/nn/layer_util.h"
#include "ops/nn/spatial_window.h"

namespace mx {
namespace op {

namespace {

bool PoolingShapes(const Attrs& attrs, const Shape& data, Shape* out) {
  if (data.ndim() < 0) return false;
  MX_CHECK(data.ndim() >= 3 && data.ndim() <= 5, kValue,
           "Pooling: data must be 3-D (batch, channel, x), 4-D (batch, channel, y, x) or 5-D (batch, channel, "
           "d, y, x), got shape ", data.ToString());
  const std::string pool_type = attrs.Str("pool_type"), convention = attrs.Str("pooling_convention");
  if (pool_type == "lp") {
    MX_CHECK(!attrs.IsNone("p_value"), kValue, "Pooling: pool_type='lp' needs p_value");
    const int64_t p = attrs.Int("p_value");
    MX_CHECK(p >= 1 && p <= 3, kValue, "Pooling: LP pooling supports p_value 1, 2 and 3, got ", p);
  }
  const int ndim = data.ndim() - 2;
  const bool global = attrs.Bool("global_pool");
  if (!global)
    MX_CHECK(attrs.Tuple("kernel").ndim() == ndim, kValue, "Pooling: kernel must have ", ndim,
             " entries for data of shape ", data.ToString(), " (or set global_pool=True), got ",
             attrs.Tuple("kernel").ToString());
  const SpatialWindow w = ReadWindow(attrs, ndim);
  if (convention == "same" && !global) {
    MX_CHECK(ndim == 1, kValue, "Pooling: pooling_convention='same' supports 1-D pooling only (data (batch, "
             "channel, x)), got shape ", data.ToString());
    MX_CHECK(w.pad[0] == 0, kValue, "Pooling: pooling_convention='same' does not take pad");
  }
  int64_t spatial[3];
  for (int i = 0; i < ndim; ++i) {
    const int64_t x = data[w.SpatialAxis(i)], k = w.kernel[i], p = w.pad[i], s = w.stride[i];
    spatial[i] = global ? 1 : -1;
    if (global || x < 0) continue;
    MX_CHECK(k <= x + 2 * p, kValue, "Pooling: kernel size (", k, ") exceeds input (", x, " padded to ", x + 2 * p,
             ")");
    if (convention == "valid") spatial[i] = (x + 2 * p - k) / s + 1;
    else if (convention == "full") spatial[i] = (x + 2 * p - k + s - 1) / s + 1;
    else spatial[i] = (x + 2 * p + s - 1) / s;
  }
  AssignShape(out, w.Make(data[0], data[w.ChannelAxis()], spatial), *attrs.op(), "output");
  return out->is_known();
}

bool PoolingShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  return PoolingShapes(attrs, (*in)[0], &(*out)[0]) && (*in)[0].is_known();
}

// _backward_Pooling: [out_grad, data, output] -> [data's gradient].
bool PoolingBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape pooled = (*in)[0];
  AssignShape(&pooled, (*in)[2], op, "output");
  const bool known = PoolingShapes(attrs, (*in)[1], &pooled);
  AssignShape(&(*in)[0], pooled, op, "out_grad");
  AssignShape(&(*in)[2], pooled, op, "output");
  AssignShape(&(*out)[0], (*in)[1], op, "gradient");
  return known && (*in)[1].is_known();
}

OpDef& AddPoolingParams(OpDef& op) {
  return op.Param("kernel", "Shape(tuple)", "[]", "Pooling kernel size: (y, x) or (d, y, x)")
      .Param("pool_type", "{'avg', 'lp', 'max', 'sum'}", "max", "Pooling type to be applied.")
      .Param("global_pool", "boolean", "False",
             "Ignore kernel size, do global pooling based on current input feature map. ")
      .Param("cudnn_off", "boolean", "False", "Turn off cudnn pooling and use MXNet pooling operator. ")
      .Param("pooling_convention", "{'full', 'same', 'valid'}", "valid", "Pooling convention to be applied.")
      .Param("stride", "Shape(tuple)", "[]",
             "Stride: for pooling (y, x) or (d, y, x). Defaults to 1 for each dimension.")
      .Param("pad", "Shape(tuple)", "[]", "Pad for pooling: (y, x) or (d, y, x). Defaults to no padding.")
      .Param("p_value", "int or None", "None", "Value of p for Lp pooling, can be 1 or 2, required for Lp Pooling.")
      .Param("count_include_pad", "boolean or None", "None",
             "Only used for AvgPool, specify whether to count padding elements for average calculation. For "
             "example, with a 5*5 kernel on a 3*3 corner of a image, the sum of the 9 valid elements will be "
             "divided by 25 if this is set to true, or it will be divided by 9 if this is set to false. Defaults "
             "to true.")
      .Param("layout", "{'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC', 'NWC'} or None", "None",
             "Set layout for input and output. Empty for default layout: NCW for 1d, NCHW for 2d and NCDHW for "
             "3d.");
}

}  // namespace

MX_REGISTER_OPS(pooling) {
  AddPoolingParams(
      Registry::Get()
          .Register("Pooling")
          .Describe(
              "Performs pooling on the input.\n\n"
              "The shapes for 1-D pooling are data and out *(batch_size, channel, width)*; for 2-D pooling "
              "*(batch_size, channel, height, width)*, with\n\n"
              "    out_height = f(height, kernel[0], pad[0], stride[0])\n"
              "    out_width = f(width, kernel[1], pad[1], stride[1])\n\n"
              "The definition of *f* depends on ``pooling_convention``:\n\n"
              "- **valid** (default): f(x, k, p, s) = floor((x+2*p-k)/s)+1\n"
              "- **full**, which is compatible with Caffe: f(x, k, p, s) = ceil((x+2*p-k)/s)+1\n"
              "- **same** (1-D): f(x, k, p, s) = ceil(x/s)\n\n"
              "When ``global_pool`` is set to be true, then global pooling is performed: ``kernel`` is the "
              "whole input and the padding is 0.\n\n"
              "``pool_type`` is **avg** (average), **max**, **sum** or **lp** (Lp pooling, f(X) = "
              "(sum_x x^p)^(1/p) over each window X).  3-D pooling adds a *depth* axis before *height*.")
          .Inputs({"data"})
          .Shapes(PoolingShape)
          .Types(SameFloatTypes)
          .Gradient([](GradBuilder& b) {
            return std::vector<Value>{
                b.Apply("_backward_Pooling", {b.out_grad(0), b.input(0), b.output(0)}, ParamsOf(b.attrs()))};
          }))
      .Alias("_npx_pooling");

  AddPoolingParams(Registry::Get()
                       .Register("_backward_Pooling")
                       .Describe("The gradient of Pooling: from (out_grad, data, output) to data's gradient.")
                       .Inputs({"out_grad", "data", "output"})
                       .Shapes(PoolingBackwardShape)
                       .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
