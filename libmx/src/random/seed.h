// Seeds for random-number kernels.  Each call of a random op takes the next
// seed of its device's sequence at push time, so results depend on the
// program order of calls, never on thread scheduling.  cpu_pinned(i) and
// cpu_shared(i) draw from cpu(i)'s sequence (Context::ComputeDevice).
#ifndef MX_RANDOM_SEED_H_
#define MX_RANDOM_SEED_H_

#include <cstdint>

#include "common/context.h"

namespace mx {
namespace random {

void Seed(int seed);               // every device
void Seed(int seed, Context ctx);  // one device
uint64_t NextSeed(Context ctx);

}  // namespace random
}  // namespace mx

#endif  // MX_RANDOM_SEED_H_
