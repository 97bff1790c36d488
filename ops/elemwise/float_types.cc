#include "ops/elemwise/float_types.h"

#include "common/dtype.h"

namespace mx {
namespace op {

bool FloatTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const bool known = SameTypes(attrs, in, out);
  if (known) {
    const int t = (*out)[0];
    MX_CHECK(t == kFloat32 || t == kFloat64 || t == kFloat16, kType, "operator ",
             attrs.op()->name, ": dtype ", DTypeName(t),
             " is not supported (float16, float32 and float64 only)");
  }
  return known;
}

}  // namespace op
}  // namespace mx
