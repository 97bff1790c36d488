#include "graph/symbol_json.h"

#include "common/error.h"
#include "common/json.h"
#include "graph/indexed_graph.h"

namespace mx {
namespace graph {

namespace {

// The MXNet API level MX writes (1.9.1), as MXNet's "mxnet_version" attr.
constexpr int64_t kMXNetVersion = 10901;

// dmlc's rule: arrays of plain values go on one line up to 10 elements.
void WriteIds(json::Writer* w, const std::vector<uint32_t>& ids) {
  w->BeginArray(ids.size() > 10);
  for (uint32_t id : ids) {
    w->Item();
    w->Int(id);
  }
  w->EndArray();
}

void WriteEntries(json::Writer* w, const IndexedGraph& g, const std::vector<NodeEntry>& entries) {
  w->BeginArray(entries.size() > 10);
  for (const NodeEntry& e : entries) {
    w->Item();
    w->BeginArray(false);
    for (uint32_t v : {g.node_id(e.node.get()), e.index, e.version}) {
      w->Item();
      w->Int(v);
    }
    w->EndArray();
  }
  w->EndArray();
}

void WriteNode(json::Writer* w, const IndexedGraph& g, const Node& n) {
  w->BeginObject(true);
  w->Key("op");
  w->String(n.op ? n.op->name : "null");
  w->Key("name");
  w->String(n.name);
  if (!n.dict.empty()) {
    w->Key("attrs");
    w->BeginObject(n.dict.size() > 1);
    for (const auto& kv : n.dict) {
      w->Key(kv.first);
      w->String(kv.second);
    }
    w->EndObject();
  }
  w->Key("inputs");
  WriteEntries(w, g, n.inputs);
  if (!n.control_deps.empty()) {
    std::vector<uint32_t> deps;
    for (const NodePtr& d : n.control_deps) deps.push_back(g.node_id(d.get()));
    w->Key("control_deps");
    WriteIds(w, deps);
  }
  w->EndObject();
}

struct JsonNode {
  std::string op_name;
  std::string name;
  std::map<std::string, std::string> dict;
  const json::Value* inputs = nullptr;
  const json::Value* control_deps = nullptr;
};

std::string AttrText(const json::Value& v, const std::string& node, const std::string& key) {
  if (v.kind == json::Value::kString || v.kind == json::Value::kNumber) return v.text;
  if (v.kind == json::Value::kBool) return v.boolean ? "True" : "False";
  Throw(ErrorKind::kValue, "symbol JSON: node '", node, "': attribute '", key,
        "' must be a string");
}

JsonNode ReadNode(const json::Value& v, size_t index) {
  MX_CHECK(v.kind == json::Value::kObject, kValue, "symbol JSON: node ", index, " is not an object");
  JsonNode n;
  const json::Value* op = v.Find("op");
  const json::Value* name = v.Find("name");
  MX_CHECK(op && name, kValue, "symbol JSON: node ", index, " lacks \"op\" or \"name\"");
  n.op_name = op->AsString("symbol JSON: \"op\"");
  n.name = name->AsString("symbol JSON: \"name\"");
  // "param" and "attr" are the pre-1.0 spellings of "attrs".
  for (const char* field : {"param", "attr", "attrs"}) {
    const json::Value* attrs = v.Find(field);
    if (!attrs || attrs->kind == json::Value::kNull) continue;
    MX_CHECK(attrs->kind == json::Value::kObject, kValue, "symbol JSON: node '", n.name, "': \"",
             field, "\" must be an object");
    for (const auto& kv : attrs->fields) {
      const bool legacy_hidden = std::string(field) == "attr" && IsHiddenKey(kv.first);
      n.dict[legacy_hidden ? "__" + kv.first + "__" : kv.first] = AttrText(kv.second, n.name, kv.first);
    }
  }
  n.inputs = v.Find("inputs");
  MX_CHECK(n.inputs && n.inputs->kind == json::Value::kArray, kValue, "symbol JSON: node '", n.name,
           "' lacks an \"inputs\" array");
  n.control_deps = v.Find("control_deps");
  MX_CHECK(!v.Find("subgraphs"), kNotImplemented, "symbol JSON: node '", n.name,
           "' has subgraphs (control-flow ops), which MX does not support");
  return n;
}

NodeEntry ReadEntry(const json::Value& v, const std::vector<NodePtr>& defined, const std::string& user) {
  const std::vector<json::Value>& f = v.AsArray("symbol JSON: an input entry");
  MX_CHECK(f.size() == 2 || f.size() == 3, kValue, "symbol JSON: ", user,
           ": an input entry must be [node, output(, version)]");
  const int64_t id = f[0].AsInt("symbol JSON: entry node id");
  MX_CHECK(id >= 0 && static_cast<size_t>(id) < defined.size(), kValue, "symbol JSON: ", user,
           " refers to node ", id, ", which is not defined before it (a dangling reference or a cycle)");
  const NodePtr& node = defined[id];
  const int64_t index = f[1].AsInt("symbol JSON: entry output index");
  MX_CHECK(index >= 0 && index < node->num_outputs(), kValue, "symbol JSON: ", user,
           " uses output ", index, " of ", node->Describe(), ", which has ", node->num_outputs(),
           " outputs");
  const int64_t version = f.size() == 3 ? f[2].AsInt("symbol JSON: entry version") : 0;
  return NodeEntry{node, static_cast<uint32_t>(index), static_cast<uint32_t>(version)};
}

}  // namespace

std::string SymbolToJSON(const Symbol& symbol) {
  const IndexedGraph g(symbol.outputs);
  json::Writer w;
  w.BeginObject(true);
  w.Key("nodes");
  w.BeginArray(true);
  for (size_t i = 0; i < g.num_nodes(); ++i) {
    w.Item();
    WriteNode(&w, g, *g.node(i));
  }
  w.EndArray();
  w.Key("arg_nodes");
  WriteIds(&w, g.input_nodes());
  w.Key("node_row_ptr");
  WriteIds(&w, g.entry_start());
  w.Key("heads");
  WriteEntries(&w, g, symbol.outputs);
  w.Key("attrs");
  w.BeginObject(false);
  w.Key("mxnet_version");
  w.BeginArray(false);
  w.Item();
  w.String("int");
  w.Item();
  w.Int(kMXNetVersion);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return w.str();
}

Symbol SymbolFromJSON(const std::string& text) {
  const json::Value doc = json::Parse(text);
  MX_CHECK(doc.kind == json::Value::kObject, kValue, "symbol JSON: the document is not an object");
  const json::Value* nodes_value = doc.Find("nodes");
  const json::Value* heads = doc.Find("heads");
  MX_CHECK(nodes_value && heads, kValue, "symbol JSON: \"nodes\" or \"heads\" is missing");
  const std::vector<json::Value>& raw = nodes_value->AsArray("symbol JSON: \"nodes\"");

  std::vector<JsonNode> parsed;
  // Unknown op -> (first node using it, how many), in order of appearance.
  std::vector<std::pair<std::string, std::pair<std::string, int>>> unknown;
  for (size_t i = 0; i < raw.size(); ++i) {
    parsed.push_back(ReadNode(raw[i], i));
    const JsonNode& n = parsed.back();
    if (n.op_name == "null" || op::Registry::Get().Find(n.op_name)) continue;
    auto it = unknown.begin();
    while (it != unknown.end() && it->first != n.op_name) ++it;
    if (it == unknown.end()) unknown.push_back({n.op_name, {n.name, 1}});
    else ++it->second.second;
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& [op_name, use] : unknown) {
      list += (list.empty() ? "" : ", ") + op_name;
      list += use.second == 1 ? " (node '" + use.first + "')"
                              : " (" + std::to_string(use.second) + " nodes, first '" + use.first + "')";
    }
    Throw(ErrorKind::kNotFound, "symbol JSON uses unknown operators: ", list);
  }

