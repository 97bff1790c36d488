#include <algorithm>
#include <map>
#include <sstream>
#include <shared_mutex>

#include "common/dtype.h"
#include "common/error.h"
#include "ops/op.h"

namespace mx {
namespace op {

struct Registry::Impl {
  mutable std::shared_mutex mu;
  std::vector<std::unique_ptr<OpDef>> ops;
  std::map<std::string, OpDef*> by_name;  // names and aliases, sorted

  void CheckFree(const std::string& name) const {
    MX_CHECK(by_name.find(name) == by_name.end(), kValue, "operator '", name,
             "' is already registered");
  }
};

Registry& Registry::Get() {
  static Registry* registry = new Registry();  // leaked: used until exit
  return *registry;
}

Registry::Impl* Registry::impl() {
  static Impl* impl = new Impl();
  return impl;
}
const Registry::Impl* Registry::impl() const { return const_cast<Registry*>(this)->impl(); }

OpDef& Registry::Register(const std::string& name) {
  auto op = std::make_unique<OpDef>();
  op->name = name;
  return *const_cast<OpDef*>(Add(std::move(op)));
}

const OpDef* Registry::Add(std::unique_ptr<OpDef> op) {
  Impl* d = impl();
  std::unique_lock<std::shared_mutex> lock(d->mu);
  d->CheckFree(op->name);
  for (const std::string& a : op->aliases) d->CheckFree(a);
  op->index = static_cast<int>(d->ops.size());
  OpDef* raw = op.get();
  d->by_name[raw->name] = raw;
  for (const std::string& a : raw->aliases) d->by_name[a] = raw;
  d->ops.push_back(std::move(op));
  return raw;
}

void Registry::AddAlias(OpDef* op, const std::string& alias) {
  Impl* d = impl();
  std::unique_lock<std::shared_mutex> lock(d->mu);
  d->CheckFree(alias);
  d->by_name[alias] = op;
}

const OpDef* Registry::Find(const std::string& name) const {
  const Impl* d = impl();
  std::shared_lock<std::shared_mutex> lock(d->mu);
  auto it = d->by_name.find(name);
  return it == d->by_name.end() ? nullptr : it->second;
}

const OpDef* Registry::FindOrThrow(const std::string& name) const {
  const OpDef* op = Find(name);
  MX_CHECK(op != nullptr, kNotFound, "unknown operator '", name, "'");
  return op;
}

std::vector<std::string> Registry::ListNames() const {
  const Impl* d = impl();
  std::shared_lock<std::shared_mutex> lock(d->mu);
  std::vector<std::string> names;
  names.reserve(d->by_name.size());
  for (const auto& kv : d->by_name) names.push_back(kv.first);
  return names;
}

int Registry::NumOps() const {
  const Impl* d = impl();
  std::shared_lock<std::shared_mutex> lock(d->mu);
  return static_cast<int>(d->ops.size());
}

OpDef& OpDef::Alias(const std::string& alias) {
  aliases.push_back(alias);
  Registry::Get().AddAlias(this, alias);
  return *this;
}

int OpDef::NumInputs(const Attrs& attrs) const {
  if (num_inputs_fn) return num_inputs_fn(attrs);
  if (!variadic()) return static_cast<int>(input_names.size());
  return static_cast<int>(attrs.Int(key_var_num_args.c_str()));
}

std::vector<std::string> OpDef::InputNames(const Attrs& attrs) const {
  if (input_names_fn) return input_names_fn(attrs);
  const int count = NumInputs(attrs);
  if (variadic()) return std::vector<std::string>(count, input_names[0]);
  return std::vector<std::string>(input_names.begin(),
                                  input_names.begin() + std::min<size_t>(count, input_names.size()));
}

int OpDef::NumOutputs(const Attrs& attrs) const {
  return num_outputs_fn ? num_outputs_fn(attrs) : num_outputs;
}

const std::shared_ptr<const Attrs>& OpDef::Defaults() const {
  std::call_once(defaults_once_, [this] { defaults_ = Attrs::BuildDefaults(this); });
  return defaults_;
}

void AssignShape(Shape* dst, const Shape& src, const OpDef& op, const char* what) {
  if (src.ndim() < 0) return;
  if (dst->ndim() < 0) {
    *dst = src;
    return;
  }
  // Partial shapes (-1 dims) merge dimension by dimension.
  bool agree = dst->ndim() == src.ndim();
  for (int i = 0; agree && i < src.ndim(); ++i)
    agree = (*dst)[i] < 0 || src[i] < 0 || (*dst)[i] == src[i];
  MX_CHECK(agree, kValue, "operator ", op.name, ": shape mismatch for ", what, ": expected ",
           dst->ToString(), ", got ", src.ToString());
  for (int i = 0; i < src.ndim(); ++i)
    if ((*dst)[i] < 0) (*dst)[i] = src[i];
}

void AssignType(int* dst, int src, const OpDef& op, const char* what) {
  if (src < 0) return;
  if (*dst < 0) {
    *dst = src;
    return;
  }
  MX_CHECK(*dst == src, kType, "operator ", op.name, ": dtype mismatch for ", what,
           ": expected ", DTypeName(*dst), ", got ", DTypeName(src));
}

bool SameTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  int t = -1;
  for (int v : *in) AssignType(&t, v, op, "inputs");
  for (int v : *out) AssignType(&t, v, op, "outputs");
  for (int& v : *in) v = t;
  for (int& v : *out) v = t;
  return t >= 0;
}

bool SameShapes(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape s;
  for (const Shape& v : *in) AssignShape(&s, v, op, "inputs");
  for (const Shape& v : *out) AssignShape(&s, v, op, "outputs");
  for (Shape& v : *in) v = s;
  for (Shape& v : *out) v = s;
  return s.is_known();
}

std::vector<Value> ZeroGradient(GradBuilder& b) { return std::vector<Value>(b.num_inputs()); }

Value WithScalar(GradBuilder& b, const char* op, Value x, double scalar) {
  std::ostringstream text;
  text.precision(17);
  text << scalar;
  return b.Apply(op, {x}, {{"scalar", text.str()}, {"is_int", "False"}});
}

}  // namespace op
}  // namespace mx
