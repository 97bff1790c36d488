// Shape rules shared by MXNet's la_op operators (_linalg_*): every input is a
// tensor of matrices in its last two axes, batched over the leading axes.
#ifndef MX_OPS_LINALG_LA_SHAPE_H_
#define MX_OPS_LINALG_LA_SHAPE_H_

#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

// s has rank >= 2 and square matrices in its last two axes.
inline void CheckSquareMatrices(const Attrs& attrs, const Shape& s, const char* what) {
  MX_CHECK(s.ndim() >= 2, kValue, "operator ", attrs.op()->name, ": ", what,
           " must be a tensor of matrices (rank >= 2), got ", s.ToString());
  MX_CHECK(s[s.ndim() - 2] == s[s.ndim() - 1], kValue, "operator ", attrs.op()->name, ": ", what,
           " must be a tensor of square matrices, got ", s.ToString());
}

// One value per matrix: the leading (batch) axes, or (1,) for a single
// matrix (MXNet's legacy shape for sumlogdiag, det and slogdet).
inline Shape PerMatrixShape(const Shape& s) {
  if (s.ndim() == 2) return Shape({1});
  return Shape(s.data(), s.ndim() - 2);
}

// The batch axes (all but the last two) of a and b agree.
inline void CheckSameBatch(const Attrs& attrs, const Shape& a, const Shape& b) {
  MX_CHECK(a.ndim() == b.ndim(), kValue, "operator ", attrs.op()->name, ": inputs must have the same rank, got ",
           a.ToString(), " and ", b.ToString());
  for (int i = 0; i < a.ndim() - 2; ++i)
    MX_CHECK(a[i] == b[i], kValue, "operator ", attrs.op()->name, ": shapes ", a.ToString(), " and ",
             b.ToString(), " must be the same except on the last two axes");
}

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_LINALG_LA_SHAPE_H_
