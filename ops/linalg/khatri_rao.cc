// khatri_rao: the column-wise Kronecker product of matrices A_1 (M_1, N) ...
// A_n (M_n, N): out (M_1 ... M_n, N), column k the Kronecker product of the
// inputs' columns k (the last input's row index runs fastest).
#include <string>
#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool KhatriRaoShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  MX_CHECK(attrs.Int("num_args") >= 1, kValue, "operator khatri_rao: num_args must be at least 1, got ",
           attrs.Int("num_args"));
  for (const Shape& s : *in)
    if (!s.is_known()) return false;
  const Shape& first = (*in)[0];
  int64_t rows = 1;
  for (size_t k = 0; k < in->size(); ++k) {
    const Shape& s = (*in)[k];
    MX_CHECK(s.ndim() == 2, kValue, "operator khatri_rao: input ", k, " must be a matrix, got shape ",
             s.ToString());
    MX_CHECK(s[1] == first[1], kValue, "operator khatri_rao: input ", k, " has shape ", s.ToString(),
             " but input 0 has ", first.ToString(), "; all must have the same number of columns");
    rows *= s[0];
  }
  AssignShape(&(*out)[0], Shape({rows, first[1]}), *attrs.op(), "output");
  return true;
}

}  // namespace

// Rationale: MXNet 1.9 registers no gradient for khatri_rao.
MX_REGISTER_OP(khatri_rao)
    .Describe(
        "Computes the Khatri-Rao product of the input matrices.\n\n"
        "Given matrices A_1 (M_1, N), ..., A_n (M_n, N), the (column-wise) Khatri-Rao product is the "
        "(M_1 ... M_n, N) matrix whose k-th column is the Kronecker product of the k-th columns of "
        "A_1, ..., A_n.")
    .VariadicInputs("args", "num_args")
    .Param("num_args", "int", nullptr, "Number of input matrices.")
    .Shapes(KhatriRaoShape)
    .Types(SameTypes);

}  // namespace op
}  // namespace mx
