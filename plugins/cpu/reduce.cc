// Reduction kernels: sum, mean, prod, nansum, nanprod, max, min and norm over
// a set of axes, and argmax / argmin / argmax_channel along one axis
// (ops/tensor/reduce.cc decides the output shapes).
//
// Every reduction is planned the same way: size-1 dims are dropped and
// neighbouring dims that are all reduced (or all kept) are merged into runs.
// Then either the innermost run is reduced -- each output is a sum of
// contiguous rows (ReduceContiguous) -- or it is kept, and a tile of
// contiguous outputs accumulates whole input rows (AccumulateRow).  Both hot
// loops vectorise; the work is split over outputs (or, for one output, over
// pieces of the input whose partial results merge in a fixed order, so the
// result does not depend on the thread count).
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "kernel_util.h"

namespace mx_cpu {

namespace {

enum ReduceKind { kSum, kMean, kProd, kNanSum, kNanProd, kMax, kMin, kNorm1, kNorm2 };

constexpr bool IsNorm(ReduceKind k) { return k == kNorm1 || k == kNorm2; }

// What a reduction accumulates in: float16 in float (see Acc), other floats
// in themselves; integer sums and products in uint64 -- modular, so the
// result wraps exactly as MXNet's in-type accumulation does, without signed
// overflow -- integer norms in double, integer max / min in the type.
template <ReduceKind K, typename T>
using AccumulatorOf = std::conditional_t<
    std::is_floating_point_v<typename Acc<T>::type>, typename Acc<T>::type,
    std::conditional_t<IsNorm(K), double, std::conditional_t<K == kMax || K == kMin, T, uint64_t>>>;

template <ReduceKind K, typename A>
struct Reducer {
  static A Init() {
    if constexpr (K == kProd || K == kNanProd) return A(1);
    if constexpr (K == kMax) return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity() : std::numeric_limits<A>::lowest();
    if constexpr (K == kMin) return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity() : std::numeric_limits<A>::max();
    return A(0);
  }
  // Folds one input value in.  x != x is true only for NaN: nansum and
  // nanprod skip it, max and min propagate it (as numpy does).
  static A Step(A acc, A x) {
    if constexpr (K == kSum || K == kMean) return acc + x;
    if constexpr (K == kNanSum) return x != x ? acc : acc + x;
    if constexpr (K == kProd) return acc * x;
    if constexpr (K == kNanProd) return x != x ? acc : acc * x;
    if constexpr (K == kMax) return (x > acc || x != x) ? x : acc;
    if constexpr (K == kMin) return (x < acc || x != x) ? x : acc;
    if constexpr (K == kNorm1) return acc + (x < 0 ? -x : x);
    if constexpr (K == kNorm2) return acc + x * x;
  }
  // Combines two partial results.
  static A Merge(A a, A b) {
    if constexpr (IsNorm(K)) return a + b;
    else return Step(a, b);
  }
  // The output value of an accumulator over `count` elements.
  static A Finish(A acc, int64_t count) {
    if constexpr (K == kNorm2) return std::sqrt(acc);
    if constexpr (K == kMean) {
      if constexpr (std::is_integral_v<A>) {
        return count ? static_cast<A>(static_cast<int64_t>(acc) / count) : A(0);
      } else {
        return acc / static_cast<A>(count);
      }
    }
    return acc;
  }
};

// The reduction of n contiguous values.  Independent lanes (four AVX-512
// registers' worth) let the compiler vectorise without reassociating one
// running value, and hide the latency of each add.
template <ReduceKind K, typename T, typename A>
MX_CPU_CLONES A ReduceContiguous(const T* x, int64_t n) {
  using R = Reducer<K, A>;
  constexpr int kLanes = 256 / sizeof(A) < 16 ? 16 : 256 / sizeof(A);
  A lanes[kLanes];
  for (int j = 0; j < kLanes; ++j) lanes[j] = R::Init();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) lanes[j] = R::Step(lanes[j], static_cast<A>(x[i + j]));
  A acc = R::Init();
  for (; i < n; ++i) acc = R::Step(acc, static_cast<A>(x[i]));
  for (int j = 0; j < kLanes; ++j) acc = R::Merge(acc, lanes[j]);
  return acc;
}

// acc[j] folds in x[j] for j < n.
template <ReduceKind K, typename T, typename A>
MX_CPU_CLONES void AccumulateRow(A* __restrict acc, const T* __restrict x, int64_t n) {
  for (int64_t j = 0; j < n; ++j) acc[j] = Reducer<K, A>::Step(acc[j], static_cast<A>(x[j]));
}

struct Run {
  int64_t size, stride;
};

// Walks the offsets of a multi-index over runs, last run fastest.
struct Odometer {
  const Run* runs;
  int n;
  int64_t index[MX_MAX_NDIM] = {0};
  int64_t offset = 0;

