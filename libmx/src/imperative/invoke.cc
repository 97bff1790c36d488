#include "imperative/invoke.h"

#include <cstring>

#include "common/dtype.h"
#include "common/error.h"
#include "device/device.h"
#include "device/stream.h"
#include "imperative/autograd.h"
#include "imperative/host_op.h"
#include "ndarray/device_copy.h"
#include "plugin/kernel_table.h"
#include "plugin/loader.h"
#include "random/seed.h"

namespace mx {
namespace imperative {

namespace {

// Where an op runs once nothing it touches is pending (engine::InlinePolicy),
// by the number of elements it produces.
//
// Rationale, measured on a 2-core machine (an add of n float32 followed by a
// wait, min of interleaved runs): handing an op to a worker costs two thread
// wake-ups (the worker's, then the waiting caller's), 15-50 us, and the
// caller's thread computes as fast as a worker (the kernels' ParallelFor pool
// serves either).  A worker that spins before sleeping did not close the gap
// (1M add: 93 us spinning 200 us, 92 us not, 77 us inline): the caller still
// sleeps, and two workers running big ops at once share the cores anyway.
//  * Up to kInlineElements: inline whenever the vars are idle; the op costs
//    less than one wake-up.
//  * Up to kInlineWhenIdleElements (an add of 4M takes ~1 ms): inline only
//    when no other op is pending anywhere, so there is nothing the caller
//    could overlap with except its own Python code.  1M add + wait: 0.16 ->
//    0.075 ms (PyTorch 0.08); ten independent 1M adds + waitall: 1.4 ->
//    0.73 ms; a chain of 20: 3.0 -> 1.3 ms.  Given up: the caller running
//    ahead while the op computes (1M add next to 0.8 ms of numpy work: 0.83
//    -> 0.94 ms).  When other work is pending the op goes to a worker, as
//    before: the engine keeps overlapping independent work.
//  * Bigger: always a worker.  The hand-off is a few percent of the op, and
//    the caller's own work overlaps it (16M add next to 13 ms of numpy work:
//    13 ms on a worker, 20 ms inline).
constexpr int64_t kInlineElements = 1 << 15;
constexpr int64_t kInlineWhenIdleElements = 1 << 22;

engine::InlinePolicy InlinePolicyFor(int64_t out_elements) {
  if (out_elements <= kInlineElements) return engine::InlinePolicy::kAlways;
  if (out_elements <= kInlineWhenIdleElements) return engine::InlinePolicy::kWhenIdle;
  return engine::InlinePolicy::kNever;
}

// Stack storage for the DLTensors of a call frame.
constexpr int kFrameTensors = 8;

// A copy (op::OpDef::cross_device) the device moves as bytes: from or to a
// GPU, except a dtype conversion on one GPU, which takes a kernel.
bool IsDeviceTransfer(const NDArray& from, const NDArray& to) {
  if (to.is_none() || (from.ctx().is_cpu() && to.ctx().is_cpu())) return false;
  return from.ctx() != to.ctx() || from.dtype() == to.dtype();
}

// The device an op runs on and makes its outputs on: its inputs' (input
// 0's id among CPU contexts), or its ctx parameter.
// Rationale (MXNet's GetContext): all CPU contexts are one address space,
// so a CPU op takes inputs from any of them; and pinned memory is for
// transfers, so an op on a cpu_pinned(0) array makes cpu(0) arrays -- only
// an op without inputs (zeros, random) makes them where ctx says.
Context OutputContext(const op::OpDef* op, const op::Attrs& attrs, const std::vector<NDArray>& inputs) {
  if (!inputs.empty()) {
    const Context ctx = inputs[0].ctx();
    for (size_t i = 1; i < inputs.size(); ++i)
      MX_CHECK(inputs[i].ctx().SharesAddressSpace(ctx), kValue, "operator ", op->name, ": input ", i,
               " is on ", inputs[i].ctx().ToString(), " but input 0 is on ", ctx.ToString());
    return ctx.ComputeDevice();
  }
  for (const MXAttr& a : attrs.values())
    if (std::strcmp(a.name, "ctx") == 0 && a.s && *a.s) return Context::Parse(a.s);
  return Context::CPU();
}

// Everything one pushed kernel call needs, owned by the engine closure.
// Rationale: one allocation per call (the closure holds a shared_ptr, which
// fits std::function's inline buffer) instead of one per captured vector.
struct KernelCallRecord {
  const Kernel* kernel;
  const op::OpDef* op;
  std::shared_ptr<const op::Attrs> attrs;
  std::vector<NDArray> inputs;
  std::vector<NDArray> outputs;
  std::vector<int32_t> req;
  uint64_t seed;
  bool is_train;
  Context ctx;  // where the kernel computes (its workspace's device)
  device::Stream* stream;  // a GPU's compute stream; nullptr on the CPU
  // Freed with the record, i.e. once the op completed: a GPU kernel may
  // still use it after its launch returned.
  mutable StorageHandle workspace;

