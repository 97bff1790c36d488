#include "graph/mirror.h"

#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace mx {
namespace graph {

namespace {

bool Mirrorable(const Node& n) {
  if (n.is_variable() || n.op->needs_rng || n.op->stateful || !n.op->MutatedInputs(*n.attrs).empty())
    return false;
  auto forced = n.dict.find("__force_mirroring__");
  if (forced != n.dict.end()) return forced->second == "True" || forced->second == "1";
  static const char* const kCostly[] = {"FullyConnected", "Convolution", "Deconvolution", "dot",
                                        "batch_dot", "Concat", "SoftmaxOutput"};
  for (const char* name : kCostly)
    if (n.op->name == name) return false;
  return true;
}

}  // namespace

std::vector<NodeEntry> MirrorForBackward(const std::vector<NodeEntry>& forward_outputs,
                                         const std::vector<NodeEntry>& grads) {
  std::unordered_set<const Node*> forward;
  DFSVisit(forward_outputs, [&](const NodePtr& n) { forward.insert(n.get()); });
  std::unordered_map<const Node*, NodePtr> copies;
  // The recomputed copy of a forward node (its inputs mirrored in turn).
  std::function<NodePtr(const NodePtr&)> mirror = [&](const NodePtr& n) -> NodePtr {
    if (!forward.count(n.get()) || !Mirrorable(*n)) return n;
    auto it = copies.find(n.get());
    if (it != copies.end()) return it->second;
    auto copy = std::make_shared<Node>(*n);
    copy->name = n->name + "_mirror";
    copy->ag.reset();
    for (NodeEntry& e : copy->inputs) e.node = mirror(e.node);
    copies[n.get()] = copy;
    return copy;
  };
  std::vector<NodeEntry> out = grads;
  std::unordered_set<const Node*> done;
  // Backward nodes are made by the gradient pass and never shared with other
  // graphs, so their inputs are rewritten in place.
  DFSVisit(grads, [&](const NodePtr& n) {
    if (forward.count(n.get()) || !done.insert(n.get()).second) return;
    for (NodeEntry& e : n->inputs) e.node = mirror(e.node);
  });
  for (NodeEntry& e : out) e.node = mirror(e.node);
  return out;
}

}  // namespace graph
}  // namespace mx
