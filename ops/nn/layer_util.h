// Helpers shared by the neural-network layer ops (Convolution, Pooling,
// BatchNorm, Dropout, the loss outputs, ...), whose gradients run through a
// dedicated _backward_<Op> node that takes the forward op's parameters.
#ifndef MX_OPS_NN_LAYER_UTIL_H_
#define MX_OPS_NN_LAYER_UTIL_H_

#include <vector>

#include "common/dtype.h"
#include "ops/op.h"

namespace mx {
namespace op {

// The parameters of a node as text, to build its _backward_<Op> node with
// (the backward op declares the same schema).
inline Params ParamsOf(const Attrs& attrs) {
  Params params;
  for (const MXAttr& a : attrs.values()) params.emplace_back(a.name, a.s);
  return params;
}

// Every input and output takes input 0's dtype, which must be float16,
// float32 or float64 (MXNet's MSHADOW_REAL_TYPE_SWITCH), reported at
// inference instead of as a missing kernel.
inline bool SameFloatTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const bool known = SameTypes(attrs, in, out);
  if (known) {
    const int t = (*out)[0];
    MX_CHECK(t == kFloat32 || t == kFloat64 || t == kFloat16, kType, "operator ", attrs.op()->name,
             ": dtype ", DTypeName(t), " is not supported (float16, float32 and float64 only)");
  }
  return known;
}

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_NN_LAYER_UTIL_H_
