// Binary arithmetic, comparison and logic: the broadcast_* family (numpy
// broadcasting), the elemwise family (equal shapes) and the scalar family
// (array op scalar, and the reversed "_r*" forms).  Names and aliases are
// MXNet 1.9's, including the internal ones -symbol.json files use.
#include "ops/elemwise/binary.h"

#include <algorithm>
#include <cmath>

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

// -- gradients ---------------------------------------------------------------------
// Each family's (d lhs, d rhs) times the output gradient og.  For the
// broadcast forms the element-wise ops are the broadcast_ ones and the
// results are summed back to each input's shape.
struct GradOps {
  GradBuilder& b;
  bool bcast;
  Value Op(const char* elemwise, const char* broadcast, Value x, Value y) {
    return b.Apply(bcast ? broadcast : elemwise, {x, y});
  }
  Value Mul(Value x, Value y) { return Op("elemwise_mul", "broadcast_mul", x, y); }
  Value Div(Value x, Value y) { return Op("elemwise_div", "broadcast_div", x, y); }
};

using PairGradFn = std::pair<Value, Value> (*)(GradOps& o, Value og, Value l, Value r, Value out);

std::pair<Value, Value> AddGrad(GradOps&, Value og, Value, Value, Value) { return {og, og}; }
std::pair<Value, Value> SubGrad(GradOps& o, Value og, Value, Value, Value) { return {og, Neg(o.b, og)}; }
std::pair<Value, Value> MulGrad(GradOps& o, Value og, Value l, Value r, Value) {
  return {o.Mul(og, r), o.Mul(og, l)};
}
std::pair<Value, Value> DivGrad(GradOps& o, Value og, Value, Value r, Value out) {
  return {o.Div(og, r), Neg(o.b, o.Div(o.Mul(og, out), r))};
}
std::pair<Value, Value> ModGrad(GradOps& o, Value og, Value l, Value r, Value) {
  const Value quotient = o.b.Apply("floor", {o.Div(l, r)});
  return {og, Neg(o.b, o.Mul(og, quotient))};
}
std::pair<Value, Value> PowerGrad(GradOps& o, Value og, Value l, Value r, Value out) {
  const Value l_pow = o.Op("_power", "broadcast_power", l, WithScalar(o.b, "_minus_scalar", r, 1));
  return {o.Mul(og, o.Mul(r, l_pow)), o.Mul(o.Mul(og, out), o.b.Apply("log", {l}))};
}
std::pair<Value, Value> MaximumGrad(GradOps& o, Value og, Value l, Value r, Value) {
  return {o.Mul(og, o.Op("_greater_equal", "broadcast_greater_equal", l, r)),
          o.Mul(og, o.Op("_lesser", "broadcast_lesser", l, r))};
}
std::pair<Value, Value> MinimumGrad(GradOps& o, Value og, Value l, Value r, Value) {
  return {o.Mul(og, o.Op("_lesser_equal", "broadcast_lesser_equal", l, r)),
          o.Mul(og, o.Op("_greater", "broadcast_greater", l, r))};
}
std::pair<Value, Value> HypotGrad(GradOps& o, Value og, Value l, Value r, Value out) {
  return {o.Mul(og, o.Div(l, out)), o.Mul(og, o.Div(r, out))};
}

GradientFn PairGradient(PairGradFn fn, bool bcast) {
  if (!fn) return ZeroGradient;
  return [fn, bcast](GradBuilder& b) {
    GradOps o{b, bcast};
    const Value l = b.input(0), r = b.input(1);
    auto [dl, dr] = fn(o, b.out_grad(0), l, r, b.output(0));
    if (bcast) {
      dl = SumLike(b, dl, l);
      dr = SumLike(b, dr, r);
    }
    return std::vector<Value>{dl, dr};
  };
}

// x op s (reflected: s op x) for scalar s, times og.
using ScalarGradFn = Value (*)(GradBuilder& b, Value og, Value x, Value out, double s);

