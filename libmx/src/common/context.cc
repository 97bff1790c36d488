#include "common/context.h"

#include <cstdlib>

#include "common/error.h"

namespace mx {

namespace {
const char* DeviceName(int dev_type) {
  switch (dev_type) {
    case Context::kCPU: return "cpu";
    case Context::kGPU: return "gpu";
    case Context::kCPUPinned: return "cpu_pinned";
    case Context::kCPUShared: return "cpu_shared";
    default: return nullptr;
  }
}
}  // namespace

std::string Context::ToString() const {
  const char* name = DeviceName(dev_type);
  return std::string(name ? name : "unknown") + "(" + std::to_string(dev_id) + ")";
}

Context Context::Parse(const std::string& text) {
  std::string s;
  for (char c : text)
    if (c != ' ' && c != '\'' && c != '"') s += c;
  const size_t open = s.find('(');
  const std::string name = s.substr(0, open);
  int id = 0;
  if (open != std::string::npos) {
    const size_t close = s.find(')', open);
    MX_CHECK(close == s.size() - 1 && close > open + 1, kValue, "invalid context '", text, "'");
    char* end = nullptr;
    const std::string digits = s.substr(open + 1, close - open - 1);
    id = static_cast<int>(std::strtol(digits.c_str(), &end, 10));
    MX_CHECK(*end == '\0' && id >= 0, kValue, "invalid device id in context '", text, "'");
  }
  for (int t : {kCPU, kGPU, kCPUPinned, kCPUShared})
    if (name == DeviceName(t)) return Context{t, id};
  Throw(ErrorKind::kValue, "invalid context '", text, "': expected cpu(N), gpu(N) or cpu_pinned(N)");
}

}  // namespace mx
