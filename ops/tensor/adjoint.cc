#include "ops/tensor/adjoint.h"

#include <algorithm>

namespace mx {
namespace op {

Params SameParams(const Attrs& attrs) {
  Params params;
  for (const ParamSpec& spec : attrs.op()->params)
    params.emplace_back(spec.name, attrs.Str(spec.name.c_str()));
  return params;
}

std::vector<Value> ReshapeGradient(GradBuilder& b) {
  std::vector<Value> grads(b.num_inputs());
  grads[0] = b.Apply("reshape_like", {b.out_grad(0), b.input(0)});
  return grads;
}

GradientFn AdjointGradient(const std::string& adjoint) {
  return [adjoint](GradBuilder& b) {
    std::vector<Value> args{b.out_grad(0)};
    for (int i = 0; i < b.num_inputs(); ++i) args.push_back(b.input(i));
    std::vector<Value> grads(b.num_inputs());
    grads[0] = b.Apply(adjoint, args, SameParams(b.attrs()));
    return grads;
  };
}

bool AdjointTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  int t = -1;
  for (int v : {(*in)[0], (*in)[1], (*out)[0]}) AssignType(&t, v, op, "ograd, data and output");
  (*in)[0] = (*in)[1] = (*out)[0] = t;
  return t >= 0;
}

OpDef& RegisterAdjoint(const std::string& name, const std::string& forward, const std::string& description) {
  const OpDef& fwd = *Registry::Get().FindOrThrow(forward);
  MX_CHECK(!fwd.variadic() && !fwd.num_inputs_fn && !fwd.num_outputs_fn && fwd.num_outputs == 1, kInternal,
           name, ": the adjoint of ", forward, " needs fixed inputs and one output");
  std::vector<std::string> inputs{"ograd"};
  inputs.insert(inputs.end(), fwd.input_names.begin(), fwd.input_names.end());
  const InferShapeFn forward_shape = fwd.infer_shape;
  OpDef& op = Registry::Get().Register(name).Describe(description).Inputs(inputs);
  op.params = fwd.params;
  return op
      .Shapes([forward_shape](const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
        // The gradient has data's shape; ograd has the forward output's.
        AssignShape(&(*out)[0], (*in)[1], *attrs.op(), "output");
        AssignShape(&(*in)[1], (*out)[0], *attrs.op(), "data");
        std::vector<Shape> forward_in(in->begin() + 1, in->end()), forward_out(1);
        for (const Shape& s : forward_in)
          if (!s.is_known()) return false;
        forward_shape(attrs, &forward_in, &forward_out);
        std::copy(forward_in.begin(), forward_in.end(), in->begin() + 1);
        AssignShape(&(*in)[0], forward_out[0], *attrs.op(), "ograd (the forward output)");
        return (*in)[0].is_known();
      })
      .Types(AdjointTypes)
      .Gradient([forward](GradBuilder& b) {
        std::vector<Value> args{b.out_grad(0)};
        for (int i = 2; i < b.num_inputs(); ++i) args.push_back(b.input(i));
        std::vector<Value> grads(b.num_inputs());
        grads[0] = b.Apply(forward, args, SameParams(b.attrs()));
        return grads;
      });
}

}  // namespace op
}  // namespace mx
