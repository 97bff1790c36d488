#include "ops/custom/custom_op_prop.h"

#include <map>
#include <mutex>

namespace mx {
namespace op {

namespace {

struct TypeTable {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const CustomOpType>> by_name;
};

TypeTable& Types() {
  static auto* table = new TypeTable();  // leaked: props may outlive static destruction
  return *table;
}

}  // namespace

void RegisterCustomOpType(const std::string& op_type, std::shared_ptr<const CustomOpType> type) {
  std::shared_ptr<const CustomOpType> replaced;  // released outside the lock: it may call a frontend
  TypeTable& t = Types();
  std::lock_guard<std::mutex> lock(t.mu);
  replaced = std::move(t.by_name[op_type]);
  t.by_name[op_type] = std::move(type);
}

std::shared_ptr<const CustomOpType> FindCustomOpType(const std::string& op_type) {
  TypeTable& t = Types();
  std::lock_guard<std::mutex> lock(t.mu);
  auto it = t.by_name.find(op_type);
  return it == t.by_name.end() ? nullptr : it->second;
}

}  // namespace op
}  // namespace mx
