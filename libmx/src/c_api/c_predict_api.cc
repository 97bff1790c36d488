// The C predict API (include/mx/c_predict_api.h): a -symbol.json graph and
// its parameters bound for inference, through the same graph, inference and
// executor code as the rest of libmx.
#include "mx/c_predict_api.h"

#include <map>
#include <memory>

#include "c_api/api_guard.h"
#include "c_api/handle.h"
#include "common/dtype.h"
#include "executor/graph_executor.h"
#include "graph/infer.h"
#include "graph/symbol_json.h"
#include "imperative/invoke.h"
#include "ndarray/ndarray_io.h"

using mx::NDArray;
using mx::Shape;
using mx::graph::Symbol;

namespace {

// Loaded parameters, shared by the predictors made from one another.
struct Params {
  std::map<std::string, NDArray> args, aux;
};

struct InputSpec {
  std::vector<std::string> names;
  std::vector<Shape> shapes;
};

}  // namespace

struct MXPredictor_ {
  uint64_t magic;
  Symbol symbol;
  mx::Context ctx;
  std::shared_ptr<const Params> params;
  std::map<std::string, int> dtypes;  // provided argument dtypes
  InputSpec inputs;
  std::vector<NDArray> input_arrays;
  std::unique_ptr<mx::executor::GraphExecutor> exec;
  std::vector<std::vector<mx_uint>> shape_scratch;
};

struct MXNDList_ {
  uint64_t magic;
  std::vector<std::string> keys;
  std::vector<std::vector<float>> data;
  std::vector<std::vector<mx_uint>> shapes;
};

