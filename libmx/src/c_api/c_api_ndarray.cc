// NDArray functions of the C ABI.
#include "c_api/api_guard.h"
#include "c_api/handle.h"
#include "common/dtype.h"
#include "ops/tensor/reshape.h"

using mx::ArrayOf;

extern "C" {

int MXNDArrayCreate(const int64_t* shape, int ndim, int dev_type, int dev_id, int dtype,
                    MXNDArrayHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK(shape != nullptr || ndim == 0, kValue, "shape is NULL");
  MX_CHECK(mx::IsValidDType(dtype), kType, "invalid dtype code ", dtype);
  mx::EnsureRuntime();
  *out = mx::NewHandle(mx::NDArray(mx::Shape(shape, ndim), mx::DeviceOf(dev_type, dev_id), dtype));
  MX_API_END();
}

int MXNDArrayFree(MXNDArrayHandle handle) {
  MX_API_BEGIN();
  if (handle) mx::FreeHandle(handle);
  MX_API_END();
}

int MXNDArrayGetShape(MXNDArrayHandle handle, int* out_ndim, const int64_t** out_shape) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_ndim);
  MX_CHECK_OUT(out_shape);
  const mx::NDArray& a = ArrayOf(handle);
  *out_ndim = a.shape().ndim();
  *out_shape = a.shape().data();
  MX_API_END();
}

int MXNDArrayGetDType(MXNDArrayHandle handle, int* out_dtype) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_dtype);
  *out_dtype = ArrayOf(handle).dtype();
  MX_API_END();
}

int MXNDArrayGetContext(MXNDArrayHandle handle, int* out_dev_type, int* out_dev_id) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_dev_type);
  MX_CHECK_OUT(out_dev_id);
  const mx::Context ctx = ArrayOf(handle).ctx();
  *out_dev_type = ctx.dev_type;
  *out_dev_id = ctx.dev_id;
  MX_API_END();
}

int MXNDArrayGetData(MXNDArrayHandle handle, void** out_data) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_data);
  *out_data = ArrayOf(handle).data();
  MX_API_END();
}

int MXNDArraySyncCopyFromCPU(MXNDArrayHandle handle, const void* data, size_t size) {
  MX_API_BEGIN();
  ArrayOf(handle).SyncCopyFromCPU(data, size);
  MX_API_END();
}

int MXNDArraySyncCopyToCPU(MXNDArrayHandle handle, void* data, size_t size) {
  MX_API_BEGIN();
  ArrayOf(handle).SyncCopyToCPU(data, size);
  MX_API_END();
}

int MXNDArrayWaitToRead(MXNDArrayHandle handle) {
  MX_API_BEGIN();
  ArrayOf(handle).WaitToRead();
  MX_API_END();
}

int MXNDArrayWaitToWrite(MXNDArrayHandle handle) {
  MX_API_BEGIN();
  ArrayOf(handle).WaitToWrite();
  MX_API_END();
}

int MXNDArrayWaitAll(void) {
  MX_API_BEGIN();
  mx::engine::Engine::Get()->WaitForAll();
  MX_API_END();
}

int MXNDArrayReshape(MXNDArrayHandle handle, int ndim, const int64_t* dims, int reverse,
                     MXNDArrayHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK(dims != nullptr || ndim == 0, kValue, "dims is NULL");
  const mx::NDArray& a = ArrayOf(handle);
  const mx::Shape target =
      mx::op::InferReshape(a.shape(), mx::Shape(dims, ndim), reverse != 0, "reshape");
  *out = mx::NewHandle(a.Reshape(target));
  MX_API_END();
}

int MXNDArraySlice(MXNDArrayHandle handle, int64_t begin, int64_t end, MXNDArrayHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = mx::NewHandle(ArrayOf(handle).Slice(begin, end));
  MX_API_END();
}

int MXNDArrayAt(MXNDArrayHandle handle, int64_t idx, MXNDArrayHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = mx::NewHandle(ArrayOf(handle).At(idx));
  MX_API_END();
}

}  // extern "C"
