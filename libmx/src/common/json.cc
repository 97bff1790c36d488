#include "common/json.h"

#include <cctype>
#include <cstdlib>

#include "common/error.h"

namespace mx {
namespace json {

namespace {

class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  Value Document() {
    Value v = ParseValue(0);
    SkipSpace();
    MX_CHECK(pos_ == s_.size(), kValue, "invalid JSON: trailing characters at byte ", pos_);
    return v;
  }

 private:
  static constexpr int kMaxDepth = 512;

  [[noreturn]] void Fail(const char* what) {
    Throw(ErrorKind::kValue, "invalid JSON: ", what, " at byte ", pos_);
  }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' ||
                                s_[pos_] == '\r'))
      ++pos_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!Eat(c)) Fail(c == ':' ? "expected ':'" : c == ',' ? "expected ','" : "unexpected character");
  }
  bool Literal(const char* word) {
    const std::string w(word);
    if (s_.compare(pos_, w.size(), w) != 0) return false;
    pos_ += w.size();
    return true;
  }

  Value ParseValue(int depth) {
    if (depth > kMaxDepth) Fail("nesting too deep");
    SkipSpace();
    if (pos_ >= s_.size()) Fail("unexpected end");
    Value v;
    const char c = s_[pos_];
    if (c == '{') {
      ++pos_;
      v.kind = Value::kObject;
      if (Eat('}')) return v;
      do {
        SkipSpace();
        if (pos_ >= s_.size() || s_[pos_] != '"') Fail("expected a string key");
        std::string key = ParseString();
        Expect(':');
        v.fields.emplace_back(std::move(key), ParseValue(depth + 1));
      } while (Eat(','));
      Expect('}');
    } else if (c == '[') {
      ++pos_;
      v.kind = Value::kArray;
      if (Eat(']')) return v;
      do v.items.push_back(ParseValue(depth + 1));
      while (Eat(','));
      Expect(']');
    } else if (c == '"') {
      v.kind = Value::kString;
      v.text = ParseString();
    } else if (Literal("true")) {
      v.kind = Value::kBool;
      v.boolean = true;
    } else if (Literal("false")) {
      v.kind = Value::kBool;
    } else if (Literal("null")) {
      v.kind = Value::kNull;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const size_t start = pos_;
      ++pos_;
      while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                                  s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E' ||
                                  s_[pos_] == '+' || s_[pos_] == '-'))
        ++pos_;
      v.kind = Value::kNumber;
      v.text = s_.substr(start, pos_ - start);
    } else {
      Fail("unexpected character");
    }
    return v;
  }

  std::string ParseString() {
    ++pos_;  // the opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) Fail("unterminated string");
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) Fail("unterminated string");
      const char e = s_[pos_++];
      switch (e) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': AppendCodePoint(&out); break;
        default: Fail("bad escape in string");
      }
    }
  }

  unsigned Hex4() {
    if (s_.size() - pos_ < 4) Fail("bad \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9') v |= h - '0';
      else if (h >= 'a' && h <= 'f') v |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F') v |= h - 'A' + 10;
      else Fail("bad \\u escape");
    }
    return v;
  }

  void AppendCodePoint(std::string* out) {
    unsigned cp = Hex4();
    if (cp >= 0xD800 && cp < 0xDC00 && s_.compare(pos_, 2, "\\u") == 0) {
      pos_ += 2;
      const unsigned low = Hex4();
      if (low < 0xDC00 || low > 0xDFFF) Fail("bad surrogate pair");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace

const Value* Value::Find(const std::string& key) const {
  for (const auto& f : fields)
    if (f.first == key) return &f.second;
  return nullptr;
}

int64_t Value::AsInt(const char* what) const {
  MX_CHECK(kind == kNumber, kValue, what, " must be an integer");
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  MX_CHECK(end && *end == '\0', kValue, what, " must be an integer, got ", text);
  return v;
}

const std::string& Value::AsString(const char* what) const {
  MX_CHECK(kind == kString, kValue, what, " must be a string");
  return text;
}

const std::vector<Value>& Value::AsArray(const char* what) const {
  MX_CHECK(kind == kArray, kValue, what, " must be an array");
  return items;
}

Value Parse(const std::string& text) { return Parser(text).Document(); }

void Writer::Separator() {
  if (multi_line_.empty() || multi_line_.back()) {
    out_ += '\n';
    out_.append(multi_line_.size() * 2, ' ');
  }
}

void Writer::BeginObject(bool multi_line) {
  out_ += '{';
  multi_line_.push_back(multi_line);
  count_.push_back(0);
}

void Writer::Key(const std::string& key) {
  if (count_.back() > 0) out_ += ", ";
  Separator();
  String(key);
  out_ += ": ";
  ++count_.back();
}

void Writer::EndObject() {
  const bool newline = multi_line_.back() && count_.back() != 0;
  multi_line_.pop_back();
  count_.pop_back();
  if (newline) Separator();
  out_ += '}';
}

void Writer::BeginArray(bool multi_line) {
  out_ += '[';
  multi_line_.push_back(multi_line);
  count_.push_back(0);
}

void Writer::Item() {
  if (count_.back() != 0) out_ += ", ";
  ++count_.back();
  Separator();
}

void Writer::EndArray() {
  const bool newline = multi_line_.back() && count_.back() != 0;
  multi_line_.pop_back();
  count_.pop_back();
  if (newline) Separator();
  out_ += ']';
}

void Writer::String(const std::string& s) {
  out_ += '"';
  for (char c : s) {
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default: out_ += c;
    }
  }
  out_ += '"';
}

void Writer::Int(int64_t v) { out_ += std::to_string(v); }

}  // namespace json
}  // namespace mx
