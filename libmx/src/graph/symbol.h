// Symbol: a list of node outputs -- MXNet's declarative graph handle.  Nodes
// are shared between symbols; operations that change a graph copy it first.
#ifndef MX_GRAPH_SYMBOL_H_
#define MX_GRAPH_SYMBOL_H_

#include <string>
#include <utility>
#include <vector>

#include "graph/node.h"

namespace mx {
namespace graph {

class Symbol {
 public:
  enum class InputKind { kAll, kArguments, kAuxiliaryStates };
  using Attributes = std::vector<std::pair<std::string, std::string>>;

  std::vector<NodeEntry> outputs;

  static Symbol Variable(const std::string& name);
  // One op node, inputs not yet given (compose it); outputs: every output.
  static Symbol Atomic(const op::OpDef* op, const std::string& name,
                       std::map<std::string, std::string> dict);
  static Symbol Group(const std::vector<Symbol>& symbols);

  // Fills inputs.  An atomic symbol takes positional args in its op's input
  // order and keyword args by input name; missing inputs become variables
  // named "<name>_<input>" carrying the node's attributes (MXNet's rule).
  // Any other symbol has its variables replaced: positional args in
  // ListInputs(kAll) order, keyword args by variable name.
  void Compose(const std::vector<Symbol>& args,
               const std::vector<std::pair<std::string, Symbol>>& kwargs, const std::string& name);
  // A copy of every node reachable from the outputs.
  Symbol Copy() const;

  Symbol Output(size_t index) const;
  // Every output of every node, in topological order.
  Symbol Internals() const;
  // The inputs of the output nodes; empty for variables.
  Symbol Children() const;

  std::vector<NodePtr> ListInputs(InputKind kind) const;
  std::vector<std::string> ListInputNames(InputKind kind) const;
  std::vector<std::string> ListOutputNames() const;

  // "name" is the output node's name; other keys come from its dict (a
  // plain key such as lr_mult also finds __lr_mult__).  False if absent or
  // if the outputs span several nodes.
  bool GetAttr(const std::string& key, std::string* out) const;
  // On the single output node.  Op parameters are re-validated.
  void SetAttr(const std::string& key, const std::string& value);
  // The output node's attributes, or (recursive) "node$key" for every node.
  Attributes ListAttrs(bool recursive) const;

  // MXNet's debug_str: each node with its inputs and attributes.
  std::string DebugString() const;

 private:
  const Node* SingleNode() const;  // nullptr if the outputs span nodes
};

// How MXNet names a node's output entry ("fc1_output", "bn_mean") and, for
// monitors, its input slots ("fc1_weight").
std::string OutputName(const Node& n, uint32_t index);
std::string InputName(const Node& n, uint32_t index);

}  // namespace graph
}  // namespace mx

#endif  // MX_GRAPH_SYMBOL_H_
