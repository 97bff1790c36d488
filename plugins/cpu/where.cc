// Kernel of where(condition, x, y): out = condition != 0 ? x : y, element by
// element, or row by row for a 1-D condition.
#include <cstring>

#include "elemwise_math.h"

namespace mx_cpu {

namespace {

template <typename CT, typename T>
MX_CPU_CLONES void WhereLoop(const CT* cond, const T* x, const T* y, T* out, int64_t n) {
  MX_SIMD_LOOP
  for (int64_t i = 0; i < n; ++i) out[i] = cond[i] != CT(0) ? x[i] : y[i];
}

// dst = src (row copies; dst may be src itself when the op runs in place).
template <typename T>
void CopyRow(T* dst, const T* src, int64_t n) {
  if (dst != src) std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(T));
}

int WhereKernel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("where does not support req=add");
  const DLTensor &tc = call->inputs[0], &tx = call->inputs[1], &ty = call->inputs[2];
  const DLTensor& to = call->outputs[0];
  const int64_t n = NumElements(to), nc = NumElements(tc);
  if (n == 0) return 0;
  bool ok = false;
  DispatchDType(MXDType(tc.dtype), [&](auto czero) {
    using CT = decltype(czero);
    ok = DispatchDType(MXDType(tx.dtype), [&](auto zero) {
      using T = decltype(zero);
      const CT* c = Data<CT>(tc);
      const T* x = Data<T>(tx);
      const T* y = Data<T>(ty);
      T* out = Data<T>(to);
      if (nc == n) {
        ParallelElements(n, kGrainCheap, [&](int64_t b, int64_t e) {
          WhereLoop(c + b, x + b, y + b, out + b, e - b);
        });
      } else {  // one condition per row of x
        const int64_t inner = n / nc;
        ParallelFor(nc, std::max<int64_t>(1, kGrainCheap / inner), [&](int64_t rb, int64_t re) {
          for (int64_t r = rb; r < re; ++r)
            CopyRow(out + r * inner, (c[r] != CT(0) ? x : y) + r * inner, inner);
        });
      }
    });
  });
  return ok ? 0 : Fail("where: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(where) { return RegisterKernel("where", WhereKernel, nullptr, kAll); }

}  // namespace mx_cpu
