#include "imperative/host_op.h"

#include <map>
#include <mutex>

namespace mx {
namespace imperative {

namespace {

std::map<std::string, HostFn>& ByName() {
  static auto* table = new std::map<std::string, HostFn>();  // leaked: used until exit
  return *table;
}

}  // namespace

bool RegisterHostOp(const char* op_name, HostFn fn) {
  ByName()[op_name] = std::move(fn);
  return true;
}

const HostFn* FindHostOp(const op::OpDef* op) {
  // Rationale: resolved on first use, because registration runs during
  // static initialisation, possibly before the ops themselves register.
  // Host ops live in libmx, so the ops plugins add later are never host ops.
  static std::vector<const HostFn*>* by_index = [] {
    auto* table = new std::vector<const HostFn*>();
    for (const auto& [name, fn] : ByName()) {
      const op::OpDef* def = op::Registry::Get().Find(name);
      if (!def) continue;
      if (table->size() <= static_cast<size_t>(def->index)) table->resize(def->index + 1, nullptr);
      (*table)[def->index] = &fn;
    }
    return table;
  }();
  return static_cast<size_t>(op->index) < by_index->size() ? (*by_index)[op->index] : nullptr;
}

}  // namespace imperative
}  // namespace mx
