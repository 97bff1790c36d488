#include "plugin/loader.h"

#include <dlfcn.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

#include "common/dtype.h"
#include "common/error.h"
#include "ops/op.h"
#include "plugin/kernel_table.h"
#include "plugin/plugin_op.h"

namespace mx {

namespace {

thread_local std::string plugin_error;

// An op a plugin defined, with the backward op it named (resolved once init
// has returned).
struct StagedOp {
  std::unique_ptr<op::OpDef> op;
  std::string backward_op;  // "" for none
  uint32_t flags = 0;
};

// What a plugin registers during init; committed only if init succeeds.
struct Staging {
  std::string path;
  std::vector<StagedOp> ops;
  std::vector<std::pair<std::string, Kernel>> kernels;  // op name -> kernel
  std::string error;  // first registration error

  const op::OpDef* FindOp(const std::string& name) const {
    for (const StagedOp& s : ops)
      if (s.op->name == name) return s.op.get();
    return op::Registry::Get().Find(name);
  }
};

thread_local Staging* staging = nullptr;

int Fail(const std::string& message) {
  if (staging && staging->error.empty()) staging->error = message;
  plugin_error = message;
  return -1;
}

int HostRegisterKernel(const MXKernelDesc* desc) {
  if (!staging) return Fail("register_kernel called outside mx_plugin_init");
  if (!desc) return Fail("register_kernel: descriptor is NULL");
  if (desc->struct_size < sizeof(MXKernelDesc) - sizeof(MXWorkspaceFn))
    return Fail("register_kernel: descriptor struct_size is too small");
  if (desc->abi_major != MX_PLUGIN_ABI_MAJOR)
    return Fail("register_kernel: the plugin was built for plugin ABI major " +
                std::to_string(desc->abi_major) + ", this MX implements " +
                std::to_string(MX_PLUGIN_ABI_MAJOR));
  if (!desc->op_name || !desc->fn) return Fail("register_kernel: op_name and fn are required");
  if (!staging->FindOp(desc->op_name))
    return Fail(std::string("register_kernel: unknown operator '") + desc->op_name + "'");
  if (desc->device_type != kDLCPU && desc->device_type != kDLCUDA)
    return Fail("register_kernel: unsupported device type " + std::to_string(desc->device_type));
  Kernel k;
  k.fn = desc->fn;
  k.data = desc->kernel_data;
  k.workspace = desc->struct_size >= sizeof(MXKernelDesc) ? desc->workspace : nullptr;
  k.device_type = desc->device_type;
  k.plugin = staging->path;
  if (desc->num_dtypes == 0) {
    k.dtype_mask = (1u << kNumDTypes) - 1;
  } else {
    if (!desc->dtypes) return Fail("register_kernel: dtypes is NULL");
    for (int32_t i = 0; i < desc->num_dtypes; ++i) {
      if (!IsValidDType(desc->dtypes[i]))
        return Fail("register_kernel: invalid dtype code " + std::to_string(desc->dtypes[i]));
      k.dtype_mask |= 1u << desc->dtypes[i];
    }
  }
  staging->kernels.emplace_back(desc->op_name, k);
  return 0;
}

int HostRegisterOp(const MXOpDesc* desc) {
  if (!staging) return Fail("register_op called outside mx_plugin_init");
  if (!desc) return Fail("register_op: descriptor is NULL");
  if (desc->struct_size < kOpDescSize11) return Fail("register_op: descriptor struct_size is too small");
  const MXOpDesc d = ReadOpDesc(*desc);
  if (d.abi_major != MX_PLUGIN_ABI_MAJOR)
    return Fail("register_op: the plugin was built for plugin ABI major " + std::to_string(d.abi_major) +
                ", this MX implements " + std::to_string(MX_PLUGIN_ABI_MAJOR));
  if (d.name && staging->FindOp(d.name))
    return Fail(std::string("register_op: operator '") + d.name + "' already exists");
  StagedOp staged;
  try {
    staged.op = MakePluginOp(d, staging->path);
  } catch (const Error& e) {
    return Fail(e.what());
  }
  staged.backward_op = d.backward_op ? d.backward_op : "";
  staged.flags = d.flags;
  staging->ops.push_back(std::move(staged));
  return 0;
}

// After a successful init: every backward_op names an op that exists now
// (the plugin's own, in any order, or a registered one) and fits.
void LinkGradients(Staging* stage) {
  for (StagedOp& s : stage->ops) {
    if (s.backward_op.empty()) continue;
    const op::OpDef* backward = stage->FindOp(s.backward_op);
    if (!backward) {
      Fail("operator '" + s.op->name + "': backward_op '" + s.backward_op + "' is not an operator");
      return;
    }
    try {
      SetPluginGradient(s.op.get(), *backward, s.flags);
    } catch (const Error& e) {
      Fail(e.what());
      return;
    }
  }
}

void HostSetError(const char* message) { plugin_error = message ? message : ""; }

void HostLog(int level, const char* message) {
  static const char* names[] = {"DEBUG", "INFO", "WARNING", "ERROR"};
  if (level < MX_LOG_INFO || !message) return;
  std::fprintf(stderr, "[mx plugin %s] %s\n", names[level > 3 ? 3 : level], message);
}

std::mutex load_mu;

// A host table and the path string it points to.
struct HostTable {
  std::string path;
  MXPluginHost host;