namespace {

constexpr uint64_t kLivePredictor = 0x4d58'5072'6564'6963ull;  // "MXPredic"
constexpr uint64_t kLiveNDList = 0x4d58'4e44'4c69'7374ull;     // "MXNDList"

MXPredictor_& PredictorOf(PredictorHandle h) {
  MX_CHECK(h != nullptr, kHandle, "predictor handle is NULL");
  MX_CHECK(h->magic == kLivePredictor, kHandle, "predictor handle is not live (already freed?)");
  return *h;
}

MXNDList_& ListOf(NDListHandle h) {
  MX_CHECK(h != nullptr, kHandle, "NDList handle is NULL");
  MX_CHECK(h->magic == kLiveNDList, kHandle, "NDList handle is not live (already freed?)");
  return *h;
}

void Run(const char* op_name, std::vector<NDArray> inputs, NDArray output) {
  const mx::op::OpDef* op = mx::op::Registry::Get().FindOrThrow(op_name);
  std::vector<NDArray> out{std::move(output)};
  mx::imperative::Invoke(op, op->Defaults(), std::move(inputs), &out);
}

std::shared_ptr<const Params> LoadParams(const void* bytes, int size) {
  MX_CHECK(size >= 0 && (bytes != nullptr || size == 0), kValue, "param_bytes is NULL");
  auto params = std::make_shared<Params>();
  if (size == 0) return params;
  std::vector<NDArray> arrays;
  std::vector<std::string> names;
  mx::LoadNDArrayList(static_cast<const char*>(bytes), static_cast<size_t>(size), &arrays, &names);
  MX_CHECK(names.size() == arrays.size(), kValue, "the parameter file has no names");
  for (size_t i = 0; i < arrays.size(); ++i) {
    const std::string& key = names[i];
    if (key.compare(0, 4, "aux:") == 0) params->aux[key.substr(4)] = arrays[i];
    else params->args[key.compare(0, 4, "arg:") == 0 ? key.substr(4) : key] = arrays[i];
  }
  return params;
}

InputSpec ReadInputs(mx_uint num, const char** keys, const mx_uint* indptr, const mx_uint* data) {
  MX_CHECK(num == 0 || (keys && indptr && data), kValue, "input keys or shapes are NULL");
  InputSpec spec;
  for (mx_uint i = 0; i < num; ++i) {
    MX_CHECK(keys[i] != nullptr, kValue, "input_keys[", i, "] is NULL");
    MX_CHECK(indptr[i + 1] >= indptr[i], kValue, "input_shape_indptr is not ascending");
    std::vector<int64_t> dims(data + indptr[i], data + indptr[i + 1]);
    spec.names.emplace_back(keys[i]);
    spec.shapes.emplace_back(dims);
  }
  return spec;
}

// Binds p.symbol with p.inputs and p.params.
void Bind(MXPredictor_* p) {
  const auto arg_vars = p->symbol.ListInputs(Symbol::InputKind::kArguments);
  const auto aux_vars = p->symbol.ListInputs(Symbol::InputKind::kAuxiliaryStates);
  const mx::graph::IndexedGraph g(p->symbol.outputs);
  std::vector<Shape> shapes(g.num_entries(), Shape::Unknown());
  std::vector<int> dtypes(g.num_entries(), -1);
  auto entry = [&](const mx::graph::NodePtr& v) { return g.entry_id(g.node_id(v.get()), 0); };
  for (size_t i = 0; i < p->inputs.names.size(); ++i) {
    bool found = false;
    for (const auto& v : arg_vars) {
      if (v->name != p->inputs.names[i]) continue;
      shapes[entry(v)] = p->inputs.shapes[i];
      found = true;
    }
    MX_CHECK(found, kValue, "input '", p->inputs.names[i], "' is not an argument of the symbol");
  }
  auto seed = [&](const std::vector<mx::graph::NodePtr>& vars, const std::map<std::string, NDArray>& from) {
    for (const auto& v : vars) {
      auto it = from.find(v->name);
      if (it != from.end() && !shapes[entry(v)].is_known()) shapes[entry(v)] = it->second.shape();
      auto dt = p->dtypes.find(v->name);
      if (dt != p->dtypes.end()) dtypes[entry(v)] = dt->second;
      else if (it != from.end()) dtypes[entry(v)] = it->second.dtype();
    }
  };
  seed(arg_vars, p->params->args);
  seed(aux_vars, p->params->aux);
  for (const std::string& name : p->inputs.names)
    for (const auto& v : arg_vars)
      if (v->name == name && !p->dtypes.count(name)) dtypes[entry(v)] = mx::kFloat32;
  mx::graph::InferShapes(g, &shapes);
  mx::graph::InferTypes(g, &dtypes);

  auto make = [&](const std::vector<mx::graph::NodePtr>& vars, const std::map<std::string, NDArray>& from) {
    std::vector<NDArray> arrays;
    for (const auto& v : vars) {
      const Shape& shape = shapes[entry(v)];
      MX_CHECK(shape.is_known(), kValue, "cannot infer the shape of '", v->name,
               "'; give it as an input");
      const int dtype = dtypes[entry(v)] >= 0 ? dtypes[entry(v)] : mx::kFloat32;
      NDArray a(shape, p->ctx, dtype);
      auto it = from.find(v->name);
      if (it != from.end()) {
        MX_CHECK(it->second.shape() == shape, kValue, "parameter '", v->name, "' has shape ",
                 it->second.shape().ToString(), ", the graph needs ", shape.ToString());
        Run("_copyto", {it->second}, a);
      } else {
        Run("zeros_like", {a}, a);
      }
      arrays.push_back(a);
    }
    return arrays;
  };
  std::vector<NDArray> args = make(arg_vars, p->params->args);
  std::vector<NDArray> aux = make(aux_vars, p->params->aux);
  p->input_arrays.clear();
  for (const std::string& name : p->inputs.names)
    for (size_t i = 0; i < arg_vars.size(); ++i)
      if (arg_vars[i]->name == name) p->input_arrays.push_back(args[i]);
  const size_t n = args.size();
  p->exec = std::make_unique<mx::executor::GraphExecutor>(
      p->symbol, p->ctx, std::move(args), std::vector<NDArray>(n), std::vector<int>(n, 0),
      std::move(aux), mx::graph::kPlanInplace | mx::graph::kPlanCoshare);
}

Symbol SelectOutputs(const Symbol& full, mx_uint num, const char** keys) {
  if (num == 0) return full;
  MX_CHECK(keys != nullptr, kValue, "output_keys is NULL");
  const Symbol internals = full.Internals();
  const std::vector<std::string> names = internals.ListOutputNames();
  Symbol out;
  for (mx_uint i = 0; i < num; ++i) {
    MX_CHECK(keys[i] != nullptr, kValue, "output_keys[", i, "] is NULL");
    const std::string key = keys[i];
    size_t k = 0;
    while (k < names.size() && names[k] != key && names[k] != key + "_output") ++k;
    MX_CHECK(k < names.size(), kValue, "output '", key, "' is not a node of the symbol");
    out.outputs.push_back(internals.outputs[k]);
  }
  return out;
}

PredictorHandle Create(const char* json, const void* param_bytes, int param_size, int dev_type,
                       int dev_id, mx_uint num_inputs, const char** keys, const mx_uint* indptr,
                       const mx_uint* shape_data, mx_uint num_dtypes, const char** dtype_names,
                       const int* dtype_codes, mx_uint num_outputs, const char** output_keys,
                       std::shared_ptr<const Params> params = nullptr) {
  MX_CHECK(json != nullptr, kValue, "symbol_json_str is NULL");
  mx::EnsureRuntime();
  auto p = std::make_unique<MXPredictor_>();
  p->magic = kLivePredictor;
  p->symbol = SelectOutputs(mx::graph::SymbolFromJSON(json), num_outputs, output_keys);
  p->ctx = mx::DeviceOf(dev_type, dev_id);
  p->params = params ? std::move(params) : LoadParams(param_bytes, param_size);
  MX_CHECK(num_dtypes == 0 || (dtype_names && dtype_codes), kValue, "argument dtypes are NULL");
  for (mx_uint i = 0; i < num_dtypes; ++i) {
    MX_CHECK(dtype_names[i] && mx::IsValidDType(dtype_codes[i]), kValue, "invalid argument dtype ", i);
    p->dtypes[dtype_names[i]] = dtype_codes[i];
  }
  p->inputs = ReadInputs(num_inputs, keys, indptr, shape_data);
  Bind(p.get());
  return p.release();
}

}  // namespace

