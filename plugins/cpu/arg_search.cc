// Index searches: argmax, argmin and argmax_channel along one axis
// (ops/tensor/reduce.cc decides the output shapes and rejects empty axes).
//
// The input reads as (outer, len, inner); each output is the index of the
// first extreme value of one (len, stride inner) slice.  As the reductions
// in reduce.cc do, the search streams through the input once:
//  * rows (inner == 1): vector lanes each keep the first extreme they see
//    and its index, merged per block of up to 2^20 values (SearchBlock);
//  * columns (inner > 1): a tile of outputs keeps each column's best value
//    and index while whole input rows stream past.
// A NaN counts as the extreme and its first occurrence wins (as in numpy);
// the index is written in the input's dtype, as MXNet does.
#include <algorithm>
#include <limits>
#include <type_traits>
#include <vector>

#include "kernel_util.h"
#include "reduce_plan.h"

namespace mx_cpu {

namespace {

// Values per row block: lane indices within a block fit in int32.
constexpr int64_t kSearchBlock = int64_t{1} << 20;

// Does v replace best: strictly more extreme, or the first NaN?
template <bool kMax, typename C>
inline bool Better(C v, C best) {
  return (kMax ? v > best : v < best) || (v != v && best == best);
}

template <typename C>
struct Found {
  C value;
  int64_t index;
};

// The first extreme of x[0, n), 0 < n <= kSearchBlock.  Independent lanes
// each keep the first extreme they saw and its index (selects the compiler
// vectorises); merging them, an equal value (or a NaN beside a NaN) goes to
// the lower index.
template <bool kMax, typename T, typename C = typename Acc<T>::type>
MX_CPU_CLONES Found<C> SearchBlock(const T* x, int64_t n) {
  constexpr int kLanes = 64;
  Found<C> best{static_cast<C>(x[0]), 0};
  int64_t i = 0;
  if (n >= 2 * kLanes) {
    C value[kLanes];
    int32_t index[kLanes];
    for (int j = 0; j < kLanes; ++j) {
      value[j] = static_cast<C>(x[j]);
      index[j] = j;
    }
    for (i = kLanes; i + kLanes <= n; i += kLanes) {
      for (int j = 0; j < kLanes; ++j) {
        const C v = static_cast<C>(x[i + j]);
        const bool take = Better<kMax>(v, value[j]);
        value[j] = take ? v : value[j];
        index[j] = take ? static_cast<int32_t>(i + j) : index[j];
      }
    }
    for (int j = 0; j < kLanes; ++j) {
      const C v = value[j];
      const bool same = v == best.value || (v != v && best.value != best.value);
      if (Better<kMax>(v, best.value) || (same && index[j] < best.index)) best = {v, index[j]};
    }
  }
  for (; i < n; ++i) {  // after every lane's indices: only a better value wins
    const C v = static_cast<C>(x[i]);
    const bool take = Better<kMax>(v, best.value);  // selects, not a branch random data mispredicts
    best.value = take ? v : best.value;
    best.index = take ? i : best.index;
  }
  return best;
}

// The first extreme of x[lo, hi), lo < hi.
template <bool kMax, typename T, typename C = typename Acc<T>::type>
Found<C> SearchRow(const T* x, int64_t lo, int64_t hi) {
  Found<C> best{static_cast<C>(x[lo]), lo};
  for (int64_t b = lo; b < hi; b += kSearchBlock) {
    const Found<C> f = SearchBlock<kMax, T>(x + b, std::min(kSearchBlock, hi - b));
    if (Better<kMax>(f.value, best.value)) best = {f.value, b + f.index};
  }
  return best;
}

// Rows [first, last) of a column search, `stride` apart from x: best[j] and
// index[j] take row m's x[j] where it is better, for j < n.
template <bool kMax, typename T, typename C>
MX_CPU_CLONES void SearchColumns(C* __restrict best, int64_t* __restrict index, const T* __restrict x,
                                 int64_t n, int64_t first, int64_t last, int64_t stride) {
  for (int64_t m = first; m < last; ++m) {
    const T* row = x + m * stride;
    for (int64_t j = 0; j < n; ++j) {
      const C v = static_cast<C>(row[j]);
      const bool take = Better<kMax>(v, best[j]);
      best[j] = take ? v : best[j];
      index[j] = take ? m : index[j];
    }
  }
}

template <bool kMax, typename T>
void SearchRows(const T* x, T* out, int64_t outer, int64_t len) {
  using C = typename Acc<T>::type;
  const int64_t pieces = PiecesPerGroup(outer, len);
  std::vector<Found<C>> partial(pieces > 1 ? outer * pieces : 0);
  ParallelFor(outer * pieces, ItemGrain(len / pieces), [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) {
      const int64_t o = item / pieces, p = item % pieces;
      const Found<C> f = SearchRow<kMax, T>(x + o * len, len * p / pieces, len * (p + 1) / pieces);
      if (pieces == 1) out[o] = static_cast<T>(f.index);
      else partial[item] = f;
    }
  });
  if (pieces == 1) return;
  for (int64_t o = 0; o < outer; ++o) {
    Found<C> best = partial[o * pieces];
    for (int64_t p = 1; p < pieces; ++p)
      if (Better<kMax>(partial[o * pieces + p].value, best.value)) best = partial[o * pieces + p];
    out[o] = static_cast<T>(best.index);
  }
}

template <bool kMax, typename T>
void SearchColumnTiles(const T* x, T* out, int64_t outer, int64_t len, int64_t inner) {
  using C = typename Acc<T>::type;
  // A tile's values and indices stay in the L1 cache; tiles are of equal width.
  constexpr int64_t kMaxTile = 1024;
  const int64_t tiles = (inner + kMaxTile - 1) / kMaxTile, tile = (inner + tiles - 1) / tiles;
  const int64_t groups = outer * tiles;
  const int64_t blocks = PiecesPerGroup(groups, len * tile);
  // With blocks, each item's best values and indices are kept for the merge.
  std::vector<C> kept_best(blocks > 1 ? groups * blocks * tile : 0);
  std::vector<int64_t> kept_index(kept_best.size());
  ParallelFor(groups * blocks, ItemGrain(len / blocks * tile), [&](int64_t begin, int64_t end) {
    std::vector<C> own_best(blocks > 1 ? 0 : tile);
    std::vector<int64_t> own_index(own_best.size());
    for (int64_t item = begin; item < end; ++item) {
      const int64_t group = item / blocks, block = item % blocks;
      const int64_t start = group % tiles * tile, n = std::min(tile, inner - start);
      const int64_t first = len * block / blocks, last = len * (block + 1) / blocks;
      const T* base = x + group / tiles * len * inner + start;
      C* b = blocks > 1 ? kept_best.data() + item * tile : own_best.data();
      int64_t* i = blocks > 1 ? kept_index.data() + item * tile : own_index.data();
      for (int64_t j = 0; j < n; ++j) b[j] = static_cast<C>(base[first * inner + j]);
      std::fill(i, i + n, first);
      SearchColumns<kMax, T, C>(b, i, base, n, first + 1, last, inner);
      if (blocks > 1) continue;
      T* dst = out + group / tiles * inner + start;
      for (int64_t j = 0; j < n; ++j) dst[j] = static_cast<T>(i[j]);
    }
  });
  if (blocks == 1) return;
  for (int64_t group = 0; group < groups; ++group) {
    const int64_t start = group % tiles * tile, n = std::min(tile, inner - start);
    const C* b = kept_best.data() + group * blocks * tile;
    const int64_t* i = kept_index.data() + group * blocks * tile;
    T* dst = out + group / tiles * inner + start;
    for (int64_t j = 0; j < n; ++j) {
      int64_t k = j;  // where the best so far is
      for (int64_t block = 1; block < blocks; ++block)
        if (Better<kMax>(b[block * tile + j], b[k])) k = block * tile + j;
      dst[j] = static_cast<T>(i[k]);
    }
  }
}

// kernel_data: nullptr for argmax / argmin (axis from the call), &kChannelAxis
// for argmax_channel (always axis 1).
const int64_t kChannelAxis = 1;

template <bool kMax>
int ArgSearchKernel(const MXKernelCall* call) {
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("argmax / argmin do not support req=add");
  const MXAttr* axis_attr = mx_attr_find(call->attrs, call->num_attrs, "axis");
  const bool flatten = in.ndim <= 1 || (!call->kernel_data && axis_attr->is_none);
  int64_t outer = 1, len = NumElements(in), inner = 1;
  if (!flatten) {
    int64_t axis = call->kernel_data ? kChannelAxis : axis_attr->i;
    if (axis < 0) axis += in.ndim;
    len = in.shape[axis];
    for (int i = 0; i < axis; ++i) outer *= in.shape[i];
    for (int i = static_cast<int>(axis) + 1; i < in.ndim; ++i) inner *= in.shape[i];
  }
  if (outer * inner == 0) return 0;
  if (len == 0) return Fail("argmax / argmin: the searched axis is empty");
  bool supported = false;
  const bool known = DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      supported = true;
      if (inner == 1) SearchRows<kMax, T>(Data<T>(in), Data<T>(out), outer, len);
      else SearchColumnTiles<kMax, T>(Data<T>(in), Data<T>(out), outer, len, inner);
    }
  });
  return known && supported ? 0 : Fail("argmax / argmin: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(arg_search) {
  if (int rc = RegisterKernel("argmax", ArgSearchKernel<true>, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("argmin", ArgSearchKernel<false>, nullptr, kNumeric)) return rc;
  return RegisterKernel("argmax_channel", ArgSearchKernel<true>, const_cast<int64_t*>(&kChannelAxis), kNumeric);
}

}  // namespace mx_cpu
