// The sliding-window geometry of Convolution, Deconvolution and Pooling:
// kernel, stride, dilate and pad over 1 to 3 spatial axes, and the layout
// that says where the channel and spatial axes of data lie.
#ifndef MX_OPS_NN_SPATIAL_WINDOW_H_
#define MX_OPS_NN_SPATIAL_WINDOW_H_

#include <cstdint>
#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

struct SpatialWindow {
  int ndim = 0;  // spatial axes: 1, 2 or 3
  int64_t kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1};
  int64_t dilate[3] = {1, 1, 1};
  int64_t pad[3] = {0, 0, 0};
  bool channel_last = false;  // NWC / NHWC / NDHWC

  int ChannelAxis() const { return channel_last ? ndim + 1 : 1; }
  int SpatialAxis(int i) const { return (channel_last ? 1 : 2) + i; }
  int64_t DilatedKernel(int i) const { return dilate[i] * (kernel[i] - 1) + 1; }
  // An (ndim + 2)-D shape of this layout from batch, channel and spatial sizes.
  Shape Make(int64_t batch, int64_t channels, const int64_t* spatial) const;
};

// Reads kernel, stride, pad, dilate and layout (those the op has).  ndim
// is the number of spatial axes: the kernel's length, or data's rank - 2 for
// ops that may leave the kernel empty (global pooling), in which case the
// kernel stays 1.  Empty stride / dilate / pad mean 1 / 1 / 0 per axis;
// otherwise each must have ndim entries.  Throws kValue naming the op.
SpatialWindow ReadWindow(const Attrs& attrs, int ndim);

// Shape inference of a layer with data, weight and optional bias inputs
// (Convolution, Deconvolution): in = [data, weight, bias?], out = the output.
using WeightedLayerShapeFn = bool (*)(const Attrs& attrs, std::vector<Shape>* in, Shape* out);

// The shapes of its _backward_<Op> node, [out_grad, data, weight] ->
// [data, weight, bias?] gradients, from the forward op's inference.
bool WeightedLayerBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out,
                                WeightedLayerShapeFn forward);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_NN_SPATIAL_WINDOW_H_
