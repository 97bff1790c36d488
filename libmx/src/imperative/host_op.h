// Host ops: ops that libmx runs itself on the calling thread instead of a
// device kernel pushed to the engine -- calls back into a frontend
// (autograd.Function's backward, Custom), which then pushes ordinary ops on
// the arrays it is given, so the engine orders that work like any other.
//
// A host op may be stateful (OpDef::stateful, MXNet's FCreateOpState /
// OpStatePtr): its state is made once per executor node or per imperative
// call and handed to the node's backward op (OpDef::is_backward) as well.
#ifndef MX_IMPERATIVE_HOST_OP_H_
#define MX_IMPERATIVE_HOST_OP_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ndarray/ndarray.h"
#include "ops/op.h"

namespace mx {
namespace imperative {

// One node's operator state; what it holds is the op's business.
using OpState = std::shared_ptr<void>;

// One run of a host op.
struct HostCall {
  const op::Attrs& attrs;
  const std::vector<NDArray>& inputs;
  // Sized to the op's outputs.  Entries that are none are for the op to
  // make; the others are written per req.
  std::vector<NDArray>* outputs;
  const std::vector<int>& req;  // per output: MX_REQ_WRITE, MX_REQ_INPLACE or MX_REQ_ADD
  const OpState& state;         // null unless the op is stateful or a backward of one
  bool is_train;
};

using HostFn = std::function<void(const HostCall& call)>;
// Makes the state of a node of a stateful op from its device and its
// inputs' shapes and dtypes.
using CreateStateFn = std::function<OpState(const op::Attrs& attrs, Context ctx,
                                            const std::vector<Shape>& in_shapes,
                                            const std::vector<int>& in_dtypes)>;

struct HostOp {
  HostFn run;
  CreateStateFn create_state;  // stateful ops only
  // run honours MX_REQ_ADD: the executor may ask it to add a gradient into
  // an argument's gradient array ('add' grad_req) instead of adding after.
  bool adds_to_outputs = false;
};

// Called at static initialisation by the file that implements the op.
bool RegisterHostOp(const char* op_name, HostOp op);
// nullptr for ordinary ops.  Cheap: a table lookup by OpDef::index.
const HostOp* FindHostOp(const op::OpDef* op);

}  // namespace imperative
}  // namespace mx

#endif  // MX_IMPERATIVE_HOST_OP_H_
