// Versions, engine, random seeds, plugins and storage statistics.
#include <cstring>

#include <atomic>

#include "c_api/api_guard.h"
#include "c_api/frontend_release.h"
#include "c_api/handle.h"
#include "engine/engine.h"
#include "plugin/loader.h"
#include "random/seed.h"
#include "storage/storage.h"

namespace {

// Library version: major * 10000 + minor * 100 + patch.
constexpr int kVersion = 100;  // 0.1.0

std::vector<mx::engine::Var*> VarsOf(const MXNDArrayHandle* arrays, int num, const char* what) {
  MX_CHECK(num >= 0 && (arrays != nullptr || num == 0), kValue, "invalid ", what, " arrays");
  std::vector<mx::engine::Var*> vars;
  for (int i = 0; i < num; ++i) vars.push_back(mx::ArrayOf(arrays[i], what).var());
  return vars;
}

// Keeps the arrays' buffers alive until the pushed function ran.
struct PushedCall {
  MXEngineFunc fn;
  void* param;
  MXEngineDeleter deleter;
  std::vector<mx::NDArray> keep;
  std::string name;
  ~PushedCall() {
    mx::ReleaseToFrontend(deleter, param);
  }
};

std::atomic<bool> frontend_takes_releases{true};

}  // namespace

namespace mx {
bool FrontendTakesReleases() { return frontend_takes_releases.load(std::memory_order_acquire); }
void EndFrontendReleases() { frontend_takes_releases.store(false, std::memory_order_release); }
}  // namespace mx

extern "C" {

int MXGetVersion(int* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = kVersion;
  MX_API_END();
}

int MXGetABIVersion(int* out_major, int* out_minor) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_major);
  MX_CHECK_OUT(out_minor);
  *out_major = MX_ABI_MAJOR;
  *out_minor = MX_ABI_MINOR;
  MX_API_END();
}

int MXNotifyShutdown(void) {
  MX_API_BEGIN();
  mx::engine::Engine::Get()->Shutdown();
  MX_API_END();
}

int MXNotifyFrontendExit(void) {
  MX_API_BEGIN();
  mx::EndFrontendReleases();
  MX_API_END();
}

int MXEnginePushSync(MXEngineFunc fn, void* param, MXEngineDeleter deleter, int dev_type,
                     int dev_id, const MXNDArrayHandle* const_arrays, int num_const,
                     const MXNDArrayHandle* mutable_arrays, int num_mutable, const char* name) {
  MX_API_BEGIN();
  MX_CHECK(fn != nullptr, kValue, "engine function is NULL");
  const mx::Context ctx = mx::DeviceOf(dev_type, dev_id);
  std::vector<mx::engine::Var*> reads = VarsOf(const_arrays, num_const, "const");
  std::vector<mx::engine::Var*> writes = VarsOf(mutable_arrays, num_mutable, "mutable");
  auto call = std::make_shared<PushedCall>();
  call->fn = fn;
  call->param = param;
  call->deleter = deleter;
  call->name = name ? name : "MXEnginePushSync";
  for (int i = 0; i < num_const; ++i) call->keep.push_back(mx::ArrayOf(const_arrays[i]));
  for (int i = 0; i < num_mutable; ++i) call->keep.push_back(mx::ArrayOf(mutable_arrays[i]));
  mx::engine::PushOptions options;
  options.name = "MXEnginePushSync";
  // A frontend function's cost is unknown: always leave it to a worker.
  options.inline_policy = mx::engine::InlinePolicy::kNever;
  mx::engine::Engine::Get()->Push(
      [call] {
        // Clear first: the thread may hold an error from an earlier call,
        // which a callback that fails without MXSetLastError would report.
        mx::SetLastError(mx::ErrorKind::kNone, "");
        if (call->fn(call->param) != 0) {
          // Keep the kind the callback gave MXSetLastError, if it gave one.
          const int kind = MXGetLastErrorKind();
          const char* msg = MXGetLastError();
          mx::Throw(static_cast<mx::ErrorKind>(kind == MX_ERROR_NONE ? MX_ERROR_CALLBACK : kind),
                    call->name, ": ", *msg ? msg : "the engine function reported an error");
        }
      },
      ctx, reads.data(), reads.size(), writes.data(), writes.size(), options);
  MX_API_END();
}

int MXEngineGetType(const char** out_name) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_name);
  *out_name = mx::engine::Engine::Get()->Name();
  MX_API_END();
}

int MXRandomSeed(int seed) {
  MX_API_BEGIN();
  mx::random::Seed(seed);
  MX_API_END();
}

int MXRandomSeedContext(int seed, int dev_type, int dev_id) {
  MX_API_BEGIN();
  mx::random::Seed(seed, mx::DeviceOf(dev_type, dev_id));
  MX_API_END();
}

int MXPluginLoad(const char* path) {
  MX_API_BEGIN();
  MX_CHECK(path != nullptr, kPlugin, "plugin path is NULL");
  mx::EnsureRuntime();
  mx::LoadPlugin(path);
  MX_API_END();
}

int MXPluginInitCallback(const char* name, MXPluginInitCallbackFn init) {
  MX_API_BEGIN();
  MX_CHECK(name != nullptr, kPlugin, "plugin name is NULL");
  mx::EnsureRuntime();
  // The same function type as MXPluginInitFn: the host struct is declared
  // apart in c_api.h so that the header stays free of plugin.h.
  mx::InitPlugin(name, init);
  MX_API_END();
}

int MXStorageGetStats(int dev_type, int dev_id, MXStorageStats* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK(out->struct_size >= sizeof(size_t), kValue, "MXStorageStats.struct_size is not set");
  const mx::StorageStats s = mx::Storage::Stats(mx::DeviceOf(dev_type, dev_id));
  MXStorageStats full;
  full.struct_size = sizeof(MXStorageStats);
  full.bytes_in_use = s.bytes_in_use;
  full.peak_bytes_in_use = s.peak_bytes_in_use;
  full.bytes_pooled = s.bytes_pooled;
  full.num_allocs = s.num_allocs;
  full.num_frees = s.num_frees;
  full.num_system_allocs = s.num_system_allocs;
  const size_t n = out->struct_size < sizeof(full) ? out->struct_size : sizeof(full);
  std::memcpy(reinterpret_cast<char*>(out) + sizeof(size_t), reinterpret_cast<char*>(&full) + sizeof(size_t),
              n - sizeof(size_t));
  MX_API_END();
}

int MXStorageReleaseAll(int dev_type, int dev_id) {
  MX_API_BEGIN();
  mx::Storage::ReleaseAll(mx::DeviceOf(dev_type, dev_id));
  MX_API_END();
}

}  // extern "C"
