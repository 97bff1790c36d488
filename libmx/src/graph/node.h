// A graph node: a variable or an operator applied to other nodes' outputs.
// Graphs are DAGs of shared nodes; a Symbol (symbol.h) names some outputs.
#ifndef MX_GRAPH_NODE_H_
#define MX_GRAPH_NODE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ops/op.h"

namespace mx {

namespace imperative {
struct AGState;
}

namespace graph {

struct Node;
using NodePtr = std::shared_ptr<Node>;

// Output `index` of `node`.  version counts writes to a variable (kept for
// the JSON format's third entry field).
struct NodeEntry {
  NodePtr node;
  uint32_t index = 0;
  uint32_t version = 0;
};

struct Node {
  const op::OpDef* op = nullptr;  // nullptr: a variable
  std::string name;
  // Every attribute as text, sorted (the JSON "attrs"): op parameters and
  // annotations such as __shape__ or __lr_mult__.
  std::map<std::string, std::string> dict;
  // The op parameters parsed from dict; null until every required one is
  // known (a variadic op's count is filled in when it is composed).
  std::shared_ptr<const op::Attrs> attrs;
  std::vector<NodeEntry> inputs;
  std::vector<NodePtr> control_deps;
  // Values autograd recorded for this node (imperative/autograd.h).
  std::shared_ptr<imperative::AGState> ag;

  bool is_variable() const { return op == nullptr; }
  uint32_t num_outputs() const;
  uint32_t num_inputs() const;  // what the op takes with these parameters

  static NodePtr Variable(const std::string& name);
  // An op node without inputs; parses dict (throws on an unknown or bad
  // parameter, naming the node).
  static NodePtr Create(const op::OpDef* op, const std::string& name,
                        std::map<std::string, std::string> dict);
  // Re-parses dict into attrs.
  void ParseAttrs();
  // "node 'fc1' (FullyConnected)": how errors name a node.
  std::string Describe() const;
};

// Post-order depth-first walk from heads (inputs, then control deps, in
// order), each node once: a topological order.
void DFSVisit(const std::vector<NodeEntry>& heads, const std::function<void(const NodePtr&)>& fn);

// Annotation keys MXNet stores hidden (as __key__) when set by their plain name.
bool IsHiddenKey(const std::string& key);

}  // namespace graph
}  // namespace mx

#endif  // MX_GRAPH_NODE_H_
