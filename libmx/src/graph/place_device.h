// Model parallelism (MXNet's group2ctx, the PlaceDevice pass): every node
// of a bound graph gets a device, and every edge between two devices gets a
// copy node (`_copyto`), so one executor spans several devices.
//
// A node's device: its bound array's, for a variable (Fix); group2ctx's for
// an op whose ctx_group attribute names a group (an unmapped group is an
// error); its forward node's, for a backward op; its device input's, for a
// cross-device op (the gradient of a copy returns to the copy's input);
// otherwise its first placed input's, else its first placed consumer's,
// else the default device.  An input an op updates in place (BatchNorm's
// moving statistics) is never copied: on another device it is an error.
#ifndef MX_GRAPH_PLACE_DEVICE_H_
#define MX_GRAPH_PLACE_DEVICE_H_

#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "common/context.h"
#include "graph/node.h"

namespace mx {
namespace graph {

class DevicePlacement {
 public:
  DevicePlacement(Context default_ctx, std::map<std::string, Context> group2ctx);

  void Fix(const Node* node, Context ctx) { ctx_[node] = ctx; }
  // Places the nodes under heads that have no device yet and inserts the
  // copies, rewriting the inputs of the consumers (nodes the caller owns).
  // Nodes placed by an earlier call keep their device, so the forward graph
  // can be placed before its gradient is built and the whole graph after.
  void Place(const std::vector<NodeEntry>& heads);
  // The device of a placed node.
  Context Of(const Node* node) const;

 private:
  NodeEntry CopyTo(const NodeEntry& src, Context ctx);

  Context default_;
  std::map<std::string, Context> groups_;
  std::unordered_map<const Node*, Context> ctx_;
  std::map<std::tuple<const Node*, uint32_t, int, int>, NodeEntry> copies_;
};

}  // namespace graph
}  // namespace mx

#endif  // MX_GRAPH_PLACE_DEVICE_H_
