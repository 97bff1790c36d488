#include "graph/place_device.h"

#include <algorithm>

#include "common/error.h"

namespace mx {
namespace graph {

DevicePlacement::DevicePlacement(Context default_ctx, std::map<std::string, Context> group2ctx)
    : default_(default_ctx), groups_(std::move(group2ctx)) {}

Context DevicePlacement::Of(const Node* node) const {
  auto it = ctx_.find(node);
  MX_CHECK(it != ctx_.end(), kInternal, node->Describe(), " has no device");
  return it->second;
}

void DevicePlacement::Place(const std::vector<NodeEntry>& heads) {
  std::vector<NodePtr> order;
  DFSVisit(heads, [&](const NodePtr& n) { order.push_back(n); });
  auto placed = [&](const NodePtr& n) { return ctx_.count(n.get()) != 0; };
  for (const NodePtr& n : order) {
    if (placed(n) || n->is_variable()) continue;
    auto group = n->dict.find("__ctx_group__");
    if (group != n->dict.end()) {
      auto it = groups_.find(group->second);
      MX_CHECK(it != groups_.end(), kValue, "bind: ", n->Describe(), " is in ctx_group '",
               group->second, "', which group2ctx does not assign a device");
      ctx_[n.get()] = it->second;
    } else if (n->op->cross_device && n->op->device_input < static_cast<int>(n->inputs.size()) &&
               placed(n->inputs[n->op->device_input].node)) {
      ctx_[n.get()] = Of(n->inputs[n->op->device_input].node.get());
    } else if (n->op->is_backward && !n->control_deps.empty() && placed(n->control_deps[0])) {
      ctx_[n.get()] = Of(n->control_deps[0].get());
    } else {
      for (const NodeEntry& e : n->inputs) {
        if (!placed(e.node)) continue;
        ctx_[n.get()] = Of(e.node.get());
        break;
      }
    }
  }
  // Nodes with no placed input (ops without inputs, unbound variables) go
  // where their consumers are.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (!placed(*it)) continue;
    for (const NodeEntry& e : (*it)->inputs)
      if (!placed(e.node)) ctx_[e.node.get()] = Of(it->get());
  }
  for (const NodePtr& n : order)
    if (!placed(n)) ctx_[n.get()] = default_;

  for (const NodePtr& n : order) {
    if (n->is_variable() || n->op->cross_device) continue;  // a copy reads any device
    const Context here = Of(n.get());
    const std::vector<int> mutated = n->op->MutatedInputs(*n->attrs);
    for (size_t i = 0; i < n->inputs.size(); ++i) {
      NodeEntry& e = n->inputs[i];
      const Context there = Of(e.node.get());
      if (there == here) continue;
      // A copy of an input the op updates (BatchNorm's moving statistics)
      // would take the update: the array must be where the op runs.
      MX_CHECK(std::find(mutated.begin(), mutated.end(), static_cast<int>(i)) == mutated.end(), kValue,
               "bind: ", n->Describe(), " runs on ", here.ToString(), " and updates its input '",
               e.node->name, "' in place, which is on ", there.ToString());
      e = CopyTo(e, here);
    }
  }
}

NodeEntry DevicePlacement::CopyTo(const NodeEntry& src, Context ctx) {
  const auto key = std::make_tuple(src.node.get(), src.index, ctx.dev_type, ctx.dev_id);
  auto it = copies_.find(key);
  if (it != copies_.end()) return it->second;
  static const op::OpDef* copy = op::Registry::Get().FindOrThrow("_copyto");
  std::string name = src.node->name;
  if (src.node->num_outputs() > 1) name += "_output" + std::to_string(src.index);
  NodePtr node = Node::Create(copy, name + "_" + ctx.ToString() + "_copy", {});
  node->inputs = {src};
  ctx_[node.get()] = ctx;
  return copies_[key] = NodeEntry{node, 0, 0};
}

}  // namespace graph
}  // namespace mx
