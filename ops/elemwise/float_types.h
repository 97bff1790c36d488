// Type inference for ops that, as in MXNet 1.9, take floating-point arrays
// only (MSHADOW_REAL_TYPE_SWITCH there).
#ifndef MX_OPS_ELEMWISE_FLOAT_TYPES_H_
#define MX_OPS_ELEMWISE_FLOAT_TYPES_H_

#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

// SameTypes, then float16 / float32 / float64 only, reported at inference
// instead of as a missing kernel.
bool FloatTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_ELEMWISE_FLOAT_TYPES_H_
