// Reduction kernels: sum, mean, prod, nansum, nanprod, max, min and norm over
// a set of axes (ops/tensor/reduce.cc decides the output shapes; argmax and
// argmin live in arg_search.cc).
//
// The input reads as runs (reduce_plan.h): kept runs, which enumerate the
// outputs, reduced runs, and `row`, the innermost run when it is reduced.
// One of two loops then streams through the input once, in memory order:
//  * long rows (more than kBlock values): each output folds in its rows,
//    kBlock values at a time spread over vector lanes (ReduceBlock);
//  * otherwise tiles: a tile of contiguous outputs folds in, for one index
//    of the reduced runs after another, one value per output -- an input
//    element (eight rows per pass, AccumulateRows, so each accumulator is
//    loaded and stored once per eight rows), or a short row's reduction.
// With few outputs, the reduced extent is cut into pieces as well
// (reduce_plan.h), so every shape uses the cores.
//
// Accuracy: no float accumulator folds in more than a few dozen values in a
// row.  Blocks (a lane's share of kBlock values, a tile's kRowsPerPartial
// rows) combine pairwise (Cascade), so a float32 sum's error grows like
// log(n) rather than n, as with numpy's pairwise summation; float16
// accumulates in float.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "kernel_util.h"
#include "reduce_plan.h"

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

// Values one row-reduction block folds in: with 64 float lanes, 32 per lane.
constexpr int64_t kBlock = 2048;
// Input rows one column partial folds in.
constexpr int64_t kRowsPerPartial = 64;
// Rows AccumulateRows folds in per pass over the accumulators.
constexpr int kRowsPerPass = 8;

// max and min of floats in scalar code: the NaN-blind extreme (vmaxss /
// vminss) and a flag for NaN, applied once at the end.  Rationale: Step's
// select with the NaN test compiles to a branch there, which random data
// mispredicts (a max over rows of 4 values ran 5x slower).
template <ReduceKind K, typename A>
constexpr bool kNanBlind = (K == kMax || K == kMin) && std::is_floating_point_v<A>;

template <ReduceKind K, typename A>
struct NanBlindExtreme {
  A value;
  bool nan;
  explicit NanBlindExtreme(A start) : value(start), nan(start != start) {}
  void Add(A v) {
    value = (K == kMax ? v > value : v < value) ? v : value;
    nan |= v != v;
  }
  A Result() const { return nan ? std::numeric_limits<A>::quiet_NaN() : value; }
};

// acc folded with n values one at a time.
template <ReduceKind K, typename T, typename A>
inline A FoldScalar(A acc, const T* x, int64_t n) {
  if constexpr (kNanBlind<K, A>) {
    NanBlindExtreme<K, A> e(acc);
    for (int64_t i = 0; i < n; ++i) e.Add(static_cast<A>(x[i]));
    return e.Result();
  } else {
    for (int64_t i = 0; i < n; ++i) acc = Reducer<K, A>::Step(acc, static_cast<A>(x[i]));
    return acc;
  }
}

// The merge of n lanes (a power of two) as a tree; clobbers them.  max and
// min NaN-blind (see kNanBlind): the tree's last levels are scalar.
// Each level is its own instantiation, so every loop has a constant trip
// count and compiles to straight-line vector code (a runtime `half` left a
// loop with scalar epilogues: short rows spent more time merging lanes than
// loading values).
template <ReduceKind K, typename A, int n>
[[gnu::always_inline]] inline void FoldHalves(A* lanes) {
  if constexpr (n > 1) {
    constexpr int half = n / 2;
    for (int j = 0; j < half; ++j) {
      if constexpr (kNanBlind<K, A>)
        lanes[j] = (K == kMax ? lanes[j + half] > lanes[j] : lanes[j + half] < lanes[j]) ? lanes[j + half] : lanes[j];
      else
        lanes[j] = Reducer<K, A>::Merge(lanes[j], lanes[j + half]);
    }
    FoldHalves<K, A, half>(lanes);
  }
}

template <ReduceKind K, typename A, int n>
[[gnu::always_inline]] inline A MergeLanes(A (&lanes)[n]) {
  bool nan = false;
  if constexpr (kNanBlind<K, A>)
    for (int j = 0; j < n; ++j) nan |= lanes[j] != lanes[j];
  FoldHalves<K, A, n>(lanes);
  return nan ? std::numeric_limits<A>::quiet_NaN() : lanes[0];
}

