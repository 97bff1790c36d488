// Symbol functions of the C ABI: graph building, attributes, JSON, and
// shape/dtype inference.
#include "c_api/api_guard.h"
#include "c_api/handle.h"
#include "common/dtype.h"
#include "common/file_io.h"
#include "graph/infer.h"
#include "graph/symbol_json.h"

using mx::graph::Symbol;

namespace {

using mx::SymbolOf;

std::string Str(const char* s) { return s ? std::string(s) : std::string(); }

void ExportNames(std::vector<std::string> names, uint32_t* out_size, const char*** out) {
  MX_CHECK_OUT(out_size);
  MX_CHECK_OUT(out);
  mx::ThreadScratch& s = mx::Scratch();
  s.owned = std::move(names);
  mx::ExportStrings(s.owned, &s.strings[0], out_size, out);
}

Symbol::InputKind KindOf(int kind) {
  MX_CHECK(kind >= MX_INPUTS_ALL && kind <= MX_INPUTS_AUX_STATES, kValue, "invalid input kind ", kind);
  return static_cast<Symbol::InputKind>(kind);
}

// The graph's entries for the arguments, outputs and aux states, seeded from
// the caller's known values; `seed(i, value_slot)` fills given value i.
struct InferencePlan {
  mx::graph::IndexedGraph graph;
  std::vector<uint32_t> entries[3];  // arguments, outputs, aux states

  explicit InferencePlan(const Symbol& s) : graph(s.outputs) {
    for (const auto& n : s.ListInputs(Symbol::InputKind::kArguments))
      entries[0].push_back(graph.entry_id(graph.node_id(n.get()), 0));
    for (const auto& e : s.outputs) entries[1].push_back(graph.entry_id(e));
    for (const auto& n : s.ListInputs(Symbol::InputKind::kAuxiliaryStates))
      entries[2].push_back(graph.entry_id(graph.node_id(n.get()), 0));
  }

  // The entry the i-th given value goes to.
  uint32_t Target(const Symbol& s, const char** keys, uint32_t i) const {
    if (!keys) {
      MX_CHECK(i < entries[0].size(), kValue, "got ", i + 1, " positional values for a symbol with ",
               entries[0].size(), " arguments");
      return entries[0][i];
    }
    MX_CHECK(keys[i] != nullptr, kValue, "keys[", i, "] is NULL");
    for (uint32_t id : graph.input_nodes())
      if (graph.node(id)->name == keys[i]) return graph.entry_id(id, 0);
    std::string names;
    for (const std::string& n : s.ListInputNames(Symbol::InputKind::kAll))
      names += (names.empty() ? "" : ", ") + n;
    mx::Throw(mx::ErrorKind::kValue, "'", keys[i], "' is not an input of the symbol; its inputs are: ",
              names);
  }

  void Counts(uint32_t* out) const {
    for (int k = 0; k < 3; ++k) out[k] = static_cast<uint32_t>(entries[k].size());
  }
};

}  // namespace

