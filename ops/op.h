// What an operator means: its parameters, inputs and outputs, how output
// shapes and dtypes follow from inputs, and which outputs may reuse which
// inputs' memory.  No arithmetic lives here: kernels come from plugins.
#ifndef MX_OPS_OP_H_
#define MX_OPS_OP_H_

#include <atomic>
#include <mutex>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/shape.h"
#include "ops/gradient.h"
#include "ops/param.h"

namespace mx {
namespace op {

// Fill unknown shapes from known ones (MXNet's FInferShape).  Unknown is
// Shape::Unknown(); throw kValue on a contradiction.  Imperative calls pass
// every input known.  Returns false if some shape stayed unknown.
using InferShapeFn = std::function<bool(const Attrs&, std::vector<Shape>* in, std::vector<Shape>* out)>;
// The same for dtypes; -1 is unknown; throw kType on a contradiction.
using InferTypeFn = std::function<bool(const Attrs&, std::vector<int>* in, std::vector<int>* out)>;

struct OpDef {
  std::string name;
  std::string description;
  std::vector<std::string> aliases;
  std::vector<ParamSpec> params;
  // Inputs: a fixed list of names, or (variadic) one name and the INT
  // parameter holding the count.  With num_inputs_fn the count depends on
  // the parameters (LeakyReLU takes gamma only for act_type='prelu', FullyConnected
  // bias only when no_bias is false): the
  // call uses the first num_inputs_fn(attrs) of input_names.
  std::vector<std::string> input_names;
  std::string key_var_num_args;
  std::function<int(const Attrs&)> num_inputs_fn;
  // Outputs: a fixed count, or a function of the parameters.
  int num_outputs = 1;
  std::function<int(const Attrs&)> num_outputs_fn;
  // Outputs a caller sees (MXNet's FNumVisibleOutputs): the first this many;
  // the rest are kept for the gradient (BatchNorm's batch mean and variance).
  std::function<int(const Attrs&)> visible_outputs_fn;
  std::vector<std::string> output_names;
  InferShapeFn infer_shape;
  InferTypeFn infer_type;
  // (input, output) pairs whose memory may be shared.
  std::vector<std::pair<int, int>> inplace;
  // The gradient as graph nodes (see gradient.h); empty: not differentiable.
  GradientFn gradient;
  // Inputs the op updates in place (MXNet's FMutateInputs): variables bound
  // there are auxiliary states (BatchNorm's moving mean and variance).
  std::vector<int> mutate_inputs;
  // Input names, output names and mutated inputs that depend on the
  // parameters (Custom's come from its frontend); when set they replace
  // input_names, output_names and mutate_inputs.
  std::function<std::vector<std::string>(const Attrs&)> input_names_fn;
  std::function<std::vector<std::string>(const Attrs&)> output_names_fn;
  std::function<std::vector<int>(const Attrs&)> mutate_inputs_fn;
  // input_names_fn picks, in order, from input_names (inputs the parameters
  // switch on: CTCLoss's lengths), so frontends take input_names as named
  // arguments; otherwise its names are open-ended (Custom) and frontends
  // take the inputs positionally.
  bool input_names_subset = false;
  // Keys outside params are kept as strings (Attrs::extras) instead of
  // being refused: Custom passes them to its frontend.
  bool extra_params = false;
  // Builds an object from a complete parse, once per Attrs (MXNet's
  // attr_parser result, Attrs::parsed): Custom's frontend property object.
  std::function<std::shared_ptr<const void>(const Attrs&)> make_parsed;
  // Each node keeps state from its forward to its backward (MXNet's
  // FCreateOpState): made once per executor node or per imperative call by
  // the op's implementation in libmx; such a node is never recomputed.
  bool stateful = false;
  // A backward op (MXNet's TIsBackward): the gradient pass gives its node a
  // control dependency on the forward node, whose state it runs with, and
  // its output i is the gradient of the forward node's input i (same shape
  // and dtype).
  bool is_backward = false;
  // Kernels draw random numbers: each call gets MXKernelCall::seed.
  bool needs_rng = false;
  // Outputs may live on another device than the inputs (copies).  An
  // output the caller does not give is made on input device_input's device.
  bool cross_device = false;
  int device_input = 0;

  int index = -1;  // dense id, for per-op tables in libmx

  // Every parameter at its default (throws if one is required).  Built once.
  const std::shared_ptr<const Attrs>& Defaults() const;

  int NumInputs(const Attrs& attrs) const;
  int NumOutputs(const Attrs& attrs) const;
  int NumVisibleOutputs(const Attrs& attrs) const {
    return visible_outputs_fn ? visible_outputs_fn(attrs) : NumOutputs(attrs);
  }
  bool variadic() const { return !key_var_num_args.empty(); }
  // The names of a node's inputs: NumInputs(attrs) of them (a variadic op
  // repeats its one name).
  std::vector<std::string> InputNames(const Attrs& attrs) const;
  // Output names; empty when the op names none ("output", "output0", ...).
  std::vector<std::string> OutputNames(const Attrs& attrs) const {
    return output_names_fn ? output_names_fn(attrs) : output_names;
  }
  std::vector<int> MutatedInputs(const Attrs& attrs) const {
    return mutate_inputs_fn ? mutate_inputs_fn(attrs) : mutate_inputs;
  }

