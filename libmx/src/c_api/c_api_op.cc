// Operator introspection and imperative invocation.
#include <algorithm>

#include "c_api/api_guard.h"
#include "c_api/handle.h"
#include "imperative/invoke.h"
#include "ops/op.h"

// A bound call: an op and its parsed parameters.
struct MXOpCall_ {
  uint64_t magic;
  const mx::op::OpDef* op;
  std::shared_ptr<const mx::op::Attrs> attrs;
};

namespace {

constexpr uint64_t kLiveCall = 0x4d584f7043616c6cull;  // "MXOpCall"

const MXOpCall_& CallOf(MXOpCallHandle call) {
  MX_CHECK(call != nullptr, kHandle, "op call handle is NULL");
  MX_CHECK(call->magic == kLiveCall, kHandle, "op call handle is not live (already freed?)");
  return *call;
}

std::shared_ptr<const mx::op::Attrs> ParseParams(const mx::op::OpDef* op, int num_params,
                                                 const char* const* keys, const char* const* vals) {
  MX_CHECK(num_params >= 0 && ((keys && vals) || num_params == 0), kValue, "invalid parameters");
  if (num_params == 0 && op->Defaults()->complete()) return op->Defaults();
  return mx::op::Attrs::Parse(op, num_params, keys, vals);
}

// A given output recorded by autograd now holds the new graph entry.
void KeepEntry(const mx::NDArray& computed, MXNDArrayHandle handle) {
  if (computed.ag_node()) mx::ArrayOf(handle).set_ag_entry(computed.ag_node(), computed.ag_index());
}

}  // namespace

extern "C" {

int MXListOps(uint32_t* out_size, const char*** out_names) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_size);
  MX_CHECK_OUT(out_names);
  mx::EnsureRuntime();
  mx::ThreadScratch& s = mx::Scratch();
  s.owned = mx::op::Registry::Get().ListNames();
  mx::ExportStrings(s.owned, &s.strings[0], out_size, out_names);
  MX_API_END();
}

int MXGetOpHandle(const char* name, MXOpHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK(name != nullptr, kValue, "op name is NULL");
  mx::EnsureRuntime();
  *out = reinterpret_cast<MXOpHandle>(const_cast<mx::op::OpDef*>(mx::op::Registry::Get().FindOrThrow(name)));
  MX_API_END();
}

int MXOpGetInfo(MXOpHandle handle, const char** out_name, const char** out_description,
                int* out_num_inputs, int* out_num_outputs, const char** out_key_var_num_args) {
  MX_API_BEGIN();
  const mx::op::OpDef* op = mx::OpOf(handle);
  if (out_name) *out_name = op->name.c_str();
  if (out_description) *out_description = op->description.c_str();
  if (out_num_inputs)
    *out_num_inputs = op->variadic() || (op->input_names_fn && !op->input_names_subset)
                          ? -1
                          : static_cast<int>(op->input_names.size());
  if (out_num_outputs) *out_num_outputs = op->num_outputs_fn ? -1 : op->num_outputs;
  if (out_key_var_num_args) *out_key_var_num_args = op->key_var_num_args.c_str();
  MX_API_END();
}

int MXOpGetInputNames(MXOpHandle handle, uint32_t* out_size, const char*** out_names) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_size);
  MX_CHECK_OUT(out_names);
  mx::ExportStrings(mx::OpOf(handle)->input_names, &mx::Scratch().strings[0], out_size, out_names);
  MX_API_END();
}

int MXOpGetOutputNames(MXOpHandle handle, uint32_t* out_size, const char*** out_names) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_size);
  MX_CHECK_OUT(out_names);
  const mx::op::OpDef* op = mx::OpOf(handle);
  std::vector<std::string> names = op->output_names;
  if (names.empty() && !op->num_outputs_fn)
    for (int k = 0; k < op->num_outputs; ++k) names.push_back(op->num_outputs == 1 ? "output" : "output" + std::to_string(k));
  mx::ThreadScratch& s = mx::Scratch();
  s.owned = std::move(names);
  mx::ExportStrings(s.owned, &s.strings[0], out_size, out_names);
  MX_API_END();
}

int MXOpGetParams(MXOpHandle handle, uint32_t* out_num, const char*** out_names,
                  const char*** out_types, const char*** out_defaults, const char*** out_docs) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_num);
  const mx::op::OpDef* op = mx::OpOf(handle);
  mx::ThreadScratch& s = mx::Scratch();
  for (auto& v : s.strings) v.clear();
  for (const mx::op::ParamSpec& p : op->params) {
    s.strings[0].push_back(p.name.c_str());
    s.strings[1].push_back(p.type_info.c_str());
    s.strings[2].push_back(p.has_default ? p.default_value.c_str() : nullptr);
    s.strings[3].push_back(p.doc.c_str());
  }
  *out_num = static_cast<uint32_t>(op->params.size());
  if (out_names) *out_names = s.strings[0].data();
  if (out_types) *out_types = s.strings[1].data();
  if (out_defaults) *out_defaults = s.strings[2].data();
  if (out_docs) *out_docs = s.strings[3].data();
  MX_API_END();
}

