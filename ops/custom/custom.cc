// Custom and _backward_Custom: operators a frontend defines at run time
// (MXNet's mx.operator.CustomOp).  Their inputs, outputs, shapes, dtypes and
// backward dependencies come from the node's CustomOpProp, made once per
// parse of the parameters (op_type plus any string keyword arguments, which
// the frontend's property class receives).  Neither has a kernel: libmx
// runs both by calling the frontend (c_api/c_api_custom_op.cc), with one
// operator state per node shared by the forward and its backward.
#include <string>

#include "common/error.h"
#include "ops/custom/custom_op_prop.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

const CustomOpProp& PropOf(const Attrs& attrs) { return *attrs.parsed<CustomOpProp>(); }

std::shared_ptr<const void> MakeProp(const Attrs& attrs) {
  const std::string op_type = attrs.Str("op_type");
  std::shared_ptr<const CustomOpType> type = FindCustomOpType(op_type);
  MX_CHECK(type != nullptr, kNotFound, "Cannot find custom operator '", op_type,
           "': no custom operator type of that name is registered (in Python: "
           "@mx.operator.register(\"", op_type, "\") on a CustomOpProp subclass)");
  std::shared_ptr<const CustomOpProp> prop = type->CreateProp(op_type, attrs.extras());
  const int limit = static_cast<int>(2 * prop->outputs.size() + prop->arguments.size());
  for (int id : prop->backward_deps)
    MX_CHECK(id >= 0 && id < limit, kValue, "Custom operator '", op_type,
             "': declare_backward_dependency returned ", id, ", which is not an id of out_grad, "
             "in_data or out_data (0 to ", limit - 1, ")");
  MX_CHECK(!prop->outputs.empty(), kValue, "Custom operator '", op_type,
           "': list_outputs() is empty; an operator needs at least one output");
  return prop;
}

int NumArgsAndAux(const Attrs& attrs) {
  const CustomOpProp& p = PropOf(attrs);
  return static_cast<int>(p.arguments.size() + p.aux_states.size());
}

std::string Slot(const CustomOpProp& p, const char* kind, const std::string& name) {
  return std::string(kind) + " '" + name + "' of custom operator '" + p.op_type + "'";
}

// A frontend infers from the argument shapes (or dtypes); with none known
// there is nothing to infer from, and its code would fail on the blanks.
template <typename T, typename Known>
bool AnyArgumentKnown(const CustomOpProp& p, const std::vector<T>& in, Known known) {
  if (p.arguments.empty()) return true;
  for (size_t i = 0; i < p.arguments.size(); ++i)
    if (known(in[i])) return true;
  return false;
}

// Runs the frontend's inference over arguments, outputs and aux states laid
// out as MXNet's callback sees them, then merges the answers back.
template <typename T, typename Infer, typename Assign, typename Known>
bool InferCustom(const Attrs& attrs, std::vector<T>* in, std::vector<T>* out, Infer infer,
                 Assign assign, Known known) {
  const CustomOpProp& p = PropOf(attrs);
  if (!AnyArgumentKnown(p, *in, known)) return false;
  const size_t n_args = p.arguments.size(), n_out = p.outputs.size();
  std::vector<T> all(in->begin(), in->begin() + n_args);
  all.insert(all.end(), out->begin(), out->end());
  all.insert(all.end(), in->begin() + n_args, in->end());
  infer(p, &all);
  const OpDef& op = *attrs.op();
  bool done = true;
  for (size_t i = 0; i < in->size(); ++i) {
    const bool is_arg = i < n_args;
    const std::string what = is_arg ? Slot(p, "argument", p.arguments[i])
                                    : Slot(p, "auxiliary state", p.aux_states[i - n_args]);
    assign(&(*in)[i], all[is_arg ? i : i + n_out], op, what.c_str());
    done = done && known((*in)[i]);
  }
  for (size_t k = 0; k < n_out; ++k) {
    assign(&(*out)[k], all[n_args + k], op, Slot(p, "output", p.outputs[k]).c_str());
    done = done && known((*out)[k]);
  }
  return done;
}

bool InferShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  return InferCustom(
      attrs, in, out, [](const CustomOpProp& p, std::vector<Shape>* all) { p.InferShape(all); },
      AssignShape, [](const Shape& s) { return s.is_known(); });
}

bool InferType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  return InferCustom(
      attrs, in, out, [](const CustomOpProp& p, std::vector<int>* all) { p.InferType(all); },
      AssignType, [](int t) { return t >= 0; });
}

// The forward's parameters, for its backward node (which makes its own prop
// from them: props are per node, as in MXNet).
Params ForwardParams(const Attrs& attrs) {
  Params params{{"op_type", attrs.Str("op_type")}};
  params.insert(params.end(), attrs.extras().begin(), attrs.extras().end());
  return params;
}

