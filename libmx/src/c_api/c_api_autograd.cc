// Autograd functions of the C ABI.
#include "c_api/api_guard.h"
#include "c_api/handle.h"
#include "imperative/autograd.h"
#include "ops/op.h"

namespace ag = mx::imperative;

namespace {

std::vector<mx::NDArray> Arrays(uint32_t num, MXNDArrayHandle* handles, const char* what,
                                bool allow_null) {
  MX_CHECK(handles != nullptr || num == 0, kValue, what, " is NULL");
  std::vector<mx::NDArray> out;
  for (uint32_t i = 0; i < num; ++i)
    out.push_back(allow_null && !handles[i] ? mx::NDArray() : mx::ArrayOf(handles[i], what));
  return out;
}

}  // namespace

extern "C" {

int MXAutogradSetIsRecording(int is_recording, int* prev) {
  MX_API_BEGIN();
  const bool was = ag::SetRecording(is_recording != 0);
  if (prev) *prev = was;
  MX_API_END();
}

int MXAutogradSetIsTraining(int is_training, int* prev) {
  MX_API_BEGIN();
  const bool was = ag::SetTraining(is_training != 0);
  if (prev) *prev = was;
  MX_API_END();
}

int MXAutogradIsRecording(int* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = ag::IsRecording();
  MX_API_END();
}

int MXAutogradIsTraining(int* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = ag::IsTraining();
  MX_API_END();
}

int MXAutogradMarkVariables(uint32_t num, MXNDArrayHandle* vars, const int* grad_reqs,
                            MXNDArrayHandle* grads) {
  MX_API_BEGIN();
  MX_CHECK((vars && grad_reqs && grads) || num == 0, kValue, "vars, grad_reqs or grads is NULL");
  for (uint32_t i = 0; i < num; ++i) {
    mx::NDArray& var = mx::ArrayOf(vars[i], "variable handle");
    const mx::NDArray grad = grads[i] ? mx::ArrayOf(grads[i], "gradient handle") : mx::NDArray();
    MX_CHECK(grads[i] || grad_reqs[i] == ag::kNullOp, kValue, "variable ", i,
             " has no gradient array but grad_req ", grad_reqs[i]);
    ag::MarkVariable(&var, grad, grad_reqs[i]);
  }
  MX_API_END();
}

int MXAutogradBackward(uint32_t num_heads, MXNDArrayHandle* heads, MXNDArrayHandle* head_grads,
                       uint32_t num_variables, MXNDArrayHandle* variables, int retain_graph,
                       int create_graph, int is_train, MXNDArrayHandle** out_grads) {
  MX_API_BEGIN();
  MX_CHECK(num_variables == 0 || out_grads != nullptr, kValue, "out_grads is NULL");
  const std::vector<mx::NDArray> ys = Arrays(num_heads, heads, "head handle", false);
  const std::vector<mx::NDArray> ograds =
      head_grads ? Arrays(num_heads, head_grads, "head gradient handle", true) : std::vector<mx::NDArray>();
  const std::vector<mx::NDArray> xs = Arrays(num_variables, variables, "variable handle", false);
  std::vector<mx::NDArray> grads =
      ag::Backward(ys, ograds, xs, retain_graph != 0, create_graph != 0, is_train != 0);
  if (num_variables > 0) {
    std::vector<MXNDArrayHandle>& handles = mx::Scratch().handles;
    handles.clear();
    for (mx::NDArray& g : grads) handles.push_back(mx::NewHandle(std::move(g)));
    *out_grads = handles.data();
  }
  MX_API_END();
}

int MXOpHasGradient(MXOpHandle op, int* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = mx::OpOf(op)->gradient != nullptr;
  MX_API_END();
}

int MXNDArrayGetGrad(MXNDArrayHandle handle, MXNDArrayHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  const mx::NDArray& a = mx::ArrayOf(handle);
  const auto& node = a.ag_node();
  const bool has = node && node->ag && node->ag->marked && !node->ag->grad.is_none();
  *out = has ? mx::NewHandle(node->ag->grad) : nullptr;
  MX_API_END();
}

int MXNDArrayGetGradState(MXNDArrayHandle handle, int* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  const auto& node = mx::ArrayOf(handle).ag_node();
  *out = node && node->ag && node->ag->marked && node->ag->fresh_grad;
  MX_API_END();
}

int MXNDArraySetGradState(MXNDArrayHandle handle, int state) {
  MX_API_BEGIN();
  const auto& node = mx::ArrayOf(handle).ag_node();
  MX_CHECK(node && node->ag && node->ag->marked, kValue,
           "NDArray has not been marked as a variable and does not have gradient state");
  node->ag->fresh_grad = state != 0;
  MX_API_END();
}

int MXNDArrayDetach(MXNDArrayHandle handle, MXNDArrayHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = mx::NewHandle(mx::ArrayOf(handle).Detach());
  MX_API_END();
}

int MXAutogradGetSymbol(MXNDArrayHandle handle, MXSymbolHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = mx::NewSymbolHandle(ag::GetSymbol(mx::ArrayOf(handle)));
  MX_API_END();
}

}  // extern "C"