// The reduction of n <= kBlock contiguous values.  Independent lanes (four
// AVX-512 registers' worth) let the compiler vectorise without reassociating
// one running value and hide each add's latency; they merge as a tree.
// Always inlined into its callers, which are MX_CPU_CLONES: it is compiled
// for their targets, and short rows pay no call through the clone resolver.
template <ReduceKind K, typename T, typename A>
[[gnu::always_inline]] inline A ReduceBlock(const T* x, int64_t n) {
  using R = Reducer<K, A>;
  constexpr int kLanes = 256 / sizeof(A) < 16 ? 16 : 256 / sizeof(A);
  if (n < kLanes) return FoldScalar<K>(R::Init(), x, n);
  A lanes[kLanes];
  for (int j = 0; j < kLanes; ++j) lanes[j] = R::Init();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) lanes[j] = R::Step(lanes[j], static_cast<A>(x[i + j]));
  return FoldScalar<K>(MergeLanes<K>(lanes), x + i, n - i);
}

// acc[j] folds in x[0][j], ..., x[N-1][j], in that order, for j < n.
template <ReduceKind K, int N, typename T, typename A>
MX_CPU_CLONES void AccumulateRows(A* __restrict acc, const T* const* x, int64_t n) {
  const T* rows[N];
  for (int q = 0; q < N; ++q) rows[q] = x[q];
  for (int64_t j = 0; j < n; ++j) {
    if constexpr (kNanBlind<K, A>) {  // narrow tiles run this loop in scalar code
      NanBlindExtreme<K, A> e(acc[j]);
      for (int q = 0; q < N; ++q) e.Add(static_cast<A>(rows[q][j]));
      acc[j] = e.Result();
    } else {
      A a = acc[j];
      for (int q = 0; q < N; ++q) a = Reducer<K, A>::Step(a, static_cast<A>(rows[q][j]));
      acc[j] = a;
    }
  }
}

// into[j] = Merge(into[j], from[j]) for j < n.
template <ReduceKind K, typename A>
MX_CPU_CLONES void MergeInto(A* __restrict into, const A* __restrict from, int64_t n) {
  for (int64_t j = 0; j < n; ++j) into[j] = Reducer<K, A>::Merge(into[j], from[j]);
}

// Combines a stream of partial results, each `width` accumulators, pairwise:
// level l holds the merge of 2^l consecutive partials, and each new partial
// carries up the levels as an increment carries through a binary counter.
template <ReduceKind K, typename A>
class Cascade {
 public:
  // The levels `partials` pushes need.
  static int Levels(int64_t partials) {
    int levels = 1;
    while (partials >>= 1) ++levels;
    return levels;
  }
  // levels: room for Levels(partials) * width accumulators.
  Cascade(A* levels, int64_t width) : levels_(levels), width_(width) {}

  // Adds the next partial; clobbers it.
  void Push(A* partial) {
    int l = 0;
    for (; count_ >> l & 1; ++l) MergeInto<K, A>(partial, Level(l), width_);
    std::copy(partial, partial + width_, Level(l));
    ++count_;
  }
  // Writes the merge of every partial pushed (the identity if none) to out.
  void Result(A* out) const {
    if (count_ == 0) {
      std::fill(out, out + width_, Reducer<K, A>::Init());
      return;
    }
    int l = 63 - __builtin_clzll(count_);
    std::copy(Level(l), Level(l) + width_, out);
    while (--l >= 0)
      if (count_ >> l & 1) MergeInto<K, A>(out, Level(l), width_);
  }

 private:
  A* Level(int l) const { return levels_ + l * width_; }
  A* levels_;
  int64_t width_;
  uint64_t count_ = 0;
};

// The reduction of n contiguous values: blocks of kBlock values combined
// pairwise.
// Rationale (no AVX-512 clone): this loop only streams memory, and on the
// AMD EPYC (Zen 4) we measure on, 256-bit loads streamed faster than
// 512-bit ones -- (4096, 4096) float32 sums over axis 1 (two arrays in
// turn, so from DRAM) went from 1.15-1.29x PyTorch's time to 0.96-1.12x,
// a (1024, 4096) one in the L3 cache from ~2.4x to 1.2-1.9x.
template <ReduceKind K, typename T, typename A>
MX_CPU_STREAM_CLONES A ReduceContiguous(const T* x, int64_t n) {
  if (n <= kBlock) return ReduceBlock<K, T, A>(x, n);
  A levels[64];
  Cascade<K, A> cascade(levels, 1);
  for (int64_t i = 0; i < n; i += kBlock) {
    A partial = ReduceBlock<K, T, A>(x + i, std::min(kBlock, n - i));
    cascade.Push(&partial);
  }
  A result;
  cascade.Result(&result);
  return result;
}

