// _contrib_BilinearResize2D (MXNet 1.9's src/operator/contrib/bilinear_resize):
// data (N, C, H, W) resized to (N, C, OH, OW) by bilinear interpolation.
// The output size follows `mode`:
//   size:        (height, width), or (int(scale_height * H), int(scale_width * W))
//                when scale_height is given (as MXNet, scale_width alone is ignored);
//   odd_scale:   an even size times its scale, an odd one (size - 1) * scale + 1;
//   like:        the spatial size of a second input `like` (which gets no gradient);
//   to_even_down / to_even_up / to_odd_down / to_odd_up: H and W made even
//                or odd by one step down or up.
// Source coordinates: with align_corners (the default) dst * (in - 1) / (out - 1),
// else (dst + 0.5) * in / out - 0.5 clamped at 0; an output of size 1 samples
// the first row / column.  The gradient op _backward_contrib_BilinearResize2D
// takes (out_grad, data) to data's gradient.
#include <cmath>
#include <string>
#include <vector>

#include "common/dtype.h"
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

bool UsesLike(const Attrs& attrs) { return attrs.Str("mode") == "like"; }

// One spatial extent made even or odd, one step down or up.
int64_t ToParity(int64_t n, bool even, bool up) {
  const bool is_even = n % 2 == 0;
  return is_even == even ? n : n + (up ? 1 : -1);
}

// The resized (OH, OW) of data (N, C, H, W); like is known in mode 'like'.
Shape ResizedShape(const Attrs& attrs, const Shape& data, const Shape& like) {
  const std::string& op = attrs.op()->name;
  MX_CHECK(data.ndim() == 4, kValue, op, ": data must be 4-D (batch, channel, height, width), got shape ",
           data.ToString());
  const std::string mode = attrs.Str("mode");
  const int64_t H = data[2], W = data[3];
  int64_t height = 0, width = 0;
  if (mode == "size" || mode == "odd_scale") {
    const bool scaled = !attrs.IsNone("scale_height");
    MX_CHECK(mode == "size" || (scaled && !attrs.IsNone("scale_width")), kValue, op,
             ": mode='odd_scale' needs scale_height and scale_width");
    MX_CHECK(!scaled || !attrs.IsNone("scale_width"), kValue, op, ": scale_height needs scale_width too");
    const double sh = scaled ? attrs.Float("scale_height") : 0, sw = scaled ? attrs.Float("scale_width") : 0;
    if (mode == "odd_scale") {
      height = H % 2 == 0 ? static_cast<int64_t>(H * sh) : static_cast<int64_t>((H - 1) * sh) + 1;
      width = W % 2 == 0 ? static_cast<int64_t>(W * sw) : static_cast<int64_t>((W - 1) * sw) + 1;
    } else if (scaled) {
      height = static_cast<int64_t>(sh * static_cast<double>(H));
      width = static_cast<int64_t>(sw * static_cast<double>(W));
    } else {
      height = attrs.Int("height");
      width = attrs.Int("width");
      MX_CHECK(height >= 1 && width >= 1, kValue, op, ": height and width must be at least 1, got ", height,
               " and ", width);
    }
  } else if (mode == "like") {
    MX_CHECK(like.ndim() == 4, kValue, op, ": like must be 4-D (batch, channel, height, width), got shape ",
             like.ToString());
    height = like[2];
    width = like[3];
  } else {
    const bool even = mode.compare(0, 7, "to_even") == 0, up = mode.back() == 'p';
    height = ToParity(H, even, up);
    width = ToParity(W, even, up);
  }
  MX_CHECK(height >= 0 && width >= 0, kValue, op, ": the output size (", height, ", ", width,
           ") must not be negative");
  return Shape({data[0], data[1], height, width});
}

bool BilinearResizeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const bool like = UsesLike(attrs);
  if (!(*in)[0].is_known() || (like && !(*in)[1].is_known())) return false;
  AssignShape(&(*out)[0], ResizedShape(attrs, (*in)[0], like ? (*in)[1] : Shape()), *attrs.op(), "output");
  return true;
}

