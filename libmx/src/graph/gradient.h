// The gradient pass (MXNet's Gradient): the graph of d(ys)/d(xs), built
// from each op's gradient function (ops/gradient.h) in reverse topological
// order, summing the gradients of entries used more than once.
#ifndef MX_GRAPH_GRADIENT_H_
#define MX_GRAPH_GRADIENT_H_

#include <vector>

#include "graph/node.h"

namespace mx {
namespace graph {

// head_grads: one per y; an entry with a null node means ones_like(y).
// Returns one entry per x: its summed gradient, or zeros_like(x) where no
// path leads from x to the ys.  An op without a gradient on a path from an x
// to a y throws kNotImplemented naming it.
std::vector<NodeEntry> Gradient(const std::vector<NodeEntry>& ys, const std::vector<NodeEntry>& xs,
                                const std::vector<NodeEntry>& head_grads);

// Applies an op to entries as a new node (what gradient functions build
// with); params are parsed now.
std::vector<NodeEntry> ApplyOp(const std::string& op_name, const std::string& node_name,
                               const std::vector<NodeEntry>& inputs, const op::Params& params);

}  // namespace graph
}  // namespace mx

#endif  // MX_GRAPH_GRADIENT_H_