extern "C" {

int MXPredCreate(const char* symbol_json_str, const void* param_bytes, int param_size, int dev_type,
                 int dev_id, mx_uint num_input_nodes, const char** input_keys,
                 const mx_uint* input_shape_indptr, const mx_uint* input_shape_data,
                 PredictorHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = Create(symbol_json_str, param_bytes, param_size, dev_type, dev_id, num_input_nodes,
                input_keys, input_shape_indptr, input_shape_data, 0, nullptr, nullptr, 0, nullptr);
  MX_API_END();
}

int MXPredCreateEx(const char* symbol_json_str, const void* param_bytes, int param_size,
                   int dev_type, int dev_id, mx_uint num_input_nodes, const char** input_keys,
                   const mx_uint* input_shape_indptr, const mx_uint* input_shape_data,
                   const mx_uint num_provided_arg_dtypes, const char** provided_arg_dtype_names,
                   const int* provided_arg_dtypes, PredictorHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = Create(symbol_json_str, param_bytes, param_size, dev_type, dev_id, num_input_nodes,
                input_keys, input_shape_indptr, input_shape_data, num_provided_arg_dtypes,
                provided_arg_dtype_names, provided_arg_dtypes, 0, nullptr);
  MX_API_END();
}

int MXPredCreatePartialOut(const char* symbol_json_str, const void* param_bytes, int param_size,
                           int dev_type, int dev_id, mx_uint num_input_nodes,
                           const char** input_keys, const mx_uint* input_shape_indptr,
                           const mx_uint* input_shape_data, mx_uint num_output_nodes,
                           const char** output_keys, PredictorHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  *out = Create(symbol_json_str, param_bytes, param_size, dev_type, dev_id, num_input_nodes,
                input_keys, input_shape_indptr, input_shape_data, 0, nullptr, nullptr,
                num_output_nodes, output_keys);
  MX_API_END();
}

int MXPredCreateMultiThread(const char* symbol_json_str, const void* param_bytes, int param_size,
                            int dev_type, int dev_id, mx_uint num_input_nodes,
                            const char** input_keys, const mx_uint* input_shape_indptr,
                            const mx_uint* input_shape_data, int num_threads, PredictorHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK(num_threads >= 1, kValue, "num_threads must be >= 1, got ", num_threads);
  std::vector<std::unique_ptr<MXPredictor_>> made;
  std::shared_ptr<const Params> params = LoadParams(param_bytes, param_size);
  for (int t = 0; t < num_threads; ++t)
    made.emplace_back(Create(symbol_json_str, nullptr, 0, dev_type, dev_id, num_input_nodes, input_keys,
                             input_shape_indptr, input_shape_data, 0, nullptr, nullptr, 0, nullptr,
                             params));
  for (int t = 0; t < num_threads; ++t) out[t] = made[t].release();
  MX_API_END();
}

int MXPredReshape(mx_uint num_input_nodes, const char** input_keys, const mx_uint* input_shape_indptr,
                  const mx_uint* input_shape_data, PredictorHandle handle, PredictorHandle* out) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  const MXPredictor_& old = PredictorOf(handle);
  auto p = std::make_unique<MXPredictor_>();
  p->magic = kLivePredictor;
  p->symbol = old.symbol;
  p->ctx = old.ctx;
  p->params = old.params;
  p->dtypes = old.dtypes;
  p->inputs = ReadInputs(num_input_nodes, input_keys, input_shape_indptr, input_shape_data);
  Bind(p.get());
  *out = p.release();
  MX_API_END();
}