// data and output share a float dtype; like (a shape donor) may have any.
bool BilinearResizeType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  std::vector<int> data = {(*in)[0]};
  const bool known = SameFloatTypes(attrs, &data, out);
  (*in)[0] = data[0];
  return known && (!UsesLike(attrs) || (*in)[1] >= 0);
}

// _backward: [out_grad, data] -> [data's gradient].
bool BilinearResizeBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[1].is_known()) return false;
  AssignShape(&(*out)[0], (*in)[1], *attrs.op(), "gradient");
  return (*in)[0].is_known();
}

OpDef& AddResizeParams(OpDef& op) {
  return op
      .Param("height", "int", "1",
             "output height (required, but ignored if scale_height is defined or mode is not \"size\")")
      .Param("width", "int", "1",
             "output width (required, but ignored if scale_width is defined or mode is not \"size\")")
      .Param("scale_height", "float or None", "None",
             "sampling scale of the height (optional, used in modes \"scale\" and \"odd_scale\")")
      .Param("scale_width", "float or None", "None",
             "sampling scale of the width (optional, used in modes \"scale\" and \"odd_scale\")")
      .Param("mode", "{'like', 'odd_scale', 'size', 'to_even_down', 'to_even_up', 'to_odd_down', 'to_odd_up'}",
             "size",
             "resizing mode. \"simple\" - output height equals parameter \"height\" if \"scale_height\" parameter "
             "is not defined or input height multiplied by \"scale_height\" otherwise. Same for width;\"odd_scale\" "
             "- if original height or width is odd, then result height is calculated like result_h = (original_h - "
             "1) * scale + 1; for scale > 1 the result shape would be like if we did deconvolution with kernel = "
             "(1, 1) and stride = (height_scale, width_scale); and for scale < 1 shape would be like we did "
             "convolution with kernel = (1, 1) and stride = (int(1 / height_scale), int( 1/ width_scale);\"like\" "
             "- resize first input to the height and width of second input; \"to_even_down\" - resize input to "
             "nearest lower even height and width (if original height is odd then result height = original height "
             "- 1);\"to_even_up\" - resize input to nearest bigger even height and width (if original height is "
             "odd then result height = original height + 1);\"to_odd_down\" - resize input to nearest odd height "
             "and width (if original height is odd then result height = original height - 1);\"to_odd_up\" - "
             "resize input to nearest odd height and width (if original height is odd then result height = "
             "original height + 1);")
      .Param("align_corners", "boolean", "True", "With align_corners = True, the interpolating doesn't proportionally align theoutput and input pixels, and thus the output values can depend on the input size.");
}

}  // namespace

MX_REGISTER_OPS(contrib_bilinear_resize) {
  AddResizeParams(
      Registry::Get()
          .Register("_contrib_BilinearResize2D")
          .Describe("Perform 2D resizing (upsampling or downsampling) for 4D input using bilinear interpolation.\n\n"
                    "Expected input is a 4 dimensional NDArray (NCHW) and the output with the shape of (N x C x "
                    "height x width). The key idea of bilinear interpolation is to perform linear interpolation "
                    "first in one direction, and then again in the other direction. See the wikipedia of "
                    "`Bilinear interpolation  <https://en.wikipedia.org/wiki/Bilinear_interpolation>`_ for more "
                    "details.\n\nfloat16 data is interpolated in float32.")
          .InputsFn({"data", "like"}, [](const Attrs& attrs) { return UsesLike(attrs) ? 2 : 1; })
          .Shapes(BilinearResizeShape)
          .Types(BilinearResizeType)
          .Gradient([](GradBuilder& b) {
            std::vector<Value> grads = {b.Apply("_backward_contrib_BilinearResize2D", {b.out_grad(0), b.input(0)},
                                                ParamsOf(b.attrs()))};
            if (b.num_inputs() == 2) grads.push_back(Value());  // like lends only its shape
            return grads;
          }));
  AddResizeParams(Registry::Get()
                      .Register("_backward_contrib_BilinearResize2D")
                      .Describe("The gradient of _contrib_BilinearResize2D: from (out_grad, data) to data's "
                                "gradient.")
                      .Inputs({"out_grad", "data"})
                      .Shapes(BilinearResizeBackwardShape)
                      .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
