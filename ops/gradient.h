// An operator's gradient, expressed as new graph nodes (MXNet's FGradient).
//
// A gradient function receives a builder that stands for the forward node:
// its inputs, its outputs and the gradients arriving at its outputs are
// Values, and new nodes are made by applying registered ops to Values.  It
// returns one Value per forward input.  Because the gradient is a graph of
// ordinary ops, later passes see it whole: memory planning frees what the
// gradient does not read, higher-order gradients differentiate it again, and
// every device with the forward kernels runs it.
//
// Rationale: the builder keeps ops/ free of libmx's graph types (ops/ sits
// below libmx/src/graph), and the same interface can later cross plugin.h.
#ifndef MX_OPS_GRADIENT_H_
#define MX_OPS_GRADIENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mx {
namespace op {

class Attrs;

// A value in the gradient graph being built.  Default: "no gradient" (treated
// as zeros; used for integer inputs and indices).
struct Value {
  int32_t id = -1;
  bool valid() const { return id >= 0; }
};

using Params = std::vector<std::pair<std::string, std::string>>;

class GradBuilder {
 public:
  virtual ~GradBuilder() = default;
  virtual const Attrs& attrs() const = 0;  // the forward node's parameters
  virtual int num_inputs() const = 0;
  virtual Value input(int i) = 0;
  virtual Value output(int i) = 0;
  // The gradient arriving at output i (zeros when nothing reaches it).
  virtual Value out_grad(int i) = 0;
  // Applies op `name` (or an alias) with string parameters; returns every
  // output of the new node.  A bad op or parameter throws.
  virtual std::vector<Value> ApplyN(const std::string& name, const std::vector<Value>& inputs,
                                    const Params& params) = 0;
  Value Apply(const std::string& name, const std::vector<Value>& inputs, const Params& params = {}) {
    return ApplyN(name, inputs, params)[0];
  }
};

using GradientFn = std::function<std::vector<Value>(GradBuilder& b)>;

// Shorthands for gradient functions: element-wise ops on same-shape Values.
inline Value Add(GradBuilder& b, Value x, Value y) { return b.Apply("elemwise_add", {x, y}); }
inline Value Sub(GradBuilder& b, Value x, Value y) { return b.Apply("elemwise_sub", {x, y}); }
inline Value Mul(GradBuilder& b, Value x, Value y) { return b.Apply("elemwise_mul", {x, y}); }
inline Value Div(GradBuilder& b, Value x, Value y) { return b.Apply("elemwise_div", {x, y}); }
inline Value Neg(GradBuilder& b, Value x) { return b.Apply("negative", {x}); }
// x op scalar, for the _<op>_scalar family ("_mul_scalar", ...).
Value WithScalar(GradBuilder& b, const char* op, Value x, double scalar);
// Sums a gradient of the broadcast shape down to like's shape.
inline Value SumLike(GradBuilder& b, Value grad, Value like) {
  return b.Apply("_reduce_sum_like", {grad, like});
}

// The gradient of ops whose output does not change under small changes of
// the input (argmax, round, comparisons): no gradient for any input.
std::vector<Value> ZeroGradient(GradBuilder& b);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_GRADIENT_H_
