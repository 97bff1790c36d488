#include "storage/storage.h"

#include "common/error.h"

namespace mx {

DeviceStorage* Storage::Of(Context ctx) {
  // Leaked: buffers may be freed by engine workers during exit.
  static DeviceStorage* cpu = CreateCPUPooledStorage();
  // Pinned and shared CPU memory are plain CPU memory until a GPU plugin
  // provides page-locked allocation.
  if (ctx.is_cpu()) return cpu;
  Throw(ErrorKind::kNotImplemented, "cannot allocate memory on ", ctx.ToString(),
        ": no storage for this device is available");
}

StorageHandle Storage::Alloc(size_t size, Context ctx) {
  StorageHandle h = Of(ctx)->Alloc(size);
  h.ctx = ctx;
  return h;
}

void Storage::Free(const StorageHandle& handle) {
  if (handle.dptr) Of(handle.ctx)->Free(handle);
}

void Storage::ReleaseAll(Context ctx) { Of(ctx)->ReleaseAll(); }

StorageStats Storage::Stats(Context ctx) { return Of(ctx)->Stats(); }

}  // namespace mx
