#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

#include "common/dtype.h"
#include "common/error.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\n");
  return s.substr(b, e - b + 1);
}

std::string Unquote(const std::string& s) {
  std::string t = Trim(s);
  if (t.size() >= 2 && (t[0] == '\'' || t[0] == '"') && t.back() == t[0]) return t.substr(1, t.size() - 2);
  return t;
}

bool ParseInt(const std::string& text, int64_t* out) {
  const std::string t = Trim(text);
  if (t.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(t.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

bool ParseFloat(const std::string& text, double* out) {
  const std::string t = Trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (*end != '\0') return false;
  *out = v;
  return true;
}

// "(2, 3)", "[2,3]", "(2,)", "()", "2" -> items; false if malformed.
bool SplitTuple(const std::string& text, std::vector<std::string>* items) {
  std::string t = Trim(text);
  if (!t.empty() && (t[0] == '(' || t[0] == '[')) {
    const char close = t[0] == '(' ? ')' : ']';
    if (t.back() != close) return false;
    t = t.substr(1, t.size() - 2);
  }
  items->clear();
  if (Trim(t).empty()) return true;
  size_t start = 0;
  for (;;) {
    const size_t comma = t.find(',', start);
    const std::string item = Trim(t.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (item.empty()) {
      // Only a trailing comma may leave an empty item: "(2,)".
      if (comma != std::string::npos || items->empty()) return false;
      return true;
    }
    items->push_back(item);
    if (comma == std::string::npos) return true;
    start = comma + 1;
  }
}

std::string ChoicesInfo(const std::vector<std::string>& choices, bool with_none) {
  std::string s = "{";
  if (with_none) s += "None";
  for (size_t i = 0; i < choices.size(); ++i) {
    if (with_none || i) s += ", ";
    s += "'" + choices[i] + "'";
  }
  return s + "}";
}

[[noreturn]] void BadValue(const OpDef* op, const ParamSpec& spec, const std::string& text) {
  Throw(ErrorKind::kValue, "operator ", op->name, ": invalid value '", text, "' for parameter '",
        spec.name, "': expected ", spec.type_info);
}

}  // namespace

ParamSpec ParamSpec::Make(const std::string& name, const std::string& type,
                          const char* default_value, const std::string& doc) {
  ParamSpec p;
  p.name = name;
  p.type = type;
  p.doc = doc;
  p.has_default = default_value != nullptr;
  if (default_value) p.default_value = default_value;
  std::string base = type;
  const std::string none_suffix = " or None";
  if (base.size() > none_suffix.size() &&
      base.compare(base.size() - none_suffix.size(), none_suffix.size(), none_suffix) == 0) {
    p.optional = true;
    base = base.substr(0, base.size() - none_suffix.size());
  }
  p.type_info = type;
  if (base == "int" || base == "long" || base == "int (non-negative)") {
    p.kind = MX_ATTR_INT;
  } else if (base == "float" || base == "double") {
    p.kind = MX_ATTR_FLOAT;
  } else if (base == "boolean") {
    p.kind = MX_ATTR_BOOL;
  } else if (base == "string") {
    p.kind = MX_ATTR_STRING;
  } else if (base == "Shape(tuple)" || base == "Shape" || base == "tuple of <int>" ||
             base == "tuple of <long>") {
    p.kind = MX_ATTR_INT_TUPLE;
  } else if (base == "tuple of <float>" || base == "tuple of <double>") {
    p.kind = MX_ATTR_FLOAT_TUPLE;
  } else if (base == "dtype") {
    p.kind = MX_ATTR_DTYPE;
    for (const char* n : {"bool", "float16", "float32", "float64", "int32", "int64", "int8", "uint8"})
      p.choices.push_back(n);
    p.type_info = ChoicesInfo(p.choices, p.optional);
  } else if (!base.empty() && base[0] == '{' && base.back() == '}') {
    p.kind = MX_ATTR_ENUM;
    std::vector<std::string> items;
    SplitTuple("(" + base.substr(1, base.size() - 2) + ")", &items);
    for (const std::string& it : items) p.choices.push_back(Unquote(it));
    p.type_info = ChoicesInfo(p.choices, p.optional);
  } else {
    Throw(ErrorKind::kInternal, "parameter '", name, "': unknown type '", type, "'");
  }
  return p;
}

void Attrs::ParseValue(const OpDef* op, const ParamSpec& spec, const std::string& raw, Slot* slot,
                       MXAttr* out) {
  const std::string text = Trim(raw);
  slot->text = text;
  slot->ints.clear();
  slot->floats.clear();
  out->is_none = 0;
  out->i = 0;
  out->f = 0;
  if (spec.optional && Unquote(text) == "None") {
    out->is_none = 1;
    return;
  }
  switch (spec.kind) {
    case MX_ATTR_INT:
      if (!ParseInt(text, &out->i)) BadValue(op, spec, raw);
      out->f = static_cast<double>(out->i);
      return;
    case MX_ATTR_FLOAT:
      if (!ParseFloat(text, &out->f)) BadValue(op, spec, raw);
      return;
    case MX_ATTR_BOOL: {
      const std::string t = Unquote(text);
      if (t == "True" || t == "true" || t == "1") out->i = 1;
      else if (t == "False" || t == "false" || t == "0") out->i = 0;
      else BadValue(op, spec, raw);
      return;
    }
    case MX_ATTR_STRING:
      slot->text = Unquote(text);
      return;
    case MX_ATTR_INT_TUPLE:
    case MX_ATTR_FLOAT_TUPLE: {
      std::vector<std::string> items;
      if (!SplitTuple(text, &items)) BadValue(op, spec, raw);
      for (const std::string& it : items) {
        if (spec.kind == MX_ATTR_INT_TUPLE) {
          int64_t v;
          if (it == "None") v = MX_ATTR_NONE_INT;
          else if (!ParseInt(it, &v)) BadValue(op, spec, raw);
          slot->ints.push_back(v);
        } else {
          double v;
          if (!ParseFloat(it, &v)) BadValue(op, spec, raw);
          slot->floats.push_back(v);
        }
      }
      return;
    }
    case MX_ATTR_DTYPE: {
      const int d = DTypeFromName(Unquote(text));
      if (d < 0) BadValue(op, spec, raw);
      out->i = d;
      slot->text = DTypeName(d);
      return;
    }
    case MX_ATTR_ENUM: {
      const std::string t = Unquote(text);
      for (size_t k = 0; k < spec.choices.size(); ++k) {
        if (spec.choices[k] == t) {
          out->i = static_cast<int64_t>(k);
          slot->text = t;
          return;
        }
      }
      BadValue(op, spec, raw);
    }
    default:
      Throw(ErrorKind::kInternal, "parameter '", spec.name, "' has no kind");
  }
}

void Attrs::Relink() {
  for (size_t k = 0; k < values_.size(); ++k) {
    MXAttr& a = values_[k];
    const Slot& s = slots_[k];
    a.s = s.text.c_str();
    a.ints = s.ints.data();
    a.floats = s.floats.data();
    a.len = static_cast<int32_t>(a.kind == MX_ATTR_FLOAT_TUPLE ? s.floats.size() : s.ints.size());
  }
}

std::shared_ptr<const Attrs> Attrs::BuildDefaults(const OpDef* op) {
  auto attrs = std::make_shared<Attrs>();
  const size_t n = op->params.size();
  attrs->op_ = op;
  attrs->slots_.resize(n);
  attrs->values_.resize(n);
  attrs->missing_.assign(n, 0);
  for (size_t k = 0; k < n; ++k) {
    const ParamSpec& spec = op->params[k];
    MXAttr& a = attrs->values_[k];
    a.name = spec.name.c_str();
    a.kind = spec.kind;
    if (spec.has_default) ParseValue(op, spec, spec.default_value, &attrs->slots_[k], &a);
    else attrs->missing_[k] = 1;
  }
  attrs->Relink();
  return attrs;
}

bool ParseShape(const std::string& text, Shape* out) {
  std::vector<std::string> items;
  if (!SplitTuple(text, &items) || static_cast<int>(items.size()) > Shape::kMaxNDim) return false;
  std::vector<int64_t> dims(items.size());
  for (size_t i = 0; i < items.size(); ++i)
    if (!ParseInt(items[i], &dims[i])) return false;
  *out = Shape(dims);
  return true;
}

std::shared_ptr<const Attrs> Attrs::Parse(const OpDef* op, int num, const char* const* keys,
                                          const char* const* vals) {
  const std::shared_ptr<const Attrs>& defaults = op->Defaults();
  auto attrs = std::make_shared<Attrs>(*defaults);
  std::map<std::string, std::string> extras;
  for (int i = 0; i < num; ++i) {
    MX_CHECK(keys[i] != nullptr && vals[i] != nullptr, kValue, "operator ", op->name,
             ": parameter key or value ", i, " is NULL");
    const std::string key = keys[i];
    if (key.compare(0, 2, "__") == 0) continue;
    size_t k = 0;
    while (k < op->params.size() && op->params[k].name != key) ++k;
    if (k == op->params.size() && op->extra_params) {
      extras[key] = vals[i];  // sorted; a repeated key keeps its last value
      continue;
    }
    if (k == op->params.size()) {
      std::string known;
      for (const ParamSpec& p : op->params) known += (known.empty() ? "" : ", ") + p.name;
      Throw(ErrorKind::kNotFound, "operator ", op->name, ": unknown parameter '", key, "'",
            known.empty() ? std::string("; it takes no parameters") : "; its parameters are: " + known);
    }
    ParseValue(op, op->params[k], vals[i], &attrs->slots_[k], &attrs->values_[k]);
    attrs->missing_[k] = 0;
  }
  for (size_t k = 0; k < op->params.size(); ++k) {
    MX_CHECK(!attrs->missing_[k], kValue, "operator ", op->name, ": required parameter '",
             op->params[k].name, "' (", op->params[k].type_info, ") is missing");
  }
  attrs->Relink();
  attrs->extras_.assign(extras.begin(), extras.end());
  if (op->make_parsed) attrs->parsed_ = op->make_parsed(*attrs);
  return attrs;
}

const MXAttr& Attrs::Get(const char* name) const {
  for (const MXAttr& a : values_)
    if (std::strcmp(a.name, name) == 0) return a;
  Throw(ErrorKind::kInternal, "operator ", op_->name, " has no parameter '", name, "'");
}

}  // namespace op
}  // namespace mx
