// The spatial transformer of Jaderberg et al. (NIPS 2015) as MXNet 1.9 splits
// it: GridGenerator makes a sampling grid, BilinearSampler samples data at
// it, SpatialTransformer does both for an affine transform.
//
// A grid (N, 2, H', W') holds source coordinates normalised to [-1, 1]:
// channel 0 is x, channel 1 is y; x = -1 is column 0 and x = 1 column W - 1.
//   GridGenerator affine: data (N, 6) is theta (2 x 3, row-major) and
//     grid[n, :, h, w] = theta_n . (x_w, y_h, 1) with x_w = -1 + 2w / (W'-1),
//     y_h = -1 + 2h / (H'-1), (H', W') = target_shape;
//   GridGenerator warp: data (N, 2, H, W) is an optical flow in pixels and
//     grid = (flow + (w, h)) / ((W - 1) / 2, (H - 1) / 2) - 1;
//   BilinearSampler(data (N, C, H, W), grid) (N, C, H', W'): bilinear
//     interpolation of data at the grid's points, taps outside data read 0;
//   SpatialTransformer(data, loc (N, 6)) = BilinearSampler(data,
//     GridGenerator(loc, 'affine', target_shape)).
// Gradients: _backward_GridGenerator(out_grad) (the transform is linear in
// data), _backward_BilinearSampler(out_grad, data, grid) -> data's and grid's;
// SpatialTransformer's gradient is those two on a regenerated grid.
//
// MXNet's hidden outputs (GridGenerator's grid_dst, BilinearSampler's tmp,
// SpatialTransformer's grid_dst and grid_src) are not kept: they are cheap to
// recompute and no caller can see them.
#include <string>

#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

bool Affine(const Attrs& attrs) { return attrs.Str("transform_type") == "affine"; }

// target_shape (H', W'), both positive (needed by affine transforms).
Shape TargetShape(const Attrs& attrs) {
  const Shape target = attrs.Tuple("target_shape");
  MX_CHECK(target.ndim() == 2 && target[0] > 0 && target[1] > 0, kValue, "operator ", attrs.op()->name,
           ": target_shape must be two positive sizes (H, W) for an affine transform, got ", target.ToString());
  return target;
}

// The grid GridGenerator makes from its input (`name`) of shape `data` (known).
Shape GridShape(const Attrs& attrs, const Shape& data, const char* name = "data") {
  const std::string& op = attrs.op()->name;
  if (Affine(attrs)) {
    MX_CHECK(data.ndim() == 2 && data[1] == 6, kValue, op, ": an affine transform takes ", name,
             " of shape (batch, 6), got ", data.ToString());
    const Shape target = TargetShape(attrs);
    return Shape({data[0], 2, target[0], target[1]});
  }
  MX_CHECK(data.ndim() == 4 && data[1] == 2, kValue, op, ": a warp transform takes an optical flow of shape "
           "(batch, 2, H, W), got ", data.ToString());
  return data;
}

bool GridGeneratorShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[0].is_known()) return false;
  AssignShape(&(*out)[0], GridShape(attrs, (*in)[0]), *attrs.op(), "output");
  return true;
}

// _backward_GridGenerator: [out_grad] -> [data's gradient].
bool GridGeneratorBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& grad = (*in)[0];
  if (!grad.is_known()) return false;
  MX_CHECK(grad.ndim() == 4 && grad[1] == 2, kValue, "_backward_GridGenerator: out_grad must have shape "
           "(batch, 2, H, W), got ", grad.ToString());
  const Shape data = Affine(attrs) ? Shape({grad[0], 6}) : grad;
  AssignShape(&(*in)[0], GridShape(attrs, data), *attrs.op(), "out_grad");
  AssignShape(&(*out)[0], data, *attrs.op(), "gradient");
  return true;
}

// BilinearSampler's output from data (N, C, H, W) and grid (N, 2, H', W').
Shape SampledShape(const std::string& op, const Shape& data, const Shape& grid) {
  MX_CHECK(data.ndim() == 4, kValue, op, ": data must be 4-D (batch, channel, y, x), got shape ", data.ToString());
  MX_CHECK(grid.ndim() == 4 && grid[1] == 2 && grid[2] > 0 && grid[3] > 0, kValue, op,
           ": the grid must have shape (batch, 2, H, W) with H, W > 0, got ", grid.ToString());
  MX_CHECK(grid[0] == data[0], kValue, op, ": data has batch size ", data[0], " and the grid ", grid[0]);
  return Shape({data[0], data[1], grid[2], grid[3]});
}

bool BilinearSamplerShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[0].is_known() || !(*in)[1].is_known()) return false;
  AssignShape(&(*out)[0], SampledShape(attrs.op()->name, (*in)[0], (*in)[1]), *attrs.op(), "output");
  return true;
}

// _backward_BilinearSampler: [out_grad, data, grid] -> [data's, grid's gradients].
bool BilinearSamplerBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &data = (*in)[1], &grid = (*in)[2];
  if (!data.is_known() || !grid.is_known()) return false;
  AssignShape(&(*in)[0], SampledShape(attrs.op()->name, data, grid), *attrs.op(), "out_grad");
  AssignShape(&(*out)[0], data, *attrs.op(), "data gradient");
  AssignShape(&(*out)[1], grid, *attrs.op(), "grid gradient");
  return true;
}

