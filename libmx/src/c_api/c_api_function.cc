// autograd.Function through the C ABI: MXAutogradRecordFunction records a
// _CustomFunction node for outputs a frontend computed; the gradient pass
// turns it into _CustomFunctionBackward, a host op that calls the frontend's
// backward on the thread running the backward pass.
#include <atomic>
#include <mutex>
#include <unordered_map>

#include "c_api/api_guard.h"
#include "c_api/frontend_release.h"
#include "c_api/handle.h"
#include "imperative/autograd.h"
#include "imperative/host_op.h"

namespace {

struct Function {
  Function(MXFunctionBackwardFn b, MXFunctionFreeFn f, void* s) : backward(b), free_state(f), state(s) {}
  Function(const Function&) = delete;  // the state is released once, by the one owner
  Function& operator=(const Function&) = delete;
  MXFunctionBackwardFn backward;
  MXFunctionFreeFn free_state;
  void* state;
  ~Function() {
    mx::ReleaseToFrontend(free_state, state);
  }
};

std::mutex registry_mu;
std::unordered_map<int64_t, std::weak_ptr<Function>>& Registry() {
  static auto* map = new std::unordered_map<int64_t, std::weak_ptr<Function>>();
  return *map;
}
std::atomic<int64_t> next_id{1};

std::shared_ptr<Function> Find(int64_t id) {
  std::lock_guard<std::mutex> lock(registry_mu);
  auto it = Registry().find(id);
  std::shared_ptr<Function> fn = it == Registry().end() ? nullptr : it->second.lock();
  if (!fn && it != Registry().end()) Registry().erase(it);
  return fn;
}

void RunBackward(const mx::imperative::HostCall& call) {
  const std::vector<mx::NDArray>& ograds = call.inputs;
  std::vector<mx::NDArray>* igrads = call.outputs;
  std::shared_ptr<Function> fn = Find(call.attrs.Int("id"));
  MX_CHECK(fn != nullptr, kValue, "the Function's recorded graph is gone");
  std::vector<MXNDArrayHandle> in, out(igrads->size(), nullptr);
  for (const mx::NDArray& g : ograds) in.push_back(mx::NewHandle(g.Detach()));
  const int rc = fn->backward(fn->state, static_cast<uint32_t>(in.size()), in.data(),
                              static_cast<uint32_t>(out.size()), out.data());
  std::string message = rc == 0 ? "" : MXGetLastError();
  for (size_t i = 0; i < out.size(); ++i) {
    if (!out[i]) continue;
    if (rc == 0 && out[i]->magic == mx::kLiveHandle) (*igrads)[i] = out[i]->array.Detach();
    MXNDArrayFree(out[i]);
  }
  MX_CHECK(rc == 0, kCallback, "Function backward failed: ", message);
  for (size_t i = 0; i < igrads->size(); ++i)
    MX_CHECK(!(*igrads)[i].is_none(), kValue, "Function backward returned no gradient for input ", i);
}

const bool registered = mx::imperative::RegisterHostOp("_CustomFunctionBackward", {RunBackward, nullptr});

}  // namespace

extern "C" {

int MXAutogradRecordFunction(uint32_t num_inputs, MXNDArrayHandle* inputs, uint32_t num_outputs,
                             MXNDArrayHandle* outputs, MXFunctionBackwardFn backward,
                             MXFunctionFreeFn free_state, void* state) {
  MX_API_BEGIN();
  auto fn = std::make_shared<Function>(backward, free_state, state);
  MX_CHECK(backward != nullptr, kValue, "backward is NULL");
  MX_CHECK((inputs || num_inputs == 0) && (outputs || num_outputs == 0), kValue,
           "inputs or outputs is NULL");
  std::vector<mx::NDArray> in, out;
  for (uint32_t i = 0; i < num_inputs; ++i) in.push_back(mx::ArrayOf(inputs[i], "input handle"));
  for (uint32_t k = 0; k < num_outputs; ++k) out.push_back(mx::ArrayOf(outputs[k], "output handle"));
  if (!mx::imperative::IsRecording() || num_outputs == 0) return 0;
  const int64_t id = next_id++;
  const mx::op::OpDef* op = mx::op::Registry::Get().FindOrThrow("_CustomFunction");
  const std::string args = std::to_string(num_inputs), outs = std::to_string(num_outputs),
                    id_text = std::to_string(id);
  const char* keys[] = {"num_args", "num_outputs", "id"};
  const char* vals[] = {args.c_str(), outs.c_str(), id_text.c_str()};
  const auto attrs = mx::op::Attrs::Parse(op, 3, keys, vals);
  mx::imperative::RecordOp(op, attrs, in, &out);
  if (!out[0].ag_node()) return 0;  // no input is in a graph: nothing to differentiate
  out[0].ag_node()->ag->keep_alive = fn;
  {
    std::lock_guard<std::mutex> lock(registry_mu);
    Registry()[id] = fn;
  }
  for (uint32_t k = 0; k < num_outputs; ++k)
    mx::ArrayOf(outputs[k]).set_ag_entry(out[k].ag_node(), out[k].ag_index());
  MX_API_END();
}

}  // extern "C"
