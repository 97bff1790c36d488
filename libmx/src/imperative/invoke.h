// Imperative execution: run one op on NDArrays through the engine.
#ifndef MX_IMPERATIVE_INVOKE_H_
#define MX_IMPERATIVE_INVOKE_H_

#include <memory>
#include <vector>

#include "ndarray/ndarray.h"
#include "ops/op.h"

namespace mx {
namespace imperative {

// Infers output shapes and dtypes, creates the outputs that are none (or
// checks the given ones), finds the kernel, and pushes the call to the
// engine.  Outputs that are none are created; in MXOpCallInvoke's mixed case
// only those.  Errors of shape, dtype, parameters or missing kernels throw here;
// errors inside the kernel are stored on the outputs.
void Invoke(const op::OpDef* op, const std::shared_ptr<const op::Attrs>& attrs,
            std::vector<NDArray> inputs, std::vector<NDArray>* outputs);

}  // namespace imperative
}  // namespace mx

#endif  // MX_IMPERATIVE_INVOKE_H_
