// Kernels of take and pick.  The data is viewed as (outer, n, inner) around
// the axis; take copies whole inner blocks, pick single elements.
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

int Pick(const MXKernelCall* call) {
  const DLTensor& data = call->inputs[0];
  const DLTensor& out = call->outputs[0];
  std::vector<int64_t> idx;
  if (!LoadIndices(call->inputs[1], &idx)) return Fail("pick: unsupported index dtype");
  if (NumElements(out) == 0) return 0;
  int64_t outer, n, inner;
  AxisSizes(data, AxisOf(call, data), &outer, &n, &inner);
  if (!ResolveIndices(&idx, n, ModeOf(call), "pick")) return -1;
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
  return ok ? 0 : Fail("pick: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(take) {
  if (int rc = RegisterKernel("take", Take, nullptr, kAll)) return rc;
  return RegisterKernel("pick", Pick, nullptr, kAll);
}

}  // namespace mx_cpu
