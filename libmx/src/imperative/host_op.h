// Host ops: ops that libmx runs itself on the calling thread instead of a
// device kernel pushed to the engine -- calls back into a frontend
// (autograd.Function's backward), which then pushes ordinary ops.
#ifndef MX_IMPERATIVE_HOST_OP_H_
#define MX_IMPERATIVE_HOST_OP_H_

#include <functional>
#include <string>
#include <vector>

#include "ndarray/ndarray.h"
#include "ops/op.h"

namespace mx {
namespace imperative {

// Makes every output (outputs arrive sized, entries none).
using HostFn = std::function<void(const op::Attrs& attrs, const std::vector<NDArray>& inputs,
                                  std::vector<NDArray>* outputs)>;

// Called at static initialisation by the file that implements the op.
bool RegisterHostOp(const char* op_name, HostFn fn);
// nullptr for ordinary ops.  Cheap: a table lookup by OpDef::index.
const HostFn* FindHostOp(const op::OpDef* op);

}  // namespace imperative
}  // namespace mx

#endif  // MX_IMPERATIVE_HOST_OP_H_
