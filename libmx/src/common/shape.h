// Shapes: a small fixed-capacity vector of int64 dims.
// Rationale: shapes are built on every imperative call; inline storage keeps
// the dispatch path free of heap allocations.
#ifndef MX_COMMON_SHAPE_H_
#define MX_COMMON_SHAPE_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/error.h"
#include "mx/plugin.h"

namespace mx {

class Shape {
 public:
  static constexpr int kMaxNDim = MX_MAX_NDIM;

  // A default Shape is unknown (ndim -1): shape inference fills it in.
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) { Assign(dims.begin(), static_cast<int>(dims.size())); }
  Shape(const int64_t* dims, int ndim) { Assign(dims, ndim); }
  // Copies move only the ndim dims in use, not the whole capacity.
  Shape(const Shape& other) : ndim_(other.ndim_) { CopyDims(other); }
  Shape& operator=(const Shape& other) {
    ndim_ = other.ndim_;
    CopyDims(other);
    return *this;
  }
  explicit Shape(const std::vector<int64_t>& dims) { Assign(dims.data(), static_cast<int>(dims.size())); }

  void Assign(const int64_t* dims, int ndim) {
    MX_CHECK(ndim >= 0 && ndim <= kMaxNDim, kValue, "ndim ", ndim, " is outside [0, ", kMaxNDim, "]");
    ndim_ = ndim;
    for (int i = 0; i < ndim; ++i) dims_[i] = dims[i];
  }
  void push_back(int64_t d) {
    if (ndim_ < 0) ndim_ = 0;
    MX_CHECK(ndim_ < kMaxNDim, kValue, "too many dimensions (max ", kMaxNDim, ")");
    dims_[ndim_++] = d;
  }

  static Shape Unknown() { return Shape(); }
  static Shape Scalar() { return Shape(nullptr, 0); }
  bool is_known() const {
    if (ndim_ < 0) return false;
    for (int i = 0; i < ndim_; ++i)
      if (dims_[i] < 0) return false;
    return true;
  }

  int ndim() const { return ndim_; }
  int64_t operator[](int i) const { return dims_[i]; }
  int64_t& operator[](int i) { return dims_[i]; }
  const int64_t* data() const { return dims_; }
  int64_t* data() { return dims_; }
  const int64_t* begin() const { return dims_; }
  const int64_t* end() const { return dims_ + ndim_; }

  int64_t Size() const {
    if (ndim_ < 0) return 0;
    int64_t n = 1;
    for (int i = 0; i < ndim_; ++i) n *= dims_[i];
    return n;
  }
  bool operator==(const Shape& o) const {
    if (ndim_ != o.ndim_) return false;
    for (int i = 0; i < ndim_; ++i)
      if (dims_[i] != o.dims_[i]) return false;
    return true;
  }
  bool operator!=(const Shape& o) const { return !(*this == o); }

  // "(2, 3)" -- MXNet's tuple format, "(2,)" for one dim.
  std::string ToString() const {
    if (ndim_ < 0) return "None";
    std::string s = "(";
    for (int i = 0; i < ndim_; ++i) {
      if (i) s += ", ";
      s += std::to_string(dims_[i]);
    }
    if (ndim_ == 1) s += ",";
    return s + ")";
  }

 private:
  void CopyDims(const Shape& other) {
    for (int i = 0; i < ndim_; ++i) dims_[i] = other.dims_[i];
  }

  int ndim_ = -1;
  int64_t dims_[kMaxNDim];
};

}  // namespace mx

#endif  // MX_COMMON_SHAPE_H_