  explicit HostTable(std::string p) : path(std::move(p)), host() {
    host.abi_major = MX_PLUGIN_ABI_MAJOR;
    host.abi_minor = MX_PLUGIN_ABI_MINOR;
    host.struct_size = sizeof(MXPluginHost);
    host.register_kernel = HostRegisterKernel;
    host.register_op = HostRegisterOp;
    host.set_error = HostSetError;
    host.log = HostLog;
    host.plugin_path = path.c_str();
  }
};

// Runs a plugin's init with a host table of its own and commits what it
// registered; returns "" or why it failed (then nothing is committed).
// Call with load_mu held.
std::string RunInit(const std::string& path, MXPluginInitFn init) {
  // Plugins keep the host table to report kernel errors later: each load
  // gets one that lives as long as the process (a committed plugin is never
  // unloaded; a failed load keeps one small table).
  static auto* hosts = new std::vector<std::unique_ptr<HostTable>>();
  hosts->push_back(std::make_unique<HostTable>(path));
  MXPluginHost* host = &hosts->back()->host;
  Staging stage;
  stage.path = path;
  staging = &stage;
  plugin_error.clear();
  int rc;
  try {
    rc = init(host, MX_PLUGIN_ABI_VERSION);
  } catch (...) {
    rc = -1;
    plugin_error = "mx_plugin_init threw a C++ exception";
  }
  if (rc == 0 && stage.error.empty()) LinkGradients(&stage);
  staging = nullptr;
  std::string why;
  if (rc == MX_PLUGIN_ERROR_ABI) {
    why = "it was built for another plugin ABI major (this MX implements " +
          std::to_string(MX_PLUGIN_ABI_MAJOR) + "." + std::to_string(MX_PLUGIN_ABI_MINOR) + ")";
  } else if (rc != 0) {
    why = "mx_plugin_init returned " + std::to_string(rc) + ": " + TakePluginError();
  } else if (!stage.error.empty()) {
    why = stage.error;
  }
  if (!why.empty()) return why;
  // Commit.  The plugin stays for the life of the process: its kernels may
  // be referenced by pending work and by cached op handles.
  for (StagedOp& o : stage.ops) op::Registry::Get().Add(std::move(o.op));
  for (const auto& nk : stage.kernels)
    KernelTable::Get().Add(op::Registry::Get().FindOrThrow(nk.first), nk.second);
  return "";
}

}  // namespace

void ClearPluginError() { plugin_error.clear(); }

std::string TakePluginError() {
  std::string e;
  e.swap(plugin_error);
  return e.empty() ? "(the plugin gave no message)" : e;
}

void LoadPlugin(const std::string& path) {
  std::lock_guard<std::mutex> lock(load_mu);
  MX_CHECK(!path.empty(), kPlugin, "plugin path is empty");
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = dlerror();
    Throw(ErrorKind::kPlugin, "cannot load plugin '", path, "': ", why ? why : "unknown reason");
  }
  auto init = reinterpret_cast<MXPluginInitFn>(dlsym(lib, "mx_plugin_init"));
  if (!init) {
    dlclose(lib);
    Throw(ErrorKind::kPlugin, "plugin '", path, "' does not export mx_plugin_init");
  }
  const std::string why = RunInit(path, init);
  if (!why.empty()) {
    dlclose(lib);
    Throw(ErrorKind::kPlugin, "plugin '", path, "' failed to load: ", why);
  }
}

void InitPlugin(const std::string& name, MXPluginInitFn init) {
  std::lock_guard<std::mutex> lock(load_mu);
  MX_CHECK(init != nullptr, kPlugin, "plugin '", name, "': the init function is NULL");
  const std::string why = RunInit(name, init);
  if (!why.empty()) Throw(ErrorKind::kPlugin, "plugin '", name, "' failed to load: ", why);
}

namespace {
std::string cpu_plugin_error;
}

const std::string& CPUPluginError() { return cpu_plugin_error; }

void LoadBuiltinPlugins() {
  static std::once_flag once;
  std::call_once(once, [] {
    Dl_info info;
    std::string dir;
    if (dladdr(reinterpret_cast<void*>(&LoadBuiltinPlugins), &info) && info.dli_fname) {
      dir = info.dli_fname;
      const size_t slash = dir.rfind('/');
      dir = slash == std::string::npos ? "." : dir.substr(0, slash);
    }
    try {
      LoadPlugin(dir + "/libmx_cpu.so");
    } catch (const Error& e) {
      cpu_plugin_error = e.what();
    }
  });
}

}  // namespace mx
