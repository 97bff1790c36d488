// Kernels of take, pick (and batch_take, a pick), fill_element_0index and
// the gradients of take, pick and topk.  The
// data is viewed as (outer, n, inner) around the axis; take copies whole
// inner blocks, pick single elements, and the gradients add them back.
#include <algorithm>
#include <string>
#include <vector>

#include "index_util.h"

namespace mx_cpu {

namespace {

enum Mode { kClip, kWrap, kRaise };

// The axis's (outer, n, inner) sizes of a tensor.
void AxisSizes(const DLTensor& t, int axis, int64_t* outer, int64_t* n, int64_t* inner) {
  *outer = *inner = 1;
  for (int i = 0; i < axis; ++i) *outer *= t.shape[i];
  *n = t.shape[axis];
  for (int i = axis + 1; i < t.ndim; ++i) *inner *= t.shape[i];
}

int AxisOf(const MXKernelCall* call, const DLTensor& t) {
  const MXAttr* a = mx_attr_find(call->attrs, call->num_attrs, "axis");
  return static_cast<int>(a->i < 0 ? a->i + t.ndim : a->i);
}

// Mode names in the order of the op's choices.
Mode ModeOf(const MXKernelCall* call) {
  const std::string m = mx_attr_find(call->attrs, call->num_attrs, "mode")->s;
  return m == "wrap" ? kWrap : m == "raise" ? kRaise : kClip;
}

// Brings every index into [0, n) per mode; false (after Fail) for an
// out-of-range index under 'raise' (numpy's range [-n, n) is accepted).
bool ResolveIndices(std::vector<int64_t>* idx, int64_t n, Mode mode, const char* op) {
  for (int64_t& j : *idx) {
    if (mode == kClip) {
      j = j < 0 ? 0 : j >= n ? n - 1 : j;
    } else if (mode == kWrap) {
      j = ((j % n) + n) % n;
    } else {
      if (j < -n || j >= n) {
        const std::string msg = std::string(op) + ": index " + std::to_string(j) +
                                " is out of bounds for axis of size " + std::to_string(n);
        Fail(msg.c_str());
        return false;
      }
      if (j < 0) j += n;
    }
  }
  return true;
}

int Take(const MXKernelCall* call) {
  const DLTensor& a = call->inputs[0];
  const DLTensor& out = call->outputs[0];
  std::vector<int64_t> idx;
  if (!LoadIndices(call->inputs[1], &idx)) return Fail("take: unsupported index dtype");
  if (NumElements(out) == 0) return 0;
  int64_t outer, n, inner;
  AxisSizes(a, AxisOf(call, a), &outer, &n, &inner);
  if (!ResolveIndices(&idx, n, ModeOf(call), "take")) return -1;
  const size_t block = static_cast<size_t>(inner) * ElementBytes(a);
  const int64_t k = static_cast<int64_t>(idx.size());
  const char* src = static_cast<const char*>(a.data);
  char* dst = static_cast<char*>(out.data);
  ParallelFor(outer * k, std::max<int64_t>(1, 65536 / std::max<int64_t>(inner, 1)),
              [&](int64_t b0, int64_t b1) {
                for (int64_t b = b0; b < b1; ++b) {
                  const int64_t o = b / k, j = idx[b % k];
                  std::memcpy(dst + b * block, src + (o * n + j) * block, block);
                }
              });
  return 0;
}

// out[p] = data[o, idx[p], i] for the data seen as (outer, n, inner) around
// `axis`, p = (o, i).
int PickAlong(const MXKernelCall* call, int axis, Mode mode, const char* op) {
  const DLTensor& data = call->inputs[0];
  const DLTensor& out = call->outputs[0];
  std::vector<int64_t> idx;
  if (!LoadIndices(call->inputs[1], &idx)) return Fail((std::string(op) + ": unsupported index dtype").c_str());
  if (NumElements(out) == 0) return 0;
  int64_t outer, n, inner;
  AxisSizes(data, axis, &outer, &n, &inner);
  if (!ResolveIndices(&idx, n, mode, op)) return -1;
  const bool ok = DispatchElementSize(data.dtype, [&](auto zero) {
    using U = decltype(zero);
    const U* src = Data<U>(data);
    U* dst = Data<U>(out);
    ParallelFor(outer * inner, 65536, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        const int64_t o = p / inner, i = p % inner;
        dst[p] = src[(o * n + idx[p]) * inner + i];
      }
    });
  });
  return ok ? 0 : Fail((std::string(op) + ": unsupported dtype").c_str());
}

int Pick(const MXKernelCall* call) {
  return PickAlong(call, AxisOf(call, call->inputs[0]), ModeOf(call), "pick");
}

// batch_take: pick along the last axis, indices clipped.
int BatchTake(const MXKernelCall* call) { return PickAlong(call, call->inputs[0].ndim - 1, kClip, "batch_take"); }

// fill_element_0index(lhs, mhs, rhs): lhs with out[r, rhs[r]] = mhs[r]; an
// index outside the row leaves it unchanged (MXNet compares it with every
// column).
int FillElement0Index(const MXKernelCall* call) {
  const DLTensor &lhs = call->inputs[0], &values = call->inputs[1], &out = call->outputs[0];
  std::vector<int64_t> idx;
  if (!LoadIndices(call->inputs[2], &idx)) return Fail("fill_element_0index: unsupported index dtype");
  CopyUnlessInplace(call, lhs, out);
  const int64_t cols = out.shape[1];
  const bool ok = DispatchElementSize(out.dtype, [&](auto zero) {
    using U = decltype(zero);
    const U* src = Data<U>(values);
    U* dst = Data<U>(out);
    for (size_t r = 0; r < idx.size(); ++r)
      if (idx[r] >= 0 && idx[r] < cols) dst[static_cast<int64_t>(r) * cols + idx[r]] = src[r];
  });
  return ok ? 0 : Fail("fill_element_0index: unsupported dtype");
}

