#include "graph/symbol.h"

#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "common/error.h"

namespace mx {
namespace graph {

namespace {

const Symbol& SingleOutput(const Symbol& s, const std::string& what) {
  MX_CHECK(s.outputs.size() == 1, kValue, "cannot compose: argument ", what, " has ",
           s.outputs.size(), " outputs; a single-output symbol is required");
  return s;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool IsAtomic(const std::vector<NodeEntry>& outputs) {
  if (outputs.empty() || outputs[0].node->is_variable()) return false;
  const Node* node = outputs[0].node.get();
  for (const NodeEntry& e : outputs)
    if (e.node.get() != node) return false;
  return node->inputs.empty() && node->control_deps.empty();
}

void ComposeAtomic(Node* n, const std::vector<Symbol>& args,
                   const std::vector<std::pair<std::string, Symbol>>& kwargs) {
  const op::OpDef& op = *n->op;
  if (op.variadic()) {
    MX_CHECK(kwargs.empty(), kValue, n->Describe(), " takes its ", op.input_names[0],
             " inputs positionally, not by keyword ('", kwargs[0].first, "')");
    if (!n->dict.count(op.key_var_num_args)) {
      n->dict[op.key_var_num_args] = std::to_string(args.size());
      n->ParseAttrs();
    }
  }
  MX_CHECK(n->attrs != nullptr, kValue, n->Describe(), ": parameters incomplete");
  const uint32_t count = n->num_inputs();
  MX_CHECK(args.size() <= count, kValue, n->Describe(), " takes ", count, " inputs, got ",
           args.size(), " positional arguments");
  // A variadic op whose count follows other parameters too (UpSampling's
  // bilinear data and weight) makes variables for the inputs not given.
  if (op.variadic() && !op.num_inputs_fn)
    MX_CHECK(args.size() == count, kValue, n->Describe(), " expects ", count,
             " inputs (", op.key_var_num_args, "=", count, "), got ", args.size());
  std::vector<NodeEntry> inputs(count);
  for (size_t i = 0; i < args.size(); ++i)
    inputs[i] = SingleOutput(args[i], "#" + std::to_string(i)).outputs[0];
  const std::vector<std::string> names = op.InputNames(*n->attrs);
  for (const auto& kv : kwargs) {
    size_t k = 0;
    while (k < names.size() && names[k] != kv.first) ++k;
    MX_CHECK(k < names.size(), kValue, n->Describe(), ": keyword argument '", kv.first,
             "' is not an input; its inputs are: ", JoinNames(names));
    MX_CHECK(inputs[k].node == nullptr, kValue, n->Describe(), ": input '", kv.first,
             "' given twice");
    inputs[k] = SingleOutput(kv.second, "'" + kv.first + "'").outputs[0];
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (inputs[i].node) continue;
    const std::string& arg = names[i];
    NodePtr var = Node::Variable(n->name.empty() ? arg : n->name + "_" + arg);
    var->dict = n->dict;  // MXNet copies the op's attributes onto made variables
    inputs[i] = NodeEntry{var, 0, 0};
  }
  n->inputs = std::move(inputs);
}

}  // namespace

Symbol Symbol::Variable(const std::string& name) {
  Symbol s;
  s.outputs.push_back(NodeEntry{Node::Variable(name), 0, 0});
  return s;
}

Symbol Symbol::Atomic(const op::OpDef* op, const std::string& name,
                      std::map<std::string, std::string> dict) {
  NodePtr n = Node::Create(op, name, std::move(dict));
  const uint32_t visible =
      n->attrs ? static_cast<uint32_t>(op->NumVisibleOutputs(*n->attrs)) : n->num_outputs();
  // A symbol is its outputs: a node without any (reset_arrays) would be
  // unreachable from it.
  MX_CHECK(visible > 0 || !n->attrs, kValue, "operator ", op->name,
           " has no outputs, so it has no symbolic form; call it imperatively (mx.nd.", op->name, ")");
  Symbol s;
  for (uint32_t i = 0; i < visible; ++i) s.outputs.push_back(NodeEntry{n, i, 0});
  return s;
}

Symbol Symbol::Group(const std::vector<Symbol>& symbols) {
  Symbol s;
  for (const Symbol& part : symbols)
    s.outputs.insert(s.outputs.end(), part.outputs.begin(), part.outputs.end());
  return s;
}

void Symbol::Compose(const std::vector<Symbol>& args,
                     const std::vector<std::pair<std::string, Symbol>>& kwargs,
                     const std::string& name) {
  if (IsAtomic(outputs)) {
    Node* n = outputs[0].node.get();
    if (!name.empty()) n->name = name;
    ComposeAtomic(n, args, kwargs);
    return;
  }
  std::vector<NodePtr> vars = ListInputs(InputKind::kAll);
  MX_CHECK(args.size() <= vars.size(), kValue, "cannot compose: ", args.size(),
           " positional arguments for a symbol with ", vars.size(), " inputs");
  std::unordered_map<const Node*, NodeEntry> replace;
  for (size_t i = 0; i < args.size(); ++i)
    replace[vars[i].get()] = SingleOutput(args[i], "#" + std::to_string(i)).outputs[0];
  for (const auto& kv : kwargs) {
    bool matched = false;
    for (const NodePtr& v : vars) {
      if (v->name != kv.first) continue;
      replace[v.get()] = SingleOutput(kv.second, "'" + kv.first + "'").outputs[0];
      matched = true;
    }
    MX_CHECK(matched, kValue, "cannot compose: keyword argument '", kv.first,
             "' names no input; the inputs are: ", JoinNames(ListInputNames(InputKind::kAll)));
  }
  auto substitute = [&](NodeEntry* e) {
    auto it = replace.find(e->node.get());
    if (it != replace.end()) *e = it->second;
  };
  DFSVisit(outputs, [&](const NodePtr& n) {
    for (NodeEntry& e : n->inputs) substitute(&e);
  });
  for (NodeEntry& e : outputs) substitute(&e);
}

Symbol Symbol::Copy() const {
  std::unordered_map<const Node*, NodePtr> copies;
  DFSVisit(outputs, [&](const NodePtr& n) {
    auto c = std::make_shared<Node>(*n);
    for (NodeEntry& e : c->inputs) e.node = copies.at(e.node.get());
    for (NodePtr& d : c->control_deps) d = copies.at(d.get());
    copies[n.get()] = c;
  });
  Symbol s;
  for (const NodeEntry& e : outputs) s.outputs.push_back(NodeEntry{copies.at(e.node.get()), e.index, e.version});
  return s;
}

Symbol Symbol::Output(size_t index) const {
  MX_CHECK(index < outputs.size(), kIndex, "output index ", index, " is out of range for a symbol with ",
           outputs.size(), " outputs");
  Symbol s;
  s.outputs.push_back(outputs[index]);
  return s;
}

Symbol Symbol::Internals() const {
  Symbol s;
  DFSVisit(outputs, [&](const NodePtr& n) {
    for (uint32_t i = 0; i < n->num_outputs(); ++i) s.outputs.push_back(NodeEntry{n, i, 0});
  });
  return s;
}

Symbol Symbol::Children() const {
  Symbol s;
  std::unordered_set<const Node*> seen;
  for (const NodeEntry& e : outputs) {
    if (!seen.insert(e.node.get()).second) continue;
    s.outputs.insert(s.outputs.end(), e.node->inputs.begin(), e.node->inputs.end());
  }
  return s;
}

std::vector<NodePtr> Symbol::ListInputs(InputKind kind) const {
  std::vector<NodePtr> vars;
  std::unordered_set<const Node*> mutated;
  DFSVisit(outputs, [&](const NodePtr& n) {
    if (n->is_variable()) {
      vars.push_back(n);
      return;
    }
    for (int i : n->attrs ? n->op->MutatedInputs(*n->attrs) : n->op->mutate_inputs)
      if (static_cast<size_t>(i) < n->inputs.size()) mutated.insert(n->inputs[i].node.get());
  });
  if (kind == InputKind::kAll) return vars;
  std::vector<NodePtr> out;
  for (const NodePtr& v : vars)
    if ((mutated.count(v.get()) != 0) == (kind == InputKind::kAuxiliaryStates)) out.push_back(v);
  return out;
}

std::vector<std::string> Symbol::ListInputNames(InputKind kind) const {
  std::vector<std::string> names;
  for (const NodePtr& n : ListInputs(kind)) names.push_back(n->name);
  return names;
}

std::vector<std::string> Symbol::ListOutputNames() const {
  std::vector<std::string> names;
  for (const NodeEntry& e : outputs) {
    const Node& n = *e.node;
    if (n.is_variable()) {
      names.push_back(n.name);
      continue;
    }
    names.push_back(OutputName(n, e.index));
  }
  return names;
}

std::string OutputName(const Node& n, uint32_t index) {
  const std::vector<std::string> outs = n.attrs ? n.op->OutputNames(*n.attrs) : n.op->output_names;
  if (index < outs.size()) return n.name + "_" + outs[index];
  return n.name + "_output" + (n.num_outputs() == 1 ? "" : std::to_string(index));
}

std::string InputName(const Node& n, uint32_t index) {
  const std::vector<std::string> ins = n.attrs ? n.op->InputNames(*n.attrs) : n.op->input_names;
  if (index < ins.size() && !n.op->variadic()) return n.name + "_" + ins[index];
  return n.name + "_input" + std::to_string(index);
}

const Node* Symbol::SingleNode() const {
  if (outputs.empty()) return nullptr;
  for (const NodeEntry& e : outputs)
    if (e.node != outputs[0].node) return nullptr;
  return outputs[0].node.get();
}

bool Symbol::GetAttr(const std::string& key, std::string* out) const {
  const Node* n = SingleNode();
  if (!n) return false;
  if (key == "name") {
    *out = n->name;
    return true;
  }
  for (const std::string& k : {key, "__" + key + "__"}) {
    auto it = n->dict.find(k);
    if (it != n->dict.end()) {
      *out = it->second;
      return true;
    }
  }
  return false;
}

void Symbol::SetAttr(const std::string& key, const std::string& value) {
  const Node* single = SingleNode();
  MX_CHECK(single != nullptr, kValue, "cannot set attribute '", key,
           "' on a grouped symbol; set it on each member");
  Node* n = outputs[0].node.get();
  if (key == "name") {
    n->name = value;
    return;
  }
  const std::string stored = IsHiddenKey(key) ? "__" + key + "__" : key;
  const auto previous = n->dict;
  n->dict[stored] = value;
  if (n->is_variable() || (n->attrs == nullptr && n->op->variadic())) return;
  try {
    n->ParseAttrs();
  } catch (...) {
    n->dict = previous;
    throw;
  }
}

Symbol::Attributes Symbol::ListAttrs(bool recursive) const {
  Attributes out;
  if (!recursive) {
    if (!outputs.empty())
      for (const auto& kv : outputs[0].node->dict) out.emplace_back(kv.first, kv.second);
    return out;
  }
  DFSVisit(outputs, [&](const NodePtr& n) {
    for (const auto& kv : n->dict) out.emplace_back(n->name + "$" + kv.first, kv.second);
  });
  return out;
}

std::string Symbol::DebugString() const {
  std::ostringstream os;
  if (outputs.size() == 1 && outputs[0].node->inputs.empty() && outputs[0].node->control_deps.empty()) {
    const Node& n = *outputs[0].node;
    if (n.is_variable()) os << "Variable:" << n.name << '\n';
    else os << "AtomicFunctor  Op:" << n.op->name << '\n';
    return os.str();
  }
  os << "Symbol Outputs:\n";
  for (size_t i = 0; i < outputs.size(); ++i)
    os << "\toutput[" << i << "]=" << outputs[i].node->name << '(' << outputs[i].index << ")\n";
  DFSVisit(outputs, [&](const NodePtr& n) {
    if (n->is_variable()) {
      os << "Variable:" << n->name << '\n';
      return;
    }
    os << "--------------------\n";
    os << "Op:" << n->op->name << ", Name=" << n->name << "\nInputs:\n";
    for (size_t i = 0; i < n->inputs.size(); ++i) {
      const NodeEntry& e = n->inputs[i];
      os << "\targ[" << i << "]=" << e.node->name << '(' << e.index << ')';
      if (e.node->is_variable()) os << " version=" << e.version;
      os << '\n';
    }
    if (!n->dict.empty()) {
      os << "Attrs:\n";
      for (const auto& kv : n->dict) os << '\t' << kv.first << '=' << kv.second << '\n';
    }
    if (!n->control_deps.empty()) {
      os << "Control deps:\n";
      for (size_t i = 0; i < n->control_deps.size(); ++i)
        os << "\tcdep[" << i << "]=" << n->control_deps[i]->name << '\n';
    }
  });
  return os.str();
}

}  // namespace graph
}  // namespace mx
