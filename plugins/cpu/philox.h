// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw,
// "Parallel Random Numbers: As Easy as 1, 2, 3" (SC'11), and a per-element
// stream of uniform numbers built on it.
//
// Rationale: a counter-based generator maps (key, counter) to random bits with
// no state carried between elements, so a kernel can split its output across
// threads any way it likes and still produce the same values: element i always
// reads the blocks at counter (i, draw), whatever thread computes it.
#ifndef MX_PLUGINS_CPU_PHILOX_H_
#define MX_PLUGINS_CPU_PHILOX_H_

#include <array>
#include <cstdint>

namespace mx_cpu {

using PhiloxBlock = std::array<uint32_t, 4>;

// One Philox4x32-10 block: 10 rounds of two 32x32->64 multiplies, the key
// bumped by the Weyl constants between rounds.
inline PhiloxBlock Philox4x32(PhiloxBlock counter, uint32_t key0, uint32_t key1) {
  constexpr uint32_t kMultiplier0 = 0xD2511F53u, kMultiplier1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = uint64_t{kMultiplier0} * counter[0];
    const uint64_t p1 = uint64_t{kMultiplier1} * counter[2];
    counter = {static_cast<uint32_t>(p1 >> 32) ^ counter[1] ^ key0, static_cast<uint32_t>(p1),
               static_cast<uint32_t>(p0 >> 32) ^ counter[3] ^ key1, static_cast<uint32_t>(p0)};
    key0 += kWeyl0;
    key1 += kWeyl1;
  }
  return counter;
}

// The random numbers of one output element: the key is the call's 64-bit
// seed; the counter is (element index, draw number), so an element may draw
// as many numbers as a rejection method needs without touching any other
// element's numbers.
class PhiloxStream {
 public:
  PhiloxStream(uint64_t seed, uint64_t element)
      : key0_(static_cast<uint32_t>(seed)), key1_(static_cast<uint32_t>(seed >> 32)),
        element_(element) {}

  uint32_t NextU32() {
    if (used_ == 4) Refill();
    return block_[used_++];
  }
  uint64_t NextU64() {
    const uint64_t high = NextU32();
    return high << 32 | NextU32();
  }
  // Uniform on [0, 1) with 53 random bits (a multiple of 2^-53).
  double Uniform() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1]: safe to take the log of.
  double UniformOpenZero() { return 1.0 - Uniform(); }
  // Uniform integer on [0, range), range > 0: the high half of a 64x64-bit
  // product (Lemire's multiply-shift; its bias, below range / 2^64, is far
  // beneath anything a test or a model can see).
  uint64_t Below(uint64_t range) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(NextU64()) * range) >> 64);
  }

 private:
  void Refill() {
    block_ = Philox4x32({static_cast<uint32_t>(element_), static_cast<uint32_t>(element_ >> 32),
                         draw_, 0u},
                        key0_, key1_);
    ++draw_;
    used_ = 0;
  }

  uint32_t key0_, key1_;
  uint64_t element_;
  uint32_t draw_ = 0;
  PhiloxBlock block_{};
  int used_ = 4;  // block_ is spent: the first draw refills
};

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_PHILOX_H_
