// _contrib_ROIAlign (Mask R-CNN's region of interest align, MXNet 1.9's
// src/operator/contrib/roi_align): data (N, C, H, W) and rois (R, 5) rows
// [batch_index, x1, y1, x2, y2] give (R, C', PH, PW).  The roi's corners are
// scaled by spatial_scale (minus 0.5 with `aligned`); without `aligned` its
// size is at least 1 x 1.  Bin (ph, pw) averages a grid of sample_ratio x
// sample_ratio points (ceil(roi size / pooled size) per axis when
// sample_ratio <= 0), each read by bilinear interpolation: 0 for a point
// more than one pixel outside the image, clamped to the edge otherwise.
// With position_sensitive, output channel c of bin (ph, pw) reads data
// channel (c * PH + ph) * PW + pw, so C' = C / (PH * PW).  A roi with a
// negative batch index is padding: its bins are 0 (MXNet 1.9 leaves them
// unwritten and zeroes one element elsewhere).  The gradient op
// _backward_ROIAlign(out_grad, data, rois) scatters the same weights into
// data's gradient; rois get none.
#include <vector>

#include "common/dtype.h"
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

Shape AlignedShape(const Attrs& attrs, const Shape& data, const Shape& rois) {
  const std::string& op = attrs.op()->name;
  const Shape pooled = attrs.Tuple("pooled_size");
  MX_CHECK(pooled.ndim() == 2 && pooled[0] > 0 && pooled[1] > 0, kValue, op,
           ": pooled_size must be two positive sizes (h, w), got ", pooled.ToString());
  MX_CHECK(attrs.Float("spatial_scale") >= 0, kValue, op, ": spatial_scale must not be negative, got ",
           attrs.Float("spatial_scale"));
  MX_CHECK(data.ndim() == 4, kValue, op, ": data must be 4-D (batch, channel, y, x), got shape ", data.ToString());
  MX_CHECK(rois.ndim() == 2 && rois[1] == 5, kValue, op,
           ": rois must have shape (num_rois, 5), rows [batch_index, x1, y1, x2, y2], got ", rois.ToString());
  int64_t channels = data[1];
  if (attrs.Bool("position_sensitive")) {
    MX_CHECK(channels % (pooled[0] * pooled[1]) == 0, kValue, op, ": with position_sensitive, data's channels (",
             channels, ") must be a multiple of pooled_size[0] * pooled_size[1] (", pooled[0] * pooled[1], ")");
    channels /= pooled[0] * pooled[1];
  }
  return Shape({rois[0], channels, pooled[0], pooled[1]});
}

bool ROIAlignShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[0].is_known() || !(*in)[1].is_known()) return false;
  AssignShape(&(*out)[0], AlignedShape(attrs, (*in)[0], (*in)[1]), *attrs.op(), "output");
  return true;
}

// _backward_ROIAlign: [out_grad, data, rois] -> [data's gradient].
bool ROIAlignBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &data = (*in)[1], &rois = (*in)[2];
  if (!data.is_known() || !rois.is_known()) return false;
  AssignShape(&(*in)[0], AlignedShape(attrs, data, rois), *attrs.op(), "out_grad");
  AssignShape(&(*out)[0], data, *attrs.op(), "gradient");
  return true;
}

OpDef& AddROIAlignParams(OpDef& op) {
  return op.Param("pooled_size", "Shape(tuple)", nullptr, "ROI Align output roi feature map height and width: (h, w)")
      .Param("spatial_scale", "float", nullptr,
             "Ratio of input feature map height (or w) to raw image height (or w). Equals the reciprocal of total "
             "stride in convolutional layers")
      .Param("sample_ratio", "int", "-1", "Optional sampling ratio of ROI align, using adaptive size by default.")
      .Param("position_sensitive", "boolean", "False",
             "Whether to perform position-sensitive RoI pooling. PSRoIPooling is first proposaled by R-FCN and it "
             "can reduce the input channels by ph*pw times, where (ph, pw) is the pooled_size")
      .Param("aligned", "boolean", "False",
             "The flag for aligned ROI. If aligned=True, the roi's corners are shifted by -0.5 pixel so that the "
             "sample points align with the pixel centres.");
}

}  // namespace

MX_REGISTER_OPS(contrib_roi_align) {
  AddROIAlignParams(
      Registry::Get()
          .Register("_contrib_ROIAlign")
          .Describe("This operator takes a 4D feature map as an input array and region proposals as `rois`, then "
                    "align the feature map over sub-regions of input and produces a fixed-sized output array. This "
                    "operator is typically used in Faster R-CNN & Mask R-CNN networks. If roi batchid is less than "
                    "0, it will be ignored, and the corresponding output will be set to 0.\n\n"
                    "Different from ROI pooling, ROI Align removes the harsh quantization, properly aligning the "
                    "extracted features with the input. RoIAlign computes the value of each sampling point by "
                    "bilinear interpolation from the nearby grid points on the feature map. No quantization is "
                    "performed on any coordinates involved in the RoI, its bins, or the sampling points. Bilinear "
                    "interpolation is used to compute the exact values of the input features at four "
                    "regularly sampled locations in each RoI bin. Then the feature map can be aggregated by "
                    "avgpooling.\n\n"
                    "References\n----------\n\nHe, Kaiming, et al. \"Mask R-CNN.\" ICCV, 2017\n\n"
                    "float16 data is interpolated in float32.")
          .Inputs({"data", "rois"})
          .Shapes(ROIAlignShape)
          .Types(SameFloatTypes)
          .Gradient([](GradBuilder& b) {
            return std::vector<Value>{
                b.Apply("_backward_ROIAlign", {b.out_grad(0), b.input(0), b.input(1)}, ParamsOf(b.attrs())), Value()};
          }));
  AddROIAlignParams(Registry::Get()
                        .Register("_backward_ROIAlign")
                        .Describe("The gradient of _contrib_ROIAlign: from (out_grad, data, rois) to data's gradient.")
                        .Inputs({"out_grad", "data", "rois"})
                        .Shapes(ROIAlignBackwardShape)
                        .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
