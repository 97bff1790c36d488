// What MXNet's multi-weight update ops share (multi_sgd.cc, adamw.cc,
// multi_lamb.cc): their inputs come in one group per weight -- weight_i,
// grad_i, then the weight's states, updated in place -- and then inputs
// shared by every weight (preloaded lrs/wds, AdamW's rescale_grad).  Output
// i is weight i's new value.  The single-weight AdamW ops use the same
// layout with one unnumbered group.
#ifndef MX_OPS_OPTIMIZER_MULTI_UPDATE_H_
#define MX_OPS_OPTIMIZER_MULTI_UPDATE_H_

#include <initializer_list>
#include <string>
#include <vector>

#include "ops/optimizer/update_op.h"

namespace mx {
namespace op {
namespace optimizer {

struct WeightGroups {
  std::vector<std::string> names;  // one group's inputs: weight, grad, states...
  // The first same_type inputs of a group share the weights' dtype; the
  // rest are float32 (mixed precision's states and master weight).
  int same_type;
  // The parameter holding the number of weights; nullptr: one weight and
  // unnumbered input names.
  const char* count_param;
  std::vector<std::string> shared;  // inputs after the groups

  int stride() const { return static_cast<int>(names.size()); }

  // The number of weights (>= 1).
  int Count(const Attrs& attrs) const {
    if (count_param == nullptr) return 1;
    const int64_t n = attrs.Int(count_param);
    MX_CHECK(n >= 1, kValue, "operator ", attrs.op()->name, ": ", count_param, " must be >= 1, got ", n);
    return static_cast<int>(n);
  }

  int NumInputs(const Attrs& attrs) const { return Count(attrs) * stride() + static_cast<int>(shared.size()); }

  std::vector<std::string> InputNames(const Attrs& attrs) const {
    std::vector<std::string> all;
    for (int i = 0, n = Count(attrs); i < n; ++i)
      for (const std::string& name : names) all.push_back(count_param ? name + "_" + std::to_string(i) : name);
    all.insert(all.end(), shared.begin(), shared.end());
    return all;
  }

  // Every group's states (its inputs after weight and grad).
  std::vector<int> States(const Attrs& attrs) const {
    std::vector<int> states;
    for (int i = 0, n = Count(attrs); i < n; ++i)
      for (int j = 2; j < stride(); ++j) states.push_back(i * stride() + j);
    return states;
  }

  // Each tuple parameter in `params` holds one value per weight.
  void CheckPerWeight(const Attrs& attrs, std::initializer_list<const char*> params) const {
    const int n = Count(attrs);
    for (const char* name : params) {
      const int64_t len = attrs.Get(name).len;
      MX_CHECK(len == n, kValue, "operator ", attrs.op()->name, ": ", name, " has ", len, " value(s) for ",
               count_param ? count_param : "one weight", "=", n);
    }
  }

  // Each group's inputs and its output share one shape; false while one
  // stays unknown.  Shared inputs are the caller's.
  bool Shapes(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) const {
    const OpDef& op = *attrs.op();
    bool known = true;
    for (int i = 0, n = Count(attrs); i < n; ++i) {
      Shape s = (*out)[i];
      for (int j = 0; j < stride(); ++j) AssignShape(&s, (*in)[i * stride() + j], op, "weight group");
      for (int j = 0; j < stride(); ++j) AssignShape(&(*in)[i * stride() + j], s, op, "weight group");
      AssignShape(&(*out)[i], s, op, "output");
      known = known && s.ndim() >= 0;
    }
    return known;
  }

  // Assigns the weights' floating-point dtype to the first same_type inputs
  // of every group and to the outputs, float32 to the rest of each group;
  // returns the weights' dtype, -1 while unknown.  Shared inputs are the
  // caller's.
  int Types(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) const {
    const OpDef& op = *attrs.op();
    const int n = Count(attrs);
    int t = -1;
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < same_type; ++j) AssignType(&t, (*in)[i * stride() + j], op, "weight group");
      AssignType(&t, (*out)[i], op, "output");
      for (int j = same_type; j < stride(); ++j) AssignType(&(*in)[i * stride() + j], kFloat32, op, "float32 state");
    }
    if (t < 0) return -1;
    CheckFloatType(attrs, t, "weight");
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < same_type; ++j) (*in)[i * stride() + j] = t;
      (*out)[i] = t;
    }
    return t;
  }
};

// Registers a multi-weight update op laid out by `groups` (count_param
// set); chain .Shapes, .Types and .Param calls after it.
inline OpDef& RegisterMultiUpdate(const std::string& name, std::string description, const WeightGroups& groups) {
  OpDef& op = Registry::Get().Register(name).Describe(std::move(description)).Inputs({"data"});
  op.num_inputs_fn = [groups](const Attrs& attrs) { return groups.NumInputs(attrs); };
  op.input_names_fn = [groups](const Attrs& attrs) { return groups.InputNames(attrs); };
  op.num_outputs_fn = [groups](const Attrs& attrs) { return groups.Count(attrs); };
  op.mutate_inputs_fn = [groups](const Attrs& attrs) { return groups.States(attrs); };
  return op;
}

}  // namespace optimizer
}  // namespace op
}  // namespace mx

#endif  // MX_OPS_OPTIMIZER_MULTI_UPDATE_H_
