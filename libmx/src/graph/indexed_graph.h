// A graph flattened for passes: nodes in topological order with dense ids,
// every node output ("entry") with a dense id.  Immutable; holds the nodes.
#ifndef MX_GRAPH_INDEXED_GRAPH_H_
#define MX_GRAPH_INDEXED_GRAPH_H_

#include <unordered_map>
#include <vector>

#include "graph/node.h"

namespace mx {
namespace graph {

class IndexedGraph {
 public:
  explicit IndexedGraph(const std::vector<NodeEntry>& heads);

  size_t num_nodes() const { return nodes_.size(); }
  size_t num_entries() const { return entry_start_.back(); }
  const NodePtr& node(uint32_t id) const { return nodes_[id]; }
  bool contains(const Node* n) const { return ids_.count(n) != 0; }
  uint32_t node_id(const Node* n) const { return ids_.at(n); }
  uint32_t entry_id(uint32_t node_id, uint32_t index) const { return entry_start_[node_id] + index; }
  uint32_t entry_id(const NodeEntry& e) const { return entry_id(node_id(e.node.get()), e.index); }
  // node_row_ptr of the JSON format: entry ids of node i start here.
  const std::vector<uint32_t>& entry_start() const { return entry_start_; }
  // Ids of the variable nodes, in order.
  const std::vector<uint32_t>& input_nodes() const { return input_nodes_; }
  const std::vector<NodeEntry>& outputs() const { return outputs_; }

 private:
  std::vector<NodePtr> nodes_;
  std::unordered_map<const Node*, uint32_t> ids_;
  std::vector<uint32_t> entry_start_{0};
  std::vector<uint32_t> input_nodes_;
  std::vector<NodeEntry> outputs_;
};

}  // namespace graph
}  // namespace mx

#endif  // MX_GRAPH_INDEXED_GRAPH_H_
