#include "imperative/host_op.h"

#include <map>
#include <mutex>

namespace mx {
namespace imperative {

namespace {

std::map<std::string, HostOp>& ByName() {
  static auto* table = new std::map<std::string, HostOp>();  // leaked: used until exit
  return *table;
}

}  // namespace

bool RegisterHostOp(const char* op_name, HostOp op) {
  ByName()[op_name] = std::move(op);
  return true;
}

const HostOp* FindHostOp(const op::OpDef* op) {
  // Rationale: resolved on first use, because registration runs during
  // static initialisation, possibly before the ops themselves register.
  // Host ops live in libmx, so the ops plugins add later are never host ops.
  static std::vector<const HostOp*>* by_index = [] {
    auto* table = new std::vector<const HostOp*>();
    for (const auto& [name, host] : ByName()) {
      const op::OpDef* def = op::Registry::Get().Find(name);
      if (!def) continue;
      if (table->size() <= static_cast<size_t>(def->index)) table->resize(def->index + 1, nullptr);
      (*table)[def->index] = &host;
    }
    return table;
  }();
  return static_cast<size_t>(op->index) < by_index->size() ? (*by_index)[op->index] : nullptr;
}

}  // namespace imperative
}  // namespace mx
