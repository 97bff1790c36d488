#include "random/seed.h"

#include <map>
#include <mutex>
#include <utility>

namespace mx {
namespace random {

namespace {

struct Sequence {
  uint64_t seed = 0;
  uint64_t counter = 0;
};

std::mutex mu;
std::map<std::pair<int, int>, Sequence>& Sequences() {
  static auto* seqs = new std::map<std::pair<int, int>, Sequence>();
  return *seqs;
}
uint64_t default_seed = 0;

// splitmix64: decorrelates (seed, counter) pairs into well-mixed 64-bit keys.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

void Seed(int seed) {
  std::lock_guard<std::mutex> lock(mu);
  default_seed = static_cast<uint64_t>(static_cast<uint32_t>(seed));
  Sequences().clear();
}

void Seed(int seed, Context ctx) {
  ctx = ctx.ComputeDevice();
  std::lock_guard<std::mutex> lock(mu);
  Sequences()[{ctx.dev_type, ctx.dev_id}] = Sequence{static_cast<uint64_t>(static_cast<uint32_t>(seed)), 0};
}

uint64_t NextSeed(Context ctx) {
  ctx = ctx.ComputeDevice();
  std::lock_guard<std::mutex> lock(mu);
  auto it = Sequences().find({ctx.dev_type, ctx.dev_id});
  if (it == Sequences().end())
    it = Sequences().emplace(std::make_pair(ctx.dev_type, ctx.dev_id), Sequence{default_seed, 0}).first;
  Sequence& s = it->second;
  return Mix(Mix(s.seed) ^ s.counter++);
}

}  // namespace random
}  // namespace mx