// -- gradients: ograd added back where each element was taken ------------------

// ograd seen as (outer, count, inner) around the axis and grad as (outer, n,
// inner); ograd[o, k, i] goes to grad index idx[o * idx_outer + k * idx_count
// + i * idx_inner] along the axis.
struct AlongAxis {
  int64_t outer, n, inner, count;
  int64_t idx_outer, idx_count, idx_inner;
};

// grad = zeros plus every ograd element at its index (repeats accumulate).
// Threads own columns (o, i), so no two write one element.
int ScatterAdd(const DLTensor& ograd, const DLTensor& grad, const std::vector<int64_t>& idx, const AlongAxis& v) {
  const bool ok = DispatchDType(MXDType(grad.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* src = Data<T>(ograd);
    T* dst = Data<T>(grad);
    std::fill(dst, dst + NumElements(grad), T(0));
    ParallelFor(v.outer * v.inner, std::max<int64_t>(1, 65536 / std::max<int64_t>(1, v.count)),
                [&](int64_t begin, int64_t end) {
                  for (int64_t p = begin; p < end;) {
                    const int64_t o = p / v.inner, i0 = p % v.inner;
                    const int64_t i1 = std::min(v.inner, i0 + (end - p));
                    for (int64_t k = 0; k < v.count; ++k) {
                      const T* row = src + (o * v.count + k) * v.inner;
                      for (int64_t i = i0; i < i1; ++i) {
                        T& d = dst[(o * v.n + idx[o * v.idx_outer + k * v.idx_count + i * v.idx_inner]) * v.inner + i];
                        d = static_cast<T>(d + row[i]);
                      }
                    }
                    p += i1 - i0;
                  }
                });
  });
  return ok ? 0 : Fail("gradient of an indexing op: unsupported dtype");
}

// _backward_take(ograd, a, indices): every index takes a whole block.
int TakeBackward(const MXKernelCall* call) {
  const DLTensor &ograd = call->inputs[0], &a = call->inputs[1], &grad = call->outputs[0];
  std::vector<int64_t> idx;
  if (!LoadIndices(call->inputs[2], &idx)) return Fail("_backward_take: unsupported index dtype");
  AlongAxis v{};
  AxisSizes(a, AxisOf(call, a), &v.outer, &v.n, &v.inner);
  v.count = static_cast<int64_t>(idx.size());
  v.idx_count = 1;
  if (NumElements(ograd) && !ResolveIndices(&idx, v.n, ModeOf(call), "_backward_take")) return -1;
  return ScatterAdd(ograd, grad, idx, v);
}

// _backward_pick(ograd, data, index): one index per (outer, inner) position.
int PickBackward(const MXKernelCall* call) {
  const DLTensor &ograd = call->inputs[0], &data = call->inputs[1], &grad = call->outputs[0];
  std::vector<int64_t> idx;
  if (!LoadIndices(call->inputs[2], &idx)) return Fail("_backward_pick: unsupported index dtype");
  AlongAxis v{};
  AxisSizes(data, AxisOf(call, data), &v.outer, &v.n, &v.inner);
  v.count = 1;
  v.idx_outer = v.inner;
  v.idx_inner = 1;
  if (NumElements(ograd) && !ResolveIndices(&idx, v.n, ModeOf(call), "_backward_pick")) return -1;
  return ScatterAdd(ograd, grad, idx, v);
}

// _backward_topk(ograd, data, indices): an index per ograd element, along the
// axis or (axis None) into the flattened data.
int TopKBackward(const MXKernelCall* call) {
  const DLTensor &ograd = call->inputs[0], &data = call->inputs[1], &grad = call->outputs[0];
  std::vector<int64_t> idx;
  if (!LoadIndices(call->inputs[2], &idx)) return Fail("_backward_topk: unsupported index dtype");
  AlongAxis v{1, NumElements(data), 1, NumElements(ograd), 0, 1, 0};
  const MXAttr* axis = mx_attr_find(call->attrs, call->num_attrs, "axis");
  if (!axis->is_none) {
    const int a = AxisOf(call, data);
    AxisSizes(data, a, &v.outer, &v.n, &v.inner);
    v.count = ograd.shape[a];
    v.idx_outer = v.count * v.inner;
    v.idx_count = v.inner;
    v.idx_inner = 1;
  }
  if (NumElements(ograd) && !ResolveIndices(&idx, v.n, kRaise, "_backward_topk")) return -1;
  return ScatterAdd(ograd, grad, idx, v);
}

}  // namespace

MX_CPU_KERNELS(take) {
  if (int rc = RegisterKernel("take", Take, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("pick", Pick, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("batch_take", BatchTake, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("fill_element_0index", FillElement0Index, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("_backward_take", TakeBackward, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("_backward_pick", PickBackward, nullptr, kNumeric)) return rc;
  return RegisterKernel("_backward_topk", TopKBackward, nullptr, kNumeric);
}

}  // namespace mx_cpu