bool SpatialTransformerShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &data = (*in)[0], &loc = (*in)[1];
  if (!data.is_known() || !loc.is_known()) return false;
  const Shape grid = GridShape(attrs, loc, "loc");
  AssignShape(&(*out)[0], SampledShape("SpatialTransformer", data, grid), *attrs.op(), "output");
  return true;
}

std::vector<Value> SpatialTransformerGradient(GradBuilder& b) {
  const Params grid_params = {{"transform_type", "affine"},
                              {"target_shape", b.attrs().Get("target_shape").s}};
  const Value grid = b.Apply("GridGenerator", {b.input(1)}, grid_params);
  const std::vector<Value> sampled = b.ApplyN("_backward_BilinearSampler", {b.out_grad(0), b.input(0), grid},
                                                      {{"cudnn_off", "None"}});
  return {sampled[0], b.Apply("_backward_GridGenerator", {sampled[1]}, grid_params)};
}

OpDef& AddGridGeneratorParams(OpDef& op) {
  return op
      .Param("transform_type", "{'affine', 'warp'}", nullptr,
             "The type of transformation. For `affine`, input data should be an affine matrix of size (batch, 6). "
             "For `warp`, input data should be an optical flow of size (batch, 2, h, w).")
      .Param("target_shape", "Shape(tuple)", "(0, 0)",
             "Specifies the output shape (H, W). This is required if transformation type is `affine`. If "
             "transformation type is `warp`, this parameter is ignored.");
}

const char* kCudnnOffDoc = "whether to turn cudnn off (accepted and ignored)";

}  // namespace

MX_REGISTER_OPS(spatial_transformer) {
  AddGridGeneratorParams(
      Registry::Get()
          .Register("GridGenerator")
          .Describe("Generates 2D sampling grid for bilinear sampling.\n\n"
                    "``affine``: data (batch, 6) holds affine matrices; the grid maps the target_shape's "
                    "normalised pixel coordinates (x, y, 1) through each.  ``warp``: data (batch, 2, H, W) is an "
                    "optical flow in pixels; the grid is each pixel's coordinates plus the flow, normalised to "
                    "[-1, 1].  Output: (batch, 2, H, W), channel 0 x and channel 1 y.")
          .Inputs({"data"})
          .Outputs({"output"})
          .Shapes(GridGeneratorShape)
          .Types(SameFloatTypes)
          .Gradient([](GradBuilder& b) {
            return std::vector<Value>{b.Apply("_backward_GridGenerator", {b.out_grad(0)}, ParamsOf(b.attrs()))};
          }));
  AddGridGeneratorParams(Registry::Get()
                             .Register("_backward_GridGenerator")
                             .Describe("The gradient of GridGenerator: from out_grad to data's gradient.")
                             .Inputs({"out_grad"})
                             .Shapes(GridGeneratorBackwardShape)
                             .Types(SameFloatTypes));

  Registry::Get()
      .Register("BilinearSampler")
      .Describe("Applies bilinear sampling to input feature map.\n\n"
                "Bilinear Sampling is the key of [NIPS2015] \"Spatial Transformer Networks\".  Given data and "
                "grid, output[batch, channel, y_dst, x_dst] = G(data[batch, channel, y_src, x_src]) with x_src = "
                "grid[batch, 0, y_dst, x_dst] and y_src = grid[batch, 1, y_dst, x_dst] normalised to [-1, 1], G "
                "the bilinear interpolation kernel; points outside data are padded with zeros.  The output has "
                "shape (data.shape[0], data.shape[1], grid.shape[2], grid.shape[3]); data is NCHW.")
      .Inputs({"data", "grid"})
      .Outputs({"output"})
      .Param("cudnn_off", "boolean or None", "None", kCudnnOffDoc)
      .Shapes(BilinearSamplerShape)
      .Types(SameFloatTypes)
      .Gradient([](GradBuilder& b) {
        return b.ApplyN("_backward_BilinearSampler", {b.out_grad(0), b.input(0), b.input(1)}, ParamsOf(b.attrs()));
      });
  Registry::Get()
      .Register("_backward_BilinearSampler")
      .Describe("The gradients of BilinearSampler: from (out_grad, data, grid) to data's and grid's.")
      .Inputs({"out_grad", "data", "grid"})
      .Outputs({"data_grad", "grid_grad"})
      .Param("cudnn_off", "boolean or None", "None", kCudnnOffDoc)
      .Shapes(BilinearSamplerBackwardShape)
      .Types(SameFloatTypes);

  Registry::Get()
      .Register("SpatialTransformer")
      .Describe("Applies a spatial transformer to input feature map: BilinearSampler(data, GridGenerator(loc, "
                "transform_type='affine', target_shape)).")
      .Inputs({"data", "loc"})
      .Outputs({"output"})
      .Param("target_shape", "Shape(tuple)", "(0, 0)", "output shape(h, w) of spatial transformer: (y, x)")
      .Param("transform_type", "{'affine'}", nullptr, "transformation type")
      .Param("sampler_type", "{'bilinear'}", nullptr, "sampling type")
      .Param("cudnn_off", "boolean or None", "None", kCudnnOffDoc)
      .Shapes(SpatialTransformerShape)
      .Types(SameFloatTypes)
      .Gradient(SpatialTransformerGradient);
}

}  // namespace op
}  // namespace mx