  std::vector<NodePtr> defined;
  for (JsonNode& jn : parsed) {
    const std::string user = "node '" + jn.name + "'";
    NodePtr n;
    if (jn.op_name == "null") {
      n = Node::Variable(jn.name);
      n->dict = std::move(jn.dict);
    } else {
      const op::OpDef* op = op::Registry::Get().Find(jn.op_name);
      if (op->variadic() && !jn.dict.count(op->key_var_num_args))
        jn.dict[op->key_var_num_args] = std::to_string(jn.inputs->items.size());
      n = Node::Create(op, jn.name, std::move(jn.dict));
    }
    for (const json::Value& e : jn.inputs->items) n->inputs.push_back(ReadEntry(e, defined, user));
    if (!n->is_variable())
      MX_CHECK(n->inputs.size() == n->num_inputs(), kValue, "symbol JSON: ", n->Describe(), " has ",
               n->inputs.size(), " inputs; with its parameters it takes ", n->num_inputs());
    if (jn.control_deps) {
      for (const json::Value& d : jn.control_deps->AsArray("symbol JSON: \"control_deps\"")) {
        const int64_t id = d.AsInt("symbol JSON: control dependency");
        MX_CHECK(id >= 0 && static_cast<size_t>(id) < defined.size(), kValue, "symbol JSON: ", user,
                 " depends on node ", id, ", which is not defined before it");
        n->control_deps.push_back(defined[id]);
      }
    }
    defined.push_back(std::move(n));
  }
  Symbol s;
  for (const json::Value& h : heads->AsArray("symbol JSON: \"heads\""))
    s.outputs.push_back(ReadEntry(h, defined, "a head"));
  return s;
}

}  // namespace graph
}  // namespace mx
