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

namespace mx {

namespace {

thread_local std::string plugin_error;

// What a plugin registers during init; committed only if init succeeds.
struct Staging {
  std::string path;
  std::vector<std::unique_ptr<op::OpDef>> ops;
  std::vector<std::pair<std::string, Kernel>> kernels;  // op name -> kernel
  std::string error;  // first registration error

  const op::OpDef* FindOp(const std::string& name) const {
    for (const auto& o : ops)
      if (o->name == name) return o.get();
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

int HostRegisterOp(const MXOpDesc* d) {
  if (!staging) return Fail("register_op called outside mx_plugin_init");
  if (!d) return Fail("register_op: descriptor is NULL");
  if (d->struct_size < sizeof(MXOpDesc)) return Fail("register_op: descriptor struct_size is too small");
  if (d->abi_major != MX_PLUGIN_ABI_MAJOR)
    return Fail("register_op: the plugin was built for plugin ABI major " +
                std::to_string(d->abi_major) + ", this MX implements " +
                std::to_string(MX_PLUGIN_ABI_MAJOR));
  if (!d->name || !*d->name) return Fail("register_op: name is required");
  if (!d->infer_shape) return Fail(std::string("register_op ") + d->name + ": infer_shape is required");
  if (d->num_inputs < 0 || d->num_outputs < 1)
    return Fail(std::string("register_op ") + d->name + ": invalid number of inputs or outputs");
  if (staging->FindOp(d->name))
    return Fail(std::string("register_op: operator '") + d->name + "' already exists");
  auto op = std::make_unique<op::OpDef>();
  op->name = d->name;
  op->description = d->description ? d->description : "";
  try {
    for (int32_t i = 0; i < d->num_params; ++i) {
      const MXParamDesc& p = d->params[i];
      if (!p.name || !p.type) return Fail(std::string("register_op ") + d->name + ": parameter without name or type");
      op->Param(p.name, p.type, p.default_value, p.doc ? p.doc : "");
    }
    op->Defaults();  // parse the defaults now: a bad default fails the load
  } catch (const Error& e) {
    return Fail(std::string("register_op ") + d->name + ": " + e.what());
  }
  for (int32_t i = 0; i < d->num_inputs; ++i)
    op->input_names.push_back(d->input_names && d->input_names[i] ? d->input_names[i] : "data" + std::to_string(i));
  op->num_outputs = d->num_outputs;
  for (int32_t i = 0; i < d->num_outputs; ++i)
    op->output_names.push_back(d->output_names && d->output_names[i] ? d->output_names[i] : "output" + std::to_string(i));
  const MXInferShapeFn infer_shape = d->infer_shape;
  const MXInferTypeFn infer_type = d->infer_type;
  void* op_data = d->op_data;
  op->infer_shape = [infer_shape, op_data](const op::Attrs& attrs, std::vector<Shape>* in,
                                           std::vector<Shape>* out) {
    for (const Shape& s : *in)
      if (!s.is_known()) return false;
    std::vector<const int64_t*> in_ptrs;
    std::vector<int32_t> in_ndims;
    for (const Shape& s : *in) {
      in_ptrs.push_back(s.data());
      in_ndims.push_back(s.ndim());
    }
    std::vector<std::vector<int64_t>> out_dims(out->size(), std::vector<int64_t>(MX_MAX_NDIM));
    std::vector<int64_t*> out_ptrs;
    for (auto& o : out_dims) out_ptrs.push_back(o.data());
    std::vector<int32_t> out_ndims(out->size(), -1);
    const auto& v = attrs.values();
    plugin_error.clear();
    if (infer_shape(v.data(), static_cast<int32_t>(v.size()), static_cast<int32_t>(in->size()),
                    in_ptrs.data(), in_ndims.data(), static_cast<int32_t>(out->size()),
                    out_ptrs.data(), out_ndims.data(), op_data) != 0)
      Throw(ErrorKind::kValue, "operator ", attrs.op()->name, ": ", TakePluginError());
    for (size_t k = 0; k < out->size(); ++k)
      op::AssignShape(&(*out)[k], Shape(out_ptrs[k], out_ndims[k]), *attrs.op(), "output");
    return true;
  };
  if (infer_type) {
    op->infer_type = [infer_type, op_data](const op::Attrs& attrs, std::vector<int>* in,
                                           std::vector<int>* out) {
      for (int t : *in)
        if (t < 0) return false;
      std::vector<int32_t> ins(in->begin(), in->end());
      std::vector<int32_t> outs(out->size(), -1);
      const auto& v = attrs.values();
      plugin_error.clear();
      if (infer_type(v.data(), static_cast<int32_t>(v.size()), static_cast<int32_t>(ins.size()),
                     ins.data(), static_cast<int32_t>(outs.size()), outs.data(), op_data) != 0)
        Throw(ErrorKind::kType, "operator ", attrs.op()->name, ": ", TakePluginError());
      for (size_t k = 0; k < out->size(); ++k) {
        MX_CHECK(IsValidDType(outs[k]), kType, "operator ", attrs.op()->name,
                 ": infer_type gave invalid dtype ", outs[k]);
        op::AssignType(&(*out)[k], outs[k], *attrs.op(), "output");
      }
      return true;
    };
  } else {
    op->infer_type = [](const op::Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
      if (in->empty() || (*in)[0] < 0) return false;
      for (int& t : *out) op::AssignType(&t, (*in)[0], *attrs.op(), "output");
      return true;
    };
  }
  staging->ops.push_back(std::move(op));
  return 0;
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
  for (auto& o : stage.ops) op::Registry::Get().Add(std::move(o));
  for (const auto& nk : stage.kernels)
    KernelTable::Get().Add(op::Registry::Get().FindOrThrow(nk.first), nk.second);
  return "";
}

}  // namespace

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