Value IdentityGrad(GradBuilder&, Value og, Value, Value, double) { return og; }
Value NegGrad(GradBuilder& b, Value og, Value, Value, double) { return Neg(b, og); }
Value MulScalarGrad(GradBuilder& b, Value og, Value, Value, double s) {
  return WithScalar(b, "_mul_scalar", og, s);
}
Value DivScalarGrad(GradBuilder& b, Value og, Value, Value, double s) {
  return WithScalar(b, "_div_scalar", og, s);
}
Value RDivScalarGrad(GradBuilder& b, Value og, Value x, Value out, double) {
  return Neg(b, Div(b, Mul(b, og, out), x));
}
Value RModScalarGrad(GradBuilder& b, Value og, Value x, Value, double s) {
  return Neg(b, Mul(b, og, b.Apply("floor", {WithScalar(b, "_rdiv_scalar", x, s)})));
}
Value PowerScalarGrad(GradBuilder& b, Value og, Value x, Value, double s) {
  return Mul(b, og, WithScalar(b, "_mul_scalar", WithScalar(b, "_power_scalar", x, s - 1), s));
}
Value RPowerScalarGrad(GradBuilder& b, Value og, Value, Value out, double s) {
  return WithScalar(b, "_mul_scalar", Mul(b, og, out), std::log(s));
}
Value MaximumScalarGrad(GradBuilder& b, Value og, Value x, Value, double s) {
  return Mul(b, og, WithScalar(b, "_greater_equal_scalar", x, s));
}
Value MinimumScalarGrad(GradBuilder& b, Value og, Value x, Value, double s) {
  return Mul(b, og, WithScalar(b, "_lesser_equal_scalar", x, s));
}
Value HypotScalarGrad(GradBuilder& b, Value og, Value x, Value out, double) {
  return Mul(b, og, Div(b, x, out));
}

GradientFn ScalarGradient(ScalarGradFn fn) {
  if (!fn) return ZeroGradient;
  return [fn](GradBuilder& b) {
    return std::vector<Value>{fn(b, b.out_grad(0), b.input(0), b.output(0), b.attrs().Float("scalar"))};
  };
}

struct FamilyGrad {
  PairGradFn pair;
  ScalarGradFn scalar, rscalar;
};

// In BinaryOps() order; comparisons and logic ops have zero gradients.
FamilyGrad GradOf(size_t family) {
  static const FamilyGrad grads[] = {
      {AddGrad, IdentityGrad, nullptr},
      {SubGrad, IdentityGrad, NegGrad},
      {MulGrad, MulScalarGrad, nullptr},
      {DivGrad, DivScalarGrad, RDivScalarGrad},
      {ModGrad, IdentityGrad, RModScalarGrad},
      {PowerGrad, PowerScalarGrad, RPowerScalarGrad},
      {MaximumGrad, MaximumScalarGrad, nullptr},
      {MinimumGrad, MinimumScalarGrad, nullptr},
      {HypotGrad, HypotScalarGrad, nullptr},
  };
  return family < sizeof(grads) / sizeof(grads[0]) ? grads[family] : FamilyGrad{nullptr, nullptr, nullptr};
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
  for (size_t family = 0; family < BinaryOps().size(); ++family) {
    const BinaryOpName& b = BinaryOps()[family];
    const FamilyGrad grad = GradOf(family);
    AddAliases(reg.Register(b.broadcast)
                   .Describe(std::string("Element-wise ") + b.what +
                             " of two arrays with numpy broadcasting.")
                   .Inputs({"lhs", "rhs"})
                   .Shapes(BroadcastShapes)
                   .Types(SameTypes)
                   .Inplace({{0, 0}, {1, 0}})
                   .Gradient(PairGradient(grad.pair, true)),
               b.broadcast_aliases);
    AddAliases(reg.Register(b.elemwise)
                   .Describe(std::string("Element-wise ") + b.what + " of two arrays of the same shape.")
                   .Inputs({"lhs", "rhs"})
                   .Shapes(SameShapes)
                   .Types(SameTypes)
                   .Inplace({{0, 0}, {1, 0}})
                   .Gradient(PairGradient(grad.pair, false)),
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
                     .Inplace({{0, 0}})
                     .Gradient(ScalarGradient(r ? grad.rscalar : grad.scalar)),
                 *aliases[r]);
    }
  }
}

}  // namespace op
}  // namespace mx
