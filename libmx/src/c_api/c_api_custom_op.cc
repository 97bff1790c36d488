// Custom operators through the C ABI: MXCustomOpRegister keeps a frontend's
// callback table as a custom op type (ops/custom/custom_op_prop.h), whose
// property objects give the Custom op its meaning, and Custom /
// _backward_Custom are stateful host ops that run the frontend's operator
// on the calling thread.
//
// Rationale: running the callbacks on the thread that reaches the op (as
// MXNet's own frontends could not, for lack of re-entrancy) keeps ordering
// entirely in the engine: the frontend's forward pushes ordinary ops on the
// arrays it is given, so they follow pending writes to the inputs and
// precede later readers of the outputs, with the threaded or the naive
// engine, in executors and under autograd.  No engine thread ever waits on
// a frontend, so nothing can deadlock on a frontend's lock (Python's GIL).
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "c_api/api_guard.h"
#include "c_api/frontend_release.h"
#include "c_api/handle.h"
#include "imperative/autograd.h"
#include "imperative/host_op.h"
#include "ops/custom/custom_op_prop.h"

namespace {

using mx::NDArray;
using mx::Shape;
using mx::op::CustomOpProp;
using Kwargs = std::vector<std::pair<std::string, std::string>>;

constexpr int kRow = Shape::kMaxNDim;  // int64_t per shape in callback buffers

// Fails with the frontend's message when a callback returned non-zero.
void CheckCallback(int rc, const std::string& op_type, const char* callback) {
  if (rc == 0) return;
  const std::string message = MXGetLastError();
  mx::Throw(mx::ErrorKind::kCallback, "Custom operator '", op_type, "' ", callback, " failed: ",
            message.empty() ? "the callback reported an error without a message" : message);
}

// Clears the thread's last error, so a callback that fails without setting
// one is not blamed for an older message.
void ClearLastError() { mx::SetLastError(mx::ErrorKind::kNone, ""); }

// Frontend code run by forward and backward is not recorded by autograd
// (MXNet runs it on a thread of its own, where recording is off).
class NotRecording {
 public:
  NotRecording() : previous_(mx::imperative::SetRecording(false)) {}
  ~NotRecording() { mx::imperative::SetRecording(previous_); }

 private:
  bool previous_;
};

std::vector<std::string> Strings(uint32_t num, const char* const* items, const std::string& op_type,
                                 const char* what) {
  MX_CHECK(items != nullptr || num == 0, kValue, "Custom operator '", op_type, "': ", what, " is NULL");
  std::vector<std::string> out;
  for (uint32_t i = 0; i < num; ++i) {
    MX_CHECK(items[i] != nullptr, kValue, "Custom operator '", op_type, "': ", what, " ", i, " is NULL");
    out.push_back(items[i]);
  }
  return out;
}

// A registered type: the frontend's table.
class CallbackType : public mx::op::CustomOpType, public std::enable_shared_from_this<CallbackType> {
 public:
  explicit CallbackType(const MXCustomOpType& table) : table_(table) {}
  CallbackType(const CallbackType&) = delete;  // free_state runs once, by the one owner
  CallbackType& operator=(const CallbackType&) = delete;
  ~CallbackType() override {
    mx::ReleaseToFrontend(table_.free_state, table_.state);
  }
  const MXCustomOpType& table() const { return table_; }

  std::shared_ptr<const CustomOpProp> CreateProp(const std::string& op_type, const Kwargs& kwargs) const override;

 private:
  MXCustomOpType table_;
};

// One node's property object; owns the frontend's prop.
class CallbackProp : public CustomOpProp {
 public:
  CallbackProp(std::shared_ptr<const CallbackType> type, void* handle) : type_(std::move(type)), handle_(handle) {}
  CallbackProp(const CallbackProp&) = delete;
  CallbackProp& operator=(const CallbackProp&) = delete;
  ~CallbackProp() override {
    mx::ReleaseToFrontend(type_->table().free_prop, handle_);
  }
  const MXCustomOpType& table() const { return type_->table(); }
  void* handle() const { return handle_; }

  void InferShape(std::vector<Shape>* shapes) const override {
    const size_t n = shapes->size();
    std::vector<int> ndims(n);
    std::vector<int64_t> dims(n * kRow, -1);
    for (size_t i = 0; i < n; ++i) {
      const Shape& s = (*shapes)[i];
      ndims[i] = s.ndim();
      for (int d = 0; d < s.ndim(); ++d) dims[i * kRow + d] = s[d];
    }
    ClearLastError();
    CheckCallback(table().infer_shape(handle_, static_cast<uint32_t>(n), ndims.data(), dims.data()), op_type,
                  "infer_shape");
    for (size_t i = 0; i < n; ++i) {
      MX_CHECK(ndims[i] >= -1 && ndims[i] <= kRow, kValue, "Custom operator '", op_type,
               "' infer_shape returned ", ndims[i], " dimensions for shape ", i);
      (*shapes)[i] = ndims[i] < 0 ? Shape::Unknown() : Shape(&dims[i * kRow], ndims[i]);
    }
  }

