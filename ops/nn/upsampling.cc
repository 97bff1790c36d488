// UpSampling (MXNet 1.9): NCHW inputs enlarged by an integer scale.
//   nearest:  num_args inputs; input 0 (N, C0, H, W) gives the output size
//             (H * scale, W * scale), every input i is repeated by the factor
//             that reaches it (out_h / h_i, the same along both axes), and
//             the results are concatenated along channels
//             (multi_input_mode='concat') or summed ('sum').
//   bilinear: inputs data (N, C, H, W) and weight (C, 1, k, k): MXNet's grouped
//             Deconvolution with kernel k = 2 * scale - scale % 2, stride
//             scale, pad ceil((scale - 1) / 2) and num_group = num_filter = C,
//             giving (N, C, H * scale, W * scale).
// Gradients: nearest runs _backward_UpSampling(out_grad, inputs...), which
// sums each input's factor x factor blocks of out_grad; bilinear runs
// _backward_Deconvolution with the parameters above (the weight is learnt).
#include <algorithm>
#include <string>

#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

bool Bilinear(const Attrs& attrs) { return attrs.Str("sample_type") == "bilinear"; }

// Inputs a call takes (a negative num_args: none, refused by the shape check).
int NumUpsampled(const Attrs& attrs) {
  return Bilinear(attrs) ? 2 : static_cast<int>(std::max<int64_t>(attrs.Int("num_args"), 0));
}

// The scale, once the parameters are checked (MXNet's ranges).
int64_t CheckedScale(const Attrs& attrs) {
  MX_CHECK(attrs.Int("num_args") >= 1, kValue, "UpSampling: num_args must be at least 1, got ",
           attrs.Int("num_args"));
  const int64_t scale = attrs.Int("scale");
  MX_CHECK(scale >= 1 && scale <= 1000, kValue, "UpSampling: scale must be in [1, 1000], got ", scale);
  const int64_t workspace = attrs.Int("workspace");
  MX_CHECK(workspace >= 0 && workspace <= 8192, kValue, "UpSampling: workspace must be in [0, 8192], got ",
           workspace);
  return scale;
}

void Check4D(const Shape& s, const char* what, int index) {
  MX_CHECK(s.ndim() == 4, kValue, "UpSampling: ", what, " ", index, " must be 4-D (batch, channel, y, x), got shape ",
           s.ToString());
}

// The output of nearest upsampling from the inputs' shapes (all known).
Shape NearestShape(const Attrs& attrs, const std::vector<Shape>& inputs) {
  const int64_t scale = CheckedScale(attrs);
  const bool sum = attrs.Str("multi_input_mode") == "sum";
  for (size_t i = 0; i < inputs.size(); ++i) Check4D(inputs[i], "input", static_cast<int>(i));
  const Shape& first = inputs[0];
  const int64_t out_h = first[2] * scale, out_w = first[3] * scale;
  int64_t channels = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Shape& s = inputs[i];
    MX_CHECK(s[0] == first[0], kValue, "UpSampling: input ", i, " has batch size ", s[0], ", input 0 has ", first[0]);
    MX_CHECK(s[2] > 0 && s[3] > 0 && out_h % s[2] == 0 && out_w % s[3] == 0 && out_h / s[2] == out_w / s[3],
             kValue, "UpSampling: input ", i, " of size (", s[2], ", ", s[3],
             ") is not enlarged to the output size (", out_h, ", ", out_w,
             ") by one integer factor along both axes");
    if (sum) {
      MX_CHECK(i == 0 || s[1] == channels, kValue, "UpSampling: multi_input_mode='sum' needs inputs with the same "
               "number of channels; input ", i, " has ", s[1], ", input 0 has ", channels);
      channels = s[1];
    } else {
      channels += s[1];
    }
  }
  return Shape({first[0], channels, out_h, out_w});
}

bool UpSamplingShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  if (!Bilinear(attrs)) {
    CheckedScale(attrs);
    for (const Shape& s : *in)
      if (!s.is_known()) return false;
    AssignShape(&(*out)[0], NearestShape(attrs, *in), op, "output");
    return true;
  }
  const int64_t scale = CheckedScale(attrs);
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  Check4D(data, "data", 0);
  const int64_t num_filter = attrs.Int("num_filter");
  MX_CHECK(num_filter == data[1], kValue, "UpSampling: sample_type='bilinear' upsamples each channel with its own "
           "filter: num_filter (", num_filter, ") must equal the channels of data (", data[1], ")");
  const int64_t kernel = 2 * scale - scale % 2;
  AssignShape(&(*in)[1], Shape({data[1], 1, kernel, kernel}), op, "weight");
  AssignShape(&(*out)[0], Shape({data[0], data[1], data[2] * scale, data[3] * scale}), op, "output");
  return true;
}

// _backward_UpSampling: [out_grad, inputs...] -> the inputs' gradients.
bool UpSamplingBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const std::vector<Shape> inputs(in->begin() + 1, in->end());
  for (const Shape& s : inputs)
    if (!s.is_known()) return false;
  AssignShape(&(*in)[0], NearestShape(attrs, inputs), *attrs.op(), "out_grad");
  for (size_t i = 0; i < inputs.size(); ++i) AssignShape(&(*out)[i], inputs[i], *attrs.op(), "gradient");
  return true;
}

