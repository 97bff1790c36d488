#include "ndarray/ndarray_io.h"

#include <cstdint>
#include <cstring>

#include "common/dtype.h"
#include "common/error.h"

namespace mx {

namespace {

constexpr uint64_t kListMagic = 0x112;
constexpr uint32_t kMagicV1 = 0xF993fac8;
constexpr uint32_t kMagicV2 = 0xF993fac9;
constexpr uint32_t kMagicV3 = 0xF993faca;
constexpr int32_t kDefaultStorage = 0;

template <typename T>
void Put(std::string* out, T value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(T));
}

// A bounds-checked cursor over a file image.
class Reader {
 public:
  Reader(const char* data, size_t size) : data_(data), size_(size) {}

  template <typename T>
  T Get(const char* what) {
    T value;
    std::memcpy(&value, Take(sizeof(T), what), sizeof(T));
    return value;
  }
  const char* Take(size_t n, const char* what) {
    MX_CHECK(n <= size_ - pos_, kIO, "corrupt NDArray file: truncated while reading ", what,
             " at byte ", pos_, " (needs ", n, " bytes, ", size_ - pos_, " left)");
    const char* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  size_t left() const { return size_ - pos_; }
  size_t pos() const { return pos_; }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

Shape ReadDims(Reader* in, int32_t ndim, bool u32_dims) {
  MX_CHECK(ndim >= 0 && ndim <= Shape::kMaxNDim, kIO, "corrupt NDArray file: ndim ", ndim,
           " at byte ", in->pos());
  Shape shape = Shape::Scalar();
  for (int32_t i = 0; i < ndim; ++i) {
    const int64_t d = u32_dims ? in->Get<uint32_t>("shape") : in->Get<int64_t>("shape");
    MX_CHECK(d >= 0, kIO, "corrupt NDArray file: negative dimension ", d);
    shape.push_back(d);
  }
  return shape;
}

NDArray ReadArray(Reader* in) {
  const uint32_t magic = in->Get<uint32_t>("array magic");
  const bool versioned = magic == kMagicV1 || magic == kMagicV2 || magic == kMagicV3;
  if (magic == kMagicV2 || magic == kMagicV3) {
    const int32_t stype = in->Get<int32_t>("storage type");
    MX_CHECK(stype == kDefaultStorage, kNotImplemented, "NDArray file holds a ",
             stype == 1 ? "row_sparse" : stype == 2 ? "csr" : "unknown-storage",
             " array: only dense arrays are supported");
  }
  const int32_t ndim = versioned ? in->Get<int32_t>("ndim") : static_cast<int32_t>(magic);
  // An unknown shape (ndim -1, or 0 before numpy shape semantics) marks an
  // empty array: nothing follows it.
  if (ndim == -1 || (ndim == 0 && magic != kMagicV3))
    return NDArray(Shape{0}, Context::CPU(), kFloat32);
  const Shape shape = ReadDims(in, ndim, !versioned);
  in->Get<int32_t>("device type");  // arrays are loaded onto the CPU
  in->Get<int32_t>("device id");
  const int32_t dtype = in->Get<int32_t>("dtype");
  MX_CHECK(IsValidDType(dtype), kIO, "NDArray file holds an array of unsupported dtype code ",
           dtype);
  uint64_t count = 1;
  for (int64_t d : shape)
    MX_CHECK(!__builtin_mul_overflow(count, static_cast<uint64_t>(d), &count), kIO,
             "corrupt NDArray file: array of shape ", shape.ToString(), " overflows");
  MX_CHECK(count <= in->left() / DTypeSize(dtype), kIO, "corrupt NDArray file: array of shape ",
           shape.ToString(), " and dtype ", DTypeName(dtype), " needs more than the ",
           in->left(), " bytes left");
  const char* bytes = in->Take(count * DTypeSize(dtype), "array data");
  NDArray array(shape, Context::CPU(), dtype);
  if (count) array.SyncCopyFromCPU(bytes, count);
  return array;
}

}  // namespace

void SaveNDArray(const NDArray& array, std::string* out) {
  Put<uint32_t>(out, array.shape().ndim() == 0 ? kMagicV3 : kMagicV2);
  Put<int32_t>(out, kDefaultStorage);
  Put<int32_t>(out, array.shape().ndim());
  for (int64_t d : array.shape()) Put<int64_t>(out, d);
  Put<int32_t>(out, array.ctx().dev_type);
  Put<int32_t>(out, array.ctx().dev_id);
  Put<int32_t>(out, array.dtype());
  const size_t at = out->size();
  out->resize(at + array.nbytes());
  if (array.size()) array.SyncCopyToCPU(&(*out)[at], array.size());
}

NDArray LoadNDArray(const char* data, size_t size) {
  Reader in(data, size);
  NDArray array = ReadArray(&in);
  MX_CHECK(in.left() == 0, kIO, "corrupt NDArray bytes: ", in.left(), " trailing bytes");
  return array;
}

void SaveNDArrayList(const std::vector<NDArray>& arrays, const std::vector<std::string>& names,
                     std::string* out) {
  MX_CHECK(names.empty() || names.size() == arrays.size(), kValue, "got ", names.size(),
           " names for ", arrays.size(), " arrays");
  Put<uint64_t>(out, kListMagic);
  Put<uint64_t>(out, 0);
  Put<uint64_t>(out, arrays.size());
  for (const NDArray& a : arrays) SaveNDArray(a, out);
  Put<uint64_t>(out, names.size());
  for (const std::string& name : names) {
    Put<uint64_t>(out, name.size());
    out->append(name);
  }
}

void LoadNDArrayList(const char* data, size_t size, std::vector<NDArray>* arrays,
                     std::vector<std::string>* names) {
  Reader in(data, size);
  MX_CHECK(size >= 16 && in.Get<uint64_t>("header") == kListMagic, kIO,
           "not an NDArray file (bad header)");
  in.Get<uint64_t>("reserved");
  const uint64_t count = in.Get<uint64_t>("array count");
  // Every array takes at least 12 bytes: a bound that stops absurd counts.
  MX_CHECK(count <= in.left() / 12, kIO, "corrupt NDArray file: ", count, " arrays in ",
           in.left(), " bytes");
  arrays->clear();
  for (uint64_t i = 0; i < count; ++i) arrays->push_back(ReadArray(&in));
  const uint64_t num_names = in.Get<uint64_t>("name count");
  MX_CHECK(num_names == 0 || num_names == count, kIO, "corrupt NDArray file: ", num_names,
           " names for ", count, " arrays");
  names->clear();
  for (uint64_t i = 0; i < num_names; ++i) {
    const uint64_t length = in.Get<uint64_t>("name length");
    names->emplace_back(in.Take(length, "name"), length);
  }
}

}  // namespace mx