int MXImperativeInvoke(MXOpHandle handle, int num_inputs, const MXNDArrayHandle* inputs,
                       int* num_outputs, MXNDArrayHandle** outputs, int num_params,
                       const char* const* param_keys, const char* const* param_vals) {
  MX_API_BEGIN();
  MX_CHECK_OUT(num_outputs);
  MX_CHECK_OUT(outputs);
  MX_CHECK(num_inputs >= 0 && (inputs != nullptr || num_inputs == 0), kValue, "invalid inputs");
  mx::EnsureRuntime();
  const mx::op::OpDef* op = mx::OpOf(handle);
  const std::shared_ptr<const mx::op::Attrs> attrs = ParseParams(op, num_params, param_keys, param_vals);

  std::vector<mx::NDArray> in;
  in.reserve(num_inputs);
  for (int i = 0; i < num_inputs; ++i) in.push_back(mx::ArrayOf(inputs[i], "input handle"));
  std::vector<mx::NDArray> out;
  // Rationale: the handles are copied before the op runs, because an op that
  // calls back into a frontend (Custom) may reuse the caller's buffers.
  std::vector<MXNDArrayHandle> given_handles;
  const bool given = *outputs != nullptr;
  if (given) {
    MX_CHECK(*num_outputs >= 0, kValue, "invalid number of outputs");
    given_handles.assign(*outputs, *outputs + *num_outputs);
    for (MXNDArrayHandle h : given_handles) out.push_back(mx::ArrayOf(h, "output handle"));
  }
  mx::imperative::Invoke(op, attrs, std::move(in), &out);
  if (given) {
    for (size_t k = 0; k < given_handles.size(); ++k) KeepEntry(out[k], given_handles[k]);
  } else {
    std::vector<MXNDArrayHandle>& handles = mx::Scratch().handles;
    handles.clear();
    const int visible = op->NumVisibleOutputs(*attrs);
    for (int k = 0; k < visible; ++k) handles.push_back(mx::NewHandle(std::move(out[k])));
    *num_outputs = static_cast<int>(handles.size());
    *outputs = handles.data();
  }
  MX_API_END();
}

int MXOpCallCreate(MXOpHandle handle, int num_params, const char* const* param_keys,
                   const char* const* param_vals, MXOpCallHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  mx::EnsureRuntime();
  const mx::op::OpDef* op = mx::OpOf(handle);
  *out = new MXOpCall_{kLiveCall, op, ParseParams(op, num_params, param_keys, param_vals)};
  MX_API_END();
}

int MXOpCallFree(MXOpCallHandle call) {
  MX_API_BEGIN();
  if (call) {
    CallOf(call);
    call->magic = 0;
    call->attrs.reset();
    mx::Park(call, [](void* c) { delete static_cast<MXOpCallHandle>(c); });
  }
  MX_API_END();
}

int MXOpCallGetNumOutputs(MXOpCallHandle handle, int* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  const MXOpCall_& call = CallOf(handle);
  *out = call.op->NumVisibleOutputs(*call.attrs);
  MX_API_END();
}

int MXOpCallInvoke(MXOpCallHandle handle, int num_inputs, const MXNDArrayHandle* inputs,
                   int num_outputs, MXNDArrayHandle* outputs) {
  MX_API_BEGIN();
  const MXOpCall_& call = CallOf(handle);
  MX_CHECK(num_inputs >= 0 && (inputs != nullptr || num_inputs == 0), kValue, "invalid inputs");
  MX_CHECK(num_outputs >= 0 && (outputs != nullptr || num_outputs == 0), kValue, "invalid outputs");
  const int expected = call.op->NumVisibleOutputs(*call.attrs);
  MX_CHECK(num_outputs == expected, kValue, "operator ", call.op->name, " has ", expected,
           " output(s), got ", num_outputs, " output slots");
  std::vector<mx::NDArray> in;
  in.reserve(num_inputs);
  for (int i = 0; i < num_inputs; ++i) in.push_back(mx::ArrayOf(inputs[i], "input handle"));
  std::vector<mx::NDArray> out(num_outputs);
  // A copy of the slots (see MXImperativeInvoke), on the stack: this is the
  // frontends' fast path.
  constexpr int kStackSlots = 8;
  MXNDArrayHandle stack[kStackSlots];
  std::vector<MXNDArrayHandle> heap;
  MXNDArrayHandle* slots = num_outputs <= kStackSlots ? stack : (heap.resize(num_outputs), heap.data());
  std::copy(outputs, outputs + num_outputs, slots);
  for (int k = 0; k < num_outputs; ++k)
    if (slots[k]) out[k] = mx::ArrayOf(slots[k], "output handle");
  mx::imperative::Invoke(call.op, call.attrs, std::move(in), &out);
  for (int k = 0; k < num_outputs; ++k) {
    if (slots[k]) KeepEntry(out[k], slots[k]);
    else outputs[k] = mx::NewHandle(std::move(out[k]));
  }
  MX_API_END();
}

}  // extern "C"