extern "C" {

int MXSymbolCreateVariable(const char* name, MXSymbolHandle* out) {
  MX_API_BEGIN();
  MX_CHECK(name != nullptr, kValue, "name is NULL");
  MX_CHECK_OUT(out);
  *out = mx::NewSymbolHandle(Symbol::Variable(name));
  MX_API_END();
}

int MXSymbolCreateAtomicSymbol(MXOpHandle op, const char* name, uint32_t num_params,
                               const char** keys, const char** vals, MXSymbolHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK((keys && vals) || num_params == 0, kValue, "keys or vals is NULL");
  std::map<std::string, std::string> dict;
  for (uint32_t i = 0; i < num_params; ++i) {
    MX_CHECK(keys[i] && vals[i], kValue, "parameter key or value ", i, " is NULL");
    const std::string key = keys[i];
    dict[mx::graph::IsHiddenKey(key) ? "__" + key + "__" : key] = vals[i];
  }
  *out = mx::NewSymbolHandle(Symbol::Atomic(mx::OpOf(op), Str(name), std::move(dict)));
  MX_API_END();
}

int MXSymbolCompose(MXSymbolHandle symbol, const char* name, uint32_t num_args, const char** keys,
                    MXSymbolHandle* args) {
  MX_API_BEGIN();
  Symbol& s = SymbolOf(symbol);
  MX_CHECK(args != nullptr || num_args == 0, kValue, "args is NULL");
  std::vector<Symbol> positional;
  std::vector<std::pair<std::string, Symbol>> named;
  for (uint32_t i = 0; i < num_args; ++i) {
    const Symbol& arg = SymbolOf(args[i], "argument symbol");
    if (keys) {
      MX_CHECK(keys[i] != nullptr, kValue, "keys[", i, "] is NULL");
      named.emplace_back(keys[i], arg);
    } else {
      positional.push_back(arg);
    }
  }
  // Compose changes nodes in place: do it on a copy of the symbol's node
  // list so a failure leaves the symbol as it was.
  Symbol composed = s;
  if (!composed.outputs.empty() && !composed.outputs[0].node->is_variable() &&
      composed.outputs[0].node->inputs.empty()) {
    composed = s.Copy();
  }
  composed.Compose(positional, named, Str(name));
  s = std::move(composed);
  MX_API_END();
}

int MXSymbolCreateGroup(uint32_t num, MXSymbolHandle* symbols, MXSymbolHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK(symbols != nullptr || num == 0, kValue, "symbols is NULL");
  std::vector<Symbol> parts;
  for (uint32_t i = 0; i < num; ++i) parts.push_back(SymbolOf(symbols[i]));
  *out = mx::NewSymbolHandle(Symbol::Group(parts));
  MX_API_END();
}

int MXSymbolCopy(MXSymbolHandle symbol, MXSymbolHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = mx::NewSymbolHandle(SymbolOf(symbol).Copy());
  MX_API_END();
}

int MXSymbolFree(MXSymbolHandle symbol) {
  MX_API_BEGIN();
  if (symbol) {
    SymbolOf(symbol, "handle to free");
    symbol->magic = 0;
    symbol->symbol = Symbol();
    mx::Park(symbol, [](void* h) { delete static_cast<MXSymbolHandle>(h); });
  }
  MX_API_END();
}

int MXSymbolGetOutput(MXSymbolHandle symbol, uint32_t index, MXSymbolHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = mx::NewSymbolHandle(SymbolOf(symbol).Output(index));
  MX_API_END();
}

int MXSymbolGetNumOutputs(MXSymbolHandle symbol, uint32_t* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = static_cast<uint32_t>(SymbolOf(symbol).outputs.size());
  MX_API_END();
}

int MXSymbolGetInternals(MXSymbolHandle symbol, MXSymbolHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = mx::NewSymbolHandle(SymbolOf(symbol).Internals());
  MX_API_END();
}

int MXSymbolGetChildren(MXSymbolHandle symbol, MXSymbolHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = mx::NewSymbolHandle(SymbolOf(symbol).Children());
  MX_API_END();
}

int MXSymbolListInputs(MXSymbolHandle symbol, int kind, uint32_t* out_size, const char*** out) {
  MX_API_BEGIN();
  ExportNames(SymbolOf(symbol).ListInputNames(KindOf(kind)), out_size, out);
  MX_API_END();
}

int MXSymbolListOutputs(MXSymbolHandle symbol, uint32_t* out_size, const char*** out) {
  MX_API_BEGIN();
  ExportNames(SymbolOf(symbol).ListOutputNames(), out_size, out);
  MX_API_END();
}

int MXSymbolGetAttr(MXSymbolHandle symbol, const char* key, const char** out, int* out_success) {
  MX_API_BEGIN();
  MX_CHECK(key != nullptr, kValue, "key is NULL");
  MX_CHECK_OUT(out);
  MX_CHECK_OUT(out_success);
  std::string& value = mx::Scratch().bytes;
  *out_success = SymbolOf(symbol).GetAttr(key, &value) ? 1 : 0;
  *out = *out_success ? value.c_str() : nullptr;
  MX_API_END();
}

int MXSymbolSetAttr(MXSymbolHandle symbol, const char* key, const char* value) {
  MX_API_BEGIN();
  MX_CHECK(key != nullptr && value != nullptr, kValue, "key or value is NULL");
  SymbolOf(symbol).SetAttr(key, value);
  MX_API_END();
}

int MXSymbolListAttr(MXSymbolHandle symbol, int recursive, uint32_t* out_size, const char*** out) {
  MX_API_BEGIN();
  std::vector<std::string> flat;
  for (auto& kv : SymbolOf(symbol).ListAttrs(recursive != 0)) {
    flat.push_back(std::move(kv.first));
    flat.push_back(std::move(kv.second));
  }
  ExportNames(std::move(flat), out_size, out);
  *out_size /= 2;
  MX_API_END();
}

int MXSymbolSaveToJSON(MXSymbolHandle symbol, const char** out_json) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_json);
  std::string& text = mx::Scratch().bytes;
  text = mx::graph::SymbolToJSON(SymbolOf(symbol));
  *out_json = text.c_str();
  MX_API_END();
}

