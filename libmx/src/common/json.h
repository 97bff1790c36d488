// JSON for `-symbol.json` files: a reader for any JSON text and a writer that
// lays text out exactly as MXNet 1.x's (dmlc's JSONWriter) does, so a graph
// saved by MX reads byte for byte like one saved by MXNet.
//
// Rationale: hand-written because the need is small (one reader, one
// layout-exact writer) and no C++ JSON library installs from PyPI; vendoring
// one would still leave dmlc's layout to reproduce by hand.
#ifndef MX_COMMON_JSON_H_
#define MX_COMMON_JSON_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mx {
namespace json {

struct Value {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = kNull;
  bool boolean = false;
  std::string text;  // a string's value, or a number's spelling
  std::vector<Value> items;                           // kArray
  std::vector<std::pair<std::string, Value>> fields;  // kObject, in file order

  const Value* Find(const std::string& key) const;  // nullptr if absent (or not an object)
  // Typed access; throw kValue naming `what` when the value has another kind.
  int64_t AsInt(const char* what) const;
  const std::string& AsString(const char* what) const;
  const std::vector<Value>& AsArray(const char* what) const;
};

// Throws kValue with the byte offset of the first error.
Value Parse(const std::string& text);

// dmlc::JSONWriter's layout: a multi-line scope puts each element on its own
// line indented two spaces per level, elements separated by ", ".
class Writer {
 public:
  void BeginObject(bool multi_line);
  void Key(const std::string& key);  // then write the value
  void EndObject();
  void BeginArray(bool multi_line);
  void Item();  // before each array element
  void EndArray();
  void String(const std::string& s);
  void Int(int64_t v);
  const std::string& str() const { return out_; }

 private:
  void Separator();
  std::string out_;
  std::vector<bool> multi_line_;
  std::vector<size_t> count_;
};

}  // namespace json
}  // namespace mx

#endif  // MX_COMMON_JSON_H_