  Odometer(const Run* r, int count) : runs(r), n(count) {}
  void Seek(int64_t linear) {
    offset = 0;
    for (int d = n - 1; d >= 0; --d) {
      index[d] = linear % runs[d].size;
      linear /= runs[d].size;
      offset += index[d] * runs[d].stride;
    }
  }
  void Next() {
    for (int d = n - 1; d >= 0; --d) {
      offset += runs[d].stride;
      if (++index[d] < runs[d].size) return;
      offset -= runs[d].stride * runs[d].size;
      index[d] = 0;
    }
  }
};

// The input's dims as merged runs: the innermost one apart, the others split
// into kept (which enumerate outputs) and reduced (summed over per output).
struct Plan {
  Run kept[MX_MAX_NDIM], reduced[MX_MAX_NDIM];
  int num_kept = 0, num_reduced = 0;
  int64_t inner = 1;
  bool inner_reduced = true;
  int64_t reduced_rows = 1;  // product of the reduced runs' sizes
  int64_t count = 1;         // input elements per output

  Plan(const DLTensor& in, const bool* reduce_axis) {
    int64_t sizes[MX_MAX_NDIM], strides[MX_MAX_NDIM];
    bool flags[MX_MAX_NDIM];
    int m = 0;
    int64_t stride = 1;
    for (int i = in.ndim - 1; i >= 0; --i) {
      const int64_t d = in.shape[i];
      if (reduce_axis[i]) count *= d;
      if (d != 1) {
        if (m > 0 && flags[m - 1] == reduce_axis[i]) {
          sizes[m - 1] *= d;
        } else {
          sizes[m] = d;
          strides[m] = stride;
          flags[m++] = reduce_axis[i];
        }
      }
      stride *= d;
    }
    // runs were collected innermost first
    if (m == 0) return;
    inner = sizes[0];
    inner_reduced = flags[0];
    for (int r = m - 1; r >= 1; --r) {
      if (flags[r]) {
        reduced[num_reduced++] = {sizes[r], strides[r]};
        reduced_rows *= sizes[r];
      } else {
        kept[num_kept++] = {sizes[r], strides[r]};
      }
    }
  }
};

// The smallest piece of work (in input elements) worth a thread.
constexpr int64_t kGrain = 1 << 16;

template <ReduceKind K, typename T, typename Out>
void Reduce(const DLTensor& in, const bool* reduce_axis, Out* out, int64_t num_out) {
  using A = AccumulatorOf<K, T>;
  using R = Reducer<K, A>;
  const Plan plan(in, reduce_axis);
  const T* x = Data<T>(in);
  if (NumElements(in) == 0) {  // an empty reduction: the identity (mean: NaN)
    const Out value = static_cast<Out>(R::Finish(R::Init(), 0));
    for (int64_t o = 0; o < num_out; ++o) out[o] = value;
    return;
  }
  if (plan.inner_reduced) {
    const int64_t row = plan.inner, per_output = plan.reduced_rows * row;
    if (num_out == 1 && per_output >= 2 * kGrain) {
      // One output (so every dim merged into the one run `row`): reduce
      // fixed pieces in parallel, merge them in order.
      const int64_t pieces = std::min<int64_t>(256, per_output / kGrain);
      std::vector<A> partial(pieces);
      ParallelFor(pieces, 1, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
          const int64_t lo = row * p / pieces, hi = row * (p + 1) / pieces;
          partial[p] = ReduceContiguous<K, T, A>(x + lo, hi - lo);
        }
      });
      A acc = R::Init();
      for (const A& v : partial) acc = R::Merge(acc, v);
      out[0] = static_cast<Out>(R::Finish(acc, plan.count));
      return;
    }
    ParallelFor(num_out, std::max<int64_t>(1, kGrain / per_output), [&](int64_t begin, int64_t end) {
      Odometer kept(plan.kept, plan.num_kept);
      kept.Seek(begin);
      for (int64_t o = begin; o < end; ++o) {
        Odometer red(plan.reduced, plan.num_reduced);
        A acc = R::Init();
        for (int64_t r = 0; r < plan.reduced_rows; ++r) {
          acc = R::Merge(acc, ReduceContiguous<K, T, A>(x + kept.offset + red.offset, row));
          red.Next();
        }
        out[o] = static_cast<Out>(R::Finish(acc, plan.count));
        kept.Next();
      }
    });
    return;
  }
  // The innermost run is kept: a tile of contiguous outputs accumulates
  // whole input rows, streaming through memory as numpy's sum over rows
  // does.  When there are few tiles, the summed rows are split into blocks
  // as well, whose partial tiles merge in order afterwards.  The split
  // depends on the shape only, so results do not depend on the thread count.
  constexpr int64_t kMaxTile = 4096, kMinItems = 16;
  const int64_t width = plan.inner, rows = num_out / width;
  const int64_t tile = std::min(width, kMaxTile), tiles = (width + tile - 1) / tile;
  const int64_t blocks = std::min(plan.reduced_rows, std::max<int64_t>(1, kMinItems / (rows * tiles)));
  std::vector<A> partial(blocks > 1 ? rows * tiles * blocks * tile : 0);
  const int64_t work_per_item = std::max<int64_t>(1, plan.reduced_rows / blocks * tile);
  ParallelFor(rows * tiles * blocks, std::max<int64_t>(1, kGrain / work_per_item), [&](int64_t begin, int64_t end) {
    A acc[kMaxTile];
    Odometer kept(plan.kept, plan.num_kept), red(plan.reduced, plan.num_reduced);
    for (int64_t item = begin; item < end; ++item) {
      const int64_t block = item % blocks, tile_index = item / blocks;
      const int64_t row = tile_index / tiles, start = (tile_index % tiles) * tile;
      const int64_t len = std::min(tile, width - start);
      const int64_t first = plan.reduced_rows * block / blocks, last = plan.reduced_rows * (block + 1) / blocks;
      kept.Seek(row);
      red.Seek(first);
      const T* base = x + kept.offset + start;
      for (int64_t j = 0; j < len; ++j) acc[j] = R::Init();
      for (int64_t r = first; r < last; ++r) {
        AccumulateRow<K, T, A>(acc, base + red.offset, len);
        red.Next();
      }
      if (blocks > 1) {
        std::copy(acc, acc + len, partial.data() + item * tile);
      } else {
        Out* dst = out + row * width + start;
        for (int64_t j = 0; j < len; ++j) dst[j] = static_cast<Out>(R::Finish(acc[j], plan.count));
      }
    }
  });
  if (blocks == 1) return;
  for (int64_t tile_index = 0; tile_index < rows * tiles; ++tile_index) {
    const int64_t row = tile_index / tiles, start = (tile_index % tiles) * tile;
    const int64_t len = std::min(tile, width - start);
    const A* first_block = partial.data() + tile_index * blocks * tile;
    for (int64_t j = 0; j < len; ++j) {
      A acc = first_block[j];
      for (int64_t b = 1; b < blocks; ++b) acc = R::Merge(acc, first_block[b * tile + j]);
      out[row * width + start + j] = static_cast<Out>(R::Finish(acc, plan.count));
    }
  }
}

