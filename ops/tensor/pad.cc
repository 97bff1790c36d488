// Pad: grows the spatial axes of a 4-D (NCHW) or 5-D (NCDHW) array with a
// constant, the edge values or a reflection.  As in MXNet, the batch and
// channel axes cannot be padded.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/adjoint.h"

namespace mx {
namespace op {

namespace {

bool PadShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const Shape pad = attrs.Tuple("pad_width");
  const int ndim = src.ndim();
  MX_CHECK(ndim == 4 || ndim == 5, kValue, "operator Pad: only 4-D and 5-D inputs are supported, got ",
           src.ToString());
  MX_CHECK(pad.ndim() == 2 * ndim, kValue, "operator Pad: pad_width ", pad.ToString(), " must have ",
           2 * ndim, " entries (before and after for each of the ", ndim, " axes)");
  MX_CHECK(pad[0] == 0 && pad[1] == 0 && pad[2] == 0 && pad[3] == 0, kValue,
           "operator Pad: pad_width ", pad.ToString(),
           " pads the first two axes; only axes 2 and above can be padded");
  const bool reflect = attrs.Str("mode") == "reflect";
  Shape result = src;
  for (int i = 0; i < ndim; ++i) {
    const int64_t before = pad[2 * i], after = pad[2 * i + 1];
    MX_CHECK(before >= 0 && after >= 0, kValue, "operator Pad: pad_width ", pad.ToString(),
             " must be non-negative");
    // A reflection mirrors the axis about its end elements: it needs them
    // and cannot reach further than the axis is long.
    MX_CHECK(!reflect || (before < src[i] && after < src[i]) || (before == 0 && after == 0), kValue,
             "operator Pad: reflect padding of axis ", i, " (size ", src[i],
             ") must be smaller than the axis, got ", before, " and ", after);
    MX_CHECK(attrs.Str("mode") != "edge" || src[i] > 0 || (before == 0 && after == 0), kValue,
             "operator Pad: edge padding of the empty axis ", i, " has no edge to copy");
    result[i] = src[i] + before + after;
  }
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(Pad)
    .Describe(
        "Pads an input array with a constant or edge values of the array.\n\n"
        "Only 4-D and 5-D inputs are supported, with padding on axes 2 and above; "
        "pad_width is (before_1, after_1, ..., before_N, after_N). mode 'constant' pads with "
        "constant_value, 'edge' repeats the edge values and 'reflect' mirrors the array about "
        "its edge values.")
    .Inputs({"data"})
    .Param("mode", "{'constant', 'edge', 'reflect'}", nullptr, "Padding type to use. \"constant\" pads with `constant_value` \"edge\" pads using the edge values of the input array \"reflect\" pads by reflecting values with respect to the edges.")
    .Param("pad_width", "Shape(tuple)", nullptr, "Widths of the padding regions applied to the edges of each axis. It is a tuple of integer padding widths for each axis of the format ``(before_1, after_1, ... , before_N, after_N)``. It should be of length ``2*N`` where ``N`` is the number of dimensions of the array.This is equivalent to pad_width in numpy.pad, but flattened.")
    .Param("constant_value", "double", "0", "The value used for padding when `mode` is \"constant\".")
    .Shapes(PadShape)
    .Types(SameTypes)
    .Gradient(AdjointGradient("_backward_Pad"))
    .Alias("pad");

MX_REGISTER_OPS(pad_adjoint) {
  RegisterAdjoint("_backward_Pad", "Pad",
                  "The gradient of Pad: the interior of ograd, plus (modes edge and reflect) the "
                  "padding's ograd added onto the elements it copied.")
      .Gradient([](GradBuilder& b) {
        // Pad is affine; its linear part pads with zeros.
        Params params = SameParams(b.attrs());
        for (auto& p : params)
          if (p.first == "constant_value") p.second = "0";
        return std::vector<Value>{b.Apply("Pad", {b.out_grad(0)}, params), Value()};
      });
}

}  // namespace op
}  // namespace mx
