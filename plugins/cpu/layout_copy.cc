#include "layout_copy.h"

#include <algorithm>
#include <cstring>

namespace mx_cpu {

namespace {

// Element copies by size: a 2-byte float16 moves as a uint16_t.
template <typename F>
void DispatchSize(size_t elem_size, F&& f) {
  switch (elem_size) {
    case 1: f(uint8_t{}); break;
    case 2: f(uint16_t{}); break;
    case 4: f(uint32_t{}); break;
    default: f(uint64_t{}); break;
  }
}

// One output row (the last axis) of GatherCopy.
template <typename T>
void GatherRow(const T* src, T* dst, const std::vector<int64_t>& last, int64_t base, T fill) {
  const int64_t n = static_cast<int64_t>(last.size());
  for (int64_t j = 0; j < n; ++j) dst[j] = last[j] == kFillElement ? fill : src[base + last[j]];
}

// The last axis reads one contiguous run (identity offsets): rows are memcpy.
bool IsContiguousRun(const std::vector<int64_t>& offsets) {
  for (size_t j = 0; j < offsets.size(); ++j)
    if (offsets[j] == kFillElement || offsets[j] != offsets[0] + static_cast<int64_t>(j)) return false;
  return true;
}

}  // namespace

std::vector<int64_t> StridedOffsets(int64_t dim, int64_t stride) {
  std::vector<int64_t> offsets(dim);
  for (int64_t i = 0; i < dim; ++i) offsets[i] = i * stride;
  return offsets;
}

std::vector<int64_t> RowMajorStrides(const DLTensor& t) {
  std::vector<int64_t> strides(t.ndim);
  int64_t s = 1;
  for (int k = t.ndim - 1; k >= 0; --k) {
    strides[k] = s;
    s *= t.shape[k];
  }
  return strides;
}

bool ShouldWrite(const MXKernelCall* call, int output, int* error) {
  *error = 0;
  if (call->req[output] == MX_REQ_NULL) return false;
  if (call->req[output] == MX_REQ_ADD) {
    *error = Fail("layout operators do not support req=add");
    return false;
  }
  return true;
}

void GatherCopy(const void* src, void* dst, size_t elem_size, const AxisOffsets& offsets,
                const void* fill) {
  const int ndim = static_cast<int>(offsets.size());
  int64_t rows = 1;
  for (int k = 0; k + 1 < ndim; ++k) rows *= static_cast<int64_t>(offsets[k].size());
  const std::vector<int64_t> scalar_row = {0};
  const std::vector<int64_t>& last = ndim ? offsets[ndim - 1] : scalar_row;
  const int64_t row_len = static_cast<int64_t>(last.size());
  if (rows == 0 || row_len == 0) return;
  const bool contiguous = IsContiguousRun(last);
  DispatchSize(elem_size, [&](auto zero) {
    using T = decltype(zero);
    const T* in = static_cast<const T*>(src);
    T* out = static_cast<T*>(dst);
    T fill_value{};
    if (fill) std::memcpy(&fill_value, fill, sizeof(T));
    ParallelFor(rows, std::max<int64_t>(1, 32768 / row_len), [&](int64_t begin, int64_t end) {
      // The multi-index of row `begin` over the outer axes, then an odometer.
      std::vector<int64_t> index(ndim > 0 ? ndim - 1 : 0);
      for (int64_t r = begin, k = ndim - 2; k >= 0; --k) {
        const int64_t d = static_cast<int64_t>(offsets[k].size());
        index[k] = r % d;
        r /= d;
      }
      for (int64_t r = begin; r < end; ++r) {
        int64_t base = 0;
        bool filled = false;
        for (int k = 0; k + 1 < ndim; ++k) {
          const int64_t o = offsets[k][index[k]];
          filled |= o == kFillElement;
          base += o;
        }
        T* row = out + r * row_len;
        if (filled) {
          for (int64_t j = 0; j < row_len; ++j) row[j] = fill_value;
        } else if (contiguous) {
          std::memcpy(row, in + base + last[0], row_len * sizeof(T));
        } else {
          GatherRow(in, row, last, base, fill_value);
        }
        for (int k = ndim - 2; k >= 0; --k) {
          if (++index[k] < static_cast<int64_t>(offsets[k].size())) break;
          index[k] = 0;
        }
      }
    });
  });
}

namespace {

constexpr int64_t kTile = 32;

// One kTile x kTile tile of a transpose: out[i * out_stride + j] =
// in[i + j * in_stride] for i < rows, j < cols.  The full-tile case has
// constant trip counts, so the compiler unrolls and vectorises it.
template <typename T>
inline void TransposeTile(const T* __restrict in, T* __restrict out, int64_t in_stride,
                          int64_t out_stride, int64_t rows, int64_t cols) {
  if (rows == kTile && cols == kTile) {
    for (int64_t i = 0; i < kTile; ++i)
      for (int64_t j = 0; j < kTile; ++j) out[i * out_stride + j] = in[i + j * in_stride];
    return;
  }
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) out[i * out_stride + j] = in[i + j * in_stride];
}

// A permuted view after merging: output axis k has size dims[k] and reads
// the source with stride src_strides[k].
struct PermutedView {
  std::vector<int64_t> dims, src_strides;
};

// Size-1 axes dropped and neighbours that stay adjacent in the source merged,
// so (a, b, c) -> (c, a, b) becomes a 2-D transpose of (a*b, c).
PermutedView Simplify(const DLTensor& src, const std::vector<int>& perm) {
  const std::vector<int64_t> strides = RowMajorStrides(src);
  PermutedView v;
  for (int p : perm) {
    const int64_t d = src.shape[p], s = strides[p];
    if (d == 1) continue;
    if (!v.dims.empty() && v.src_strides.back() == s * d) {
      v.dims.back() *= d;
      v.src_strides.back() = s;
    } else {
      v.dims.push_back(d);
      v.src_strides.push_back(s);
    }
  }
  return v;
}

template <typename T>
void BlockedTranspose(const T* in, T* out, const PermutedView& v) {
  const int ndim = static_cast<int>(v.dims.size());
  const int last = ndim - 1;
  int q = 0;  // the output axis that reads the source contiguously
  while (v.src_strides[q] != 1) ++q;
  std::vector<int64_t> out_strides(ndim);
  for (int64_t s = 1, k = last; k >= 0; --k) {
    out_strides[k] = s;
    s *= v.dims[k];
  }
  std::vector<int> outer;
  int64_t outer_count = 1;
  for (int k = 0; k < ndim; ++k)
    if (k != q && k != last) {
      outer.push_back(k);
      outer_count *= v.dims[k];
    }
  const int64_t q_tiles = (v.dims[q] + kTile - 1) / kTile, l_tiles = (v.dims[last] + kTile - 1) / kTile;
  const int64_t units = outer_count * q_tiles * l_tiles;
  ParallelFor(units, 64, [&](int64_t begin, int64_t end) {
    for (int64_t u = begin; u < end; ++u) {
      int64_t rest = u;
      const int64_t lt = rest % l_tiles;
      rest /= l_tiles;
      const int64_t qt = rest % q_tiles;
      rest /= q_tiles;
      int64_t in_base = 0, out_base = 0;
      for (int k = static_cast<int>(outer.size()) - 1; k >= 0; --k) {
        const int axis = outer[k];
        const int64_t i = rest % v.dims[axis];
        rest /= v.dims[axis];
        in_base += i * v.src_strides[axis];
        out_base += i * out_strides[axis];
      }
      const int64_t i0 = qt * kTile, j0 = lt * kTile;
      TransposeTile(in + in_base + i0 + j0 * v.src_strides[last],
                    out + out_base + i0 * out_strides[q] + j0, v.src_strides[last], out_strides[q],
                    std::min(kTile, v.dims[q] - i0), std::min(kTile, v.dims[last] - j0));
    }
  });
}

// Runtime-dispatched instances (MX_CPU_CLONES cannot apply to a template).
MX_CPU_CLONES void BlockedTranspose4(const uint32_t* in, uint32_t* out, const PermutedView& v) {
  BlockedTranspose(in, out, v);
}
MX_CPU_CLONES void BlockedTranspose8(const uint64_t* in, uint64_t* out, const PermutedView& v) {
  BlockedTranspose(in, out, v);
}

}  // namespace

void TransposeCopy(const DLTensor& src, const DLTensor& dst, const std::vector<int>& perm) {
  if (NumElements(src) == 0) return;
  const size_t elem_size = ElementSize(src);
  const PermutedView v = Simplify(src, perm);
  if (v.dims.empty() || v.src_strides.back() == 1) {
    // The innermost axis stays innermost: whole runs copy as they are.
    AxisOffsets offsets;
    for (size_t k = 0; k < v.dims.size(); ++k) offsets.push_back(StridedOffsets(v.dims[k], v.src_strides[k]));
    GatherCopy(src.data, dst.data, elem_size, offsets);
    return;
  }
  DispatchSize(elem_size, [&](auto zero) {
    using T = decltype(zero);
    if constexpr (sizeof(T) == 4) {
      BlockedTranspose4(static_cast<const T*>(src.data), static_cast<T*>(dst.data), v);
    } else if constexpr (sizeof(T) == 8) {
      BlockedTranspose8(static_cast<const T*>(src.data), static_cast<T*>(dst.data), v);
    } else {
      BlockedTranspose(static_cast<const T*>(src.data), static_cast<T*>(dst.data), v);
    }
  });
}

}  // namespace mx_cpu