  void InferType(std::vector<int>* dtypes) const override {
    ClearLastError();
    CheckCallback(table().infer_type(handle_, static_cast<uint32_t>(dtypes->size()), dtypes->data()), op_type,
                  "infer_type");
  }

 private:
  std::shared_ptr<const CallbackType> type_;
  void* handle_;
};

std::shared_ptr<const CustomOpProp> CallbackType::CreateProp(const std::string& op_type,
                                                             const Kwargs& kwargs) const {
  std::vector<const char*> keys, vals;
  for (const auto& kv : kwargs) {
    keys.push_back(kv.first.c_str());
    vals.push_back(kv.second.c_str());
  }
  MXCustomOpPropInfo info;
  std::memset(&info, 0, sizeof(info));
  info.struct_size = sizeof(info);
  ClearLastError();
  CheckCallback(table_.create_prop(table_.state, op_type.c_str(), static_cast<uint32_t>(keys.size()),
                                   keys.data(), vals.data(), &info),
                op_type, "create_prop");
  // Owned at once, so a bad description below still frees the frontend's prop.
  auto prop = std::make_shared<CallbackProp>(shared_from_this(), info.prop);
  prop->op_type = op_type;
  prop->arguments = Strings(info.num_arguments, info.arguments, op_type, "argument name");
  prop->outputs = Strings(info.num_outputs, info.outputs, op_type, "output name");
  prop->aux_states = Strings(info.num_aux_states, info.aux_states, op_type, "auxiliary state name");
  MX_CHECK(info.backward_deps != nullptr || info.num_backward_deps == 0, kValue, "Custom operator '",
           op_type, "': backward_deps is NULL");
  prop->backward_deps.assign(info.backward_deps, info.backward_deps + info.num_backward_deps);
  return prop;
}

// The operator of one node: made at bind or per imperative call, used by
// the forward and then by the backward of the same node.
struct OperatorState {
  std::shared_ptr<const CallbackProp> prop;
  void* op = nullptr;
  mx::Context ctx;
  std::vector<Shape> in_shapes;  // for the gradients backward makes imperatively
  std::vector<int> in_dtypes;

  OperatorState() = default;
  OperatorState(const OperatorState&) = delete;
  OperatorState& operator=(const OperatorState&) = delete;
  ~OperatorState() {
    if (op) mx::ReleaseToFrontend(prop->table().free_operator, op);
  }
};

std::shared_ptr<const CallbackProp> CallbackPropOf(const mx::op::Attrs& attrs) {
  auto prop = std::dynamic_pointer_cast<const CallbackProp>(attrs.parsed<CustomOpProp>());
  MX_CHECK(prop != nullptr, kInternal, "Custom node without a registered type's property object");
  return prop;
}

mx::imperative::OpState CreateOperator(const mx::op::Attrs& attrs, mx::Context ctx,
                                       const std::vector<Shape>& in_shapes, const std::vector<int>& in_dtypes) {
  auto state = std::make_shared<OperatorState>();
  state->prop = CallbackPropOf(attrs);
  state->ctx = ctx;
  state->in_shapes = in_shapes;
  state->in_dtypes = in_dtypes;
  const size_t n = in_shapes.size();
  std::vector<int> ndims(n);
  std::vector<int64_t> dims(n * kRow, -1);
  for (size_t i = 0; i < n; ++i) {
    ndims[i] = in_shapes[i].ndim();
    for (int d = 0; d < in_shapes[i].ndim(); ++d) dims[i * kRow + d] = in_shapes[i][d];
  }
  const CallbackProp& prop = *state->prop;
  ClearLastError();
  CheckCallback(prop.table().create_operator(prop.handle(), ctx.ToString().c_str(), static_cast<uint32_t>(n),
                                             ndims.data(), dims.data(), in_dtypes.data(), &state->op),
                prop.op_type, "create_operator");
  return state;
}

// The arrays of one forward or backward call, as handles the callee owns.
class CallArrays {
 public:
  CallArrays() = default;
  CallArrays(const CallArrays&) = delete;
  CallArrays& operator=(const CallArrays&) = delete;
  // Handles the callback never received (it was not reached) are freed here.
  ~CallArrays() {
    if (!handed_over_)
      for (MXNDArrayHandle h : handles_) MXNDArrayFree(h);
  }
  void Add(const NDArray& array, int tag) {
    handles_.push_back(array.is_none() ? nullptr : mx::NewHandle(array.Detach()));
    tags_.push_back(tag);
  }
  // Passes ownership of the handles to the callback.
  MXNDArrayHandle* HandOver() {
    handed_over_ = true;
    return handles_.data();
  }
  uint32_t size() const { return static_cast<uint32_t>(handles_.size()); }
  const int* tags() const { return tags_.data(); }

