// Executor functions of the C ABI.
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "c_api/api_guard.h"
#include "c_api/handle.h"
#include "executor/graph_executor.h"

struct MXExecutor_ {
  uint64_t magic;
  std::unique_ptr<mx::executor::GraphExecutor> exec;
};

namespace {

constexpr uint64_t kLiveExecutor = 0x4d58'4578'6563'7574ull;  // "MXExecut"

mx::executor::GraphExecutor& ExecOf(MXExecutorHandle h) {
  MX_CHECK(h != nullptr, kHandle, "executor handle is NULL");
  MX_CHECK(h->magic == kLiveExecutor, kHandle, "executor handle is not live (already freed?)");
  return *h->exec;
}

std::vector<mx::NDArray> Arrays(uint32_t num, MXNDArrayHandle* handles, const char* what, bool allow_null) {
  MX_CHECK(handles != nullptr || num == 0 || allow_null, kValue, what, " is NULL");
  std::vector<mx::NDArray> out;
  for (uint32_t i = 0; i < num; ++i)
    out.push_back(!handles || (allow_null && !handles[i]) ? mx::NDArray() : mx::ArrayOf(handles[i], what));
  return out;
}

bool EnvFlag(const char* name, bool fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return !(std::strcmp(v, "0") == 0 || std::strcmp(v, "false") == 0 || std::strcmp(v, "False") == 0);
}

int DefaultPlanFlags() {
  return mx::graph::kPlanCoshare | (EnvFlag("MXNET_EXEC_ENABLE_INPLACE", true) ? mx::graph::kPlanInplace : 0) |
         (EnvFlag("MXNET_BACKWARD_DO_MIRROR", false) ? mx::graph::kPlanMirror : 0);
}

}  // namespace

extern "C" {

int MXExecutorBind(MXSymbolHandle symbol, int dev_type, int dev_id, uint32_t num_args,
                   MXNDArrayHandle* args, MXNDArrayHandle* arg_grads, const int* grad_reqs,
                   uint32_t num_aux, MXNDArrayHandle* aux, int memory_flags, MXExecutorHandle* out) {
  return MXExecutorBindGroups(symbol, dev_type, dev_id, 0, nullptr, nullptr, nullptr, num_args, args,
                              arg_grads, grad_reqs, num_aux, aux, memory_flags, out);
}

int MXExecutorBindGroups(MXSymbolHandle symbol, int dev_type, int dev_id, uint32_t num_groups,
                         const char** group_names, const int* group_dev_types, const int* group_dev_ids,
                         uint32_t num_args, MXNDArrayHandle* args, MXNDArrayHandle* arg_grads,
                         const int* grad_reqs, uint32_t num_aux, MXNDArrayHandle* aux, int memory_flags,
                         MXExecutorHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK(memory_flags == MX_PLAN_DEFAULT || (memory_flags >= 0 && memory_flags <= 7), kValue,
           "invalid memory_flags ", memory_flags);
  MX_CHECK(num_groups == 0 || (group_names && group_dev_types && group_dev_ids), kValue,
           "bind: group_names, group_dev_types or group_dev_ids is NULL");
  mx::EnsureRuntime();
  const mx::graph::Symbol& sym = mx::SymbolOf(symbol);
  std::map<std::string, mx::Context> group2ctx;
  for (uint32_t i = 0; i < num_groups; ++i) {
    MX_CHECK(group_names[i] != nullptr, kValue, "bind: group name ", i, " is NULL");
    group2ctx[group_names[i]] = mx::DeviceOf(group_dev_types[i], group_dev_ids[i]);
  }
  std::vector<int> reqs(num_args, 0);
  if (grad_reqs) reqs.assign(grad_reqs, grad_reqs + num_args);
  auto exec = std::make_unique<mx::executor::GraphExecutor>(
      sym, mx::DeviceOf(dev_type, dev_id), Arrays(num_args, args, "argument handle", false),
      Arrays(num_args, arg_grads, "gradient handle", true), std::move(reqs),
      Arrays(num_aux, aux, "auxiliary state handle", false),
      memory_flags == MX_PLAN_DEFAULT ? DefaultPlanFlags() : memory_flags, std::move(group2ctx));
  *out = new MXExecutor_{kLiveExecutor, std::move(exec)};
  MX_API_END();
}

int MXExecutorFree(MXExecutorHandle handle) {
  MX_API_BEGIN();
  if (handle) {
    ExecOf(handle);
    handle->magic = 0;
    handle->exec.reset();
    mx::Park(handle, [](void* h) { delete static_cast<MXExecutorHandle>(h); });
  }
  MX_API_END();
}

int MXExecutorForward(MXExecutorHandle handle, int is_train) {
  MX_API_BEGIN();
  ExecOf(handle).Forward(is_train != 0);
  MX_API_END();
}

int MXExecutorBackward(MXExecutorHandle handle, uint32_t num, MXNDArrayHandle* head_grads, int is_train) {
  MX_API_BEGIN();
  mx::executor::GraphExecutor& exec = ExecOf(handle);
  exec.Backward(Arrays(head_grads ? num : 0, head_grads, "head gradient handle", true), is_train != 0);
  MX_API_END();
}

int MXExecutorOutputs(MXExecutorHandle handle, uint32_t* out_size, MXNDArrayHandle** out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_size);
  MX_CHECK_OUT(out);
  std::vector<MXNDArrayHandle>& handles = mx::Scratch().handles;
  handles.clear();
  for (const mx::NDArray& a : ExecOf(handle).outputs()) handles.push_back(mx::NewHandle(a));
  *out_size = static_cast<uint32_t>(handles.size());
  *out = handles.data();
  MX_API_END();
}

int MXExecutorPrint(MXExecutorHandle handle, const char** out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  std::string& text = mx::Scratch().bytes;
  text = ExecOf(handle).DebugString();
  *out = text.c_str();
  MX_API_END();
}

int MXExecutorGetMemoryPlan(MXExecutorHandle handle, int64_t* planned_bytes, int64_t* naive_bytes,
                            int* inplace_count, int* coshare_count) {
  MX_API_BEGIN();
  const mx::graph::MemoryPlan& plan = ExecOf(handle).plan();
  if (planned_bytes) *planned_bytes = static_cast<int64_t>(plan.planned_bytes);
  if (naive_bytes) *naive_bytes = static_cast<int64_t>(plan.naive_bytes);
  if (inplace_count) *inplace_count = plan.inplace_count;
  if (coshare_count) *coshare_count = plan.coshare_count;
  MX_API_END();
}

int MXExecutorSetMonitorCallback(MXExecutorHandle handle, MXExecutorMonitorFn callback, void* data,
                                 int monitor_all) {
  MX_API_BEGIN();
  mx::executor::GraphExecutor& exec = ExecOf(handle);
  if (!callback) {
    exec.SetMonitor(nullptr, false);
    return 0;
  }
  exec.SetMonitor([callback, data](const std::string& name, const mx::NDArray& array) {
    callback(name.c_str(), mx::NewHandle(array), data);
  }, monitor_all != 0);
  MX_API_END();
}

}  // extern "C"
