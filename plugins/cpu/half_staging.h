// float16 for kernels written for float and double (BLAS has no float16
// products): the call's inputs are widened to float32 copies in the
// workspace, the float kernel computes on them, and its outputs are rounded
// back to float16 once.  The workspace holds the kernel's own scratch
// (`scratch` elements of its compute type) first, then the copies.
#ifndef MX_PLUGINS_CPU_HALF_STAGING_H_
#define MX_PLUGINS_CPU_HALF_STAGING_H_

#include <type_traits>
#include <vector>

#include "blas.h"
#include "kernel_util.h"

namespace mx_cpu {

// Floats, rounded up to whole 64-byte lines (the workspace is 64-aligned).
inline int64_t StagingFloats(int64_t n) { return (n + 15) / 16 * 16; }

// Bytes of workspace for `scratch` elements of compute type, plus the float
// copies of every tensor of the call when `dispatch` is float16.
inline size_t StagedWorkspaceBytes(const MXKernelCall* call, const DLTensor& dispatch, int64_t scratch) {
  if (MXDType(dispatch.dtype) != kF16) return static_cast<size_t>(scratch) * (dispatch.dtype.bits / 8);
  int64_t floats = StagingFloats(scratch);
  for (int i = 0; i < call->num_inputs; ++i) floats += StagingFloats(NumElements(call->inputs[i]));
  for (int k = 0; k < call->num_outputs; ++k) floats += StagingFloats(NumElements(call->outputs[k]));
  return static_cast<size_t>(floats) * sizeof(float);
}

// Runs fn(scratch, inputs, outputs) on float32 copies of a float16 call's
// tensors (arrays of float pointers, one per tensor) and rounds back the
// outputs it was asked to write.
template <typename F>
void WithFloatCopies(const MXKernelCall* call, int64_t scratch, F&& fn) {
  float* scratch_area = static_cast<float*>(call->workspace);
  float* next = scratch_area + StagingFloats(scratch);
  std::vector<const float*> inputs;
  std::vector<float*> outputs;
  for (int i = 0; i < call->num_inputs; ++i) {
    const int64_t n = NumElements(call->inputs[i]);
    const half* src = Data<half>(call->inputs[i]);
    for (int64_t j = 0; j < n; ++j) next[j] = static_cast<float>(src[j]);
    inputs.push_back(next);
    next += StagingFloats(n);
  }
  for (int k = 0; k < call->num_outputs; ++k) {
    outputs.push_back(next);
    next += StagingFloats(NumElements(call->outputs[k]));
  }
  fn(scratch_area, inputs.data(), outputs.data());
  for (int k = 0; k < call->num_outputs; ++k) {
    if (call->req[k] == MX_REQ_NULL) continue;
    const int64_t n = NumElements(call->outputs[k]);
    half* dst = Data<half>(call->outputs[k]);
    for (int64_t j = 0; j < n; ++j) dst[j] = static_cast<half>(outputs[k][j]);
  }
}

// The shell of a kernel written for float and double: calls
// fn(scratch, inputs, outputs) with T* pointers -- the call's own tensors
// for float32/float64, float copies for float16 (dispatch: the tensor whose
// dtype decides).  outputs has at least kMinSlots entries, nullptr past the
// call's outputs, so optional outputs can be passed on uniformly.
constexpr int kMinSlots = 4;

template <typename F>
int RunFloatKernel(const MXKernelCall* call, const DLTensor& dispatch, int64_t scratch,
                   const char* unsupported, F&& fn) {
  const auto padded = [&](auto* const* outs) {
    using T = std::remove_cv_t<std::remove_pointer_t<std::remove_reference_t<decltype(*outs)>>>;
    std::vector<T*> slots(outs, outs + call->num_outputs);
    if (slots.size() < kMinSlots) slots.resize(kMinSlots, nullptr);
    return slots;
  };
  if (MXDType(dispatch.dtype) == kF16) {
    WithFloatCopies(call, scratch, [&](float* area, const float* const* in, float* const* outs) {
      fn(area, in, padded(outs).data());
    });
    return 0;
  }
  const bool ok = DispatchBlasFloat(MXDType(dispatch.dtype), [&](auto zero) {
    using T = decltype(zero);
    std::vector<const T*> in;
    std::vector<T*> out;
    for (int i = 0; i < call->num_inputs; ++i) in.push_back(Data<T>(call->inputs[i]));
    for (int k = 0; k < call->num_outputs; ++k) out.push_back(Data<T>(call->outputs[k]));
    fn(static_cast<T*>(call->workspace), in.data(), padded(out.data()).data());
  });
  return ok ? 0 : Fail(unsupported);
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_HALF_STAGING_H_
