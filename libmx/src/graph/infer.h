// Shape and dtype inference over a graph (MXNet's InferShape / InferType
// passes): values flow forward from inputs and backward from what ops
// require (a FullyConnected's weight shape from its data and num_hidden)
// until nothing changes.
#ifndef MX_GRAPH_INFER_H_
#define MX_GRAPH_INFER_H_

#include <vector>

#include "common/shape.h"
#include "graph/indexed_graph.h"

namespace mx {
namespace graph {

// values: one per entry of g (Shape::Unknown() / -1 where unknown), seeded
// with what the caller knows; variables' __shape__ / __dtype__ attributes
// seed too.  Contradictions throw, naming the node, its op and both values.
// Returns how many entries are still not fully known.
size_t InferShapes(const IndexedGraph& g, std::vector<Shape>* values);
size_t InferTypes(const IndexedGraph& g, std::vector<int>* values);

}  // namespace graph
}  // namespace mx

#endif  // MX_GRAPH_INFER_H_
