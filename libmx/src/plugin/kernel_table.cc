#include "plugin/kernel_table.h"

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "common/dtype.h"
#include "common/error.h"

namespace mx {

namespace {

// Rationale: lists are immutable once published and replaced whole, so
// readers need one atomic load and no lock; replaced lists are kept (a few
// bytes per registration, which happens only while plugins load) where a
// reader may still be using them -- and where a leak checker sees them.
using KernelList = std::vector<Kernel>;
constexpr int kChunkBits = 10;
constexpr int kChunk = 1 << kChunkBits;
constexpr int kMaxChunks = 64;  // 65536 ops

struct Table {
  std::mutex write_mu;
  std::vector<std::unique_ptr<const KernelList>> replaced;  // under write_mu
  std::array<std::atomic<std::array<std::atomic<const KernelList*>, kChunk>*>, kMaxChunks> chunks{};

  std::atomic<const KernelList*>* Slot(int index, bool create) {
    MX_CHECK(index >= 0 && index < kChunk * kMaxChunks, kInternal, "op index ", index, " out of range");
    auto& chunk = chunks[index >> kChunkBits];
    auto* c = chunk.load(std::memory_order_acquire);
    if (!c) {
      if (!create) return nullptr;
      c = new std::array<std::atomic<const KernelList*>, kChunk>();
      for (auto& s : *c) s.store(nullptr);
      chunk.store(c, std::memory_order_release);
    }
    return &(*c)[index & (kChunk - 1)];
  }
};

Table& TheTable() {
  static Table* table = new Table();
  return *table;
}

}  // namespace

KernelTable& KernelTable::Get() {
  static KernelTable table;
  return table;
}

void KernelTable::Add(const op::OpDef* op, const Kernel& kernel) {
  Table& t = TheTable();
  std::lock_guard<std::mutex> lock(t.write_mu);
  std::atomic<const KernelList*>* slot = t.Slot(op->index, true);
  auto* list = new KernelList();
  list->push_back(kernel);
  const KernelList* old = slot->load();
  if (old) list->insert(list->end(), old->begin(), old->end());
  slot->store(list, std::memory_order_release);
  if (old) t.replaced.emplace_back(old);
}

const Kernel* KernelTable::Find(const op::OpDef* op, int device_type, int dtype) const {
  std::atomic<const KernelList*>* slot = TheTable().Slot(op->index, false);
  if (!slot) return nullptr;
  const KernelList* list = slot->load(std::memory_order_acquire);
  if (!list) return nullptr;
  for (const Kernel& k : *list)
    if (k.device_type == device_type && (k.dtype_mask >> dtype & 1u)) return &k;
  return nullptr;
}

std::string KernelTable::DTypesFor(const op::OpDef* op, int device_type) const {
  uint32_t mask = 0;
  std::atomic<const KernelList*>* slot = TheTable().Slot(op->index, false);
  if (const KernelList* list = slot ? slot->load() : nullptr)
    for (const Kernel& k : *list)
      if (k.device_type == device_type) mask |= k.dtype_mask;
  std::string s;
  for (int d = 0; d < kNumDTypes; ++d)
    if (mask >> d & 1u) s += (s.empty() ? "" : ", ") + std::string(DTypeName(d));
  return s.empty() ? "none" : s;
}

}  // namespace mx
