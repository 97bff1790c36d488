// _shuffle: Fisher-Yates over the rows (sub-arrays along axis 0).
//
// Rationale: the swaps form one sequential chain, so a single stream
// (element 0 of the call's seed) drives them; the result depends only on
// the seed.  Copying the input first makes the in-place and out-of-place
// calls the same algorithm.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernel_util.h"
#include "philox.h"

namespace mx_cpu {

namespace {

int Shuffle(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_shuffle cannot accumulate into its output (req=add)");
  const DLTensor& in = call->inputs[0];
  const DLTensor& out = call->outputs[0];
  const int64_t n = NumElements(out);
  if (n == 0) return 0;
  const size_t item = out.dtype.bits / 8;
  if (in.data != out.data) std::memcpy(out.data, in.data, static_cast<size_t>(n) * item);
  const int64_t rows = out.ndim > 0 ? out.shape[0] : 1;
  const size_t row_bytes = static_cast<size_t>(n / rows) * item;
  char* base = static_cast<char*>(out.data);
  PhiloxStream stream(call->seed, 0);
  for (int64_t i = rows - 1; i > 0; --i) {
    const int64_t j = static_cast<int64_t>(stream.Below(static_cast<uint64_t>(i) + 1));
    if (j != i) std::swap_ranges(base + i * row_bytes, base + (i + 1) * row_bytes, base + j * row_bytes);
  }
  return 0;
}

}  // namespace

MX_CPU_KERNELS(random_shuffle) { return RegisterKernel("_shuffle", Shuffle, nullptr, kAll); }

}  // namespace mx_cpu
