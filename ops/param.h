// Operator parameters: a typed schema per op, and the values of one call
// parsed once from MXNet's string key/value form.
#ifndef MX_OPS_PARAM_H_
#define MX_OPS_PARAM_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/shape.h"
#include "mx/plugin.h"

namespace mx {
namespace op {

struct OpDef;

// One parameter of an op's schema.
struct ParamSpec {
  std::string name;
  std::string type;            // as declared: "int", "float", "boolean", "string",
                               // "Shape(tuple)", "tuple of <float>", "dtype",
                               // "{'a', 'b'}", any of them + " or None"
  std::string type_info;       // as MXNet shows it: "Shape(tuple)", "{'a', 'b'}"
  bool has_default = false;
  std::string default_value;   // as a string, e.g. "1", "None", "'relu'"
  std::string doc;
  MXAttrKind kind = MX_ATTR_STRING;
  bool optional = false;       // accepts None
  std::vector<std::string> choices;  // ENUM and DTYPE

  // Parses type and fills kind, optional, choices, type_info.
  static ParamSpec Make(const std::string& name, const std::string& type,
                        const char* default_value, const std::string& doc);
};

// The parsed parameter values of one op call: one MXAttr per schema entry,
// in schema order, with defaults filled in.  Immutable once built; shared by
// the engine closure that runs the kernel.
// Parses a tuple of integers ("(2, 3)", "[2,3]", "(0,)", "()"); false if
// malformed.  Used for attributes such as a variable's __shape__.
bool ParseShape(const std::string& text, Shape* out);

class Attrs {
 public:
  const OpDef* op() const { return op_; }
  const std::vector<MXAttr>& values() const { return values_; }

  const MXAttr& Get(const char* name) const;
  // No required parameter is missing (false only for OpDef::Defaults()).
  bool complete() const {
    for (char m : missing_)
      if (m) return false;
    return true;
  }
  bool IsNone(const char* name) const { return Get(name).is_none != 0; }
  int64_t Int(const char* name) const { return Get(name).i; }
  bool Bool(const char* name) const { return Get(name).i != 0; }
  double Float(const char* name) const { return Get(name).f; }
  std::string Str(const char* name) const { return Get(name).s; }
  Shape Tuple(const char* name) const {
    const MXAttr& a = Get(name);
    return Shape(a.ints, a.len);
  }
  // Parameters outside the schema, sorted by key (ops with
  // OpDef::extra_params only).
  const std::vector<std::pair<std::string, std::string>>& extras() const { return extras_; }
  // What OpDef::make_parsed built from these values; null if the op has none.
  template <typename T>
  std::shared_ptr<const T> parsed() const { return std::static_pointer_cast<const T>(parsed_); }

  // Parse `num` key/value pairs for op.  Unknown keys (unless the op takes
  // extra_params), malformed values and missing required parameters throw
  // kValue naming the op and parameter.  Keys starting with "__" (graph
  // annotations) are ignored.  Then runs the op's make_parsed, if any.
  static std::shared_ptr<const Attrs> Parse(const OpDef* op, int num, const char* const* keys,
                                            const char* const* vals);

 private:
  struct Slot {
    std::string text;
    std::vector<int64_t> ints;
    std::vector<double> floats;
  };
  friend struct OpDef;
  // Every parameter at its default; required ones are left marked missing.
  static std::shared_ptr<const Attrs> BuildDefaults(const OpDef* op);
  static void ParseValue(const OpDef* op, const ParamSpec& spec, const std::string& text,
                         Slot* slot, MXAttr* out);
  void Relink();  // point values_ into slots_ after slots_ changed

  const OpDef* op_ = nullptr;
  std::vector<Slot> slots_;  // sized once; MXAttr pointers refer into it
  std::vector<MXAttr> values_;
  std::vector<char> missing_;  // required and not given
  std::vector<std::pair<std::string, std::string>> extras_;
  std::shared_ptr<const void> parsed_;
};

}  // namespace op
}  // namespace mx

#endif  // MX_OPS_PARAM_H_
