// _linalg_extractdiag / _linalg_makediag and _linalg_extracttrian /
// _linalg_maketrian: moves between the square matrices in a tensor's last two
// axes and compact vectors of their diagonal `offset` or of their triangle
// (lower, or upper; a nonzero offset picks the side: < 0 below the main
// diagonal, > 0 above it).  A triangle packs row by row.  Each pair is the
// other's adjoint, so each gradient is the other op.
#include <cmath>
#include <cstdlib>
#include <vector>

#include "ops/linalg/la_gradient.h"
#include "ops/linalg/la_shape.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

// (..., n, n) -> (..., n - |offset|) or (..., m (m + 1) / 2), m = n - |offset|.
bool ExtractShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out, bool triangle) {
  const Shape& a = (*in)[0];
  if (!a.is_known()) return false;
  CheckSquareMatrices(attrs, a, "A");
  const int64_t offset = attrs.Int("offset");
  const int64_t m = a[a.ndim() - 1] - std::llabs(offset);
  MX_CHECK(m > 0, kValue, "operator ", attrs.op()->name, ": offset ", offset, " is out of range for matrices of ",
           "shape ", a.ToString());
  Shape result(a.data(), a.ndim() - 1);
  result[a.ndim() - 2] = triangle ? m * (m + 1) / 2 : m;
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

// (..., k) -> (..., n, n): n = k + |offset| for a diagonal, m + |offset| with
// m (m + 1) / 2 = k for a triangle.
bool MakeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out, bool triangle) {
  const Shape& a = (*in)[0];
  if (!a.is_known()) return false;
  MX_CHECK(a.ndim() >= 1, kValue, "operator ", attrs.op()->name, ": A must have at least one axis");
  const int64_t k = a[a.ndim() - 1];
  int64_t m = k;
  if (triangle) {
    m = static_cast<int64_t>(std::llround((std::sqrt(8.0 * static_cast<double>(k) + 1.0) - 1.0) / 2.0));
    MX_CHECK(m * (m + 1) / 2 == k, kValue, "operator ", attrs.op()->name, ": the last axis of A (", k,
             ") is not the size of a triangle, m (m + 1) / 2");
  }
  const int64_t n = m + std::llabs(attrs.Int("offset"));
  Shape result(a.data(), a.ndim());
  result[a.ndim() - 1] = n;
  result.push_back(n);
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

GradientFn Through(const char* op, bool triangle) {
  return [op, triangle](GradBuilder& b) {
    Params params{{"offset", b.attrs().Str("offset")}};
    if (triangle) params.push_back({"lower", b.attrs().Str("lower")});
    return std::vector<Value>{b.Apply(op, {b.out_grad(0)}, params)};
  };
}

const char* kOffsetDoc =
    "Offset of the diagonal versus the main diagonal. 0 corresponds to the main diagonal, a negative/positive "
    "value to diagonals below/above the main diagonal.";
const char* kLowerDoc =
    "Refer to the lower triangular matrix if lower=true, refer to the upper otherwise. Only relevant when "
    "offset=0";

}  // namespace

MX_REGISTER_OPS(linalg_diag_trian) {
  Registry::Get()
      .Register("_linalg_extractdiag")
      .Describe("Extracts the diagonal entries of a square matrix.  Input is a tensor *A* of dimension *n >= 2*: "
                "the diagonal `offset` of each square matrix in the last two axes.")
      .Inputs({"A"})
      .Param("offset", "int", "0", kOffsetDoc)
      .Shapes([](const Attrs& a, std::vector<Shape>* in, std::vector<Shape>* out) {
        return ExtractShape(a, in, out, false);
      })
      .Types(SameTypes)
      .Gradient(Through("_linalg_makediag", false))
      .Alias("linalg_extractdiag");

  Registry::Get()
      .Register("_linalg_makediag")
      .Describe("Constructs a square matrix with the input as diagonal.  Input is a tensor *A* of dimension "
                "*n >= 1*: each vector in the last axis becomes diagonal `offset` of a square matrix of zeros.")
      .Inputs({"A"})
      .Param("offset", "int", "0", kOffsetDoc)
      .Shapes([](const Attrs& a, std::vector<Shape>* in, std::vector<Shape>* out) {
        return MakeShape(a, in, out, false);
      })
      .Types(SameTypes)
      .Gradient(Through("_linalg_extractdiag", false))
      .Alias("linalg_makediag");

  Registry::Get()
      .Register("_linalg_extracttrian")
      .Describe("Extracts a triangular sub-matrix from a square matrix.  Input is a tensor *A* of dimension "
                "*n >= 2*: the triangle of each square matrix in the last two axes, packed row by row.")
      .Inputs({"A"})
      .Param("offset", "int", "0", kOffsetDoc)
      .Param("lower", "boolean", "True", kLowerDoc)
      .Shapes([](const Attrs& a, std::vector<Shape>* in, std::vector<Shape>* out) {
        return ExtractShape(a, in, out, true);
      })
      .Types(SameTypes)
      .Gradient(Through("_linalg_maketrian", true))
      .Alias("linalg_extracttrian");

  Registry::Get()
      .Register("_linalg_maketrian")
      .Describe("Constructs a square matrix from a triangle.  Input is a tensor *A* of dimension *n >= 1*: "
                "each vector in the last axis, the triangle packed row by row, fills a square matrix of "
                "zeros.")
      .Inputs({"A"})
      .Param("offset", "int", "0", kOffsetDoc)
      .Param("lower", "boolean", "True", kLowerDoc)
      .Shapes([](const Attrs& a, std::vector<Shape>* in, std::vector<Shape>* out) {
        return MakeShape(a, in, out, true);
      })
      .Types(SameTypes)
      .Gradient(Through("_linalg_extracttrian", true))
      .Alias("linalg_maketrian");
}

}  // namespace op
}  // namespace mx
