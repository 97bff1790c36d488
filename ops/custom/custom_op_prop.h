// Custom operators (MXNet's mx.operator.CustomOp): operators whose meaning
// and computation a frontend supplies at run time.  ops/ sees them through
// this interface; libmx/src/c_api/c_api_custom_op.cc implements it over the
// C ABI's MXCustomOpType callbacks.
//
// Rationale: the Custom op definition (custom.cc) needs input and output
// names, shapes, dtypes and backward dependencies, all of which a frontend
// object answers; ops/ sits below the C ABI, so it declares what it needs
// and libmx provides it.
#ifndef MX_OPS_CUSTOM_CUSTOM_OP_PROP_H_
#define MX_OPS_CUSTOM_CUSTOM_OP_PROP_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/shape.h"

namespace mx {
namespace op {

// A custom op's properties for one node (MXNet's CustomOpProp), made by its
// type from the node's parameters and immutable afterwards.
class CustomOpProp {
 public:
  virtual ~CustomOpProp() = default;

  std::string op_type;
  // Inputs are the arguments, then the auxiliary states.
  std::vector<std::string> arguments, outputs, aux_states;
  // What the backward reads, in MXNet's declare_backward_dependency ids:
  // the gradient of output k is k, argument i is num_outputs + i, output k
  // is num_outputs + num_arguments + k.
  std::vector<int> backward_deps;

  // shapes: the arguments, then the outputs, then the auxiliary states;
  // unknown ones are Shape::Unknown().  The frontend fills what it can.
  // Throws kCallback naming the op type when the frontend fails.
  virtual void InferShape(std::vector<Shape>* shapes) const = 0;
  // The same for dtypes (-1 unknown).
  virtual void InferType(std::vector<int>* dtypes) const = 0;
};

// A registered custom op type: makes the property object of each node.
class CustomOpType {
 public:
  virtual ~CustomOpType() = default;
  // kwargs: the node's parameters other than op_type, as strings.  Throws
  // kCallback naming the op type when the frontend fails.
  virtual std::shared_ptr<const CustomOpProp> CreateProp(
      const std::string& op_type, const std::vector<std::pair<std::string, std::string>>& kwargs) const = 0;
};

// Custom op types by name; thread-safe.  Registering a name again replaces
// its type (MXNet 1.x overrides too); nodes made before keep the old one.
void RegisterCustomOpType(const std::string& op_type, std::shared_ptr<const CustomOpType> type);
// nullptr if none is registered under op_type.
std::shared_ptr<const CustomOpType> FindCustomOpType(const std::string& op_type);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_CUSTOM_CUSTOM_OP_PROP_H_