std::vector<std::string> UpSamplingInputNames(const Attrs& attrs) {
  if (Bilinear(attrs)) return {"data", "weight"};
  std::vector<std::string> names;
  for (int i = 0; i < NumUpsampled(attrs); ++i) names.push_back("arg" + std::to_string(i));
  return names;
}

// Bilinear upsampling as the Deconvolution MXNet runs.
Params DeconvolutionParams(const Attrs& attrs) {
  const int64_t scale = attrs.Int("scale"), kernel = 2 * scale - scale % 2, pad = scale / 2;  // ceil((s-1)/2)
  const auto pair = [](int64_t v) { return "(" + std::to_string(v) + ", " + std::to_string(v) + ")"; };
  const std::string filters = std::to_string(attrs.Int("num_filter"));
  return {{"kernel", pair(kernel)},   {"stride", pair(scale)},  {"pad", pair(pad)},
          {"num_filter", filters},    {"num_group", filters},   {"no_bias", "True"},
          {"workspace", std::to_string(attrs.Int("workspace"))}};
}

std::vector<Value> UpSamplingGradient(GradBuilder& b) {
  const Attrs& attrs = b.attrs();
  if (Bilinear(attrs))
    return b.ApplyN("_backward_Deconvolution", {b.out_grad(0), b.input(0), b.input(1)}, DeconvolutionParams(attrs));
  std::vector<Value> inputs = {b.out_grad(0)};
  for (int i = 0; i < b.num_inputs(); ++i) inputs.push_back(b.input(i));
  return b.ApplyN("_backward_UpSampling", inputs,
                  {{"scale", std::to_string(attrs.Int("scale"))},
                   {"num_args", std::to_string(attrs.Int("num_args"))},
                   {"multi_input_mode", attrs.Str("multi_input_mode")},
                   {"workspace", std::to_string(attrs.Int("workspace"))}});
}

const char* kScaleDoc = "Up sampling scale";
const char* kNumArgsDoc =
    "Number of inputs to be upsampled. For nearest neighbor upsampling, this can be 1-N; the size of output will "
    "be(scale*h_0,scale*w_0) and all other inputs will be upsampled to thesame size. For bilinear upsampling this "
    "must be 2; 1 input and 1 weight.";
const char* kModeDoc =
    "How to handle multiple input. concat means concatenate upsampled images along the channel dimension. sum "
    "means add all images together, only available for nearest neighbor upsampling.";
const char* kWorkspaceDoc = "Tmp workspace for deconvolution (MB)";

}  // namespace

MX_REGISTER_OPS(upsampling) {
  OpDef& up =
      Registry::Get()
          .Register("UpSampling")
          .Describe("Upsamples the given input data.\n\n"
                    "Two algorithms (``sample_type``) are available for upsampling:\n\n"
                    "- Nearest Neighbor\n- Bilinear\n\n"
                    "**Nearest Neighbor Upsampling**\n\nInput data is expected to be NCHW.\n\n"
                    "Example::\n\n  x = [[[[1. 1. 1.]\n         [1. 1. 1.]\n         [1. 1. 1.]]]]\n\n"
                    "  UpSampling(x, scale=2, sample_type='nearest') = 6 x 6 ones\n\n"
                    "**Bilinear Upsampling**\n\nUses `deconvolution` algorithm under the hood. You need provide "
                    "both input data and the kernel.\n\nInput data is expected to be NCHW.\n\n"
                    "`num_filter` is expected to be same as the number of channels.")
          .VariadicInputs("data", "num_args")
          .Outputs({"output"})
          .Param("scale", "int", nullptr, kScaleDoc)
          .Param("num_filter", "int", "0",
                 "Input filter. Only used by bilinear sample_type.Since bilinear upsampling uses deconvolution, "
                 "num_filters is set to the number of channels.")
          .Param("sample_type", "{'bilinear', 'nearest'}", nullptr, "upsampling method")
          .Param("multi_input_mode", "{'concat', 'sum'}", "concat", kModeDoc)
          .Param("num_args", "int", nullptr, kNumArgsDoc)
          .Param("workspace", "long", "512", kWorkspaceDoc)
          .Shapes(UpSamplingShape)
          .Types(SameFloatTypes)
          .Gradient(UpSamplingGradient);
  up.num_inputs_fn = NumUpsampled;
  up.input_names_fn = UpSamplingInputNames;

  OpDef& backward =
      Registry::Get()
          .Register("_backward_UpSampling")
          .Describe("The gradient of nearest-neighbour UpSampling: from (out_grad, the inputs) to the inputs' "
                    "gradients, each the sum of its blocks of out_grad.")
          .Param("scale", "int", nullptr, kScaleDoc)
          .Param("num_args", "int", nullptr, kNumArgsDoc)
          .Param("multi_input_mode", "{'concat', 'sum'}", "concat", kModeDoc)
          .Param("workspace", "long", "512", kWorkspaceDoc)
          .InputsFn({"out_grad"}, [](const Attrs& a) { return static_cast<int>(a.Int("num_args")) + 1; })
          .NumOutputsFn([](const Attrs& a) { return static_cast<int>(a.Int("num_args")); })
          .Shapes(UpSamplingBackwardShape)
          .Types(SameFloatTypes);
  backward.input_names_fn = [](const Attrs& a) {
    std::vector<std::string> names = {"out_grad"};
    for (int64_t i = 0; i < a.Int("num_args"); ++i) names.push_back("data" + std::to_string(i));
    return names;
  };
}

}  // namespace op
}  // namespace mx