  ~KernelCallRecord() { Storage::Free(workspace); }

  void Run() const {
    DLTensor in_stack[kFrameTensors], out_stack[kFrameTensors];
    std::vector<DLTensor> in_heap, out_heap;
    DLTensor* in = in_stack;
    DLTensor* out = out_stack;
    if (inputs.size() > kFrameTensors) in = (in_heap.resize(inputs.size()), in_heap.data());
    if (outputs.size() > kFrameTensors) out = (out_heap.resize(outputs.size()), out_heap.data());
    for (size_t i = 0; i < inputs.size(); ++i) in[i] = inputs[i].ToDLTensor();
    for (size_t i = 0; i < outputs.size(); ++i) out[i] = outputs[i].ToDLTensor();

    MXKernelCall call;
    call.struct_size = sizeof(MXKernelCall);
    call.inputs = in;
    call.num_inputs = static_cast<int32_t>(inputs.size());
    call.outputs = out;
    call.num_outputs = static_cast<int32_t>(outputs.size());
    call.req = req.data();
    call.attrs = attrs->values().data();
    call.num_attrs = static_cast<int32_t>(attrs->values().size());
    call.stream = stream ? stream->handle() : nullptr;
    call.workspace = nullptr;
    call.workspace_size = 0;
    call.kernel_data = kernel->data;
    call.seed = seed;
    call.is_train = is_train ? 1 : 0;

    if (kernel->workspace) {
      call.workspace_size = kernel->workspace(&call);
      if (call.workspace_size) {
        workspace = Storage::Alloc(call.workspace_size, ctx);
        call.workspace = workspace.dptr;
      }
    }
    const int rc = kernel->fn(&call);
    if (rc != 0)
      Throw(ErrorKind::kInternal, "operator ", op->name, " (kernel from plugin '", kernel->plugin,
            "'): ", TakePluginError());
  }
};

// Shape/dtype inference buffers, reused across calls on a thread.
// Rationale: four vectors of up to ~264-byte Shapes per call were a
// measurable part of a small op; a kernel may call Invoke again (a Python
// plugin), so each nesting depth gets its own set.
struct InferScratch {
  std::vector<Shape> in_shapes, out_shapes;
  std::vector<int> in_types, out_types;
};

class ScratchScope {
 public:
  ScratchScope() {
    thread_local std::vector<std::unique_ptr<InferScratch>> stack;
    thread_local size_t depth = 0;
    if (depth == stack.size()) stack.push_back(std::make_unique<InferScratch>());
    scratch_ = stack[depth].get();
    depth_ = &depth;
    ++depth;
  }
  ~ScratchScope() { --*depth_; }
  InferScratch* operator->() { return scratch_; }

