// What the sampling ops share: the output dtype parameter of the float-valued
// ones and the check of a sample shape.
#ifndef MX_OPS_RANDOM_SAMPLING_H_
#define MX_OPS_RANDOM_SAMPLING_H_

#include <string>

#include "common/dtype.h"
#include "ops/op.h"

namespace mx {
namespace op {

// MXNet's dtype parameter of the float-valued random ops: None is float32.
constexpr const char* kFloatDTypeChoices = "{'None', 'float16', 'float32', 'float64'}";
constexpr const char* kFloatDTypeDoc =
    "DType of the output in case this can't be inferred. Defaults to float32 if not defined "
    "(dtype=None).";

// The dtype code an enum dtype parameter names; `fallback` for "None".
inline int DTypeParam(const Attrs& attrs, int fallback) {
  const std::string name = attrs.Str("dtype");
  return name == "None" ? fallback : DTypeFromName(name);
}

inline void CheckSampleShape(const Attrs& attrs, const Shape& shape) {
  for (int64_t d : shape)
    MX_CHECK(d >= 0, kValue, "operator ", attrs.op()->name, ": invalid shape ", shape.ToString(),
             ": dimensions must be non-negative");
}

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_RANDOM_SAMPLING_H_
