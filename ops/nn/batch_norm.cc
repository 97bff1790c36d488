// BatchNorm over the channel axis `axis`:
//   out = (data - mean) / sqrt(var + eps) * gamma + beta
// In training (and not use_global_stats) mean and var are the batch's, and
// moving_mean / moving_var (auxiliary states, updated in place) move toward
// them by `momentum`; otherwise the moving statistics are used.
// fix_gamma reads gamma as 1 (and gives it no gradient).
// Outputs [output, mean, var]: the mean and the inverse standard deviation
// 1 / sqrt(var + eps) actually used (MXNet's saved statistics), visible only
// with output_mean_var.  For float16 data gamma, beta and the statistics are
// float32.  Gradient: _backward_BatchNorm(out_grad, data, gamma, mean, invstd).
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

// Channels along axis for data (ndim >= 1); -1 while unknown.
int64_t Channels(const Attrs& attrs, const Shape& data) {
  const int64_t axis = attrs.Int("axis");
  MX_CHECK(axis >= -data.ndim() && axis < data.ndim(), kValue, "operator ", attrs.op()->name, ": axis ", axis,
           " is out of range for data of shape ", data.ToString());
  return data[static_cast<int>(axis < 0 ? axis + data.ndim() : axis)];
}

bool BatchNormShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape& data = (*in)[0];
  AssignShape(&data, (*out)[0], op, "output");
  if (data.ndim() < 0) return false;
  MX_CHECK(data.ndim() >= 1, kValue, "BatchNorm: data must have at least one dimension");
  const int64_t channels = Channels(attrs, data);
  AssignShape(&(*out)[0], data, op, "output");
  if (channels < 0) return false;
  const Shape per_channel({channels});
  static const char* const kNames[] = {"data", "gamma", "beta", "moving_mean", "moving_var"};
  for (size_t i = 1; i < in->size(); ++i) AssignShape(&(*in)[i], per_channel, op, kNames[i]);
  for (size_t k = 1; k < out->size(); ++k) AssignShape(&(*out)[k], per_channel, op, "mean/var");
  return data.is_known();
}

// The dtype of gamma, beta and the statistics for data of dtype `data`.
int ParamType(int data) { return data == kFloat16 ? kFloat32 : data; }

void CheckDataType(const Attrs& attrs, int data) {
  MX_CHECK(data == kFloat32 || data == kFloat64 || data == kFloat16, kType, "operator ", attrs.op()->name,
           ": dtype ", DTypeName(data), " is not supported (float16, float32 and float64 only)");
}

// in: data then per-channel arrays; out: data-shaped first, then per-channel.
bool BatchNormTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  int data = (*in)[0];
  AssignType(&data, (*out)[0], op, "output");
  if (data < 0) return false;
  CheckDataType(attrs, data);
  (*in)[0] = data;
  AssignType(&(*out)[0], data, op, "output");
  for (size_t i = 1; i < in->size(); ++i) AssignType(&(*in)[i], ParamType(data), op, "gamma/beta/moving stats");
  for (size_t k = 1; k < out->size(); ++k) AssignType(&(*out)[k], ParamType(data), op, "mean/var");
  return true;
}

// _backward_BatchNorm: [out_grad, data, gamma, mean, invstd] -> [data, gamma, beta] gradients.
bool BatchNormBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape& data = (*in)[1];
  AssignShape(&data, (*in)[0], op, "data");
  AssignShape(&data, (*out)[0], op, "gradient");
  if (data.ndim() < 0) return false;
  AssignShape(&(*in)[0], data, op, "out_grad");
  AssignShape(&(*out)[0], data, op, "gradient");
  const int64_t channels = Channels(attrs, data);
  if (channels < 0) return false;
  const Shape per_channel({channels});
  for (int i = 2; i < 5; ++i) AssignShape(&(*in)[i], per_channel, op, "per-channel input");
  for (int k = 1; k < 3; ++k) AssignShape(&(*out)[k], per_channel, op, "per-channel gradient");
  return data.is_known();
}

bool BatchNormBackwardTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  int data = (*in)[1];
  AssignType(&data, (*in)[0], op, "out_grad");
  if (data < 0) return false;
  CheckDataType(attrs, data);
  (*in)[0] = (*in)[1] = (*out)[0] = data;
  for (int i = 2; i < 5; ++i) AssignType(&(*in)[i], ParamType(data), op, "per-channel input");
  for (int k = 1; k < 3; ++k) AssignType(&(*out)[k], ParamType(data), op, "per-channel gradient");
  return true;
}

