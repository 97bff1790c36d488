#include "ndarray/ndarray.h"

#include <cstdint>
#include <cstring>

#include "common/dtype.h"
#include "common/error.h"
#include "ndarray/device_copy.h"

namespace mx {

namespace {

// Throws unless the shape's dims are non-negative and its buffer size fits
// in ptrdiff_t.  Zero dims count as one, so that Shape::Size(), which
// multiplies left to right, cannot overflow on a shape like (2^40, 2^40, 0).
void CheckShape(const Shape& shape, int dtype) {
  MX_CHECK(shape.ndim() >= 0, kValue, "cannot create an array of unknown shape");
  uint64_t bytes = DTypeSize(dtype);
  for (int64_t d : shape) {
    MX_CHECK(d >= 0, kValue, "invalid shape ", shape.ToString(),
             ": dimensions must be non-negative");
    const bool overflow = __builtin_mul_overflow(bytes, static_cast<uint64_t>(d ? d : 1), &bytes);
    MX_CHECK(!overflow && bytes <= PTRDIFF_MAX, kValue, "an array of shape ", shape.ToString(),
             " and dtype ", DTypeName(dtype), " is too big");
  }
}

}  // namespace

Chunk::Chunk(size_t bytes, Context c) : mem(Storage::Alloc(bytes, c)), var(nullptr), ctx(c) {
  var = engine::Engine::Get()->NewVariable();
}

Chunk::Chunk(void* data, Context c, std::function<void()> release)
    : var(nullptr), ctx(c), release_external(std::move(release)) {
  mem.dptr = data;
  mem.ctx = c;
  var = engine::Engine::Get()->NewVariable();
}

Chunk::~Chunk() {
  if (release_external) {
    engine::Engine::Get()->DeleteVariable(std::move(release_external), ctx, var);
    return;
  }
  StorageHandle m = mem;
  engine::Engine::Get()->DeleteVariable([m] { Storage::Free(m); }, ctx, var);
}

NDArray::NDArray(const Shape& shape, Context ctx, int dtype) : shape_(shape), dtype_(dtype) {
  MX_CHECK(IsValidDType(dtype), kType, "invalid dtype code ", dtype);
  CheckShape(shape, dtype);
  chunk_ = std::make_shared<Chunk>(static_cast<size_t>(shape.Size()) * DTypeSize(dtype), ctx);
}

NDArray NDArray::Wrap(void* data, const Shape& shape, Context ctx, int dtype,
                      std::function<void()> release) {
  MX_CHECK(IsValidDType(dtype), kType, "invalid dtype code ", dtype);
  CheckShape(shape, dtype);
  NDArray a;
  a.shape_ = shape;
  a.dtype_ = dtype;
  a.chunk_ = std::make_shared<Chunk>(data, ctx, std::move(release));
  return a;
}

size_t NDArray::nbytes() const { return static_cast<size_t>(size()) * DTypeSize(dtype_); }

void* NDArray::data() const {
  if (!chunk_->mem.dptr) return nullptr;
  return static_cast<char*>(chunk_->mem.dptr) + offset_;
}

NDArray NDArray::Reshape(const Shape& shape) const {
  MX_CHECK(shape.Size() == size(), kValue, "cannot reshape array of shape ", shape_.ToString(),
           " into shape ", shape.ToString(), ": the number of elements differs");
  NDArray v = Detach();
  v.shape_ = shape;
  return v;
}

NDArray NDArray::View(const Shape& shape, int dtype) const {
  CheckShape(shape, dtype);
  const size_t bytes = static_cast<size_t>(shape.Size()) * DTypeSize(dtype);
  MX_CHECK(chunk_ && !chunk_->release_external && bytes <= chunk_->mem.size &&
               (bytes == 0 || chunk_->mem.dptr != nullptr),
           kInternal, "a view of ", bytes, " bytes does not fit its buffer");
  NDArray v = Detach();
  v.shape_ = shape;
  v.dtype_ = dtype;
  v.offset_ = 0;
  return v;
}

NDArray NDArray::Slice(int64_t begin, int64_t end) const {
  MX_CHECK(shape_.ndim() > 0, kIndex, "cannot slice a 0-dimensional array");
  const int64_t n = shape_[0];
  if (begin < 0) begin += n;
  if (end < 0) end += n;
  MX_CHECK(begin >= 0 && begin <= end && end <= n, kIndex, "slice [", begin, ", ", end,
           ") is out of range for axis 0 of size ", n);
  NDArray v = Detach();
  v.shape_[0] = end - begin;
  v.offset_ += static_cast<size_t>(begin) * (nbytes() / (n ? n : 1));
  return v;
}

NDArray NDArray::At(int64_t index) const {
  MX_CHECK(shape_.ndim() > 0, kIndex, "cannot index a 0-dimensional array");
  const int64_t n = shape_[0];
  MX_CHECK(index >= -n && index < n, kIndex, "index ", index, " is out of bounds for axis 0 with size ", n);
  if (index < 0) index += n;
  NDArray v = Slice(index, index + 1);
  if (shape_.ndim() > 1) v.shape_ = Shape(shape_.data() + 1, shape_.ndim() - 1);
  return v;
}

void NDArray::SyncCopyFromCPU(const void* src, size_t num_elements) const {
  MX_CHECK(num_elements == static_cast<size_t>(size()), kValue, "copy of ", num_elements,
           " elements into an array of ", size(), " elements");
  MX_CHECK(src != nullptr || num_elements == 0, kValue, "source pointer is NULL");
  if (!ctx().is_cpu()) return SyncCopyHostToDevice(*this, src);
  NDArray self = *this;
  engine::Var* v = var();
  engine::PushOptions options;
  options.name = "SyncCopyFromCPU";
  engine::Engine::Get()->PushAndWait(
      [self, src] {
        if (self.nbytes()) std::memcpy(self.data(), src, self.nbytes());
      },
      ctx(), nullptr, 0, &v, 1, options);
}

void NDArray::SyncCopyToCPU(void* dst, size_t num_elements) const {
  MX_CHECK(num_elements == static_cast<size_t>(size()), kValue, "copy of ", num_elements,
           " elements out of an array of ", size(), " elements");
  MX_CHECK(dst != nullptr || num_elements == 0, kValue, "destination pointer is NULL");
  engine::Engine* engine = engine::Engine::Get();
  // Rationale: wait first so a stored error is raised (and cleared) the way
  // WaitToRead raises it; then copy inside the engine so the read is ordered
  // against writes other threads push meanwhile.
  engine->WaitForVar(var(), false);
  if (!ctx().is_cpu()) return SyncCopyDeviceToHost(*this, dst);
  NDArray self = *this;
  engine::Var* v = var();
  engine::PushOptions options;
  options.name = "SyncCopyToCPU";
  engine->PushAndWait(
      [self, dst] {
        if (self.nbytes()) std::memcpy(dst, self.data(), self.nbytes());
      },
      ctx(), &v, 1, nullptr, 0, options);
}

void NDArray::WaitToRead() const { engine::Engine::Get()->WaitForVar(var(), false); }
void NDArray::WaitToWrite() const { engine::Engine::Get()->WaitForVar(var(), true); }

DLTensor NDArray::ToDLTensor() const {
  DLTensor t;
  t.data = data();
  t.device.device_type = ctx().is_cpu() ? kDLCPU : kDLCUDA;
  t.device.device_id = ctx().dev_id;
  t.ndim = shape_.ndim();
  t.dtype = ToDLDataType(dtype_);
  t.shape = const_cast<int64_t*>(shape_.data());
  t.strides = nullptr;
  t.byte_offset = 0;
  return t;
}

}  // namespace mx
