// LRN: local response normalization across channels of 4-D data (N, C, H, W):
//   norm[c] = knorm + alpha / nsize * sum of data[c']^2 for c' in [c - nsize/2, c - nsize/2 + nsize)
//   out = data * norm^-beta
// The second, hidden output is norm (MXNet's tmp_norm), kept for the
// gradient _backward_LRN(out_grad, data, tmp_norm).
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

void CheckNSize(const Attrs& attrs) {
  MX_CHECK(attrs.Int("nsize") >= 1, kValue, "LRN: nsize must be >= 1, got ", attrs.Int("nsize"));
}

// in[data_index] is data: the outputs (or gradient) take its shape.
bool LRNShapes(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out, int data_index) {
  const OpDef& op = *attrs.op();
  CheckNSize(attrs);
  Shape data = (*in)[data_index];
  for (const Shape& s : *in) AssignShape(&data, s, op, "input");
  for (const Shape& s : *out) AssignShape(&data, s, op, "output");
  if (data.ndim() < 0) return false;
  MX_CHECK(data.ndim() == 4, kValue, "LRN: data must be 4-D (batch, channel, height, width), got shape ",
           data.ToString());
  for (Shape& s : *in) s = data;
  for (Shape& s : *out) s = data;
  return data.is_known();
}

OpDef& AddLRNParams(OpDef& op) {
  return op.Param("alpha", "float", "0.0001", "The variance scaling parameter :math:`\\alpha` in the LRN expression.")
      .Param("beta", "float", "0.75", "The power parameter :math:`\\beta` in the LRN expression.")
      .Param("knorm", "float", "2", "The parameter :math:`k` in the LRN expression.")
      .Param("nsize", "int (non-negative)", nullptr, "normalization window width in elements.");
}

}  // namespace

MX_REGISTER_OPS(lrn) {
  AddLRNParams(Registry::Get()
                   .Register("LRN")
                   .Describe("Applies local response normalization to the input.\n\n"
                             "The local response normalization layer performs \"lateral inhibition\" by normalizing "
                             "over local input regions: for channel c,\n\n"
                             "    out[c] = data[c] / (knorm + alpha / nsize * sum_{c' near c} data[c']^2)^beta\n\n"
                             "where the sum runs over nsize channels centred on c (clipped at the edges).")
                   .Inputs({"data"})
                   .Outputs({"output", "tmp_norm"})
                   .VisibleOutputs([](const Attrs&) { return 1; })
                   .Shapes([](const Attrs& a, std::vector<Shape>* in, std::vector<Shape>* out) {
                     return LRNShapes(a, in, out, 0);
                   })
                   .Types(SameFloatTypes)
                   .Gradient([](GradBuilder& b) {
                     return std::vector<Value>{
                         b.Apply("_backward_LRN", {b.out_grad(0), b.input(0), b.output(1)}, ParamsOf(b.attrs()))};
                   }));

  AddLRNParams(Registry::Get()
                   .Register("_backward_LRN")
                   .Describe("The gradient of LRN: from (out_grad, data, tmp_norm) to data's gradient.")
                   .Inputs({"out_grad", "data", "tmp_norm"})
                   .Shapes([](const Attrs& a, std::vector<Shape>* in, std::vector<Shape>* out) {
                     return LRNShapes(a, in, out, 1);
                   })
                   .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