// Values [lo, hi) of one output's input -- plan.reduced_rows rows of
// plan.row contiguous values from base -- folded into one accumulator.
template <ReduceKind K, typename T, typename A>
A ReduceSpan(const T* base, const Plan& plan, int64_t lo, int64_t hi) {
  A levels[64];
  Cascade<K, A> cascade(levels, 1);
  const int64_t row = plan.row;
  Odometer red(plan.reduced, plan.num_reduced);
  red.Seek(lo / row);
  for (int64_t i = lo % row; lo < hi;) {
    const int64_t n = std::min(row - i, hi - lo);
    A partial = ReduceContiguous<K, T, A>(base + red.offset + i, n);
    cascade.Push(&partial);
    lo += n;
    i += n;
    if (i == row) {
      i = 0;
      red.Next();
    }
  }
  A result;
  cascade.Result(&result);
  return result;
}

// Long rows (more than kBlock values): each output folds in its rows on its
// own, in pieces when there are few outputs.
template <ReduceKind K, typename T, typename Out>
void ReduceLongRows(const T* x, const Plan& plan, Out* out, int64_t num_out) {
  using A = AccumulatorOf<K, T>;
  using R = Reducer<K, A>;
  const int64_t per_output = plan.reduced_rows * plan.row;
  const int64_t pieces = PiecesPerGroup(num_out, per_output);
  std::vector<A> partial(pieces > 1 ? num_out * pieces : 0);
  ParallelFor(num_out * pieces, ItemGrain(per_output / pieces), [&](int64_t begin, int64_t end) {
    Odometer kept(plan.kept, plan.num_kept);
    kept.Seek(begin / pieces);
    for (int64_t item = begin; item < end; ++item) {
      const int64_t o = item / pieces, p = item % pieces;
      const A v = pieces == 1 && plan.num_reduced == 0
                      ? ReduceContiguous<K, T, A>(x + kept.offset, plan.row)  // the common case, without ReduceSpan's walk
                      : ReduceSpan<K, T, A>(x + kept.offset, plan, per_output * p / pieces, per_output * (p + 1) / pieces);
      if (pieces == 1) out[o] = static_cast<Out>(R::Finish(v, plan.count));
      else partial[item] = v;
      if (p == pieces - 1) kept.Next();
    }
  });
  if (pieces == 1) return;
  A levels[64];
  for (int64_t o = 0; o < num_out; ++o) {
    Cascade<K, A> cascade(levels, 1);
    for (int64_t p = 0; p < pieces; ++p) cascade.Push(&partial[o * pieces + p]);
    A v;
    cascade.Result(&v);
    out[o] = static_cast<Out>(R::Finish(v, plan.count));
  }
}

// acc[j] folds in the reduction of the `row` <= kBlock values at x + j * row,
// for j < n; scratch has room for n.  (Merged in a second, vectorised pass:
// max and min's scalar Merge would branch on every value.)
template <ReduceKind K, typename T, typename A>
MX_CPU_CLONES void AccumulateRowReductions(A* __restrict acc, A* __restrict scratch, const T* x, int64_t row,
                                           int64_t n) {
  for (int64_t j = 0; j < n; ++j) scratch[j] = ReduceBlock<K, T, A>(x + j * row, row);
  for (int64_t j = 0; j < n; ++j) acc[j] = Reducer<K, A>::Merge(acc[j], scratch[j]);
}

