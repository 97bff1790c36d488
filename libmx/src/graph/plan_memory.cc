#include "graph/plan_memory.h"

#include <map>

#include "common/dtype.h"
#include "common/error.h"

namespace mx {
namespace graph {

MemoryPlan PlanMemory(const IndexedGraph& g, const std::vector<Shape>& shapes,
                      const std::vector<int>& dtypes, const std::vector<char>& external,
                      const std::vector<char>& keep, int flags, const std::vector<int>& device) {
  const size_t num_entries = g.num_entries();
  MemoryPlan plan;
  plan.storage.assign(num_entries, MemoryPlan::kExternal);
  std::vector<size_t> bytes(num_entries, 0);
  // Readers left per entry; graph outputs get one extra that is never released.
  std::vector<uint32_t> readers(num_entries, 0);
  for (uint32_t id = 0; id < g.num_nodes(); ++id)
    for (const NodeEntry& e : g.node(id)->inputs) ++readers[g.entry_id(e)];
  for (size_t e = 0; e < num_entries; ++e) readers[e] += keep[e] ? 1 : 0;

  auto device_of = [&](size_t e) { return device.empty() ? 0 : device[e]; };
  // (device, bytes) -> block: dead blocks for co-sharing.
  std::multimap<std::pair<int, size_t>, int> free_blocks;
  std::vector<uint32_t> block_users;  // live entries per block
  auto new_block = [&](size_t size, int dev) {
    plan.block_bytes.push_back(size);
    plan.block_device.push_back(dev);
    block_users.push_back(0);
    return static_cast<int>(plan.block_bytes.size() - 1);
  };
  auto release = [&](int b) {
    if (--block_users[b] == 0 && (flags & kPlanCoshare))
      free_blocks.emplace(std::make_pair(plan.block_device[b], plan.block_bytes[b]), b);
  };

  for (uint32_t id = 0; id < g.num_nodes(); ++id) {
    const Node& node = *g.node(id);
    for (uint32_t k = 0; k < node.num_outputs(); ++k) {
      const uint32_t e = g.entry_id(id, k);
      if (external[e]) continue;
      MX_CHECK(shapes[e].is_known() && dtypes[e] >= 0, kValue, node.Describe(), ": output ", k,
               " has unknown shape or dtype; give the input shapes");
      bytes[e] = static_cast<size_t>(shapes[e].Size()) * DTypeSize(dtypes[e]);
      plan.naive_bytes += bytes[e];
      int block = -1;
      if ((flags & kPlanInplace) && !node.is_variable()) {
        for (const auto& [in, out] : node.op->inplace) {
          if (out != static_cast<int>(k) || static_cast<size_t>(in) >= node.inputs.size()) continue;
          const uint32_t src = g.entry_id(node.inputs[in]);
          const int b = plan.storage[src];
          // The input dies here and no other input reads the same entry.
          uint32_t uses_here = 0;
          for (const NodeEntry& x : node.inputs) uses_here += g.entry_id(x) == src;
          if (b == MemoryPlan::kExternal || readers[src] != uses_here || bytes[src] != bytes[e] ||
              block_users[b] != 1 || device_of(src) != device_of(e))
            continue;
          block = b;
          ++plan.inplace_count;
          break;
        }
      }
      if (block < 0 && (flags & kPlanCoshare)) {
        // The smallest dead block that fits, else the largest, on this device.
        const int dev = device_of(e);
        auto it = free_blocks.lower_bound({dev, bytes[e]});
        if (it == free_blocks.end() || it->first.first != dev) {
          it = free_blocks.lower_bound({dev + 1, 0});
          const bool largest = it != free_blocks.begin() && std::prev(it)->first.first == dev;
          it = largest ? std::prev(it) : free_blocks.end();
        }
        if (it != free_blocks.end()) {
          block = it->second;
          free_blocks.erase(it);
          if (plan.block_bytes[block] < bytes[e]) plan.block_bytes[block] = bytes[e];
          ++plan.coshare_count;
        }
      }
      if (block < 0) block = new_block(bytes[e], device_of(e));
      plan.storage[e] = block;
      ++block_users[block];
    }
    // Inputs whose last reader this was release their block.
    for (const NodeEntry& x : node.inputs) {
      const uint32_t src = g.entry_id(x);
      if (--readers[src] != 0) continue;
      if (plan.storage[src] != MemoryPlan::kExternal) release(plan.storage[src]);
    }
    // Outputs nobody reads die at once.
    for (uint32_t k = 0; k < node.num_outputs(); ++k) {
      const uint32_t e = g.entry_id(id, k);
      if (plan.storage[e] != MemoryPlan::kExternal && readers[e] == 0) release(plan.storage[e]);
    }
  }
  for (size_t b : plan.block_bytes) plan.planned_bytes += b;
  return plan;
}

}  // namespace graph
}  // namespace mx
