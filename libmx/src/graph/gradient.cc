#include "graph/gradient.h"

#include <unordered_map>
#include <unordered_set>

#include "common/error.h"
#include "graph/indexed_graph.h"

namespace mx {
namespace graph {

std::vector<NodeEntry> ApplyOp(const std::string& op_name, const std::string& node_name,
                               const std::vector<NodeEntry>& inputs, const op::Params& params) {
  const op::OpDef* op = op::Registry::Get().FindOrThrow(op_name);
  std::map<std::string, std::string> dict(params.begin(), params.end());
  if (op->variadic() && !dict.count(op->key_var_num_args))
    dict[op->key_var_num_args] = std::to_string(inputs.size());
  NodePtr n = Node::Create(op, node_name, std::move(dict));
  MX_CHECK(inputs.size() == n->num_inputs(), kInternal, n->Describe(), " takes ", n->num_inputs(),
           " inputs, got ", inputs.size());
  n->inputs = inputs;
  std::vector<NodeEntry> outs;
  for (uint32_t i = 0; i < n->num_outputs(); ++i) outs.push_back(NodeEntry{n, i, 0});
  return outs;
}

namespace {

// Contributions to one entry's gradient, summed on first use.
struct GradSum {
  std::vector<NodeEntry> parts;
  NodeEntry total;
  bool done = false;
};

NodeEntry Sum(GradSum* g, const std::string& name) {
  if (!g->done) {
    g->done = true;
    if (g->parts.size() == 1) g->total = g->parts[0];
    else if (g->parts.size() > 1) g->total = ApplyOp("add_n", name + "_sum", g->parts, {})[0];
  }
  return g->total;
}

NodeEntry ZerosLike(const NodeEntry& e) {
  return ApplyOp("zeros_like", e.node->name + "_zeros", {e}, {})[0];
}

class Builder : public op::GradBuilder {
 public:
  Builder(const NodePtr& node, std::vector<GradSum>* out_grads) : node_(node), out_grads_(out_grads) {}

  const op::Attrs& attrs() const override { return *node_->attrs; }
  int num_inputs() const override { return static_cast<int>(node_->inputs.size()); }
  op::Value input(int i) override {
    MX_CHECK(i >= 0 && i < num_inputs(), kInternal, node_->Describe(), ": gradient asks for input ", i);
    return Add(node_->inputs[i]);
  }
  op::Value output(int i) override {
    MX_CHECK(i >= 0 && static_cast<uint32_t>(i) < node_->num_outputs(), kInternal, node_->Describe(),
             ": gradient asks for output ", i);
    return Add(NodeEntry{node_, static_cast<uint32_t>(i), 0});
  }
  op::Value out_grad(int i) override {
    MX_CHECK(i >= 0 && static_cast<size_t>(i) < out_grads_->size(), kInternal, node_->Describe(),
             ": gradient asks for output gradient ", i);
    NodeEntry g = Sum(&(*out_grads_)[i], node_->name + "_out" + std::to_string(i));
    if (!g.node) g = ZerosLike(NodeEntry{node_, static_cast<uint32_t>(i), 0});
    return Add(g);
  }
  std::vector<op::Value> ApplyN(const std::string& name, const std::vector<op::Value>& inputs,
                                const op::Params& params) override {
    std::vector<NodeEntry> in;
    for (const op::Value& v : inputs) {
      MX_CHECK(v.valid() && static_cast<size_t>(v.id) < values_.size(), kInternal,
               node_->Describe(), ": gradient applies ", name, " to an invalid value");
      in.push_back(values_[v.id]);
    }
    const std::string node_name = node_->name + "_backward" + std::to_string(made_++);
    std::vector<op::Value> out;
    const std::vector<NodeEntry> made = ApplyOp(name, node_name, in, params);
    // A backward op runs with its forward node's state (MXNet's TIsBackward).
    if (!made.empty() && made[0].node->op->is_backward) made[0].node->control_deps.push_back(node_);
    for (const NodeEntry& e : made) out.push_back(Add(e));
    return out;
  }
  const NodeEntry& entry(const op::Value& v) const { return values_[v.id]; }

 private:
  op::Value Add(const NodeEntry& e) {
    values_.push_back(e);
    return op::Value{static_cast<int32_t>(values_.size() - 1)};
  }

  const NodePtr& node_;
  std::vector<GradSum>* out_grads_;
  std::vector<NodeEntry> values_;
  int made_ = 0;
};

}  // namespace

std::vector<NodeEntry> Gradient(const std::vector<NodeEntry>& ys, const std::vector<NodeEntry>& xs,
                                const std::vector<NodeEntry>& head_grads) {
  MX_CHECK(head_grads.size() == ys.size(), kValue, "got ", head_grads.size(), " head gradients for ",
           ys.size(), " outputs");
  const IndexedGraph g(ys);
  std::unordered_set<const Node*> x_nodes;
  for (const NodeEntry& x : xs) x_nodes.insert(x.node.get());
  // Nodes on a path from some x: only their gradients are built.
  std::vector<char> needed(g.num_nodes(), 0);
  for (uint32_t id = 0; id < g.num_nodes(); ++id) {
    const Node& n = *g.node(id);
    bool need = x_nodes.count(&n) != 0;
    for (const NodeEntry& e : n.inputs) need = need || needed[g.node_id(e.node.get())];
    needed[id] = need;
  }
  std::vector<GradSum> grads(g.num_entries());
  for (size_t i = 0; i < ys.size(); ++i) {
    const NodeEntry& head = head_grads[i];
    grads[g.entry_id(ys[i])].parts.push_back(
        head.node ? head : ApplyOp("ones_like", ys[i].node->name + "_head_grad", {ys[i]}, {})[0]);
  }
  for (uint32_t id = static_cast<uint32_t>(g.num_nodes()); id-- > 0;) {
    const NodePtr& node = g.node(id);
    if (node->is_variable() || !needed[id]) continue;
    std::vector<GradSum> out_grads(node->num_outputs());
    bool any = false;
    for (uint32_t k = 0; k < node->num_outputs(); ++k) {
      out_grads[k] = grads[g.entry_id(id, k)];
      any = any || !out_grads[k].parts.empty();
    }
    if (!any) continue;
    MX_CHECK(node->op->gradient != nullptr, kNotImplemented, "operator ", node->op->name, " (node '",
             node->name, "') is not differentiable: it has no gradient");
    Builder builder(node, &out_grads);
    std::vector<op::Value> in_grads;
    try {
      in_grads = node->op->gradient(builder);
    } catch (const Error& e) {
      Throw(e.kind(), "gradient of ", node->Describe(), ": ", e.what());
    }
    MX_CHECK(in_grads.size() == node->inputs.size(), kInternal, "gradient of ", node->Describe(),
             " returned ", in_grads.size(), " values for ", node->inputs.size(), " inputs");
    for (size_t i = 0; i < in_grads.size(); ++i) {
      if (!in_grads[i].valid()) continue;
      const NodeEntry& input = node->inputs[i];
      if (!needed[g.node_id(input.node.get())]) continue;
      grads[g.entry_id(input)].parts.push_back(builder.entry(in_grads[i]));
    }
  }
  std::vector<NodeEntry> result;
  for (const NodeEntry& x : xs) {
    if (!g.contains(x.node.get())) {
      result.push_back(ZerosLike(x));
      continue;
    }
    NodeEntry total = Sum(&grads[g.entry_id(x)], x.node->name);
    result.push_back(total.node ? total : ZerosLike(x));
  }
  return result;
}

}  // namespace graph
}  // namespace mx