std::vector<Value> Gradient(GradBuilder& b) {
  const CustomOpProp& p = PropOf(b.attrs());
  const int n_out = static_cast<int>(p.outputs.size());
  const int n_args = static_cast<int>(p.arguments.size());
  std::vector<Value> in;
  for (int id : p.backward_deps) {
    if (id < n_out) in.push_back(b.out_grad(id));
    else if (id < n_out + n_args) in.push_back(b.input(id - n_out));
    else in.push_back(b.output(id - n_out - n_args));
  }
  for (size_t j = 0; j < p.aux_states.size(); ++j) in.push_back(b.input(n_args + static_cast<int>(j)));
  std::vector<Value> grads = b.ApplyN("_backward_Custom", in, ForwardParams(b.attrs()));
  grads.resize(n_args + p.aux_states.size());  // auxiliary states get no gradient
  return grads;
}

// _backward_Custom's inputs: the declared dependencies, then the aux states.
std::vector<std::string> BackwardInputNames(const Attrs& attrs) {
  const CustomOpProp& p = PropOf(attrs);
  const size_t n_out = p.outputs.size(), n_args = p.arguments.size();
  std::vector<std::string> names;
  for (int id : p.backward_deps) {
    const size_t i = static_cast<size_t>(id);
    if (i < n_out) names.push_back(p.outputs[i] + "_grad");
    else if (i < n_out + n_args) names.push_back(p.arguments[i - n_out]);
    else names.push_back(p.outputs[i - n_out - n_args]);
  }
  names.insert(names.end(), p.aux_states.begin(), p.aux_states.end());
  return names;
}

void AddParams(OpDef& op) {
  op.Param("op_type", "string", nullptr,
           "Name of the custom operator. This is the name that is passed to "
           "`mx.operator.register` to register the operator.");
  op.extra_params = true;
  op.make_parsed = MakeProp;
}

// Shapes and dtypes of the gradients are the forward inputs' (the graph
// passes follow OpDef::is_backward); imperatively the op makes them itself.
bool OutputsFromForward(const Attrs&, std::vector<Shape>*, std::vector<Shape>* out) {
  for (const Shape& s : *out)
    if (!s.is_known()) return false;
  return true;
}
bool TypesFromForward(const Attrs&, std::vector<int>*, std::vector<int>* out) {
  for (int t : *out)
    if (t < 0) return false;
  return true;
}

}  // namespace

MX_REGISTER_OPS(custom) {
  OpDef& forward = Registry::Get().Register("Custom");
  forward
      .Describe("Apply a custom operator implemented in a frontend language (like Python).\n\n"
                "Custom operators should override required methods like `forward` and "
                "`backward`. The custom operator must be registered before it can be used. "
                "Keyword arguments other than op_type reach the operator's property class "
                "as strings.")
      .InputsFn({"data"}, NumArgsAndAux)
      .NumOutputsFn([](const Attrs& a) { return static_cast<int>(PropOf(a).outputs.size()); })
      .Shapes(InferShape)
      .Types(InferType)
      .Gradient(Gradient);
  AddParams(forward);
  forward.input_names_fn = [](const Attrs& a) {
    const CustomOpProp& p = PropOf(a);
    std::vector<std::string> names = p.arguments;
    names.insert(names.end(), p.aux_states.begin(), p.aux_states.end());
    return names;
  };
  forward.output_names_fn = [](const Attrs& a) { return PropOf(a).outputs; };
  forward.mutate_inputs_fn = [](const Attrs& a) {
    const CustomOpProp& p = PropOf(a);
    std::vector<int> aux;
    for (size_t j = 0; j < p.aux_states.size(); ++j) aux.push_back(static_cast<int>(p.arguments.size() + j));
    return aux;
  };
  forward.stateful = true;

  OpDef& backward = Registry::Get().Register("_backward_Custom");
  backward
      .Describe("The backward pass of a custom operator: the gradients of its arguments, "
                "computed by the frontend's CustomOp.backward with the forward node's operator.")
      .InputsFn({"data"},
                [](const Attrs& a) {
                  const CustomOpProp& p = PropOf(a);
                  return static_cast<int>(p.backward_deps.size() + p.aux_states.size());
                })
      .NumOutputsFn([](const Attrs& a) { return static_cast<int>(PropOf(a).arguments.size()); })
      .Shapes(OutputsFromForward)
      .Types(TypesFromForward);
  AddParams(backward);
  backward.input_names_fn = BackwardInputNames;
  backward.output_names_fn = [](const Attrs& a) {
    std::vector<std::string> names;
    for (const std::string& arg : PropOf(a).arguments) names.push_back(arg + "_grad");
    return names;
  };
  backward.is_backward = true;
}

}  // namespace op
}  // namespace mx