int MXSymbolCreateFromJSON(const char* json, MXSymbolHandle* out) {
  MX_API_BEGIN();
  MX_CHECK(json != nullptr, kValue, "json is NULL");
  MX_CHECK_OUT(out);
  mx::EnsureRuntime();  // plugin ops must be registered before names resolve
  *out = mx::NewSymbolHandle(mx::graph::SymbolFromJSON(json));
  MX_API_END();
}

int MXSymbolSaveToFile(MXSymbolHandle symbol, const char* fname) {
  MX_API_BEGIN();
  MX_CHECK(fname != nullptr, kValue, "fname is NULL");
  mx::WriteFile(fname, mx::graph::SymbolToJSON(SymbolOf(symbol)));
  MX_API_END();
}

int MXSymbolCreateFromFile(const char* fname, MXSymbolHandle* out) {
  MX_API_BEGIN();
  MX_CHECK(fname != nullptr, kValue, "fname is NULL");
  MX_CHECK_OUT(out);
  const std::string text = mx::ReadFile(fname);
  mx::EnsureRuntime();
  try {
    *out = mx::NewSymbolHandle(mx::graph::SymbolFromJSON(text));
  } catch (const mx::Error& e) {
    mx::Throw(e.kind(), "'", fname, "': ", e.what());
  }
  MX_API_END();
}

int MXSymbolPrint(MXSymbolHandle symbol, const char** out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  std::string& text = mx::Scratch().bytes;
  text = SymbolOf(symbol).DebugString();
  *out = text.c_str();
  MX_API_END();
}

int MXSymbolInferShape(MXSymbolHandle symbol, uint32_t num_args, const char** keys,
                       const int64_t* ind_ptr, const int64_t* shape_data, uint32_t* out_counts,
                       const int** out_ndim, const int64_t*** out_dims, int* out_complete) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_counts);
  MX_CHECK_OUT(out_ndim);
  MX_CHECK_OUT(out_dims);
  MX_CHECK_OUT(out_complete);
  MX_CHECK(num_args == 0 || (ind_ptr && shape_data), kValue, "ind_ptr or shape_data is NULL");
  const Symbol& s = SymbolOf(symbol);
  InferencePlan plan(s);
  std::vector<mx::Shape> values(plan.graph.num_entries(), mx::Shape::Unknown());
  for (uint32_t i = 0; i < num_args; ++i) {
    MX_CHECK(ind_ptr[i + 1] >= ind_ptr[i], kValue, "ind_ptr is not ascending");
    mx::Shape& v = values[plan.Target(s, keys, i)];
    v = mx::Shape(shape_data + ind_ptr[i], static_cast<int>(ind_ptr[i + 1] - ind_ptr[i]));
  }
  mx::graph::InferShapes(plan.graph, &values);

  // Thread scratch: the shapes, then per-result ndim and dims pointers.
  thread_local std::vector<mx::Shape> shapes;
  thread_local std::vector<int> ndims;
  thread_local std::vector<const int64_t*> dims;
  shapes.clear();
  ndims.clear();
  dims.clear();
  bool complete = true;
  for (const auto& group : plan.entries)
    for (uint32_t e : group) {
      shapes.push_back(values[e]);
      complete = complete && values[e].is_known();
    }
  for (const mx::Shape& sh : shapes) {
    ndims.push_back(sh.ndim());
    dims.push_back(sh.data());
  }
  plan.Counts(out_counts);
  *out_ndim = ndims.data();
  *out_dims = dims.data();
  *out_complete = complete ? 1 : 0;
  MX_API_END();
}

int MXSymbolInferType(MXSymbolHandle symbol, uint32_t num_args, const char** keys,
                      const int* types, uint32_t* out_counts, const int** out_types,
                      int* out_complete) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_counts);
  MX_CHECK_OUT(out_types);
  MX_CHECK_OUT(out_complete);
  MX_CHECK(num_args == 0 || types, kValue, "types is NULL");
  const Symbol& s = SymbolOf(symbol);
  InferencePlan plan(s);
  std::vector<int> values(plan.graph.num_entries(), -1);
  for (uint32_t i = 0; i < num_args; ++i) {
    MX_CHECK(types[i] == -1 || mx::IsValidDType(types[i]), kType, "invalid dtype code ", types[i]);
    values[plan.Target(s, keys, i)] = types[i];
  }
  mx::graph::InferTypes(plan.graph, &values);
  thread_local std::vector<int> result;
  result.clear();
  bool complete = true;
  for (const auto& group : plan.entries)
    for (uint32_t e : group) {
      result.push_back(values[e]);
      complete = complete && values[e] >= 0;
    }
  plan.Counts(out_counts);
  *out_types = result.data();
  *out_complete = complete ? 1 : 0;
  MX_API_END();
}

}  // extern "C"