// Short rows (or none: row 1): tiles of contiguous outputs fold in, for one
// index of the reduced runs after another, a value each -- an input element,
// or the reduction of a short row -- so the input streams through memory in
// order, as numpy's sum over leading axes does.
template <ReduceKind K, typename T, typename Out>
void ReduceTiles(const T* x, const Plan& plan, Out* out, int64_t num_out) {
  using A = AccumulatorOf<K, T>;
  using R = Reducer<K, A>;
  // A tile's accumulators stay in the L1 cache; tiles are of equal width.
  constexpr int64_t kMaxTile = 16384 / sizeof(A);
  const int64_t row = plan.row, width = plan.num_kept ? plan.kept[plan.num_kept - 1].size : 1;
  const int64_t outer = num_out / width, rows = plan.reduced_rows;
  int64_t tiles = (width + kMaxTile - 1) / kMaxTile;
  // Short rows: each output reads rows of its own, contiguous with its
  // neighbours', so with few groups the outputs are cut finer -- a tile per
  // core rather than one core for all (a (2048, 2048) sum over axis 1 ran
  // on one core).  Columns (row 1) keep wide tiles and cut the reduced
  // extent instead: a narrow tile would read a short stretch of each row.
  if (row > 1 && outer * tiles < kReduceItems) {
    const int64_t wanted = (kReduceItems + outer - 1) / outer;
    const int64_t worth = std::max<int64_t>(1, width * rows * row / kReduceGrain);
    tiles = std::max(tiles, std::min({wanted, worth, width}));
  }
  const int64_t tile = (width + tiles - 1) / tiles;
  const int64_t groups = outer * tiles;
  const int64_t blocks = PiecesPerGroup(groups, rows * tile * row);
  const int64_t rows_per_block = (rows + blocks - 1) / blocks;
  const int levels = Cascade<K, A>::Levels((rows_per_block + kRowsPerPartial - 1) / kRowsPerPartial);
  std::vector<A> partial(blocks > 1 ? groups * blocks * tile : 0);
  ParallelFor(groups * blocks, ItemGrain(rows_per_block * tile * row), [&](int64_t begin, int64_t end) {
    // the partial being built, row reductions, the cascade
    std::vector<A> scratch((levels + 2) * tile);
    A* acc = scratch.data();
    // The kept runs but the innermost enumerate the tiles' outer index.
    Odometer kept(plan.kept, std::max(0, plan.num_kept - 1)), red(plan.reduced, plan.num_reduced);
    for (int64_t item = begin; item < end; ++item) {
      const int64_t block = item % blocks, group = item / blocks;
      const int64_t start = group % tiles * tile, len = std::min(tile, width - start);
      const int64_t first = rows * block / blocks, last = rows * (block + 1) / blocks;
      kept.Seek(group / tiles);
      red.Seek(first);
      const T* base = x + kept.offset + start * row;
      Cascade<K, A> cascade(acc + 2 * tile, len);
      for (int64_t r = first; r < last;) {
        const int64_t stop = std::min(last, r + kRowsPerPartial);
        std::fill(acc, acc + len, R::Init());
        if (row > 1) {
          for (; r < stop; ++r, red.Next()) AccumulateRowReductions<K, T, A>(acc, acc + tile, base + red.offset, row, len);
        } else {
          const T* batch[kRowsPerPass];
          for (; r + kRowsPerPass <= stop; r += kRowsPerPass) {
            for (const T*& p : batch) {
              p = base + red.offset;
              red.Next();
            }
            AccumulateRows<K, kRowsPerPass, T, A>(acc, batch, len);
          }
          for (; r < stop; ++r, red.Next()) {
            batch[0] = base + red.offset;
            AccumulateRows<K, 1, T, A>(acc, batch, len);
          }
        }
        cascade.Push(acc);
      }
      if (blocks > 1) {
        cascade.Result(partial.data() + item * tile);
      } else {
        cascade.Result(acc);
        Out* dst = out + group / tiles * width + start;
        for (int64_t j = 0; j < len; ++j) dst[j] = static_cast<Out>(R::Finish(acc[j], plan.count));
      }
    }
  });
  if (blocks == 1) return;
  for (int64_t group = 0; group < groups; ++group) {
    const int64_t start = group % tiles * tile, len = std::min(tile, width - start);
    A* acc = partial.data() + group * blocks * tile;
    for (int64_t b = 1; b < blocks; ++b) MergeInto<K, A>(acc, acc + b * tile, len);
    Out* dst = out + group / tiles * width + start;
    for (int64_t j = 0; j < len; ++j) dst[j] = static_cast<Out>(R::Finish(acc[j], plan.count));
  }
}

template <ReduceKind K, typename T, typename Out>
void Reduce(const DLTensor& in, const bool* reduce_axis, Out* out, int64_t num_out) {
  using R = Reducer<K, AccumulatorOf<K, T>>;
  if (NumElements(in) == 0) {  // an empty reduction: the identity (mean: NaN)
    const Out value = static_cast<Out>(R::Finish(R::Init(), 0));
    for (int64_t o = 0; o < num_out; ++o) out[o] = value;
    return;
  }
  const Plan plan(in, reduce_axis);
  if (plan.row > kBlock) ReduceLongRows<K, T, Out>(Data<T>(in), plan, out, num_out);
  else ReduceTiles<K, T, Out>(Data<T>(in), plan, out, num_out);
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
  return 0;
}

}  // namespace mx_cpu
