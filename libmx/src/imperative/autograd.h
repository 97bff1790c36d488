// Autograd: imperative ops run while recording are also added to a graph
// (their NDArrays hold its entries); backward builds the gradient graph with
// the gradient pass and runs it op by op through the engine.  The tape is the
// graph itself, kept alive by the arrays that refer to it.
#ifndef MX_IMPERATIVE_AUTOGRAD_H_
#define MX_IMPERATIVE_AUTOGRAD_H_

#include <memory>
#include <vector>

#include "graph/node.h"
#include "graph/symbol.h"
#include "imperative/host_op.h"
#include "ndarray/ndarray.h"

namespace mx {
namespace imperative {

// MXNet's grad_req values.
enum GradReq : int { kNullOp = 0, kWriteTo = 1, kAddTo = 3 };

// What autograd keeps on a recorded node.
struct AGState {
  // Forward values of the node's outputs (a variable: its array), detached.
  // Cleared by a backward that does not retain the graph.
  std::vector<NDArray> outputs;
  bool freed = false;
  // Marked variables (attach_grad / mark_variables) only.
  bool marked = false;
  int grad_req = kWriteTo;
  NDArray grad;
  // Set when a backward pass writes grad (MXNet's fresh_out_grad); a
  // frontend clears it once it has consumed the gradient.
  bool fresh_grad = false;
  // Whatever must live as long as the node (a Function's callbacks).
  std::shared_ptr<void> keep_alive;
  // A stateful op's state (host_op.h), for its backward node.
  OpState state;
};

// Per-thread modes, as in MXNet; each setter returns the previous value.
bool IsRecording();
bool IsTraining();
bool SetRecording(bool on);
bool SetTraining(bool on);

// Called by imperative::Invoke after the outputs exist: when recording and
// some input is tracked, adds the op as a graph node and points the outputs
// at its entries.
void RecordOp(const op::OpDef* op, const std::shared_ptr<const op::Attrs>& attrs,
              const std::vector<NDArray>& inputs, std::vector<NDArray>* outputs,
              const OpState& state = nullptr);

// Makes `var` a leaf whose gradient goes to `grad` with `grad_req`.
void MarkVariable(NDArray* var, const NDArray& grad, int grad_req);

// backward(): with no variables, writes the gradients of every marked
// variable reachable from heads into their grad arrays (per grad_req).
// grad(): with variables, returns their gradients as new arrays and leaves
// grad arrays alone.  head_grads entries may be none (ones).  create_graph
// records the backward computation (higher-order gradients).
std::vector<NDArray> Backward(const std::vector<NDArray>& heads, const std::vector<NDArray>& head_grads,
                              const std::vector<NDArray>& variables, bool retain_graph,
                              bool create_graph, bool is_train);

// The recorded computation of `array` as a symbol of fresh nodes (MXNet's
// autograd.get_symbol): marked variables become variables "var<k>", other
// leaves "null<k>", ops "node_<k>", numbered in topological order.
graph::Symbol GetSymbol(const NDArray& array);

}  // namespace imperative
}  // namespace mx

#endif  // MX_IMPERATIVE_AUTOGRAD_H_
