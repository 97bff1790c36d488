#include "ndarray/device_copy.h"

#include "common/dtype.h"
#include "common/error.h"
#include "device/device.h"
#include "device/stream.h"

namespace mx {

namespace {

device::Stream* CopyStream(Context from, Context to) {
  return device::Get(from.is_cpu() ? to : from)->copy_stream();
}

// Enqueues the copy of `bytes` bytes on `stream`.
void Enqueue(device::Stream* stream, void* dst, Context dst_ctx, const void* src, Context src_ctx,
             size_t bytes) {
  if (bytes) stream->device()->Copy(stream, dst, dst_ctx, src, src_ctx, bytes);
}

}  // namespace

void CheckDeviceCopy(const NDArray& from, const NDArray& to, const char* op_name) {
  MX_CHECK(from.shape() == to.shape(), kValue, "operator ", op_name, ": cannot copy an array of shape ",
           from.shape().ToString(), " on ", from.ctx().ToString(), " into one of shape ",
           to.shape().ToString(), " on ", to.ctx().ToString());
  MX_CHECK(from.dtype() == to.dtype(), kType, "operator ", op_name, ": copying from ",
           from.ctx().ToString(), " to ", to.ctx().ToString(), " needs equal dtypes, got ",
           DTypeName(from.dtype()), " and ", DTypeName(to.dtype()),
           "; convert on one device first (astype)");
}

void PushDeviceCopy(const NDArray& from, const NDArray& to, const char* op_name) {
  engine::PushOptions options;
  options.name = op_name;
  options.stream = CopyStream(from.ctx(), to.ctx());
  device::Stream* stream = options.stream;
  engine::Var* read = from.var();
  engine::Var* write = to.var();
  // The closure keeps both buffers alive until the copy completed.
  engine::Engine::Get()->Push(
      [from, to, stream] {
        Enqueue(stream, to.data(), to.ctx(), from.data(), from.ctx(), from.nbytes());
      },
      stream->device()->ctx(), &read, 1, &write, 1, options);
}

void SyncCopyHostToDevice(const NDArray& to, const void* src) {
  engine::PushOptions options;
  options.name = "SyncCopyFromCPU";
  options.stream = CopyStream(Context::CPU(), to.ctx());
  device::Stream* stream = options.stream;
  engine::Var* write = to.var();
  engine::Engine::Get()->PushAndWait(
      [to, src, stream] { Enqueue(stream, to.data(), to.ctx(), src, Context::CPU(), to.nbytes()); },
      to.ctx(), nullptr, 0, &write, 1, options);
}

void SyncCopyDeviceToHost(const NDArray& from, void* dst) {
  engine::PushOptions options;
  options.name = "SyncCopyToCPU";
  options.stream = CopyStream(from.ctx(), Context::CPU());
  device::Stream* stream = options.stream;
  engine::Var* read = from.var();
  engine::Engine::Get()->PushAndWait(
      [from, dst, stream] {
        Enqueue(stream, dst, Context::CPU(), from.data(), from.ctx(), from.nbytes());
      },
      from.ctx(), &read, 1, nullptr, 0, options);
}

}  // namespace mx
