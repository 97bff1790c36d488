// Embedding: out[..., :] = weight[index, :] for every index in data (any
// numeric dtype; floats truncated, out-of-range indices clipped to
// [0, input_dim - 1] as MXNet's take does).  out has data's shape plus
// (output_dim,) and weight's dtype (the `dtype` parameter while weight's is
// unknown).  The weight's gradient is a scatter-add of out_grad's rows by
// index (_backward_Embedding(out_grad, data)); data gets none.  sparse_grad
// is accepted; the gradient is dense.
#include "common/dtype.h"
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

void CheckDims(const Attrs& attrs) {
  const int64_t input_dim = attrs.Int("input_dim"), output_dim = attrs.Int("output_dim");
  MX_CHECK(input_dim >= 1, kValue, "Embedding: input_dim must be >= 1, got ", input_dim);
  MX_CHECK(output_dim >= 1, kValue, "Embedding: output_dim must be >= 1, got ", output_dim);
}

Shape WeightShape(const Attrs& attrs) { return Shape({attrs.Int("input_dim"), attrs.Int("output_dim")}); }

bool EmbeddingShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  CheckDims(attrs);
  AssignShape(&(*in)[1], WeightShape(attrs), op, "weight");
  const Shape& data = (*in)[0];
  if (data.ndim() < 0) return false;
  Shape result = data;
  result.push_back(attrs.Int("output_dim"));
  AssignShape(&(*out)[0], result, op, "output");
  return data.is_known();
}

// The weight's dtype, else the output's, else the dtype parameter.
int WeightType(const Attrs& attrs, int weight, int out) {
  const OpDef& op = *attrs.op();
  MX_CHECK(weight < 0 || out < 0 || weight == out, kType, "Embedding: weight (", DTypeName(weight),
           ") and output (", DTypeName(out), ") must have the same dtype");
  if (weight >= 0 || out >= 0) return weight >= 0 ? weight : out;
  const int t = DTypeFromName(attrs.Str("dtype"));
  MX_CHECK(t >= 0, kType, "operator ", op.name, ": dtype ", attrs.Str("dtype"), " is not supported");
  return t;
}

bool EmbeddingType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const int t = WeightType(attrs, (*in)[1], (*out)[0]);
  (*in)[1] = (*out)[0] = t;
  return (*in)[0] >= 0;
}

// _backward_Embedding: [out_grad, data] -> [weight's gradient].
bool EmbeddingBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  CheckDims(attrs);
  AssignShape(&(*out)[0], WeightShape(attrs), op, "gradient");
  const Shape& data = (*in)[1];
  if (data.ndim() < 0) return false;
  Shape grad = data;
  grad.push_back(attrs.Int("output_dim"));
  AssignShape(&(*in)[0], grad, op, "out_grad");
  return data.is_known();
}

bool EmbeddingBackwardType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const int t = WeightType(attrs, (*in)[0], (*out)[0]);
  (*in)[0] = (*out)[0] = t;
  return (*in)[1] >= 0;
}

OpDef& AddEmbeddingParams(OpDef& op) {
  return op.Param("input_dim", "int", nullptr, "Vocabulary size of the input indices.")
      .Param("output_dim", "int", nullptr, "Dimension of the embedding vectors.")
      .Param("dtype", "{'bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8'}", "float32",
             "Data type of weight.")
      .Param("sparse_grad", "boolean", "False",
             "Compute row sparse gradient in the backward calculation. If set to True, the grad's storage "
             "type is row_sparse (MX computes a dense gradient).");
}

}  // namespace

MX_REGISTER_OPS(embedding) {
  AddEmbeddingParams(
      Registry::Get()
          .Register("Embedding")
          .Describe(
              "Maps integer indices to vector representations (embeddings).\n\n"
              "This operator maps words to real-valued vectors in a high-dimensional space, called word "
              "embeddings.  For an input array of shape (d1, ..., dK), the output array has shape (d1, ..., dK, "
              "output_dim).  All the input values should be integers in the range [0, input_dim); others are "
              "clipped into it.  weight has shape (input_dim, output_dim).")
          .Inputs({"data", "weight"})
          .Shapes(EmbeddingShape)
          .Types(EmbeddingType)
          .Gradient([](GradBuilder& b) {
            return std::vector<Value>{
                Value(), b.Apply("_backward_Embedding", {b.out_grad(0), b.input(0)}, ParamsOf(b.attrs()))};
          }))
      .Alias("_npx_embedding");

  AddEmbeddingParams(Registry::Get()
                         .Register("_backward_Embedding")
                         .Describe("The weight's gradient of Embedding: out_grad's rows added up by index.")
                         .Inputs({"out_grad", "data"})
                         .Shapes(EmbeddingBackwardShape)
                         .Types(EmbeddingBackwardType));
}

}  // namespace op
}  // namespace mx