 private:
  InferScratch* scratch_;
  size_t* depth_;
};

// " (data, label)": an op's input names for an error message.
std::string InputList(const op::OpDef* op, const op::Attrs& attrs) {
  if (op->variadic()) return "";
  std::string text;
  for (const std::string& n : op->InputNames(attrs)) text += (text.empty() ? " (" : ", ") + n;
  return text.empty() ? text : text + ")";
}

// Infers the outputs' shapes and dtypes from the inputs and the given
// outputs, makes the outputs that are none and checks the given ones.
// Returns the number of elements produced.  Unless strict, outputs whose
// shape or dtype stays unknown are left none (a host op makes them).
int64_t PrepareOutputs(const op::OpDef* op, const op::Attrs& attrs, const std::vector<NDArray>& inputs,
                       std::vector<NDArray>* outputs, const Context& ctx, bool strict) {
  const size_t num_outputs = outputs->size();
  ScratchScope scratch;
  std::vector<Shape>& in_shapes = scratch->in_shapes;
  std::vector<Shape>& out_shapes = scratch->out_shapes;
  std::vector<int>& in_types = scratch->in_types;
  std::vector<int>& out_types = scratch->out_types;
  in_shapes.resize(inputs.size());
  in_types.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    in_shapes[i] = inputs[i].shape();
    in_types[i] = inputs[i].dtype();
  }
  out_shapes.assign(num_outputs, Shape::Unknown());
  out_types.assign(num_outputs, -1);
  for (size_t k = 0; k < num_outputs; ++k) {
    if ((*outputs)[k].is_none()) continue;
    out_shapes[k] = (*outputs)[k].shape();
    out_types[k] = (*outputs)[k].dtype();
  }
  op->infer_shape(attrs, &in_shapes, &out_shapes);
  op->infer_type(attrs, &in_types, &out_types);
  int64_t out_elements = 0;
  for (size_t k = 0; k < num_outputs; ++k) {
    const bool known = out_shapes[k].is_known() && IsValidDType(out_types[k]);
    if (!known && !strict) continue;
    MX_CHECK(out_shapes[k].is_known(), kValue, "operator ", op->name, ": cannot infer the shape of output ", k);
    MX_CHECK(IsValidDType(out_types[k]), kType, "operator ", op->name, ": cannot infer the dtype of output ", k);
    NDArray& out = (*outputs)[k];
    if (out.is_none()) {
      out = NDArray(out_shapes[k], ctx, out_types[k]);
    } else {
      // Rationale: all CPU contexts share one address space, so a CPU op
      // writes into arrays on any of them (a copy to cpu(1) or cpu_pinned(0)
      // is an ordinary kernel); copies that involve a GPU took the device
      // transfer, except a dtype conversion on one GPU.
      MX_CHECK(out.ctx().SharesAddressSpace(ctx), kValue, "operator ", op->name, ": output ", k,
               " is on ", out.ctx().ToString(), " but the op runs on ", ctx.ToString());
    }
    out_elements += out_shapes[k].Size();
  }
  return out_elements;
}

std::vector<int> DefaultReq(const std::vector<NDArray>& inputs, const std::vector<NDArray>& outputs) {
  std::vector<int> req(outputs.size(), MX_REQ_WRITE);
  for (size_t k = 0; k < outputs.size(); ++k)
    for (const NDArray& in : inputs)
      if (!outputs[k].is_none() && in.SameData(outputs[k])) req[k] = MX_REQ_INPLACE;
  return req;
}

void RunHostOp(const HostOp& host, const op::OpDef* op, const std::shared_ptr<const op::Attrs>& attrs,
               const std::vector<NDArray>& inputs, std::vector<NDArray>* outputs, OpState* state,
               const std::vector<int>* req) {
  const Context ctx = OutputContext(op, *attrs, inputs);
  bool all_given = true;
  for (const NDArray& out : *outputs) all_given = all_given && !out.is_none();
  // Outputs a node-state keeper (the executor) gives were sized by its own
  // inference; inferring again would call a frontend on every pass.
  if (!all_given || !state) PrepareOutputs(op, *attrs, inputs, outputs, ctx, false);
  OpState local;
  OpState& node_state = state ? *state : local;
  if (op->stateful && !node_state) {
    MX_CHECK(host.create_state != nullptr, kInternal, "stateful operator ", op->name, " has no create_state");
    std::vector<Shape> shapes;
    std::vector<int> dtypes;
    for (const NDArray& in : inputs) {
      shapes.push_back(in.shape());
      dtypes.push_back(in.dtype());
    }
    node_state = host.create_state(*attrs, ctx, shapes, dtypes);
  }
  MX_CHECK(!op->is_backward || node_state, kValue, "operator ", op->name,
           " runs only inside a backward pass: it needs the state of its forward node");
  const std::vector<int> reqs = req ? *req : DefaultReq(inputs, *outputs);
  host.run(HostCall{*attrs, inputs, outputs, reqs, node_state, IsTraining()});
  for (size_t k = 0; k < outputs->size(); ++k)
    MX_CHECK(!(*outputs)[k].is_none(), kInternal, "operator ", op->name, " made no output ", k);
  RecordOp(op, attrs, inputs, outputs, node_state);
}

// Whether `out` shares bytes with input i other than as an in-place pair
// the op declares (the same bytes, and a kernel that allows it).
bool OverwritesInput(const op::OpDef* op, const NDArray& in, int i, const NDArray& out, int k) {
  if (in.is_none() || out.is_none() || in.chunk() != out.chunk() || !in.data() || !out.data()) return false;
  const char* a = static_cast<const char*>(in.data());
  const char* b = static_cast<const char*>(out.data());
  if (a >= b + out.nbytes() || b >= a + in.nbytes()) return false;
  if (a != b || in.nbytes() != out.nbytes()) return true;
  for (const auto& pair : op->inplace)
    if (pair.first == i && pair.second == k) return false;
  return true;
}

}  // namespace

void Invoke(const op::OpDef* op, const std::shared_ptr<const op::Attrs>& attrs,
            std::vector<NDArray> inputs, std::vector<NDArray>* outputs, OpState* state,
            const std::vector<int>* req) {
  const int num_inputs = op->NumInputs(*attrs);
  MX_CHECK(static_cast<int>(inputs.size()) == num_inputs, kValue, "operator ", op->name,
           " takes ", num_inputs, " input(s)", InputList(op, *attrs), ", got ", inputs.size());
  const int num_outputs = op->NumOutputs(*attrs);
  // Callers may give just the visible outputs; the hidden ones are made here.
  if (outputs->empty() || static_cast<int>(outputs->size()) == op->NumVisibleOutputs(*attrs))
    outputs->resize(num_outputs);
  MX_CHECK(static_cast<int>(outputs->size()) == num_outputs, kValue, "operator ", op->name,
           " has ", op->NumVisibleOutputs(*attrs), " output(s), got ", outputs->size(),
           " output arrays");
  MX_CHECK(!req || req->size() == outputs->size(), kInternal, "operator ", op->name, ": ",
           req ? req->size() : 0, " write requests for ", outputs->size(), " outputs");
  if (const HostOp* host = FindHostOp(op)) {
    RunHostOp(*host, op, attrs, inputs, outputs, state, req);
    return;
  }
  MX_CHECK(!op->stateful && !op->is_backward, kInternal, "stateful operator ", op->name, " has no host op");
  if (op->cross_device) {
    // An output not given goes to its input's device (_cast_like: like's,
    // so that a gradient returns to the device of the input of a copy).
    const Context there = inputs[op->device_input].ctx();
    if ((*outputs)[0].is_none() && !there.SharesAddressSpace(inputs[0].ctx()))
      PrepareOutputs(op, *attrs, inputs, outputs, there, true);
    if (IsDeviceTransfer(inputs[0], (*outputs)[0])) {
      CheckDeviceCopy(inputs[0], (*outputs)[0], op->name.c_str());
      RecordOp(op, attrs, inputs, outputs);  // before the push: a refused record changes nothing
      PushDeviceCopy(inputs[0], (*outputs)[0], op->name.c_str());
      return;
    }
  }

  const Context ctx = OutputContext(op, *attrs, inputs);
  const int64_t out_elements = PrepareOutputs(op, *attrs, inputs, outputs, ctx, true);

  const int dispatch_dtype = !inputs.empty() ? inputs[0].dtype() : outputs->empty() ? kFloat32 : (*outputs)[0].dtype();
  const int device = ctx.is_cpu() ? kDLCPU : kDLCUDA;
  const Kernel* kernel = KernelTable::Get().Find(op, device, dispatch_dtype);
  if (!kernel) {
    const std::string& plugin_error = CPUPluginError();
    Throw(ErrorKind::kNotImplemented, "operator ", op->name, " has no kernel for ", ctx.ToString(),
          " and dtype ", DTypeName(dispatch_dtype), " (kernels exist for: ",
          KernelTable::Get().DTypesFor(op, device), ")",
          plugin_error.empty() ? "" : "; " + plugin_error);
  }

  RecordOp(op, attrs, inputs, outputs);  // before the push: a refused record changes nothing

  // out= over an input's memory (mx.nd.dot(x, y, out=x), transpose(x,
  // out=x)) would overwrite values the kernel has yet to read: the kernel
  // writes a fresh array, copied over after it.  Callers passing req (the
  // executor) alias only declared in-place pairs.
  std::vector<std::pair<size_t, NDArray>> staged;  // output index, the caller's array
  if (!req) {
    for (size_t k = 0; k < outputs->size(); ++k) {
      NDArray& out = (*outputs)[k];
      bool overwrites = false;
      for (size_t i = 0; i < inputs.size() && !overwrites; ++i)
        overwrites = OverwritesInput(op, inputs[i], static_cast<int>(i), out, static_cast<int>(k));
      if (!overwrites) continue;
      staged.emplace_back(k, out);
      out = NDArray(out.shape(), out.ctx(), out.dtype());
    }
  }

  auto record = std::make_shared<KernelCallRecord>();
  record->kernel = kernel;
  record->op = op;
  record->attrs = attrs;
  record->outputs = *outputs;
  record->req = req ? *req : DefaultReq(inputs, *outputs);
  record->seed = op->needs_rng ? random::NextSeed(ctx) : 0;
  record->is_train = IsTraining();
  record->ctx = ctx.ComputeDevice();
  record->stream = ctx.is_cpu() ? nullptr : device::Get(ctx)->compute_stream();

  // Inputs the op updates (aux states such as BatchNorm's moving mean) are
  // written, so the engine orders them like outputs.  Which ones may depend
  // on the parameters (multi_sgd_mom_update's every third input).
  const std::vector<int> mutated_inputs = op->MutatedInputs(*attrs);
  const size_t max_writes = outputs->size() + mutated_inputs.size();
  engine::Var* read_stack[kFrameTensors];
  engine::Var* write_stack[kFrameTensors];
  std::vector<engine::Var*> read_heap, write_heap;
  engine::Var** reads = read_stack;
  engine::Var** writes = write_stack;
  if (inputs.size() > kFrameTensors) reads = (read_heap.resize(inputs.size()), read_heap.data());
  if (max_writes > kFrameTensors) writes = (write_heap.resize(max_writes), write_heap.data());
  size_t num_reads = 0, num_writes = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    bool mutated = false;
    for (int m : mutated_inputs) mutated = mutated || static_cast<size_t>(m) == i;
    (mutated ? writes[num_writes++] : reads[num_reads++]) = inputs[i].var();
  }
  for (size_t k = 0; k < outputs->size(); ++k) writes[num_writes++] = (*outputs)[k].var();

  engine::PushOptions options;
  options.name = op->name.c_str();
  options.inline_policy = InlinePolicyFor(out_elements);
  options.stream = record->stream;
  record->inputs = std::move(inputs);
  engine::Engine::Get()->Push([record] { record->Run(); }, ctx, reads, num_reads, writes,
                              num_writes, options);
  if (staged.empty()) return;
  const op::OpDef* copy = op::Registry::Get().FindOrThrow("_copy");
  struct NotRecording {  // the op was recorded above, onto the caller's arrays
    const bool was = SetRecording(false);
    ~NotRecording() { SetRecording(was); }
  } not_recording;
  for (auto& [k, caller] : staged) {
    std::vector<NDArray> into{caller};
    Invoke(copy, copy->Defaults(), {(*outputs)[k]}, &into);
    (*outputs)[k] = caller;
  }
}

}  // namespace imperative
}  // namespace mx
