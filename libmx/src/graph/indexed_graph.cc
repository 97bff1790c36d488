#include "graph/indexed_graph.h"

namespace mx {
namespace graph {

IndexedGraph::IndexedGraph(const std::vector<NodeEntry>& heads) : outputs_(heads) {
  DFSVisit(heads, [this](const NodePtr& n) {
    const uint32_t id = static_cast<uint32_t>(nodes_.size());
    ids_[n.get()] = id;
    nodes_.push_back(n);
    if (n->is_variable()) input_nodes_.push_back(id);
    entry_start_.push_back(entry_start_.back() + n->num_outputs());
  });
}

}  // namespace graph
}  // namespace mx
