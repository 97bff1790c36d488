#include "executor/graph_executor.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "common/dtype.h"
#include "common/error.h"
#include "graph/gradient.h"
#include "graph/infer.h"
#include "graph/mirror.h"
#include "imperative/autograd.h"
#include "imperative/invoke.h"

namespace mx {
namespace executor {

namespace {

const op::OpDef* Op(const char* name) { return op::Registry::Get().FindOrThrow(name); }

void Run(const char* op_name, std::vector<NDArray> inputs, NDArray output) {
  std::vector<NDArray> out{std::move(output)};
  imperative::Invoke(Op(op_name), Op(op_name)->Defaults(), std::move(inputs), &out);
}

// Executor ops are never recorded by autograd; training follows the call.
class RunScope {
 public:
  explicit RunScope(bool is_train)
      : record_(imperative::SetRecording(false)), train_(imperative::SetTraining(is_train)) {}
  ~RunScope() {
    imperative::SetRecording(record_);
    imperative::SetTraining(train_);
  }

 private:
  bool record_, train_;
};

void CheckBound(const std::vector<graph::NodePtr>& vars, const std::vector<NDArray>& arrays,
                const char* what) {
  MX_CHECK(vars.size() == arrays.size(), kValue, "bind: the symbol has ", vars.size(), " ", what,
           ", got ", arrays.size(), " arrays");
  for (size_t i = 0; i < arrays.size(); ++i)
    MX_CHECK(!arrays[i].is_none(), kValue, "bind: ", what, " '", vars[i]->name, "' is not bound");
}

// MXNet's rule for a graph on one device.
void CheckOnDevice(const std::vector<graph::NodePtr>& vars, const std::vector<NDArray>& arrays,
                   Context ctx, const char* what) {
  for (size_t i = 0; i < arrays.size(); ++i)
    MX_CHECK(arrays[i].is_none() || arrays[i].ctx() == ctx, kValue, "bind: ", what, " '", vars[i]->name,
             "' is in ", arrays[i].ctx().ToString(), " while binding with ctx=", ctx.ToString(),
             ". All arguments must be in global context (", ctx.ToString(),
             ") unless group2ctx is specified for cross-device graph.");
}

}  // namespace

GraphExecutor::GraphExecutor(const graph::Symbol& symbol, Context ctx, std::vector<NDArray> args,
                             std::vector<NDArray> arg_grads, std::vector<int> grad_reqs,
                             std::vector<NDArray> aux, int memory_flags,
                             std::map<std::string, Context> group2ctx)
    : symbol_(symbol.Copy()), ctx_(ctx), args_(std::move(args)), arg_grads_(std::move(arg_grads)),
      aux_(std::move(aux)), grad_reqs_(std::move(grad_reqs)) {
  using graph::Symbol;
  const auto arg_vars = symbol_.ListInputs(Symbol::InputKind::kArguments);
  const auto aux_vars = symbol_.ListInputs(Symbol::InputKind::kAuxiliaryStates);
  CheckBound(arg_vars, args_, "arguments");
  CheckBound(aux_vars, aux_, "auxiliary states");
  MX_CHECK(grad_reqs_.size() == args_.size() && arg_grads_.size() == args_.size(), kValue,
           "bind: need one grad_req and one gradient slot per argument");
  if (group2ctx.empty()) {
    CheckOnDevice(arg_vars, args_, ctx_, "argument");
    CheckOnDevice(arg_vars, arg_grads_, ctx_, "gradient of argument");
  } else {
    // The forward graph first: the gradient pass then differentiates its
    // copies (into copies back).
    placement_ = std::make_unique<graph::DevicePlacement>(ctx_, std::move(group2ctx));
    for (size_t i = 0; i < args_.size(); ++i) placement_->Fix(arg_vars[i].get(), args_[i].ctx());
    for (size_t i = 0; i < aux_.size(); ++i) placement_->Fix(aux_vars[i].get(), aux_[i].ctx());
    placement_->Place(symbol_.outputs);
  }

  // The gradient graph, for the arguments that want one.
  std::vector<graph::NodeEntry> xs;
  for (size_t i = 0; i < args_.size(); ++i) {
    const int req = grad_reqs_[i];
    MX_CHECK(req == imperative::kNullOp || req == imperative::kWriteTo || req == imperative::kAddTo,
             kValue, "bind: invalid grad_req ", req, " for '", arg_vars[i]->name, "'");
    if (req == imperative::kNullOp) continue;
    MX_CHECK(!arg_grads_[i].is_none(), kValue, "bind: argument '", arg_vars[i]->name,
             "' has grad_req ", req == imperative::kAddTo ? "add" : "write", " but no gradient array");
    MX_CHECK(arg_grads_[i].shape() == args_[i].shape(), kValue, "bind: gradient of '",
             arg_vars[i]->name, "' has shape ", arg_grads_[i].shape().ToString(), ", the argument ",
             args_[i].shape().ToString());
    xs.push_back(graph::NodeEntry{arg_vars[i], 0, 0});
    grad_args_.push_back(static_cast<uint32_t>(i));
  }
  // Forward nodes come first: heads are walked outputs first.
  num_forward_nodes_ = static_cast<uint32_t>(graph::IndexedGraph(symbol_.outputs).num_nodes());
  Layout layout;
  if (xs.empty()) {
    layout = MakeLayout({}, memory_flags);
  } else {
    std::vector<graph::NodeEntry> head_grads;
    for (const graph::NodeEntry& out : symbol_.outputs) {
      head_grad_vars_.push_back(graph::Node::Variable(out.node->name + "_head_grad"));
      if (placement_) placement_->Fix(head_grad_vars_.back().get(), placement_->Of(out.node.get()));
      head_grads.push_back(graph::NodeEntry{head_grad_vars_.back(), 0, 0});
    }
    layout = MakeLayout(graph::Gradient(symbol_.outputs, xs, head_grads), memory_flags);
    // Mirroring is kept only where it lowers the plan: recomputing a node
    // can extend the life of its inputs more than it shortens its output's.
    if (memory_flags & graph::kPlanMirror) {
      Layout mirrored = MakeLayout(
          graph::MirrorForBackward(symbol_.outputs, graph::Gradient(symbol_.outputs, xs, head_grads)),
          memory_flags);
      if (mirrored.plan.planned_bytes < layout.plan.planned_bytes) layout = std::move(mirrored);
    }
  }
  graph_ = std::move(layout.graph);
  grad_entries_ = std::move(layout.grad_entries);
  values_ = std::move(layout.values);
  direct_ = std::move(layout.direct);
  add_to_ = std::move(layout.add_to);
  plan_ = std::move(layout.plan);
  const graph::IndexedGraph& g = *graph_;
  std::vector<NDArray> blocks;
  for (size_t b = 0; b < plan_.block_bytes.size(); ++b)
    blocks.emplace_back(Shape({static_cast<int64_t>(plan_.block_bytes[b])}),
                        layout.devices[plan_.block_device[b]], kUint8);
  for (size_t e = 0; e < g.num_entries(); ++e)
    if (plan_.storage[e] != graph::MemoryPlan::kExternal)
      values_[e] = blocks[plan_.storage[e]].View(layout.shapes[e], layout.dtypes[e]);
  for (const graph::NodeEntry& e : symbol_.outputs) outputs_.push_back(values_[g.entry_id(e)]);
  for (uint32_t id = 0; id < num_forward_nodes_; ++id)
    if (!g.node(id)->is_variable()) forward_ops_.push_back(id);
  CreateStates();
}

void GraphExecutor::CreateStates() {
  const graph::IndexedGraph& g = *graph_;
  states_.resize(g.num_nodes());
  for (uint32_t id = 0; id < g.num_nodes(); ++id) {
    const graph::Node& node = *g.node(id);
    if (node.is_variable() || !node.op->stateful) continue;
    const imperative::HostOp* host = imperative::FindHostOp(node.op);
    MX_CHECK(host && host->create_state, kInternal, node.Describe(), ": stateful op without create_state");
    std::vector<Shape> shapes;
    std::vector<int> dtypes;
    for (const graph::NodeEntry& e : node.inputs) {
      shapes.push_back(values_[g.entry_id(e)].shape());
      dtypes.push_back(values_[g.entry_id(e)].dtype());
    }
    try {
      states_[id] = host->create_state(*node.attrs, DeviceOf(&node), shapes, dtypes);
    } catch (const Error& e) {
      Throw(e.kind(), "bind: ", node.Describe(), ": ", e.what());
    }
  }
}

GraphExecutor::Layout GraphExecutor::MakeLayout(std::vector<graph::NodeEntry> grad_entries,
                                                int memory_flags) {
  using graph::Symbol;
  const auto arg_vars = symbol_.ListInputs(Symbol::InputKind::kArguments);
  const auto aux_vars = symbol_.ListInputs(Symbol::InputKind::kAuxiliaryStates);
  Layout layout;
  std::vector<graph::NodeEntry> heads = symbol_.outputs;
  heads.insert(heads.end(), grad_entries.begin(), grad_entries.end());
  if (placement_) placement_->Place(heads);
  layout.graph = std::make_unique<graph::IndexedGraph>(heads);
  layout.grad_entries = std::move(grad_entries);
  const graph::IndexedGraph& g = *layout.graph;

  // Shapes and dtypes from the bound arrays.
  const size_t n = g.num_entries();
  std::vector<Shape>& shapes = layout.shapes;
  std::vector<int>& dtypes = layout.dtypes;
  shapes.assign(n, Shape::Unknown());
  dtypes.assign(n, -1);
  std::vector<char> external(n, 0), keep(n, 0);
  layout.values.resize(n);
  auto bind = [&](const graph::NodePtr& var, const NDArray& a) {
    if (!g.contains(var.get())) return;
    const uint32_t e = g.entry_id(g.node_id(var.get()), 0);
    shapes[e] = a.shape();
    dtypes[e] = a.dtype();
    external[e] = 1;
    layout.values[e] = a.Detach();
  };
  for (size_t i = 0; i < args_.size(); ++i) bind(arg_vars[i], args_[i]);
  for (size_t i = 0; i < aux_.size(); ++i) bind(aux_vars[i], aux_[i]);
  graph::InferShapes(g, &shapes);
  graph::InferTypes(g, &dtypes);
  for (size_t k = 0; k < head_grad_vars_.size(); ++k) {
    const uint32_t out = g.entry_id(symbol_.outputs[k]);
    MX_CHECK(shapes[out].is_known() && dtypes[out] >= 0, kValue, "bind: cannot infer the shape of output ",
             k, " ('", symbol_.outputs[k].node->name, "')");
    if (!g.contains(head_grad_vars_[k].get())) continue;  // no gradient flows through it
    bind(head_grad_vars_[k], NDArray(shapes[out], DeviceOf(symbol_.outputs[k].node.get()), dtypes[out]));
  }
  if (!head_grad_vars_.empty()) {
    graph::InferShapes(g, &shapes);
    graph::InferTypes(g, &dtypes);
  }
  for (const graph::NodeEntry& e : symbol_.outputs) keep[g.entry_id(e)] = 1;
  // A gradient computed by a backward node of its own, for a 'write'
  // argument, is written straight into the bound gradient array: no planned
  // buffer for it and no copy at the end.  Others are kept and copied.
  layout.direct.assign(grad_args_.size(), 0);
  std::vector<char> forward_entry(n, 0);
  for (uint32_t id = 0; id < num_forward_nodes_; ++id)
    for (uint32_t k = 0; k < g.node(id)->num_outputs(); ++k) forward_entry[g.entry_id(id, k)] = 1;
  // An 'add' argument's gradient goes straight in too when its node is a
  // host op that honours MX_REQ_ADD (Custom) and nothing else reads it.
  layout.add_to.assign(n, 0);
  std::vector<uint32_t> readers(n, 0);
  for (uint32_t id = 0; id < g.num_nodes(); ++id)
    for (const graph::NodeEntry& e : g.node(id)->inputs) ++readers[g.entry_id(e)];
  for (size_t j = 0; j < grad_args_.size(); ++j) {
    const uint32_t i = grad_args_[j];
    const graph::NodeEntry& grad = layout.grad_entries[j];
    const uint32_t e = g.entry_id(grad);
    const bool own_node = !external[e] && !forward_entry[e] && !grad.node->is_variable() &&
                          shapes[e] == arg_grads_[i].shape() && dtypes[e] == arg_grads_[i].dtype() &&
                          DeviceOf(grad.node.get()) == arg_grads_[i].ctx();
    const imperative::HostOp* host = own_node ? imperative::FindHostOp(grad.node->op) : nullptr;
    const bool add_here = grad_reqs_[i] == imperative::kAddTo && host && host->adds_to_outputs && readers[e] == 0;
    if (own_node && (grad_reqs_[i] == imperative::kWriteTo || add_here)) {
      external[e] = 1;
      layout.values[e] = arg_grads_[i].Detach();
      layout.direct[j] = 1;
      layout.add_to[e] = add_here;
    } else {
      keep[e] = 1;
    }
  }
  std::vector<int> device(n, 0);
  for (uint32_t id = 0; id < g.num_nodes(); ++id) {
    const Context ctx = DeviceOf(g.node(id).get());
    auto known = std::find(layout.devices.begin(), layout.devices.end(), ctx);
    if (known == layout.devices.end()) known = layout.devices.insert(layout.devices.end(), ctx);
    for (uint32_t k = 0; k < g.node(id)->num_outputs(); ++k)
      device[g.entry_id(id, k)] = static_cast<int>(known - layout.devices.begin());
  }
  layout.plan = graph::PlanMemory(g, shapes, dtypes, external, keep, memory_flags, device);
  return layout;
}

void GraphExecutor::RunNodes(uint32_t begin, uint32_t end, bool is_train) {
  RunScope scope(is_train);
  const graph::IndexedGraph& g = *graph_;
  std::vector<NDArray> in, out;
  std::vector<int> req;
  for (uint32_t id = begin; id < end; ++id) {
    const graph::Node& node = *g.node(id);
    if (node.is_variable()) continue;
    in.clear();
    out.clear();
    for (const graph::NodeEntry& e : node.inputs) in.push_back(values_[g.entry_id(e)]);
    bool adds = false;
    for (uint32_t k = 0; k < node.num_outputs(); ++k) {
      out.push_back(values_[g.entry_id(id, k)]);
      adds = adds || add_to_[g.entry_id(id, k)];
    }
    if (adds) {
      req.clear();
      for (uint32_t k = 0; k < node.num_outputs(); ++k)
        req.push_back(add_to_[g.entry_id(id, k)] ? MX_REQ_ADD : MX_REQ_WRITE);
    }
    // A stateful node runs with its state; a backward node with its forward's.
    imperative::OpState* state = nullptr;
    if (node.op->stateful) state = &states_[id];
    else if (node.op->is_backward && !node.control_deps.empty())
      state = &states_[g.node_id(node.control_deps[0].get())];
    try {
      imperative::Invoke(node.op, node.attrs, in, &out, state, adds ? &req : nullptr);
    } catch (const Error& e) {
      Throw(e.kind(), node.Describe(), ": ", e.what());
    }
    if (monitor_) {
      if (monitor_all_)
        for (uint32_t i = 0; i < in.size(); ++i) monitor_(graph::InputName(node, i), in[i]);
      for (uint32_t k = 0; k < out.size(); ++k) monitor_(graph::OutputName(node, k), out[k]);
    }
  }
}

void GraphExecutor::SetMonitor(MonitorFn fn, bool monitor_all) {
  monitor_ = std::move(fn);
  monitor_all_ = monitor_all;
}

void GraphExecutor::Forward(bool is_train) {
  RunNodes(0, num_forward_nodes_, is_train);
  forward_done_ = true;
}

void GraphExecutor::ForwardOp(size_t step, bool is_train) {
  MX_CHECK(step < forward_ops_.size(), kIndex, "forward step ", step, " is out of range: the graph has ",
           forward_ops_.size(), " op nodes");
  RunNodes(forward_ops_[step], forward_ops_[step] + 1, is_train);
  if (step + 1 == forward_ops_.size()) forward_done_ = true;
}

void GraphExecutor::Backward(const std::vector<NDArray>& head_grads, bool is_train) {
  MX_CHECK(!grad_entries_.empty(), kValue,
           "backward: the executor was bound without gradients (every grad_req is 'null')");
  MX_CHECK(forward_done_, kValue, "backward: call forward first");
  MX_CHECK(head_grads.empty() || head_grads.size() == outputs_.size(), kValue, "backward: got ",
           head_grads.size(), " head gradients for ", outputs_.size(), " outputs");
  const graph::IndexedGraph& g = *graph_;
  {
    RunScope scope(is_train);
    for (size_t k = 0; k < head_grad_vars_.size(); ++k) {
      if (!g.contains(head_grad_vars_[k].get())) continue;
      const NDArray& slot = values_[g.entry_id(g.node_id(head_grad_vars_[k].get()), 0)];
      const bool given = k < head_grads.size() && !head_grads[k].is_none();
      if (given)
        MX_CHECK(head_grads[k].shape() == slot.shape(), kValue, "backward: head gradient ", k,
                 " has shape ", head_grads[k].shape().ToString(), ", the output ", slot.shape().ToString());
      if (given) Run("_copyto", {head_grads[k]}, slot);
      else Run("ones_like", {outputs_[k]}, slot);
    }
  }
  RunNodes(num_forward_nodes_, static_cast<uint32_t>(g.num_nodes()), is_train);
  RunScope scope(is_train);
  for (size_t j = 0; j < grad_args_.size(); ++j) {
    if (direct_[j]) continue;
    const uint32_t i = grad_args_[j];
    NDArray grad = values_[g.entry_id(grad_entries_[j])];
    const bool here = grad.ctx() == arg_grads_[i].ctx();
    if (grad_reqs_[i] != imperative::kAddTo) {
      Run(here ? "_copy" : "_copyto", {grad}, arg_grads_[i]);
      continue;
    }
    if (!here) {
      NDArray there(grad.shape(), arg_grads_[i].ctx(), grad.dtype());
      Run("_copyto", {grad}, there);
      grad = there;
    }
    Run("elemwise_add", {arg_grads_[i], grad}, arg_grads_[i]);
  }
}

std::string GraphExecutor::DebugString() const {
  graph::Symbol all;
  all.outputs = graph_->outputs();
  std::ostringstream os;
  os << all.DebugString();
  // The first line as MXNet prints it (whole MB), which tools parse.
  char line[256];
  std::snprintf(line, sizeof(line),
                "Total %zu MB allocated\n"
                "Memory plan: %zu bytes in %zu blocks; %zu bytes without planning; %d in-place, %d co-shared\n",
                plan_.planned_bytes >> 20, plan_.planned_bytes, plan_.block_bytes.size(), plan_.naive_bytes,
                plan_.inplace_count, plan_.coshare_count);
  os << line;
  return os.str();
}

}  // namespace executor
}  // namespace mx
