// libmx's own GPU kernels: fills through the driver's memsets, so that
// arrays can be made on a GPU (mx.nd.zeros/ones(ctx=mx.gpu()), the zeros
// autograd attaches, the ones a backward pass starts from) with no kernel
// plugin loaded.  Registered before any plugin, which may override them.
// Copies need no kernel: imperative/invoke.cc moves bytes between devices
// with the device's copy engine.
#include <mutex>

#include "common/dtype.h"
#include "common/error.h"
#include "device/device.h"
#include "device/stream.h"
#include "ops/op.h"
#include "plugin/kernel_table.h"

namespace mx {
namespace device {

namespace {

// The bits of 1 in a dtype, little-endian.
uint64_t OneBits(const DLDataType& t) {
  if (t.code != kDLFloat) return 1;
  if (t.bits == 16) return 0x3c00;
  if (t.bits == 32) return 0x3f800000;
  return 0x3ff0000000000000;
}

// Fills output 0 with zeros or ones, on the stream the call runs on.
// Rationale: it throws instead of returning an error code -- it is part of
// libmx and called only by the kernel call, inside the engine's error
// capture.
template <bool kOnes>
int Fill(const MXKernelCall* call) {
  const DLTensor& out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) {
    if (!kOnes) return 0;
    Throw(ErrorKind::kNotImplemented, "adding ones in place on gpu(", out.device.device_id,
          ") needs a kernel plugin");
  }
  size_t count = 1;
  for (int i = 0; i < out.ndim; ++i) count *= static_cast<size_t>(out.shape[i]);
  if (count == 0) return 0;
  Device* device = Get(out.device.device_id);
  const size_t element_bytes = out.dtype.bits / 8;
  if (kOnes) {
    device->Fill(device->compute_stream(), out.data, OneBits(out.dtype), element_bytes, count);
  } else {
    device->Fill(device->compute_stream(), out.data, 0, 1, count * element_bytes);
  }
  return 0;
}

}  // namespace

void RegisterBuiltinKernels() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto add = [](const char* op_name, MXKernelFn fn) {
      Kernel k;
      k.fn = fn;
      k.device_type = kDLCUDA;
      k.dtype_mask = (1u << kNumDTypes) - 1;
      k.plugin = "libmx (built-in GPU fills)";
      KernelTable::Get().Add(op::Registry::Get().FindOrThrow(op_name), k);
    };
    add("_zeros", Fill<false>);
    add("zeros_like", Fill<false>);
    add("_ones", Fill<true>);
    add("ones_like", Fill<true>);
  });
}

}  // namespace device
}  // namespace mx
