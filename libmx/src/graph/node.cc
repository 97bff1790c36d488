#include "graph/node.h"

#include <unordered_set>
#include <utility>

#include "common/error.h"

namespace mx {
namespace graph {

uint32_t Node::num_outputs() const {
  if (is_variable()) return 1;
  return attrs ? static_cast<uint32_t>(op->NumOutputs(*attrs)) : static_cast<uint32_t>(op->num_outputs);
}

uint32_t Node::num_inputs() const {
  if (is_variable()) return 0;
  MX_CHECK(attrs != nullptr, kValue, Describe(), ": parameters incomplete");
  return static_cast<uint32_t>(op->NumInputs(*attrs));
}

NodePtr Node::Variable(const std::string& name) {
  auto n = std::make_shared<Node>();
  n->name = name;
  return n;
}

NodePtr Node::Create(const op::OpDef* op, const std::string& name,
                     std::map<std::string, std::string> dict) {
  auto n = std::make_shared<Node>();
  n->op = op;
  n->name = name;
  n->dict = std::move(dict);
  // A variadic op's count may come from the inputs it is composed with.
  if (!op->variadic() || n->dict.count(op->key_var_num_args)) n->ParseAttrs();
  return n;
}

void Node::ParseAttrs() {
  if (is_variable()) return;
  std::vector<const char*> keys, vals;
  for (const auto& kv : dict) {
    keys.push_back(kv.first.c_str());
    vals.push_back(kv.second.c_str());
  }
  try {
    attrs = op::Attrs::Parse(op, static_cast<int>(keys.size()), keys.data(), vals.data());
  } catch (const Error& e) {
    Throw(e.kind(), Describe(), ": ", e.what());
  }
}

std::string Node::Describe() const {
  return "node '" + name + "' (" + (op ? op->name : std::string("variable")) + ")";
}

void DFSVisit(const std::vector<NodeEntry>& heads, const std::function<void(const NodePtr&)>& fn) {
  // Iterative: graphs can be deeper than the stack (a 10,000-layer chain).
  std::unordered_set<const Node*> seen;
  std::vector<std::pair<NodePtr, size_t>> stack;
  auto push = [&](const NodePtr& n) {
    if (n && seen.insert(n.get()).second) stack.emplace_back(n, 0);
  };
  for (const NodeEntry& h : heads) {
    push(h.node);
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      const size_t num_in = node->inputs.size();
      if (next < num_in + node->control_deps.size()) {
        const size_t i = next++;
        NodePtr child = i < num_in ? node->inputs[i].node : node->control_deps[i - num_in];
        push(child);
      } else {
        NodePtr done = std::move(node);
        stack.pop_back();
        fn(done);
      }
    }
  }
}

bool IsHiddenKey(const std::string& key) {
  static const char* const kHidden[] = {"ctx_group",      "lr_mult",     "wd_mult",
                                        "force_mirroring", "mirror_stage", "profiler_scope"};
  for (const char* k : kHidden)
    if (key == k) return true;
  return false;
}

}  // namespace graph
}  // namespace mx
