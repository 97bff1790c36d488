#include "plugin/plugin_op.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/dtype.h"
#include "common/error.h"
#include "plugin/loader.h"

namespace mx {

namespace {

constexpr uint32_t kKnownFlags = MX_OP_BACKWARD_USES_INPUTS | MX_OP_BACKWARD_USES_OUTPUTS | MX_OP_NEEDS_RNG;

// "operator foo (plugin '/path/libfoo.so')": who to blame in a message.
std::string Culprit(const op::Attrs& attrs, const std::string& plugin_path) {
  return "operator " + attrs.op()->name + " (plugin '" + plugin_path + "')";
}

op::InferShapeFn AdaptInferShape(MXInferShapeFn infer_shape, void* op_data, std::string plugin_path) {
  return [infer_shape, op_data, plugin_path](const op::Attrs& attrs, std::vector<Shape>* in,
                                             std::vector<Shape>* out) {
    // Rationale: the plugin sees only complete input shapes (symbolic
    // inference calls again once they are known), so it never handles -1.
    for (const Shape& s : *in)
      if (!s.is_known()) return false;
    std::vector<const int64_t*> in_ptrs;
    std::vector<int32_t> in_ndims;
    for (const Shape& s : *in) {
      in_ptrs.push_back(s.data());
      in_ndims.push_back(s.ndim());
    }
    std::vector<std::vector<int64_t>> out_dims(out->size(), std::vector<int64_t>(MX_MAX_NDIM));
    std::vector<int64_t*> out_ptrs;
    for (auto& o : out_dims) out_ptrs.push_back(o.data());
    std::vector<int32_t> out_ndims(out->size(), -1);
    const auto& v = attrs.values();
    ClearPluginError();
    if (infer_shape(v.data(), static_cast<int32_t>(v.size()), static_cast<int32_t>(in->size()), in_ptrs.data(),
                    in_ndims.data(), static_cast<int32_t>(out->size()), out_ptrs.data(), out_ndims.data(),
                    op_data) != 0)
      Throw(ErrorKind::kValue, Culprit(attrs, plugin_path), ": ", TakePluginError());
    for (size_t k = 0; k < out->size(); ++k) {
      const int32_t ndim = out_ndims[k];
      const bool valid = ndim >= 0 && ndim <= MX_MAX_NDIM &&
                         std::all_of(out_dims[k].begin(), out_dims[k].begin() + std::max(ndim, 0),
                                     [](int64_t d) { return d >= 0; });
      MX_CHECK(valid, kValue, Culprit(attrs, plugin_path), ": infer_shape gave output ", k,
               " no valid shape (ndim ", ndim, ")");
      op::AssignShape(&(*out)[k], Shape(out_ptrs[k], ndim), *attrs.op(), "output");
    }
    return true;
  };
}

op::InferTypeFn AdaptInferType(MXInferTypeFn infer_type, void* op_data, std::string plugin_path) {
  if (!infer_type) {
    return [](const op::Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
      if (in->empty() || (*in)[0] < 0) return false;
      for (int& t : *out) op::AssignType(&t, (*in)[0], *attrs.op(), "output");
      return true;
    };
  }
  return [infer_type, op_data, plugin_path](const op::Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
    for (int t : *in)
      if (t < 0) return false;
    std::vector<int32_t> ins(in->begin(), in->end());
    std::vector<int32_t> outs(out->size(), -1);
    const auto& v = attrs.values();
    ClearPluginError();
    if (infer_type(v.data(), static_cast<int32_t>(v.size()), static_cast<int32_t>(ins.size()), ins.data(),
                   static_cast<int32_t>(outs.size()), outs.data(), op_data) != 0)
      Throw(ErrorKind::kType, Culprit(attrs, plugin_path), ": ", TakePluginError());
    for (size_t k = 0; k < out->size(); ++k) {
      MX_CHECK(IsValidDType(outs[k]), kType, Culprit(attrs, plugin_path), ": infer_type gave output ", k,
               " the invalid dtype ", outs[k]);
      op::AssignType(&(*out)[k], outs[k], *attrs.op(), "output");
    }
    return true;
  };
}

bool Declares(const op::OpDef& op, const std::string& param) {
  for (const op::ParamSpec& p : op.params)
    if (p.name == param) return true;
  return false;
}

}  // namespace

MXOpDesc ReadOpDesc(const MXOpDesc& desc) {
  MXOpDesc full;
  std::memset(&full, 0, sizeof(full));
  std::memcpy(&full, &desc, std::min(desc.struct_size, sizeof(MXOpDesc)));
  return full;
}

std::unique_ptr<op::OpDef> MakePluginOp(const MXOpDesc& d, const std::string& plugin_path) {
  MX_CHECK(d.name && *d.name, kPlugin, "register_op: name is required");
  const std::string who = std::string("register_op '") + d.name + "'";
  MX_CHECK(d.infer_shape, kPlugin, who, ": infer_shape is required");
  MX_CHECK(d.num_inputs >= 0 && d.num_outputs >= 1, kPlugin, who, ": invalid number of inputs (", d.num_inputs,
           ") or outputs (", d.num_outputs, ")");
  MX_CHECK(d.num_params == 0 || d.params, kPlugin, who, ": params is NULL");
  MX_CHECK((d.flags & ~kKnownFlags) == 0, kPlugin, who, ": unknown flags 0x", std::hex, d.flags & ~kKnownFlags,
           std::dec, " (this MX implements plugin ABI ", MX_PLUGIN_ABI_MAJOR, ".", MX_PLUGIN_ABI_MINOR, ")");
  auto op = std::make_unique<op::OpDef>();
  op->name = d.name;
  op->description = d.description ? d.description : "";
  try {
    for (int32_t i = 0; i < d.num_params; ++i) {
      const MXParamDesc& p = d.params[i];
      MX_CHECK(p.name && p.type, kPlugin, "parameter ", i, " has no name or type");
      op->Param(p.name, p.type, p.default_value, p.doc ? p.doc : "");
    }
    op->Defaults();  // parse the defaults now: a bad default fails the load
  } catch (const Error& e) {
    Throw(ErrorKind::kPlugin, who, ": ", e.what());
  }
  for (int32_t i = 0; i < d.num_inputs; ++i)
    op->input_names.push_back(d.input_names && d.input_names[i] ? d.input_names[i] : "data" + std::to_string(i));
  op->num_outputs = d.num_outputs;
  for (int32_t i = 0; i < d.num_outputs; ++i)
    op->output_names.push_back(d.output_names && d.output_names[i] ? d.output_names[i]
                                                                    : "output" + std::to_string(i));
  op->infer_shape = AdaptInferShape(d.infer_shape, d.op_data, plugin_path);
  op->infer_type = AdaptInferType(d.infer_type, d.op_data, plugin_path);
  op->needs_rng = (d.flags & MX_OP_NEEDS_RNG) != 0;
  return op;
}

void SetPluginGradient(op::OpDef* op, const op::OpDef& backward, uint32_t flags) {
  const int num_inputs = static_cast<int>(op->input_names.size());
  const int num_outputs = op->num_outputs;
  const int backward_inputs = num_outputs + (flags & MX_OP_BACKWARD_USES_INPUTS ? num_inputs : 0) +
                              (flags & MX_OP_BACKWARD_USES_OUTPUTS ? num_outputs : 0);
  const std::string who = "operator '" + op->name + "': backward_op '" + backward.name + "'";
  // Built-in ops whose counts follow their parameters are checked when the
  // gradient is built instead.
  if (!backward.variadic() && !backward.num_inputs_fn)
    MX_CHECK(static_cast<int>(backward.input_names.size()) == backward_inputs, kPlugin, who, " takes ",
             backward.input_names.size(), " input(s), but the flags give it ", backward_inputs,
             " (the output gradients, then the inputs and/or outputs the flags ask for)");
  if (!backward.num_outputs_fn)
    MX_CHECK(backward.num_outputs == num_inputs, kPlugin, who, " has ", backward.num_outputs,
             " output(s); it needs one gradient per input of '", op->name, "' (", num_inputs, ")");
  for (const op::ParamSpec& p : backward.params)
    MX_CHECK(Declares(*op, p.name), kPlugin, who, " declares parameter '", p.name, "', which '", op->name,
             "' does not have (it receives the forward op's parameters)");
  const std::string backward_name = backward.name;
  op->gradient = [backward_name, flags, num_outputs](op::GradBuilder& b) {
    std::vector<op::Value> inputs;
    for (int i = 0; i < num_outputs; ++i) inputs.push_back(b.out_grad(i));
    if (flags & MX_OP_BACKWARD_USES_INPUTS)
      for (int i = 0; i < b.num_inputs(); ++i) inputs.push_back(b.input(i));
    if (flags & MX_OP_BACKWARD_USES_OUTPUTS)
      for (int i = 0; i < num_outputs; ++i) inputs.push_back(b.output(i));
    const op::OpDef& backward_op = *op::Registry::Get().FindOrThrow(backward_name);
    op::Params params;
    for (const MXAttr& a : b.attrs().values())
      if (Declares(backward_op, a.name)) params.emplace_back(a.name, a.s);
    std::vector<op::Value> grads = b.ApplyN(backward_name, inputs, params);
    MX_CHECK(static_cast<int>(grads.size()) >= b.num_inputs(), kValue, "operator ", b.attrs().op()->name,
             ": backward_op '", backward_name, "' gave ", grads.size(), " gradients for ", b.num_inputs(),
             " inputs");
    grads.resize(b.num_inputs());
    return grads;
  };
}

}  // namespace mx