int MXPredGetOutputShape(PredictorHandle handle, mx_uint index, mx_uint** shape_data,
                         mx_uint* shape_ndim) {
  MX_API_BEGIN();
  MX_CHECK_OUT(shape_data);
  MX_CHECK_OUT(shape_ndim);
  MXPredictor_& p = PredictorOf(handle);
  const auto& outs = p.exec->outputs();
  MX_CHECK(index < outs.size(), kIndex, "output index ", index, " is out of range (", outs.size(),
           " outputs)");
  p.shape_scratch.resize(outs.size());
  std::vector<mx_uint>& dims = p.shape_scratch[index];
  dims.assign(outs[index].shape().begin(), outs[index].shape().end());
  *shape_data = dims.data();
  *shape_ndim = static_cast<mx_uint>(dims.size());
  MX_API_END();
}

int MXPredGetOutputType(PredictorHandle handle, mx_uint out_index, int* out_dtype) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_dtype);
  const auto& outs = PredictorOf(handle).exec->outputs();
  MX_CHECK(out_index < outs.size(), kIndex, "output index ", out_index, " is out of range (",
           outs.size(), " outputs)");
  *out_dtype = outs[out_index].dtype();
  MX_API_END();
}

int MXPredSetInput(PredictorHandle handle, const char* key, const mx_float* data, mx_uint size) {
  MX_API_BEGIN();
  MX_CHECK(key != nullptr, kValue, "key is NULL");
  MX_CHECK(data != nullptr || size == 0, kValue, "data is NULL");
  MXPredictor_& p = PredictorOf(handle);
  for (size_t i = 0; i < p.inputs.names.size(); ++i) {
    if (p.inputs.names[i] != key) continue;
    NDArray& target = p.input_arrays[i];
    MX_CHECK(static_cast<int64_t>(size) == target.size(), kValue, "input '", key, "' has ",
             target.size(), " elements, got ", size);
    NDArray staged(target.shape(), mx::Context::CPU(), mx::kFloat32);
    staged.SyncCopyFromCPU(data, size);
    Run("_copyto", {staged}, target);
    return 0;
  }
  mx::Throw(mx::ErrorKind::kValue, "'", key, "' is not an input of the predictor");
  MX_API_END();
}

int MXPredForward(PredictorHandle handle) {
  MX_API_BEGIN();
  MXPredictor_& p = PredictorOf(handle);
  p.exec->Forward(false);
  for (const NDArray& out : p.exec->outputs()) out.WaitToRead();
  MX_API_END();
}

int MXPredPartialForward(PredictorHandle handle, int step, int* step_left) {
  MX_API_BEGIN();
  MX_CHECK_OUT(step_left);
  MXPredictor_& p = PredictorOf(handle);
  MX_CHECK(step >= 0, kIndex, "step must be >= 0, got ", step);
  p.exec->ForwardOp(static_cast<size_t>(step), false);
  *step_left = static_cast<int>(p.exec->NumForwardOps()) - step - 1;
  MX_API_END();
}

