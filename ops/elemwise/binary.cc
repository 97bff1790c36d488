// Binary arithmetic, comparison and logic: the broadcast_* family (numpy
// broadcasting), the elemwise family (equal shapes) and the scalar family
// (array op scalar, and the reversed "_r*" forms).  Names and aliases are
// MXNet 1.9's, including the internal ones -symbol.json files use.
#include "ops/elemwise/binary.h"

#include <algorithm>

#include "ops/op.h"

namespace mx {
namespace op {

namespace {

struct BinaryOpName {
  const char* broadcast;      // broadcast_<x>
  const char* elemwise;       // equal-shape form
  const char* scalar;         // _<x>_scalar
  const char* rscalar;        // _r<x>_scalar, or nullptr if commutative
  const char* what;           // for docs
  std::vector<const char*> broadcast_aliases, elemwise_aliases, scalar_aliases, rscalar_aliases;
};

const std::vector<BinaryOpName>& BinaryOps() {
  static const std::vector<BinaryOpName> ops = {
      {"broadcast_add", "elemwise_add", "_plus_scalar", nullptr, "sum",
       {"broadcast_plus"}, {"_add", "_plus", "_Plus"}, {"_PlusScalar"}, {}},
      {"broadcast_sub", "elemwise_sub", "_minus_scalar", "_rminus_scalar", "difference",
       {"broadcast_minus"}, {"_sub", "_minus", "_Minus"}, {"_MinusScalar"}, {"_RMinusScalar"}},
      {"broadcast_mul", "elemwise_mul", "_mul_scalar", nullptr, "product",
       {}, {"_mul", "_Mul"}, {"_MulScalar"}, {}},
      {"broadcast_div", "elemwise_div", "_div_scalar", "_rdiv_scalar", "quotient",
       {}, {"_div", "_Div"}, {"_DivScalar"}, {"_RDivScalar"}},
      {"broadcast_mod", "_mod", "_mod_scalar", "_rmod_scalar", "modulo (sign of the divisor, as numpy)",
       {}, {"_Mod"}, {"_ModScalar"}, {"_RModScalar"}},
      {"broadcast_power", "_power", "_power_scalar", "_rpower_scalar", "power",
       {}, {"_Power"}, {"_PowerScalar"}, {"_RPowerScalar"}},
      {"broadcast_maximum", "_maximum", "_maximum_scalar", nullptr, "maximum",
       {}, {"_Maximum"}, {"_MaximumScalar"}, {}},
      {"broadcast_minimum", "_minimum", "_minimum_scalar", nullptr, "minimum",
       {}, {"_Minimum"}, {"_MinimumScalar"}, {}},
      {"broadcast_hypot", "_hypot", "_hypot_scalar", nullptr, "hypotenuse sqrt(a^2 + b^2)",
       {}, {"_Hypot"}, {"_HypotScalar"}, {}},
      {"broadcast_equal", "_equal", "_equal_scalar", nullptr, "equality (1 or 0, in the input dtype)",
       {}, {}, {"_EqualScalar"}, {}},
      {"broadcast_not_equal", "_not_equal", "_not_equal_scalar", nullptr, "inequality (1 or 0)",
       {}, {}, {"_NotEqualScalar"}, {}},
      {"broadcast_greater", "_greater", "_greater_scalar", nullptr, "a > b (1 or 0)",
       {}, {}, {"_GreaterScalar"}, {}},
      {"broadcast_greater_equal", "_greater_equal", "_greater_equal_scalar", nullptr, "a >= b (1 or 0)",
       {}, {}, {"_GreaterEqualScalar"}, {}},
      {"broadcast_lesser", "_lesser", "_lesser_scalar", nullptr, "a < b (1 or 0)",
       {}, {}, {"_LesserScalar"}, {}},
      {"broadcast_lesser_equal", "_lesser_equal", "_lesser_equal_scalar", nullptr, "a <= b (1 or 0)",
       {}, {}, {"_LesserEqualScalar"}, {}},
      {"broadcast_logical_and", "_logical_and", "_logical_and_scalar", nullptr, "logical and (1 or 0)",
       {}, {}, {}, {}},
      {"broadcast_logical_or", "_logical_or", "_logical_or_scalar", nullptr, "logical or (1 or 0)",
       {}, {}, {}, {}},
      {"broadcast_logical_xor", "_logical_xor", "_logical_xor_scalar", nullptr, "logical xor (1 or 0)",
       {}, {}, {}, {}},
  };
  return ops;
}

bool BroadcastShapes(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& lhs = (*in)[0];
  const Shape& rhs = (*in)[1];
  if (lhs.ndim() < 0 || rhs.ndim() < 0) return false;
  AssignShape(&(*out)[0], BroadcastShape(lhs, rhs, attrs.op()->name), *attrs.op(), "output");
  return (*out)[0].is_known();
}

void AddAliases(OpDef& op, const std::vector<const char*>& aliases) {
  for (const char* a : aliases) op.Alias(a);
}

}  // namespace

Shape BroadcastShape(const Shape& lhs, const Shape& rhs, const std::string& op_name) {
  if (lhs == rhs) return lhs;
  const int ndim = std::max(lhs.ndim(), rhs.ndim());
  Shape out = Shape::Scalar();
  for (int i = 0; i < ndim; ++i) {
    const int il = i - (ndim - lhs.ndim());
    const int ir = i - (ndim - rhs.ndim());
    const int64_t l = il >= 0 ? lhs[il] : 1;
    const int64_t r = ir >= 0 ? rhs[ir] : 1;
    if (l < 0 || r < 0) {
      out.push_back(-1);
      continue;
    }
    MX_CHECK(l == r || l == 1 || r == 1, kValue, "operator ", op_name,
             ": operands could not be broadcast together with shapes ", lhs.ToString(), " ",
             rhs.ToString());
    out.push_back(l == 1 ? r : l);
  }
  return out;
}

MX_REGISTER_OPS(binary) {
  Registry& reg = Registry::Get();
  for (const BinaryOpName& b : BinaryOps()) {
    AddAliases(reg.Register(b.broadcast)
                   .Describe(std::string("Element-wise ") + b.what +
                             " of two arrays with numpy broadcasting.")
                   .Inputs({"lhs", "rhs"})
                   .Shapes(BroadcastShapes)
                   .Types(SameTypes)
                   .Inplace({{0, 0}, {1, 0}}),
               b.broadcast_aliases);
    AddAliases(reg.Register(b.elemwise)
                   .Describe(std::string("Element-wise ") + b.what + " of two arrays of the same shape.")
                   .Inputs({"lhs", "rhs"})
                   .Shapes(SameShapes)
                   .Types(SameTypes)
                   .Inplace({{0, 0}, {1, 0}}),
               b.elemwise_aliases);
    const char* forms[2] = {b.scalar, b.rscalar};
    const std::vector<const char*>* aliases[2] = {&b.scalar_aliases, &b.rscalar_aliases};
    for (int r = 0; r < 2; ++r) {
      if (!forms[r]) continue;
      AddAliases(reg.Register(forms[r])
                     .Describe(std::string("Element-wise ") + b.what + " of an array and a scalar" +
                               (r ? ", the scalar on the left." : "."))
                     .Inputs({"data"})
                     .Param("scalar", "float", "1", "scalar input value")
                     .Param("is_int", "boolean", "True",
                            "Indicate whether scalar input is int type")
                     .Shapes(SameShapes)
                     .Types(SameTypes)
                     .Inplace({{0, 0}}),
                 *aliases[r]);
    }
  }
}

}  // namespace op
}  // namespace mx
