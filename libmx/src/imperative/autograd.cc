#include "imperative/autograd.h"

#include <cstring>
#include <map>
#include <unordered_map>

#include "common/error.h"
#include "graph/gradient.h"
#include "graph/indexed_graph.h"
#include "imperative/invoke.h"

namespace mx {
namespace imperative {

namespace {

thread_local bool recording = false;
thread_local bool training = false;

// Restores the thread's modes when a backward pass ends, even by an error.
class ModeScope {
 public:
  ModeScope(bool record, bool train) : record_(SetRecording(record)), train_(SetTraining(train)) {}
  ~ModeScope() {
    SetRecording(record_);
    SetTraining(train_);
  }

 private:
  bool record_, train_;
};

graph::NodePtr Leaf(const NDArray& value) {
  graph::NodePtr var = graph::Node::Variable("");
  var->ag = std::make_shared<AGState>();
  var->ag->outputs.push_back(value.Detach());
  return var;
}

graph::NodeEntry EntryOf(const NDArray& a) { return graph::NodeEntry{a.ag_node(), a.ag_index(), 0}; }

// Whether a is part of a live recorded graph.  An output whose graph a
// backward pass freed is a constant again, as in MXNet (AGInfo cleared), so
// it can feed a new recording.
bool InLiveGraph(const NDArray& a) {
  const graph::NodePtr& n = a.ag_node();
  return n && !(n->ag && n->ag->freed);
}

const op::OpDef* Op(const char* name) { return op::Registry::Get().FindOrThrow(name); }

// Writes `grad` into a marked variable's gradient array per its grad_req.
void Deliver(AGState* state, const NDArray& grad) {
  if (state->grad_req == kNullOp || state->grad.is_none()) return;
  state->fresh_grad = true;
  std::vector<NDArray> out{state->grad};
  if (state->grad_req == kAddTo)
    Invoke(Op("elemwise_add"), Op("elemwise_add")->Defaults(), {state->grad, grad}, &out);
  else
    Invoke(Op("_copy"), Op("_copy")->Defaults(), {grad}, &out);
}

}  // namespace

bool IsRecording() { return recording; }
bool IsTraining() { return training; }

bool SetRecording(bool on) {
  const bool previous = recording;
  recording = on;
  return previous;
}

bool SetTraining(bool on) {
  const bool previous = training;
  training = on;
  return previous;
}

void RecordOp(const op::OpDef* op, const std::shared_ptr<const op::Attrs>& attrs,
              const std::vector<NDArray>& inputs, std::vector<NDArray>* outputs,
              const OpState& state) {
  if (!recording) return;
  for (const NDArray& out : *outputs) {
    const graph::NodePtr& n = out.ag_node();
    MX_CHECK(!n || !n->ag || n->ag->freed, kValue,
             "Assigning to NDArrays that are already in a computational graph will cause "
             "undefined behavior when evaluating gradients. Please call backward first to clear "
             "the graph or do this out of a record section. Also note that you cannot use "
             "inplace operations like +=, *=, relu(x, out=x), y[idx]=x, etc inside a record "
             "section (operator ", op->name, ").");
  }
  bool tracked = false;
  for (const NDArray& in : inputs) tracked = tracked || InLiveGraph(in);
  if (!tracked) return;
  auto node = std::make_shared<graph::Node>();
  node->op = op;
  node->name = op->name;
  node->attrs = attrs;
  for (const NDArray& in : inputs)
    node->inputs.push_back(InLiveGraph(in) ? EntryOf(in) : graph::NodeEntry{Leaf(in), 0, 0});
  node->ag = std::make_shared<AGState>();
  node->ag->state = state;
  for (uint32_t k = 0; k < outputs->size(); ++k) {
    node->ag->outputs.push_back((*outputs)[k].Detach());
    (*outputs)[k].set_ag_entry(node, k);
  }
}

void MarkVariable(NDArray* var, const NDArray& grad, int grad_req) {
  MX_CHECK(grad_req == kNullOp || grad_req == kWriteTo || grad_req == kAddTo, kValue,
           "invalid grad_req ", grad_req, " (null 0, write 1, add 3)");
  MX_CHECK(grad.is_none() || (grad.shape() == var->shape() && grad.dtype() == var->dtype()), kValue,
           "gradient array of shape ", grad.shape().ToString(), " does not match its variable's ",
           var->shape().ToString());
  MX_CHECK(grad.is_none() || grad.ctx().SharesAddressSpace(var->ctx()), kValue, "gradient array on ",
           grad.ctx().ToString(), " for a variable on ", var->ctx().ToString(),
           ": a gradient lives on its variable's device");
  graph::NodePtr leaf = Leaf(*var);
  leaf->ag->marked = true;
  leaf->ag->grad_req = grad_req;
  leaf->ag->grad = grad.Detach();
  var->set_ag_entry(leaf, 0);
}

std::vector<NDArray> Backward(const std::vector<NDArray>& heads, const std::vector<NDArray>& head_grads,
                              const std::vector<NDArray>& variables, bool retain_graph,
                              bool create_graph, bool is_train) {
  MX_CHECK(!heads.empty(), kValue, "backward needs at least one output");
  std::vector<graph::NodeEntry> ys, ograds;
  for (size_t i = 0; i < heads.size(); ++i) {
    MX_CHECK(heads[i].ag_node() != nullptr, kValue, "cannot differentiate output ", i,
             ": it is not in a computational graph (compute it inside autograd.record(), from "
             "arrays that have attach_grad())");
    ys.push_back(EntryOf(heads[i]));
    const bool given = i < head_grads.size() && !head_grads[i].is_none();
    if (given) {
      MX_CHECK(head_grads[i].shape() == heads[i].shape(), kValue, "head gradient ", i, " has shape ",
               head_grads[i].shape().ToString(), ", its output ", heads[i].shape().ToString());
      MX_CHECK(head_grads[i].ctx().SharesAddressSpace(heads[i].ctx()), kValue, "head gradient ", i,
               " is on ", head_grads[i].ctx().ToString(), ", its output on ",
               heads[i].ctx().ToString(), "; copy it there first (as_in_context)");
    }
    ograds.push_back(given ? graph::NodeEntry{Leaf(head_grads[i]), 0, 0} : graph::NodeEntry{});
  }
  std::vector<graph::NodeEntry> xs;
  if (variables.empty()) {
    graph::DFSVisit(ys, [&](const graph::NodePtr& n) {
      if (n->is_variable() && n->ag && n->ag->marked) xs.push_back(graph::NodeEntry{n, 0, 0});
    });
    MX_CHECK(!xs.empty(), kValue,
             "there are no inputs in the computational graph that require gradients "
             "(call attach_grad() on them before recording)");
  } else {
    for (size_t i = 0; i < variables.size(); ++i) {
      MX_CHECK(variables[i].ag_node() != nullptr, kValue, "cannot differentiate with respect to "
               "variable ", i, ": it does not require gradient (call attach_grad() first)");
      xs.push_back(EntryOf(variables[i]));
    }
  }

  const std::vector<graph::NodeEntry> grads = graph::Gradient(ys, xs, ograds);
  const graph::IndexedGraph g(grads);
  // Remaining uses of each entry by computed nodes; a value is dropped when
  // its last user has been pushed.
  std::vector<uint32_t> uses(g.num_entries(), 0);
  for (uint32_t id = 0; id < g.num_nodes(); ++id)
    for (const graph::NodeEntry& e : g.node(id)->inputs) ++uses[g.entry_id(e)];
  for (const graph::NodeEntry& e : grads) ++uses[g.entry_id(e)];

  std::vector<NDArray> values(g.num_entries());
  {
    ModeScope modes(create_graph, is_train);
    for (uint32_t id = 0; id < g.num_nodes(); ++id) {
      const graph::NodePtr& node = g.node(id);
      if (node->ag) {
        MX_CHECK(!node->ag->freed, kValue, "the graph of this output was freed by an earlier "
                 "backward; pass retain_graph=True to backward more than once");
        for (uint32_t k = 0; k < node->ag->outputs.size(); ++k) {
          NDArray v = node->ag->outputs[k];
          if (create_graph) v.set_ag_entry(node, k);
          values[g.entry_id(id, k)] = std::move(v);
        }
        continue;
      }
      MX_CHECK(!node->is_variable(), kInternal, "gradient graph has a variable without a value");
      std::vector<NDArray> in;
      for (const graph::NodeEntry& e : node->inputs) in.push_back(values[g.entry_id(e)]);
      std::vector<NDArray> out;
      // A backward op runs with the state its recorded forward node kept.
      OpState state;
      if (node->op->is_backward && !node->control_deps.empty() && node->control_deps[0]->ag)
        state = node->control_deps[0]->ag->state;
      Invoke(node->op, node->attrs, in, &out, &state);
      for (uint32_t k = 0; k < out.size(); ++k) values[g.entry_id(id, k)] = std::move(out[k]);
      for (const graph::NodeEntry& e : node->inputs)
        if (--uses[g.entry_id(e)] == 0) values[g.entry_id(e)] = NDArray();
    }
  }

  std::vector<NDArray> result;
  for (const graph::NodeEntry& e : grads) result.push_back(values[g.entry_id(e)]);
  if (variables.empty()) {
    for (size_t i = 0; i < xs.size(); ++i) Deliver(xs[i].node->ag.get(), result[i]);
    result.clear();
  }
  if (!retain_graph) {
    graph::DFSVisit(ys, [](const graph::NodePtr& n) {
      if (n->ag && !n->ag->marked) {
        n->ag->outputs.clear();
        n->ag->keep_alive.reset();  // breaks cycles through a Function's saved arrays
        n->ag->state.reset();
        n->ag->freed = true;
      }
    });
  }
  return result;
}

graph::Symbol GetSymbol(const NDArray& array) {
  MX_CHECK(array.ag_node() != nullptr, kValue,
           "the array is not part of a recorded graph (compute it inside autograd.record() from "
           "arrays that require gradient)");
  std::unordered_map<const graph::Node*, graph::NodePtr> copies;
  int num_ops = 0, num_vars = 0, num_leaves = 0;
  graph::DFSVisit({EntryOf(array)}, [&](const graph::NodePtr& n) {
    graph::NodePtr c;
    if (n->is_variable()) {
      c = graph::Node::Variable(n->ag && n->ag->marked ? "var" + std::to_string(num_vars++)
                                                       : "null" + std::to_string(num_leaves++));
    } else {
      // Recorded nodes keep parsed parameters only: write back the ones
      // that differ from the defaults, as a user would have passed them.
      std::map<std::string, std::string> dict;
      const auto& values = n->attrs->values();
      const auto& defaults = n->op->Defaults()->values();
      for (size_t k = 0; k < values.size(); ++k)
        if (std::strcmp(values[k].s, defaults[k].s) != 0) dict[values[k].name] = values[k].s;
      c = graph::Node::Create(n->op, "node_" + std::to_string(num_ops++), std::move(dict));
      for (const graph::NodeEntry& e : n->inputs)
        c->inputs.push_back(graph::NodeEntry{copies.at(e.node.get()), e.index, 0});
    }
    copies[n.get()] = c;
  });
  graph::Symbol s;
  s.outputs.push_back(graph::NodeEntry{copies.at(array.ag_node().get()), array.ag_index(), 0});
  return s;
}

}  // namespace imperative
}  // namespace mx
