// ROIPooling (Fast R-CNN's region of interest max pooling, MXNet 1.9):
// data (N, C, H, W) and rois (R, 5) rows [batch_index, x1, y1, x2, y2] give
// (R, C, pooled_h, pooled_w).  Each roi's corners are scaled by
// spatial_scale and rounded half away from zero, its size is
// max(x2 - x1 + 1, 1) by max(y2 - y1 + 1, 1) pixels, and bin (ph, pw) covers
// rows [floor(ph * h / pooled_h), ceil((ph + 1) * h / pooled_h)) from y1 (the
// same for columns), clipped to the image: its maximum, or 0 when empty.  A
// roi with a negative batch index is padding: its bins are 0.
// The hidden output maxidx (int32; MXNet keeps it in data's dtype, where
// float16 cannot index a plane of more than 2048 elements) holds the plane
// offset h * W + w of each maximum, -1 for an empty bin, for the gradient
// _backward_ROIPooling(out_grad, data, rois, maxidx) -> data's gradient.
// rois get no gradient.
#include "common/dtype.h"
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

// The pooled output of data and rois (known).
Shape PooledShape(const Attrs& attrs, const Shape& data, const Shape& rois) {
  const std::string& op = attrs.op()->name;
  const Shape pooled = attrs.Tuple("pooled_size");
  MX_CHECK(pooled.ndim() == 2 && pooled[0] > 0 && pooled[1] > 0, kValue, op,
           ": pooled_size must be two positive sizes (h, w), got ", pooled.ToString());
  const double scale = attrs.Float("spatial_scale");
  MX_CHECK(scale >= 0 && scale <= 1, kValue, op, ": spatial_scale must be in [0, 1], got ", scale);
  MX_CHECK(data.ndim() == 4, kValue, op, ": data must be 4-D (batch, channel, y, x), got shape ", data.ToString());
  MX_CHECK(rois.ndim() == 2 && rois[1] == 5, kValue, op,
           ": rois must have shape (num_rois, 5), rows [batch_index, x1, y1, x2, y2], got ", rois.ToString());
  return Shape({rois[0], data[1], pooled[0], pooled[1]});
}

bool ROIPoolingShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[0].is_known() || !(*in)[1].is_known()) return false;
  const Shape pooled = PooledShape(attrs, (*in)[0], (*in)[1]);
  AssignShape(&(*out)[0], pooled, *attrs.op(), "output");
  AssignShape(&(*out)[1], pooled, *attrs.op(), "maxidx");
  return true;
}

// rois take data's (float) dtype, as in MXNet; maxidx is int32.
bool ROIPoolingType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  std::vector<int> floats = {(*in)[0], (*in)[1]}, pooled = {(*out)[0]};
  const bool known = SameFloatTypes(attrs, &floats, &pooled);
  (*in)[0] = floats[0];
  (*in)[1] = floats[1];
  (*out)[0] = pooled[0];
  AssignType(&(*out)[1], kInt32, *attrs.op(), "maxidx");
  return known;
}

// _backward_ROIPooling: [out_grad, data, rois, maxidx] -> [data's gradient].
bool ROIPoolingBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &data = (*in)[1], &rois = (*in)[2];
  if (!data.is_known() || !rois.is_known()) return false;
  const Shape pooled = PooledShape(attrs, data, rois);
  AssignShape(&(*in)[0], pooled, *attrs.op(), "out_grad");
  AssignShape(&(*in)[3], pooled, *attrs.op(), "maxidx");
  AssignShape(&(*out)[0], data, *attrs.op(), "gradient");
  return true;
}

bool ROIPoolingBackwardType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  std::vector<int> floats = {(*in)[0], (*in)[1], (*in)[2]};
  const bool known = SameFloatTypes(attrs, &floats, out);
  for (int i = 0; i < 3; ++i) (*in)[i] = floats[i];
  AssignType(&(*in)[3], kInt32, *attrs.op(), "maxidx");
  return known;
}

OpDef& AddROIPoolingParams(OpDef& op) {
  return op.Param("pooled_size", "Shape(tuple)", nullptr, "ROI pooling output shape (h,w) ")
      .Param("spatial_scale", "float", nullptr,
             "Ratio of input feature map height (or w) to raw image height (or w). Equals the reciprocal of total "
             "stride in convolutional layers");
}

}  // namespace

MX_REGISTER_OPS(roi_pooling) {
  AddROIPoolingParams(
      Registry::Get()
          .Register("ROIPooling")
          .Describe("Performs region of interest(ROI) pooling on the input array.\n\n"
                    "ROI pooling is a variant of a max pooling layer, in which the output size is fixed and region "
                    "of interest is a parameter. Its purpose is to perform max pooling on the inputs of non-uniform "
                    "sizes to obtain fixed-size feature maps. ROI pooling is a neural-net layer mostly used in "
                    "training a `Fast R-CNN` network for object detection.\n\n"
                    "This operator takes a 4D feature map as an input array and region proposals as `rois`, then "
                    "it pools over sub-regions of input and produces a fixed-sized output array regardless of the "
                    "ROI size.  batch_size will change to the number of region bounding boxes after `ROIPooling`.")
          .Inputs({"data", "rois"})
          .Outputs({"output", "maxidx"})
          .VisibleOutputs([](const Attrs&) { return 1; })
          .Shapes(ROIPoolingShape)
          .Types(ROIPoolingType)
          .Gradient([](GradBuilder& b) {
            return std::vector<Value>{
                b.Apply("_backward_ROIPooling", {b.out_grad(0), b.input(0), b.input(1), b.output(1)},
                        ParamsOf(b.attrs())),
                Value()};
          }));
  AddROIPoolingParams(Registry::Get()
                          .Register("_backward_ROIPooling")
                          .Describe("The gradient of ROIPooling: from (out_grad, data, rois, maxidx) to data's "
                                    "gradient (each maximum receives its bin's out_grad).")
                          .Inputs({"out_grad", "data", "rois", "maxidx"})
                          .Shapes(ROIPoolingBackwardShape)
                          .Types(ROIPoolingBackwardType));
}

}  // namespace op
}  // namespace mx