// Which input axes the call reduces: `axis` (None or (): all), flipped by
// `exclude` where the op has it.  ops/ has validated the axes.
void ReducedAxes(const MXKernelCall* call, int ndim, bool* reduce_axis) {
  const MXAttr* axis = mx_attr_find(call->attrs, call->num_attrs, "axis");
  const MXAttr* exclude = mx_attr_find(call->attrs, call->num_attrs, "exclude");
  const bool all = axis->is_none || axis->len == 0;
  for (int i = 0; i < ndim; ++i) reduce_axis[i] = all;
  if (all) return;
  for (int k = 0; k < axis->len; ++k) reduce_axis[axis->ints[k] < 0 ? axis->ints[k] + ndim : axis->ints[k]] = true;
  if (exclude && exclude->i)
    for (int i = 0; i < ndim; ++i) reduce_axis[i] = !reduce_axis[i];
}

template <ReduceKind K>
int ReduceKernel(const MXKernelCall* call) {
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("reductions do not support req=add");
  bool reduce_axis[MX_MAX_NDIM];
  ReducedAxes(call, in.ndim, reduce_axis);
  const int64_t num_out = NumElements(out);
  bool supported = false;
  const bool known = DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      supported = true;
      if constexpr (IsNorm(K)) {
        // norm may write another dtype (out_dtype): reduce into double first.
        std::vector<double> values(num_out);
        Reduce<K, T, double>(in, reduce_axis, values.data(), num_out);
        DispatchDType(MXDType(out.dtype), [&](auto out_zero) {
          using Out = decltype(out_zero);
          Out* y = Data<Out>(out);
          for (int64_t o = 0; o < num_out; ++o) y[o] = static_cast<Out>(values[o]);
        });
      } else {
        Reduce<K, T, T>(in, reduce_axis, Data<T>(out), num_out);
      }
    }
  });
  return known && supported ? 0 : Fail("reduction: unsupported dtype");
}