OpDef& AddBatchNormParams(OpDef& op) {
  return op.Param("eps", "double", "0.001",
                  "Epsilon to prevent div 0. Must be no less than CUDNN_BN_MIN_EPSILON defined in cudnn.h when "
                  "using cudnn (usually 1e-5)")
      .Param("momentum", "float", "0.9", "Momentum for moving average")
      .Param("fix_gamma", "boolean", "True", "Fix gamma while training")
      .Param("use_global_stats", "boolean", "False",
             "Whether use global moving statistics instead of local batch-norm. This will force change "
             "batch-norm into a scale shift operator.")
      .Param("output_mean_var", "boolean", "False", "Output the mean and inverse std ")
      .Param("axis", "int", "1", "Specify which shape axis the channel is specified")
      .Param("cudnn_off", "boolean", "False", "Do not select CUDNN operator, if available")
      .Param("min_calib_range", "float or None", "None",
             "The minimum scalar value in the form of float32 obtained through calibration. If present, it "
             "will be used to by quantized batch norm op to calculate primitive scale.Note: this calib_range "
             "is to calib bn output.")
      .Param("max_calib_range", "float or None", "None",
             "The maximum scalar value in the form of float32 obtained through calibration. If present, it "
             "will be used to by quantized batch norm op to calculate primitive scale.Note: this calib_range "
             "is to calib bn output.");
}

}  // namespace

MX_REGISTER_OPS(batch_norm) {
  AddBatchNormParams(
      Registry::Get()
          .Register("BatchNorm")
          .Describe(
              "Batch normalization.\n\n"
              "Normalizes a data batch by mean and variance, and applies a scale ``gamma`` as well as offset "
              "``beta``.  Assume the input has more than one dimension and we normalize along axis 1.  We first "
              "compute the mean and variance along this axis:\n\n"
              "    data_mean[i] = mean(data[:,i,:,...])\n"
              "    data_var[i] = var(data[:,i,:,...])\n\n"
              "Then compute the normalized output, which has the same shape as input, as following:\n\n"
              "    out[:,i,:,...] = (data[:,i,:,...] - data_mean[i]) / sqrt(data_var[i]+eps) * gamma[i] + beta[i]\n\n"
              "Both *mean* and *var* returns a scalar by treating the input as a vector.  Besides the inputs "
              "and the outputs, this operator accepts two auxiliary states, ``moving_mean`` and ``moving_var``, "
              "which are *k*-length vectors. They are global statistics for the whole dataset, which are "
              "updated by\n\n"
              "    moving_mean = moving_mean * momentum + data_mean * (1 - momentum)\n"
              "    moving_var = moving_var * momentum + data_var * (1 - momentum)\n\n"
              "If ``use_global_stats`` is set to be true, then ``moving_mean`` and ``moving_var`` are used "
              "instead of ``data_mean`` and ``data_var`` to compute the output. It is often used during "
              "inference.  The parameter ``axis`` specifies which axis of the input shape denotes the "
              "'channel' (separately normalized groups).  If ``fix_gamma`` is true, then set ``gamma`` to 1 "
              "and its gradient to 0.  With ``output_mean_var`` the mean and the inverse standard deviation "
              "are outputs too.")
          .Inputs({"data", "gamma", "beta", "moving_mean", "moving_var"})
          .Outputs({"output", "mean", "var"})
          .VisibleOutputs([](const Attrs& a) { return a.Bool("output_mean_var") ? 3 : 1; })
          .MutateInputs({3, 4})
          .Shapes(BatchNormShape)
          .Types(BatchNormTypes)
          .Gradient([](GradBuilder& b) {
            std::vector<Value> grads = b.ApplyN(
                "_backward_BatchNorm", {b.out_grad(0), b.input(0), b.input(1), b.output(1), b.output(2)},
                ParamsOf(b.attrs()));
            grads.resize(5);  // the moving statistics get none
            return grads;
          }))
      .Alias("_npx_batch_norm");

  AddBatchNormParams(Registry::Get()
                         .Register("_backward_BatchNorm")
                         .Describe("The gradients of BatchNorm: from (out_grad, data, gamma, mean, invstd) -- "
                                   "the statistics BatchNorm used -- to those of data, gamma and beta.")
                         .Inputs({"out_grad", "data", "gamma", "mean", "invstd"})
                         .Outputs({"data_grad", "gamma_grad", "beta_grad"})
                         .Shapes(BatchNormBackwardShape)
                         .Types(BatchNormBackwardTypes));
}

}  // namespace op
}  // namespace mx
