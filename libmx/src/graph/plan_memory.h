// Static memory planning (paper section 3.3).  Walking the nodes in
// execution order, each output entry gets a storage block:
//  * in place: an input's block, when the op allows it (OpDef::inplace) and
//    this node is the input's last reader;
//  * co-shared: a block whose entries are all dead, best fit by size;
//  * else a new block.
// Entries the caller owns (bound arrays) and graph outputs never share, nor
// do entries on different devices (a graph placed on several, see
// place_device.h).
#ifndef MX_GRAPH_PLAN_MEMORY_H_
#define MX_GRAPH_PLAN_MEMORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/shape.h"
#include "graph/indexed_graph.h"

namespace mx {
namespace graph {

// kPlanMirror: recompute cheap forward nodes in backward (graph/mirror.h).
enum PlanFlags : int { kPlanInplace = 1, kPlanCoshare = 2, kPlanMirror = 4 };

struct MemoryPlan {
  static constexpr int kExternal = -1;  // the caller's array
  std::vector<int> storage;            // per entry: a block id, or kExternal
  std::vector<size_t> block_bytes;     // per block
  std::vector<int> block_device;       // per block: the device of its entries
  size_t planned_bytes = 0;            // sum of block_bytes
  size_t naive_bytes = 0;              // one block per planned entry
  int inplace_count = 0, coshare_count = 0;
};

// external[e]: entry e is bound by the caller.  keep[e]: entry e must stay
// valid after the run (a graph output).  device[e]: a number for entry e's
// device (empty: all on one).  Entries of unknown shape throw.
MemoryPlan PlanMemory(const IndexedGraph& g, const std::vector<Shape>& shapes,
                      const std::vector<int>& dtypes, const std::vector<char>& external,
                      const std::vector<char>& keep, int flags, const std::vector<int>& device = {});

}  // namespace graph
}  // namespace mx

#endif  // MX_GRAPH_PLAN_MEMORY_H_