int MXPredGetOutput(PredictorHandle handle, mx_uint index, mx_float* data, mx_uint size) {
  MX_API_BEGIN();
  MX_CHECK(data != nullptr || size == 0, kValue, "data is NULL");
  MXPredictor_& p = PredictorOf(handle);
  const auto& outs = p.exec->outputs();
  MX_CHECK(index < outs.size(), kIndex, "output index ", index, " is out of range (", outs.size(),
           " outputs)");
  const NDArray& out = outs[index];
  MX_CHECK(static_cast<int64_t>(size) == out.size(), kValue, "output ", index, " has ", out.size(),
           " elements, got room for ", size);
  NDArray staged(out.shape(), mx::Context::CPU(), mx::kFloat32);
  Run("_copyto", {out}, staged);
  staged.SyncCopyToCPU(data, size);
  MX_API_END();
}

int MXPredSetMonitorCallback(PredictorHandle handle, PredMonitorCallback callback,
                             void* callback_handle, bool monitor_all) {
  MX_API_BEGIN();
  MXPredictor_& p = PredictorOf(handle);
  if (!callback) {
    p.exec->SetMonitor(nullptr, false);
    return 0;
  }
  p.exec->SetMonitor([callback, callback_handle](const std::string& name, const NDArray& array) {
    MXNDArrayHandle borrowed = mx::NewHandle(array);
    callback(name.c_str(), borrowed, callback_handle);
    MXNDArrayFree(borrowed);
  }, monitor_all);
  MX_API_END();
}

int MXPredFree(PredictorHandle handle) {
  MX_API_BEGIN();
  if (handle) {
    PredictorOf(handle);
    handle->magic = 0;
    handle->exec.reset();
    handle->input_arrays.clear();
    handle->params.reset();
    mx::Park(handle, [](void* h) { delete static_cast<PredictorHandle>(h); });
  }
  MX_API_END();
}

int MXNDListCreate(const char* nd_file_bytes, int nd_file_size, NDListHandle* out, mx_uint* out_length) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out);
  MX_CHECK_OUT(out_length);
  MX_CHECK(nd_file_size >= 0 && (nd_file_bytes || nd_file_size == 0), kValue, "nd_file_bytes is NULL");
  mx::EnsureRuntime();
  std::vector<NDArray> arrays;
  std::vector<std::string> names;
  mx::LoadNDArrayList(nd_file_bytes, static_cast<size_t>(nd_file_size), &arrays, &names);
  auto list = std::make_unique<MXNDList_>();
  list->magic = kLiveNDList;
  for (size_t i = 0; i < arrays.size(); ++i) {
    NDArray staged(arrays[i].shape(), mx::Context::CPU(), mx::kFloat32);
    Run("_copyto", {arrays[i]}, staged);
    list->data.emplace_back(static_cast<size_t>(staged.size()));
    staged.SyncCopyToCPU(list->data.back().data(), staged.size());
    list->shapes.emplace_back(arrays[i].shape().begin(), arrays[i].shape().end());
    list->keys.push_back(i < names.size() ? names[i] : std::string());
  }
  *out_length = static_cast<mx_uint>(arrays.size());
  *out = list.release();
  MX_API_END();
}

int MXNDListGet(NDListHandle handle, mx_uint index, const char** out_key, const mx_float** out_data,
                const mx_uint** out_shape, mx_uint* out_ndim) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_key);
  MX_CHECK_OUT(out_data);
  MX_CHECK_OUT(out_shape);
  MX_CHECK_OUT(out_ndim);
  const MXNDList_& list = ListOf(handle);
  MX_CHECK(index < list.keys.size(), kIndex, "index ", index, " is out of range (", list.keys.size(),
           " arrays)");
  *out_key = list.keys[index].c_str();
  *out_data = list.data[index].data();
  *out_shape = list.shapes[index].data();
  *out_ndim = static_cast<mx_uint>(list.shapes[index].size());
  MX_API_END();
}

int MXNDListFree(NDListHandle handle) {
  MX_API_BEGIN();
  if (handle) {
    ListOf(handle);
    handle->magic = 0;
    mx::Park(handle, [](void* h) { delete static_cast<NDListHandle>(h); });
  }
  MX_API_END();
}

}  // extern "C"
