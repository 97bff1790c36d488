// _shuffle: a random permutation of the input along its first axis (the
// sub-arrays data[i] are moved as units).  May run in place.
#include "ops/random/sampling.h"

namespace mx {
namespace op {

MX_REGISTER_OPS(random_shuffle) {
  OpDef& op = Registry::Get()
                  .Register("_shuffle")
                  .Describe("Randomly shuffles the elements along the first axis of the input; the "
                            "order of elements within each sub-array data[i] is kept.")
                  .Inputs({"data"})
                  .Shapes(SameShapes)
                  .Types(SameTypes)
                  .Inplace({{0, 0}})
                  .Alias("shuffle");
  op.needs_rng = true;
}

}  // namespace op
}  // namespace mx
