// The symbolic executor (MXNet's GraphExecutor): a Symbol bound to arrays.
// Binding builds the gradient graph (for arguments with grad_req != null),
// infers shapes and dtypes, plans memory and allocates one buffer per
// planned block; forward and backward then push each node to the engine in
// order, so independent branches run concurrently and the bound arrays can
// be read and updated with NDArray code in between.  Host ops (Custom) run
// on the calling thread as they are reached, pushing their own work.
// With group2ctx the graph spans devices (graph/place_device.h): each node
// runs on its group's device, with copies between devices.
#ifndef MX_EXECUTOR_GRAPH_EXECUTOR_H_
#define MX_EXECUTOR_GRAPH_EXECUTOR_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graph/indexed_graph.h"
#include "graph/place_device.h"
#include "graph/plan_memory.h"
#include "graph/symbol.h"
#include "imperative/host_op.h"
#include "ndarray/ndarray.h"

namespace mx {
namespace executor {

class GraphExecutor {
 public:
  // args and aux in the symbol's list_arguments / list_auxiliary_states
  // order; arg_grads[i] may be none when grad_reqs[i] is null (0).
  // grad_reqs: 0 null, 1 write, 3 add.  memory_flags: graph::PlanFlags.
  // Without group2ctx every node runs on ctx, where the arrays must be.
  GraphExecutor(const graph::Symbol& symbol, Context ctx, std::vector<NDArray> args,
                std::vector<NDArray> arg_grads, std::vector<int> grad_reqs, std::vector<NDArray> aux,
                int memory_flags, std::map<std::string, Context> group2ctx = {});

  void Forward(bool is_train);
  // The forward pass one op node at a time (the predict API's partial forward).
  size_t NumForwardOps() const { return forward_ops_.size(); }
  void ForwardOp(size_t step, bool is_train);
  // head_grads: one per output, none entries (or an empty list) mean ones.
  void Backward(const std::vector<NDArray>& head_grads, bool is_train);

  // Called after each op node is pushed (forward and backward), once per
  // output named as MXNet names it ("fc1_output"), and with monitor_all
  // first once per input ("fc1_weight"): MXNet's executor monitor.  The
  // array's values are those of the pushed op: read them through the engine.
  using MonitorFn = std::function<void(const std::string& name, const NDArray& array)>;
  void SetMonitor(MonitorFn fn, bool monitor_all);

  const std::vector<NDArray>& outputs() const { return outputs_; }
  const graph::MemoryPlan& plan() const { return plan_; }
  std::string DebugString() const;

 private:
  // A graph (forward + gradients), its shapes, its bound entries and plan.
  struct Layout {
    std::unique_ptr<graph::IndexedGraph> graph;
    std::vector<graph::NodeEntry> grad_entries;
    std::vector<Shape> shapes;
    std::vector<int> dtypes;
    std::vector<NDArray> values;  // the bound (external) entries
    std::vector<char> direct;     // per grad_args_: written into the gradient array
    std::vector<char> add_to;     // per entry: its node adds it into an 'add' gradient array
    std::vector<Context> devices;  // by the plan's device numbers
    graph::MemoryPlan plan;
  };
  // Places the graph's new (gradient) nodes when it spans devices.
  Layout MakeLayout(std::vector<graph::NodeEntry> grad_entries, int memory_flags);
  Context DeviceOf(const graph::Node* node) const { return placement_ ? placement_->Of(node) : ctx_; }
  void RunNodes(uint32_t begin, uint32_t end, bool is_train);
  void CreateStates();

  graph::Symbol symbol_;
  Context ctx_;
  std::vector<NDArray> args_, arg_grads_, aux_;
  std::vector<int> grad_reqs_;
  std::vector<graph::NodeEntry> grad_entries_;  // per argument with a gradient
  std::vector<uint32_t> grad_args_;             // their argument indices
  std::vector<char> direct_;                    // per grad_args_: written in place
  std::vector<char> add_to_;                    // per entry: written with MX_REQ_ADD
  std::vector<graph::NodePtr> head_grad_vars_;  // per output, when training
  std::unique_ptr<graph::DevicePlacement> placement_;  // with group2ctx
  std::unique_ptr<graph::IndexedGraph> graph_;
  uint32_t num_forward_nodes_ = 0;
  std::vector<uint32_t> forward_ops_;  // ids of the forward op nodes, in order
  // Per node: the state of a stateful op's node (made at bind), which its
  // backward node shares.
  std::vector<imperative::OpState> states_;
  graph::MemoryPlan plan_;
  std::vector<NDArray> values_;  // per entry
  std::vector<NDArray> outputs_;
  bool forward_done_ = false;
  MonitorFn monitor_;
  bool monitor_all_ = false;
};

}  // namespace executor
}  // namespace mx

#endif  // MX_EXECUTOR_GRAPH_EXECUTOR_H_
