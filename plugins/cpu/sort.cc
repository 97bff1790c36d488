// Kernels of sort, argsort and topk (ops/tensor/sort.cc decides the shapes
// and documents the order).  The input is viewed as (outer, n, inner) around
// the ordered axis -- (1, size, 1) when the axis is None -- and each of the
// outer * inner slices is ordered on its own, the slices split across cores.
//
// Rationale: a slice becomes (order key, index) pairs packed into one
// unsigned integer.  The key maps each value to an unsigned integer of the
// same order (NaN above +inf, -0 equal to +0; bitwise inverted for a
// descending order) and the index in the low bits breaks ties, so integer
// order is total and stable by index: long slices take a radix sort on the
// key bits, short ones and topk's partial selection std::sort / nth_element.
#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "kernel_util.h"

namespace mx_cpu {

namespace {

enum class OrderOp { kSort, kArgSort, kTopK };

// An unsigned integer as wide as T's order key: float16 orders as float.
template <typename T>
using KeyOf = std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>;

template <typename T>
inline KeyOf<T> AscendingKey(T v) {
  using K = KeyOf<T>;
  constexpr K kTopBit = K(1) << (8 * sizeof(K) - 1);
  if constexpr (std::is_same_v<T, half>) {
    return AscendingKey(static_cast<float>(v));
  } else if constexpr (std::is_floating_point_v<T>) {
    if (v != v) return ~K(0);
    if (v == T(0)) v = T(0);
    K bits;
    std::memcpy(&bits, &v, sizeof bits);
    return (bits & kTopBit) ? ~bits : (bits | kTopBit);
  } else if constexpr (std::is_signed_v<T>) {
    return static_cast<K>(static_cast<std::make_signed_t<K>>(v)) ^ kTopBit;
  } else {
    return static_cast<K>(v);
  }
}

// What one call computes and where it writes (nullptr: not asked for).
struct Plan {
  int64_t outer = 1, n = 1, inner = 1;
  int64_t k = 0;  // selected per slice
  bool descending = false;
  const DLTensor* values = nullptr;   // (outer, k, inner), the input's dtype
  const DLTensor* indices = nullptr;  // (outer, k, inner), any numeric dtype
  const DLTensor* mask = nullptr;     // (outer, n, inner), the input's dtype
};

using IndexWriter = void (*)(const int64_t* order, int64_t k, void* out, int64_t stride);

template <typename I>
void WriteIndices(const int64_t* order, int64_t k, void* out, int64_t stride) {
  I* dst = static_cast<I*>(out);
  for (int64_t j = 0; j < k; ++j) dst[j * stride] = static_cast<I>(order[j]);
}

// Sorts n packed items by their key bits (above the index bits), a byte a
// pass from the lowest (LSD radix sort).  Each pass is stable, so equal keys
// keep their index order; a pass whose byte is the same in every key is
// skipped.  scratch holds n items.
template <typename P, int kKeyBits>
void RadixSortByKey(P* items, P* scratch, int64_t n) {
  constexpr int kIndexBits = 4 * sizeof(P), kPasses = kKeyBits / 8;
  int64_t counts[kPasses * 256] = {};
  for (int64_t j = 0; j < n; ++j)
    for (int p = 0; p < kPasses; ++p) ++counts[p * 256 + static_cast<int>((items[j] >> (kIndexBits + 8 * p)) & 255)];
  P *src = items, *dst = scratch;
  for (int p = 0; p < kPasses; ++p) {
    int64_t* offsets = counts + p * 256;
    const int shift = kIndexBits + 8 * p;
    if (offsets[static_cast<int>((src[0] >> shift) & 255)] == n) continue;
    int64_t total = 0;
    for (int d = 0; d < 256; ++d) {
      const int64_t c = offsets[d];
      offsets[d] = total;
      total += c;
    }
    for (int64_t j = 0; j < n; ++j) dst[offsets[static_cast<int>((src[j] >> shift) & 255)]++] = src[j];
    std::swap(src, dst);
  }
  if (src != items) std::memcpy(items, src, static_cast<size_t>(n) * sizeof(P));
}

// Below this many items per slice a comparison sort beats the radix passes.
constexpr int64_t kRadixMinItems = 64;

// Orders every slice of x, with (key, index) pairs packed into P: the index
// takes the low half of P's bits.
template <typename T, typename P>
void OrderSlices(const T* x, const Plan& plan) {
  using K = KeyOf<T>;
  constexpr int kIndexBits = 4 * sizeof(P);
  constexpr P kIndexMask = (P(1) << kIndexBits) - 1;
  const int64_t n = plan.n, k = plan.k, inner = plan.inner;
  const K flip = plan.descending ? ~K(0) : K(0);
  IndexWriter write_indices = nullptr;
  if (plan.indices)
    DispatchDType(MXDType(plan.indices->dtype), [&](auto zero) { write_indices = WriteIndices<decltype(zero)>; });
  T* values = plan.values ? Data<T>(*plan.values) : nullptr;
  T* mask = plan.mask ? Data<T>(*plan.mask) : nullptr;
  char* indices = plan.indices ? static_cast<char*>(plan.indices->data) : nullptr;
  const size_t index_bytes = plan.indices ? plan.indices->dtype.bits / 8 : 0;

  ParallelFor(plan.outer * inner, std::max<int64_t>(1, (1 << 14) / n), [&](int64_t begin, int64_t end) {
    // The slice is copied first: values are then read back by index from
    // cache, and an output that is the input (out=data) cannot clobber them.
    std::vector<T> column(n);
    std::vector<P> items(n), scratch(k == n && n >= kRadixMinItems ? n : 0);
    std::vector<int64_t> order(k);
    for (int64_t s = begin; s < end; ++s) {
      const int64_t o = s / inner, i = s % inner;
      const int64_t in_base = o * n * inner + i, out_base = o * k * inner + i;
      for (int64_t j = 0; j < n; ++j) column[j] = x[in_base + j * inner];
      for (int64_t j = 0; j < n; ++j)
        items[j] = (P(AscendingKey(column[j]) ^ flip) << kIndexBits) | P(j);
      if (!scratch.empty()) {
        RadixSortByKey<P, 8 * sizeof(K)>(items.data(), scratch.data(), n);
      } else {
        if (k < n) std::nth_element(items.begin(), items.begin() + k, items.end());
        std::sort(items.begin(), items.begin() + k);
      }
      for (int64_t j = 0; j < k; ++j) order[j] = static_cast<int64_t>(items[j] & kIndexMask);
      if (values)
        for (int64_t j = 0; j < k; ++j) values[out_base + j * inner] = column[order[j]];
      if (write_indices) write_indices(order.data(), k, indices + out_base * index_bytes, inner);
      if (mask) {
        for (int64_t j = 0; j < n; ++j) mask[in_base + j * inner] = T(0);
        for (int64_t j = 0; j < k; ++j) mask[in_base + order[j] * inner] = T(1);
      }
    }
  });
}

Plan PlanOf(const MXKernelCall* call, OrderOp op) {
  const DLTensor& in = call->inputs[0];
  Plan plan;
  const MXAttr* axis = mx_attr_find(call->attrs, call->num_attrs, "axis");
  if (axis->is_none) {
    plan.n = NumElements(in);
  } else {
    const int64_t a = axis->i < 0 ? axis->i + in.ndim : axis->i;
    for (int d = 0; d < in.ndim; ++d) (d < a ? plan.outer : d == a ? plan.n : plan.inner) *= in.shape[d];
  }
  const bool ascending = mx_attr_find(call->attrs, call->num_attrs, "is_ascend")->i != 0;
  plan.descending = !ascending;
  plan.k = plan.n;
  if (op == OrderOp::kSort) {
    plan.values = &call->outputs[0];
  } else if (op == OrderOp::kArgSort) {
    plan.indices = &call->outputs[0];
  } else {
    const int64_t k = mx_attr_find(call->attrs, call->num_attrs, "k")->i;
    if (k >= 1) plan.k = k;
    const std::string ret = mx_attr_find(call->attrs, call->num_attrs, "ret_typ")->s;
    if (ret == "value" || ret == "both") plan.values = &call->outputs[0];
    if (ret == "indices") plan.indices = &call->outputs[0];
    if (ret == "both") plan.indices = &call->outputs[1];
    if (ret == "mask") plan.mask = &call->outputs[0];
  }
  return plan;
}

template <OrderOp OP>
int OrderKernel(const MXKernelCall* call) {
  bool wanted = false;
  for (int32_t o = 0; o < call->num_outputs; ++o) {
    if (call->req[o] == MX_REQ_ADD) return Fail("sort, argsort and topk do not support req=add");
    wanted = wanted || call->req[o] != MX_REQ_NULL;
  }
  if (!wanted) return 0;
  const DLTensor& in = call->inputs[0];
  if (NumElements(in) == 0) return 0;
  const Plan plan = PlanOf(call, OP);
  const bool ok = DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    // The index fits the low half of a 64-bit pair unless the axis is
    // longer than 2^32 or the key itself takes 64 bits.
    if (sizeof(KeyOf<T>) == 4 && plan.n <= (int64_t{1} << 32))
      OrderSlices<T, uint64_t>(Data<T>(in), plan);
    else
      OrderSlices<T, unsigned __int128>(Data<T>(in), plan);
  });
  return ok ? 0 : Fail("sort: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(sort) {
  if (int rc = RegisterKernel("sort", OrderKernel<OrderOp::kSort>, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("argsort", OrderKernel<OrderOp::kArgSort>, nullptr, kNumeric)) return rc;
  return RegisterKernel("topk", OrderKernel<OrderOp::kTopK>, nullptr, kNumeric);
}

}  // namespace mx_cpu