 private:
  std::vector<MXNDArrayHandle> handles_;
  std::vector<int> tags_;
  bool handed_over_ = false;
};

const OperatorState& StateOf(const mx::imperative::HostCall& call) {
  return *static_cast<const OperatorState*>(call.state.get());
}

void RunForward(const mx::imperative::HostCall& call) {
  const OperatorState& state = StateOf(call);
  const CallbackProp& prop = *state.prop;
  const size_t n_args = prop.arguments.size();
  for (size_t k = 0; k < call.outputs->size(); ++k)
    MX_CHECK(!(*call.outputs)[k].is_none(), kValue, "Custom operator '", prop.op_type,
             "': infer_shape and infer_type give no shape or dtype for output '", prop.outputs[k], "'");
  CallArrays arrays;
  for (size_t i = 0; i < n_args; ++i) arrays.Add(call.inputs[i], MX_CUSTOM_IN_DATA);
  for (const NDArray& out : *call.outputs) arrays.Add(out, MX_CUSTOM_OUT_DATA);
  for (size_t j = n_args; j < call.inputs.size(); ++j) arrays.Add(call.inputs[j], MX_CUSTOM_AUX);
  NotRecording scope;
  ClearLastError();
  const uint32_t num = arrays.size();
  CheckCallback(prop.table().forward(state.op, call.is_train ? 1 : 0, num, arrays.HandOver(), arrays.tags(),
                                     call.req.data()),
                prop.op_type, "forward");
}

void RunBackward(const mx::imperative::HostCall& call) {
  const OperatorState& state = StateOf(call);
  const CallbackProp& prop = *state.prop;
  const size_t n_out = prop.outputs.size(), n_args = prop.arguments.size();
  const std::vector<int>& deps = prop.backward_deps;
  // Gradients nobody gave are made like the arguments they belong to.
  for (size_t i = 0; i < n_args; ++i)
    if ((*call.outputs)[i].is_none()) (*call.outputs)[i] = NDArray(state.in_shapes[i], state.ctx, state.in_dtypes[i]);
  std::vector<NDArray> slots(2 * n_out + n_args);  // out_grad, in_data, out_data
  for (size_t d = 0; d < deps.size(); ++d) slots[deps[d]] = call.inputs[d];
  CallArrays arrays;
  for (size_t s = 0; s < slots.size(); ++s)
    arrays.Add(slots[s], s < n_out ? MX_CUSTOM_OUT_GRAD : s < n_out + n_args ? MX_CUSTOM_IN_DATA : MX_CUSTOM_OUT_DATA);
  for (const NDArray& grad : *call.outputs) arrays.Add(grad, MX_CUSTOM_IN_GRAD);
  for (size_t j = deps.size(); j < call.inputs.size(); ++j) arrays.Add(call.inputs[j], MX_CUSTOM_AUX);
  NotRecording scope;
  ClearLastError();
  const uint32_t num = arrays.size();
  CheckCallback(prop.table().backward(state.op, call.is_train ? 1 : 0, num, arrays.HandOver(), arrays.tags(),
                                      call.req.data()),
                prop.op_type, "backward");
}

const bool registered_forward = mx::imperative::RegisterHostOp("Custom", {RunForward, CreateOperator});
const bool registered_backward =
    mx::imperative::RegisterHostOp("_backward_Custom", {RunBackward, nullptr, /*adds_to_outputs=*/true});

}  // namespace

extern "C" {

int MXCustomOpRegister(const char* op_type, const MXCustomOpType* type) {
  MX_API_BEGIN();
  MX_CHECK(op_type != nullptr && *op_type != '\0', kValue, "custom operator name is NULL or empty");
  MX_CHECK(type != nullptr, kValue, "custom operator '", op_type, "': callback table is NULL");
  MX_CHECK(type->struct_size >= sizeof(MXCustomOpType), kValue, "custom operator '", op_type,
           "': callback table has struct_size ", type->struct_size, ", this library needs ",
           sizeof(MXCustomOpType));
  const struct {
    const void* fn;
    const char* name;
  } required[] = {{reinterpret_cast<const void*>(type->create_prop), "create_prop"},
                  {reinterpret_cast<const void*>(type->infer_shape), "infer_shape"},
                  {reinterpret_cast<const void*>(type->infer_type), "infer_type"},
                  {reinterpret_cast<const void*>(type->create_operator), "create_operator"},
                  {reinterpret_cast<const void*>(type->forward), "forward"},
                  {reinterpret_cast<const void*>(type->backward), "backward"}};
  for (const auto& r : required)
    MX_CHECK(r.fn != nullptr, kValue, "custom operator '", op_type, "': callback ", r.name, " is NULL");
  mx::op::RegisterCustomOpType(op_type, std::make_shared<CallbackType>(*type));
  MX_API_END();
}

}  // extern "C"