int NormKernel(const MXKernelCall* call) {
  const MXAttr* ord = mx_attr_find(call->attrs, call->num_attrs, "ord");
  return ord->i == 1 ? ReduceKernel<kNorm1>(call) : ReduceKernel<kNorm2>(call);
}

// The index of the first extreme value along the middle axis of each
// (outer, len, inner) slice; a NaN counts as the extreme (as in numpy).  The
// index is written in the input's dtype, as MXNet does.
template <bool kSearchMax, typename T>
void ArgSearch(const T* x, T* out, int64_t outer, int64_t len, int64_t inner) {
  using C = typename Acc<T>::type;
  ParallelFor(outer * inner, std::max<int64_t>(1, kGrain / len), [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      const T* p = x + (o / inner) * len * inner + o % inner;
      int64_t best = 0;
      C best_value = static_cast<C>(p[0]);
      for (int64_t m = 1; m < len && best_value == best_value; ++m) {
        const C v = static_cast<C>(p[m * inner]);
        if (kSearchMax ? (v > best_value || v != v) : (v < best_value || v != v)) {
          best = m;
          best_value = v;
        }
      }
      out[o] = static_cast<T>(best);
    }
  });
}

// kernel_data: nullptr for argmax / argmin (axis from the call), &kChannelAxis
// for argmax_channel (always axis 1).
const int64_t kChannelAxis = 1;

template <bool kSearchMax>
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
  bool supported = false;
  const bool known = DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      supported = true;
      ArgSearch<kSearchMax, T>(Data<T>(in), Data<T>(out), outer, len, inner);
    }
  });
  return known && supported ? 0 : Fail("argmax / argmin: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(reduce) {
  const struct {
    const char* name;
    MXKernelFn fn;
  } kernels[] = {{"sum", ReduceKernel<kSum>},         {"mean", ReduceKernel<kMean>},
                 {"prod", ReduceKernel<kProd>},       {"nansum", ReduceKernel<kNanSum>},
                 {"nanprod", ReduceKernel<kNanProd>}, {"max", ReduceKernel<kMax>},
                 {"min", ReduceKernel<kMin>},         {"norm", NormKernel}};
  for (const auto& k : kernels)
    if (int rc = RegisterKernel(k.name, k.fn, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("argmax", ArgSearchKernel<true>, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("argmin", ArgSearchKernel<false>, nullptr, kNumeric)) return rc;
  return RegisterKernel("argmax_channel", ArgSearchKernel<true>, const_cast<int64_t*>(&kChannelAxis), kNumeric);
}

}  // namespace mx_cpu
