// DLPack exchange: arrays leave and enter MX without copies.
#include <memory>

#include "c_api/api_guard.h"
#include "c_api/handle.h"
#include "common/dtype.h"
#include "device/device.h"
#include "device/stream.h"

namespace {

// What an exported tensor keeps alive: a view of the array (buffer, shape).
struct Export {
  mx::NDArray array;
  DLManagedTensor managed;
};

void DeleteExport(DLManagedTensor* self) { delete static_cast<Export*>(self->manager_ctx); }

int DTypeOf(const DLDataType& t) {
  if (t.lanes != 1) return -1;
  for (int d = 0; d < mx::kNumDTypes; ++d) {
    const DLDataType m = mx::ToDLDataType(d);
    if (m.code == t.code && m.bits == t.bits) return d;
  }
  return -1;
}

// The MX device of a DLPack device; throws, naming it, for one MX cannot
// use (a GPU this process lacks).
mx::Context ImportContext(const DLDevice& d) {
  MX_CHECK(d.device_id >= 0, kValue, "DLPack tensor has a negative device id ", d.device_id);
  switch (d.device_type) {
    case kDLCPU:
      return mx::Context::CPU();
    case kDLCUDAHost:
      return mx::Context{mx::Context::kCPUPinned, d.device_id};
    case kDLCUDA:
      try {
        mx::device::Get(d.device_id);
      } catch (const mx::Error& e) {
        mx::Throw(e.kind(), "cannot import a DLPack tensor on gpu(", d.device_id, "): ", e.what());
      }
      return mx::Context{mx::Context::kGPU, d.device_id};
    default:
      mx::Throw(mx::ErrorKind::kNotImplemented, "DLPack tensor on device type ", d.device_type,
                ": only CPU (1), CUDA (2) and CUDA host (3) tensors can be imported");
  }
}

// Rationale: the producer made an imported GPU tensor ready on the GPU's
// compute stream (MXGetGPUDLPackStream).  An op on that stream writing the
// array completes only after that, so the engine orders every later use
// after it -- copies on the copy stream and host reads included.
void OrderAfterComputeStream(const mx::NDArray& array) {
  mx::engine::PushOptions options;
  options.name = "MXNDArrayFromDLPack";
  options.stream = mx::device::Get(array.ctx())->compute_stream();
  mx::engine::Var* write = array.var();
  mx::engine::Engine::Get()->Push([] {}, array.ctx(), nullptr, 0, &write, 1, options);
}

}  // namespace

extern "C" {

int MXNDArrayToDLPack(MXNDArrayHandle handle, int for_write, struct DLManagedTensor** out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  const mx::NDArray& array = mx::ArrayOf(handle);
  if (for_write) array.WaitToWrite();
  else array.WaitToRead();
  auto* e = new Export{array, DLManagedTensor()};
  e->managed.dl_tensor = e->array.ToDLTensor();  // shape points into e->array
  e->managed.manager_ctx = e;
  e->managed.deleter = DeleteExport;
  *out = &e->managed;
  MX_API_END();
}

int MXNDArrayFromDLPack(struct DLManagedTensor* tensor, MXNDArrayHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK(tensor != nullptr, kValue, "DLPack tensor is NULL");
  const DLTensor& t = tensor->dl_tensor;
  const mx::Context ctx = ImportContext(t.device);
  const int dtype = DTypeOf(t.dtype);
  MX_CHECK(dtype >= 0, kType, "DLPack dtype (code ", int(t.dtype.code), ", bits ", int(t.dtype.bits),
           ", lanes ", t.dtype.lanes, ") has no MX equivalent");
  MX_CHECK(t.ndim >= 0 && (t.shape != nullptr || t.ndim == 0), kValue, "DLPack tensor has an invalid shape");
  const mx::Shape shape(t.shape, t.ndim);
  if (t.strides && shape.Size() > 0) {
    // Only compact row-major memory (size-1 dims, and empty tensors, may have
    // any strides).
    int64_t expected = 1;
    for (int i = t.ndim - 1; i >= 0; --i) {
      MX_CHECK(t.shape[i] == 1 || t.strides[i] == expected, kValue,
               "DLPack tensor is not compact row-major (strides); make it contiguous first");
      expected *= t.shape[i];
    }
  }
  void* data = t.data ? static_cast<char*>(t.data) + t.byte_offset : nullptr;
  // MX owns the tensor only once this call succeeds: before, a failure
  // drops the array without calling the deleter.
  auto owned = std::make_shared<bool>(false);
  mx::NDArray array = mx::NDArray::Wrap(data, shape, ctx, dtype, [tensor, owned] {
    if (*owned && tensor->deleter) tensor->deleter(tensor);
  });
  if (!ctx.is_cpu()) OrderAfterComputeStream(array);
  *out = mx::NewHandle(std::move(array));
  *owned = true;
  MX_API_END();
}

int MXGetGPUDLPackStream(int dev, int64_t* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  const mx::device::Stream* stream = mx::device::Get(dev)->compute_stream();
  *out = mx::device::Emulated() ? 1 : static_cast<int64_t>(reinterpret_cast<intptr_t>(stream->handle()));
  MX_API_END();
}

int MXDLPackDelete(struct DLManagedTensor* tensor) {
  MX_API_BEGIN();
  if (tensor && tensor->deleter) tensor->deleter(tensor);
  MX_API_END();
}

}  // extern "C"