  // Builder used by the registration code in ops/.
  OpDef& Describe(std::string text) { description = std::move(text); return *this; }
  OpDef& Inputs(std::vector<std::string> names) { input_names = std::move(names); return *this; }
  OpDef& VariadicInputs(std::string name, std::string count_param) {
    input_names = {std::move(name)};
    key_var_num_args = std::move(count_param);
    return *this;
  }
  OpDef& Outputs(std::vector<std::string> names) {
    num_outputs = static_cast<int>(names.size());
    output_names = std::move(names);
    return *this;
  }
  // Inputs whose count follows the parameters: names lists them all.
  OpDef& InputsFn(std::vector<std::string> names, std::function<int(const Attrs&)> count) {
    input_names = std::move(names);
    num_inputs_fn = std::move(count);
    return *this;
  }
  OpDef& NumOutputsFn(std::function<int(const Attrs&)> fn) { num_outputs_fn = std::move(fn); return *this; }
  OpDef& VisibleOutputs(std::function<int(const Attrs&)> fn) { visible_outputs_fn = std::move(fn); return *this; }
  // default_value nullptr: required.
  OpDef& Param(const std::string& name, const std::string& type, const char* default_value,
               const std::string& doc) {
    params.push_back(ParamSpec::Make(name, type, default_value, doc));
    return *this;
  }
  OpDef& Shapes(InferShapeFn fn) { infer_shape = std::move(fn); return *this; }
  OpDef& Types(InferTypeFn fn) { infer_type = std::move(fn); return *this; }
  OpDef& Inplace(std::vector<std::pair<int, int>> pairs) { inplace = std::move(pairs); return *this; }
  OpDef& Gradient(GradientFn fn) { gradient = std::move(fn); return *this; }
  OpDef& MutateInputs(std::vector<int> indices) { mutate_inputs = std::move(indices); return *this; }
  OpDef& CrossDevice(int output_device_input = 0) {
    cross_device = true;
    device_input = output_device_input;
    return *this;
  }
  OpDef& Alias(const std::string& alias);

 private:
  mutable std::once_flag defaults_once_;
  mutable std::shared_ptr<const Attrs> defaults_;
};

// The registry of ops.  Ops from ops/ register during static initialisation
// of libmx; plugins add more at run time.  Thread-safe; OpDefs never move
// and are never freed.
class Registry {
 public:
  static Registry& Get();
  // A new op; throws kValue if the name is taken.
  OpDef& Register(const std::string& name);
  // Adds a complete op built elsewhere (a plugin's); throws kValue if its
  // name or an alias is taken.
  const OpDef* Add(std::unique_ptr<OpDef> op);
  void AddAlias(OpDef* op, const std::string& alias);
  // nullptr if unknown.
  const OpDef* Find(const std::string& name) const;
  // Throws kNotFound.
  const OpDef* FindOrThrow(const std::string& name) const;
  std::vector<std::string> ListNames() const;
  int NumOps() const;

 private:
  Registry() = default;
  struct Impl;
  Impl* impl();
  const Impl* impl() const;
};

// Common inference helpers.
// Every output takes input 0's dtype; all inputs must agree.
bool SameTypes(const Attrs&, std::vector<int>* in, std::vector<int>* out);
// Output k has input k's shape (elementwise ops): all shapes must agree.
bool SameShapes(const Attrs&, std::vector<Shape>* in, std::vector<Shape>* out);
// Set *dst from src, or check they agree; `what` names the slot for errors.
void AssignShape(Shape* dst, const Shape& src, const OpDef& op, const char* what);
void AssignType(int* dst, int src, const OpDef& op, const char* what);

}  // namespace op
}  // namespace mx

// Registers an op with static storage; chain builder calls after it:
//   MX_REGISTER_OP(negative).Describe("...").Inputs({"data"}) ...;
#define MX_REGISTER_OP(NAME) \
  static ::mx::op::OpDef& MX_OP_DEF_##NAME##_ __attribute__((unused)) = \
      ::mx::op::Registry::Get().Register(#NAME)

// A block of registration code run at load time (for table-driven ops).
#define MX_REGISTER_OPS(TAG)                                   \
  static void MX_OPS_##TAG##_();                               \
  static const bool MX_OPS_##TAG##_done_ __attribute__((unused)) = \
      (MX_OPS_##TAG##_(), true);                               \
  static void MX_OPS_##TAG##_()

#endif  // MX_OPS_OP_H_
