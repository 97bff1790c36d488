// Crop (MXNet 1.9's deprecated layer; slice does the same now): a (h, w)
// window of data (N, C, H, W), giving (N, C, h, w).  With num_args=1 the size
// is h_w; with num_args=2 it is that of the second input, crop_like (4-D,
// only its shape is read).  The window starts at offset (y, x), or centred
// ((H - h) / 2, (W - w) / 2, rounded down) with center_crop.  Gradient:
// _backward_Crop(out_grad, data) puts out_grad back in place, zeros around;
// crop_like gets none.
// MXNet's Crop computes in float32 only; MX's takes float16 and float64 too.
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

struct CropWindow {
  int64_t y = 0, x = 0, h = 0, w = 0;
};

// The window of data (known, 4-D checked here) given the cropped size (h, w).
CropWindow Place(const Attrs& attrs, const Shape& data, int64_t h, int64_t w) {
  MX_CHECK(h <= data[2] && w <= data[3], kValue, "Crop: the crop (", h, ", ", w, ") is larger than data (", data[2],
           ", ", data[3], ")");
  if (attrs.Bool("center_crop")) return {(data[2] - h) / 2, (data[3] - w) / 2, h, w};
  const Shape offset = attrs.Tuple("offset");
  MX_CHECK(offset.ndim() == 2, kValue, "Crop: offset must be (y, x), got ", offset.ToString());
  MX_CHECK(offset[0] >= 0 && offset[0] <= data[2] - h && offset[1] >= 0 && offset[1] <= data[3] - w, kValue,
           "Crop: offset ", offset.ToString(), " puts the (", h, ", ", w, ") crop outside data (", data[2], ", ",
           data[3], ")");
  return {offset[0], offset[1], h, w};
}

// The output of Crop from its inputs' shapes (data known).
Shape CroppedShape(const Attrs& attrs, const Shape& data, const Shape* crop_like) {
  MX_CHECK(data.ndim() == 4, kValue, "Crop: data must be 4-D (batch, channel, y, x), got shape ", data.ToString());
  int64_t h, w;
  if (crop_like) {
    MX_CHECK(crop_like->ndim() == 4, kValue, "Crop: crop_like must be 4-D (batch, channel, y, x), got shape ",
             crop_like->ToString());
    h = (*crop_like)[2];
    w = (*crop_like)[3];
  } else {
    const Shape h_w = attrs.Tuple("h_w");
    MX_CHECK(h_w.ndim() == 2 && h_w[0] >= 1 && h_w[1] >= 1, kValue,
             "Crop: h_w must be the crop's positive (height, width) when num_args=1, got ", h_w.ToString());
    h = h_w[0];
    w = h_w[1];
  }
  Place(attrs, data, h, w);
  return Shape({data[0], data[1], h, w});
}

void CheckNumArgs(const Attrs& attrs) {
  const int64_t n = attrs.Int("num_args");
  MX_CHECK(n == 1 || n == 2, kValue, "Crop: num_args must be 1 (crop to h_w) or 2 (crop to the second input's "
           "size), got ", n);
}

bool CropShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  CheckNumArgs(attrs);
  const bool like = in->size() == 2;
  if (!(*in)[0].is_known() || (like && !(*in)[1].is_known())) return false;
  AssignShape(&(*out)[0], CroppedShape(attrs, (*in)[0], like ? &(*in)[1] : nullptr), *attrs.op(), "output");
  return true;
}

// _backward_Crop: [out_grad, data] -> [data's gradient]; the crop's size is
// out_grad's.
bool CropBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &grad = (*in)[0], &data = (*in)[1];
  if (!grad.is_known() || !data.is_known()) return false;
  CheckNumArgs(attrs);
  MX_CHECK(grad.ndim() == 4, kValue, "_backward_Crop: out_grad must be 4-D, got shape ", grad.ToString());
  AssignShape(&(*in)[0], CroppedShape(attrs, data, &grad), *attrs.op(), "out_grad");
  AssignShape(&(*out)[0], data, *attrs.op(), "gradient");
  return true;
}

OpDef& AddCropParams(OpDef& op) {
  return op
      .Param("num_args", "int", nullptr,
             "Number of inputs for crop, if equals one, then we will use the h_wfor crop height and width, else if "
             "equals two, then we will use the heightand width of the second input symbol, we name crop_like here")
      .Param("offset", "Shape(tuple)", "(0, 0)", "crop offset coordinate: (y, x)")
      .Param("h_w", "Shape(tuple)", "(0, 0)", "crop height and width: (h, w)")
      .Param("center_crop", "boolean", "False",
             "If set to true, then it will use be the center_crop,or it will crop using the shape of crop_like");
}

}  // namespace

MX_REGISTER_OPS(crop) {
  AddCropParams(Registry::Get()
                    .Register("Crop")
                    .Describe("Crop the 2nd and 3rd dim of input data, with the corresponding size of h_w or with "
                              "width and height of the second input symbol, i.e., with one input, we need h_w to "
                              "specify the crop height and width, otherwise the second input symbol's size will be "
                              "used.\n\n.. note:: `Crop` is deprecated. Use `slice` instead.")
                    .VariadicInputs("data", "num_args")
                    .Outputs({"output"})
                    .Shapes(CropShape)
                    .Types(SameFloatTypes)
                    .Gradient([](GradBuilder& b) {
                      std::vector<Value> grads = {
                          b.Apply("_backward_Crop", {b.out_grad(0), b.input(0)}, ParamsOf(b.attrs()))};
                      if (b.num_inputs() == 2) grads.push_back(Value());
                      return grads;
                    }));
  AddCropParams(Registry::Get()
                    .Register("_backward_Crop")
                    .Describe("The gradient of Crop: from (out_grad, data) to data's gradient, out_grad in the "
                              "cropped window and zeros around it.")
                    .Inputs({"out_grad", "data"})
                    .Shapes(CropBackwardShape)
                    .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
