#include "ops/nn/spatial_window.h"

#include <cstring>
#include <string>

namespace mx {
namespace op {

namespace {

// Copies tuple parameter `name` into dst: empty keeps dst's defaults; other
// lengths than ndim are an error, and so are entries below `least`.
void ReadAxes(const Attrs& attrs, const char* name, int ndim, int64_t least, int64_t* dst) {
  const Shape values = attrs.Tuple(name);
  const std::string& op = attrs.op()->name;
  if (values.ndim() == 0) return;
  MX_CHECK(values.ndim() == ndim, kValue, "operator ", op, ": ", name, " must have ", ndim,
           " entries (one per spatial axis), got ", values.ToString());
  for (int i = 0; i < ndim; ++i) {
    MX_CHECK(values[i] >= least, kValue, "operator ", op, ": ", name, " must be >= ", least, " on every axis, got ",
             values.ToString());
    dst[i] = values[i];
  }
}

// Pooling has no dilate; im2col and col2im have no layout.
bool HasParam(const Attrs& attrs, const char* name) {
  for (const MXAttr& a : attrs.values())
    if (std::strcmp(a.name, name) == 0) return true;
  return false;
}

}  // namespace

Shape SpatialWindow::Make(int64_t batch, int64_t channels, const int64_t* spatial) const {
  Shape s = Shape::Scalar();
  s.push_back(batch);
  if (!channel_last) s.push_back(channels);
  for (int i = 0; i < ndim; ++i) s.push_back(spatial[i]);
  if (channel_last) s.push_back(channels);
  return s;
}

SpatialWindow ReadWindow(const Attrs& attrs, int ndim) {
  const std::string& op = attrs.op()->name;
  MX_CHECK(ndim >= 1 && ndim <= 3, kValue, "operator ", op,
           ": only 1-D, 2-D and 3-D windows are supported (data must be 3-D, 4-D or 5-D), got ", ndim,
           " spatial dimension(s)");
  SpatialWindow w;
  w.ndim = ndim;
  ReadAxes(attrs, "kernel", ndim, 1, w.kernel);
  ReadAxes(attrs, "stride", ndim, 1, w.stride);
  ReadAxes(attrs, "pad", ndim, 0, w.pad);
  if (HasParam(attrs, "dilate")) ReadAxes(attrs, "dilate", ndim, 1, w.dilate);
  if (HasParam(attrs, "layout") && !attrs.IsNone("layout")) {
    const std::string layout = attrs.Str("layout");
    MX_CHECK(static_cast<int>(layout.size()) == ndim + 2, kValue, "operator ", op, ": layout ", layout,
             " does not fit ", ndim, " spatial dimension(s)");
    w.channel_last = layout.back() == 'C';
  }
  return w;
}

bool WeightedLayerBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out,
                                WeightedLayerShapeFn forward) {
  const OpDef& op = *attrs.op();
  std::vector<Shape> forward_in = {(*in)[1], (*in)[2]};
  if (!attrs.Bool("no_bias")) forward_in.push_back(Shape::Unknown());
  Shape forward_out = (*in)[0];
  const bool known = forward(attrs, &forward_in, &forward_out);
  AssignShape(&(*in)[0], forward_out, op, "out_grad");
  AssignShape(&(*in)[1], forward_in[0], op, "data");
  AssignShape(&(*in)[2], forward_in[1], op, "weight");
  for (size_t k = 0; k < out->size(); ++k) AssignShape(&(*out)[k], forward_in[k], op, "gradient");
  return known;
}

}  // namespace op
}  // namespace mx
