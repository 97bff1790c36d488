// Imperative execution: run one op on NDArrays through the engine.
#ifndef MX_IMPERATIVE_INVOKE_H_
#define MX_IMPERATIVE_INVOKE_H_

#include <memory>
#include <vector>

#include "imperative/host_op.h"
#include "ndarray/ndarray.h"
#include "ops/op.h"

namespace mx {
namespace imperative {

// Infers output shapes and dtypes, creates the outputs that are none (or
// checks the given ones), finds the kernel, and pushes the call to the
// engine.  Outputs that are none are created; in MXOpCallInvoke's mixed case
// only those.  Errors of shape, dtype, parameters or missing kernels throw here;
// errors inside the kernel are stored on the outputs.  Host ops
// (host_op.h) run on this thread instead, and their errors throw here.
//
// state: for a stateful op, the node's state: used when set, else made (and
// kept in *state when state is not null); for a backward op, the state of
// its forward node.  req: one MX_REQ_* per output; null means write (in
// place where an output shares an input's buffer).
void Invoke(const op::OpDef* op, const std::shared_ptr<const op::Attrs>& attrs,
            std::vector<NDArray> inputs, std::vector<NDArray>* outputs, OpState* state = nullptr,
            const std::vector<int>* req = nullptr);

}  // namespace imperative
}  // namespace mx

#endif  // MX_IMPERATIVE_INVOKE_H_
