// DLPack exchange: arrays leave and enter MX without copies.
#include "c_api/api_guard.h"
#include "c_api/handle.h"
#include "common/dtype.h"

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
  MX_CHECK(t.device.device_type == kDLCPU || t.device.device_type == kDLCUDAHost,
           kNotImplemented, "DLPack tensor on device type ", t.device.device_type,
           ": only CPU tensors can be imported");
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
  *out = mx::NewHandle(mx::NDArray::Wrap(data, shape, mx::Context{mx::Context::kCPU, 0}, dtype, [tensor] {
    if (tensor->deleter) tensor->deleter(tensor);
  }));
  MX_API_END();
}

int MXDLPackDelete(struct DLManagedTensor* tensor) {
  MX_API_BEGIN();
  if (tensor && tensor->deleter) tensor->deleter(tensor);
  MX_API_END();
}

}  // extern "C"
