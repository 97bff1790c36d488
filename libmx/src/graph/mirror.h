// Mirroring (recomputation, MXNet's MXNET_BACKWARD_DO_MIRROR): backward
// nodes read recomputed copies of cheap forward nodes instead of the forward
// values, so the planner can free those values right after the forward pass
// uses them -- memory traded for compute (sublinear-memory training).
#ifndef MX_GRAPH_MIRROR_H_
#define MX_GRAPH_MIRROR_H_

#include <vector>

#include "graph/node.h"

namespace mx {
namespace graph {

// Rewrites the inputs of the gradient graph's nodes (those reachable from
// grads but not from forward_outputs) that read mirrorable forward nodes.
// Mirrorable: not a variable, no random numbers, no mutated inputs, not one
// of the costly ops (FullyConnected, Convolution, Deconvolution, dot,
// batch_dot, Concat, SoftmaxOutput) -- unless its __force_mirroring__
// attribute says otherwise.  Returns the rewritten gradient entries.
std::vector<NodeEntry> MirrorForBackward(const std::vector<NodeEntry>& forward_outputs,
                                         const std::vector<NodeEntry>& grads);

}  // namespace graph
}  // namespace mx

#endif  // MX_GRAPH_MIRROR_H_
