// Gradients of ops that are linear in their data: moving, selecting and
// summing elements.  Most compose existing ops; where the gradient needs its
// own kernel (a scatter-add, a reduction over copies) it is an internal op
// _backward_<op> that computes the adjoint of the forward op.
//
// Rationale: an adjoint op takes the forward op's parameters and its inputs
// after the output gradient, _backward_<op>(ograd, data, others...), so its
// shape follows from the forward op's own inference (no shapes are needed
// when the gradient graph is built) and its gradient is the forward op
// again: second-order gradients come for free.
#ifndef MX_OPS_TENSOR_ADJOINT_H_
#define MX_OPS_TENSOR_ADJOINT_H_

#include <string>
#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

// Every parameter of the forward node, as text: a gradient op that declares
// the same parameters takes them unchanged.
Params SameParams(const Attrs& attrs);

// The gradient of ops that only relabel the shape (Reshape, Flatten,
// expand_dims, ...): the output gradient takes input 0's shape; the other
// inputs (shape donors) get none.
std::vector<Value> ReshapeGradient(GradBuilder& b);

// Registers `name` as the adjoint of op `forward` in its first input.
// Inputs: ograd, then forward's inputs; output: the gradient of forward's
// input 0 (its shape and dtype).  ograd must have the shape forward gives.
// Its gradient applies forward to the output gradient (with the other
// forward inputs); call .Gradient again where that is not exact.
OpDef& RegisterAdjoint(const std::string& name, const std::string& forward, const std::string& description);

// The gradient of an op whose adjoint is registered as `adjoint`: input 0
// gets adjoint(ograd, inputs...); the others (indices, shape donors) none.
GradientFn AdjointGradient(const std::string& adjoint);

// out, ograd and data (inputs 0 and 1) share a dtype; further inputs
// (indices) may have any.
bool AdjointTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out);

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_TENSOR_ADJOINT_H_
