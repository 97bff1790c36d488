// NDArray file functions of the C ABI: MXNet 1.x's `.params` format.
#include "c_api/api_guard.h"
#include "c_api/handle.h"
#include "common/file_io.h"
#include "ndarray/ndarray_io.h"

namespace {

void GatherArrays(uint32_t num, MXNDArrayHandle* handles, const char** keys,
                  std::vector<mx::NDArray>* arrays, std::vector<std::string>* names) {
  MX_CHECK(handles != nullptr || num == 0, kValue, "arrays is NULL");
  for (uint32_t i = 0; i < num; ++i) {
    arrays->push_back(mx::ArrayOf(handles[i]));
    if (keys) {
      MX_CHECK(keys[i] != nullptr, kValue, "keys[", i, "] is NULL");
      names->emplace_back(keys[i]);
    }
  }
}

// Hands loaded arrays and names out through thread scratch.
void ExportLoaded(std::vector<mx::NDArray>* arrays, std::vector<std::string>* names,
                  uint32_t* out_size, MXNDArrayHandle** out_arrays, uint32_t* out_name_size,
                  const char*** out_names) {
  mx::ThreadScratch& s = mx::Scratch();
  s.owned = std::move(*names);
  s.strings[0].clear();
  for (const std::string& name : s.owned) s.strings[0].push_back(name.c_str());
  s.handles.clear();
  for (mx::NDArray& a : *arrays) s.handles.push_back(mx::NewHandle(std::move(a)));
  *out_size = static_cast<uint32_t>(s.handles.size());
  *out_arrays = s.handles.data();
  *out_name_size = static_cast<uint32_t>(s.owned.size());
  *out_names = s.strings[0].data();
}

}  // namespace

extern "C" {

int MXNDArraySaveToBuffer(uint32_t num, MXNDArrayHandle* handles, const char** keys,
                          size_t* out_size, const char** out_buf) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_size);
  MX_CHECK_OUT(out_buf);
  std::vector<mx::NDArray> arrays;
  std::vector<std::string> names;
  GatherArrays(num, handles, keys, &arrays, &names);
  std::string& bytes = mx::Scratch().bytes;
  bytes.clear();
  mx::SaveNDArrayList(arrays, names, &bytes);
  *out_size = bytes.size();
  *out_buf = bytes.data();
  MX_API_END();
}

int MXNDArraySave(const char* fname, uint32_t num, MXNDArrayHandle* handles, const char** keys) {
  MX_API_BEGIN();
  MX_CHECK(fname != nullptr, kValue, "fname is NULL");
  std::vector<mx::NDArray> arrays;
  std::vector<std::string> names;
  GatherArrays(num, handles, keys, &arrays, &names);
  std::string bytes;
  mx::SaveNDArrayList(arrays, names, &bytes);
  mx::WriteFile(fname, bytes);
  MX_API_END();
}

int MXNDArrayLoadFromBuffer(const void* buf, size_t size, uint32_t* out_size,
                            MXNDArrayHandle** out_arrays, uint32_t* out_name_size,
                            const char*** out_names) {
  MX_API_BEGIN();
  MX_CHECK(buf != nullptr || size == 0, kValue, "buf is NULL");
  MX_CHECK_OUT(out_size);
  MX_CHECK_OUT(out_arrays);
  MX_CHECK_OUT(out_name_size);
  MX_CHECK_OUT(out_names);
  mx::EnsureRuntime();
  std::vector<mx::NDArray> arrays;
  std::vector<std::string> names;
  mx::LoadNDArrayList(static_cast<const char*>(buf), size, &arrays, &names);
  ExportLoaded(&arrays, &names, out_size, out_arrays, out_name_size, out_names);
  MX_API_END();
}

int MXNDArrayLoad(const char* fname, uint32_t* out_size, MXNDArrayHandle** out_arrays,
                  uint32_t* out_name_size, const char*** out_names) {
  MX_API_BEGIN();
  MX_CHECK(fname != nullptr, kValue, "fname is NULL");
  MX_CHECK_OUT(out_size);
  MX_CHECK_OUT(out_arrays);
  MX_CHECK_OUT(out_name_size);
  MX_CHECK_OUT(out_names);
  mx::EnsureRuntime();
  const std::string bytes = mx::ReadFile(fname);
  std::vector<mx::NDArray> arrays;
  std::vector<std::string> names;
  try {
    mx::LoadNDArrayList(bytes.data(), bytes.size(), &arrays, &names);
  } catch (const mx::Error& e) {
    mx::Throw(e.kind(), "'", fname, "': ", e.what());
  }
  ExportLoaded(&arrays, &names, out_size, out_arrays, out_name_size, out_names);
  MX_API_END();
}

int MXNDArraySaveRawBytes(MXNDArrayHandle handle, size_t* out_size, const char** out_buf) {
  MX_API_BEGIN();
  MX_CHECK_OUT(out_size);
  MX_CHECK_OUT(out_buf);
  const mx::NDArray& array = mx::ArrayOf(handle);
  std::string& bytes = mx::Scratch().bytes;
  bytes.clear();
  mx::SaveNDArray(array, &bytes);
  *out_size = bytes.size();
  *out_buf = bytes.data();
  MX_API_END();
}

int MXNDArrayLoadFromRawBytes(const void* buf, size_t size, MXNDArrayHandle* out) {
  MX_API_BEGIN();
  MX_CHECK(buf != nullptr || size == 0, kValue, "buf is NULL");
  MX_CHECK_OUT(out);
  mx::EnsureRuntime();
  *out = mx::NewHandle(mx::LoadNDArray(static_cast<const char*>(buf), size));
  MX_API_END();
}

}  // extern "C"
