// Kernel of khatri_rao (ops/linalg/khatri_rao.cc): out[r, c] is the product
// of A_k[r_k, c], with (r_1, ..., r_n) the mixed-radix digits of r over the
// inputs' row counts (the last input's fastest), multiplied in the dtype.
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

int KhatriRao(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor& to = call->outputs[0];
  const int64_t rows = to.shape[0], cols = to.shape[1];
  const int count = call->num_inputs;
  const bool ok = DispatchDType(MXDType(to.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* out = Data<T>(to);
    std::vector<int64_t> digit(count);
    for (int64_t r = 0; r < rows; ++r) {
      int64_t rest = r;
      for (int k = count - 1; k >= 0; --k) {
        digit[k] = rest % call->inputs[k].shape[0];
        rest /= call->inputs[k].shape[0];
      }
      for (int64_t c = 0; c < cols; ++c) {
        T product = Data<T>(call->inputs[0])[digit[0] * cols + c];
        for (int k = 1; k < count; ++k)
          product = static_cast<T>(product * Data<T>(call->inputs[k])[digit[k] * cols + c]);
        out[r * cols + c] = product;
      }
    }
  });
  return ok ? 0 : Fail("khatri_rao: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(khatri_rao) { return RegisterKernel("khatri_rao", KhatriRao, nullptr, kNumeric); }

}  // namespace mx_cpu
