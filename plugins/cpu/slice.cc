// Kernels of slice, slice_axis, slice_like, _slice_assign,
// _slice_assign_scalar and the gradients of slice_axis and slice_like: moves
// between a compact array and a strided box of a larger one.  The box's shape
// arrives as the small tensor's shape; its first index per axis is
// recomputed from the parameters with the rules of ops/tensor/slice.cc.
#include <vector>

#include "index_util.h"

namespace mx_cpu {

namespace {

// A box of a compact row-major array: per axis the first index, the count
// and the step.
struct Box {
  int ndim = 0;
  int64_t begin[MX_MAX_NDIM];
  int64_t step[MX_MAX_NDIM];
  const int64_t* shape = nullptr;
};

// Python's slice start on an axis of length len (MX_ATTR_NONE_INT: None).
int64_t SliceStart(int64_t begin, int64_t step, int64_t len) {
  if (begin == MX_ATTR_NONE_INT) return step > 0 ? 0 : len - 1;
  if (begin < 0) begin += len;
  const int64_t lo = step > 0 ? 0 : -1, hi = step > 0 ? len : len - 1;
  return begin < lo ? lo : begin > hi ? hi : begin;
}

// The box of slice / _slice_assign(_scalar) in a `full` array.
bool SliceBox(const MXKernelCall* call, const DLTensor& full, const DLTensor& box_tensor, Box* box) {
  const MXAttr* begin = mx_attr_find(call->attrs, call->num_attrs, "begin");
  const MXAttr* step = mx_attr_find(call->attrs, call->num_attrs, "step");
  if (!begin || !step) return false;
  box->ndim = full.ndim;
  box->shape = box_tensor.shape;
  for (int i = 0; i < full.ndim; ++i) {
    const int64_t s = i < step->len && step->ints[i] != MX_ATTR_NONE_INT ? step->ints[i] : 1;
    box->step[i] = s;
    box->begin[i] = i < begin->len ? SliceStart(begin->ints[i], s, full.shape[i]) : 0;
  }
  return true;
}

// Calls f(box_offset, full_offset) for every element of the box, in row-major
// order of the box, rows split across threads.
template <typename F>
void ForEachInBox(const Box& box, const int64_t* full_shape, F&& f) {
  const int nd = box.ndim;
  int64_t stride[MX_MAX_NDIM];
  int64_t s = 1;
  for (int i = nd - 1; i >= 0; --i) {
    stride[i] = s;
    s *= full_shape[i];
  }
  const int64_t row = box.shape[nd - 1];
  int64_t rows = 1;
  for (int i = 0; i < nd - 1; ++i) rows *= box.shape[i];
  if (row == 0 || rows == 0) return;
  const int64_t inner = stride[nd - 1] * box.step[nd - 1];
  ParallelFor(rows, std::max<int64_t>(1, 65536 / row), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t full_off = box.begin[nd - 1] * stride[nd - 1];
      for (int64_t rest = r, i = nd - 2; i >= 0; --i) {
        const int64_t coord = rest % box.shape[i];
        rest /= box.shape[i];
        full_off += (box.begin[i] + coord * box.step[i]) * stride[i];
      }
      for (int64_t k = 0; k < row; ++k) f(r * row + k, full_off + k * inner);
    }
  });
}

// The box of `compact`'s shape at the origin of `full` (slice_like's).
Box CornerBox(const DLTensor& full, const DLTensor& compact) {
  Box box;
  box.ndim = full.ndim;
  box.shape = compact.shape;
  for (int i = 0; i < box.ndim; ++i) {
    box.begin[i] = 0;
    box.step[i] = 1;
  }
  return box;
}

// Copies the box of `full` out to `compact`.
int Gather(const DLTensor& full, const DLTensor& compact, const Box& box) {
  const bool ok = DispatchElementSize(full.dtype, [&](auto zero) {
    using U = decltype(zero);
    const U* src = Data<U>(full);
    U* dst = Data<U>(compact);
    ForEachInBox(box, full.shape, [&](int64_t b, int64_t f) { dst[b] = src[f]; });
  });
  return ok ? 0 : Fail("slice: unsupported dtype");
}

int Slice(const MXKernelCall* call) {
  Box box;
  if (!SliceBox(call, call->inputs[0], call->outputs[0], &box)) return Fail("slice: missing begin/step");
  return Gather(call->inputs[0], call->outputs[0], box);
}

// slice_axis's box in `full`: `compact`'s count of `axis` from begin, every
// other axis whole.
Box SliceAxisBox(const MXKernelCall* call, const DLTensor& full, const DLTensor& compact) {
  const MXAttr* axis_attr = mx_attr_find(call->attrs, call->num_attrs, "axis");
  const MXAttr* begin = mx_attr_find(call->attrs, call->num_attrs, "begin");
  Box box = CornerBox(full, compact);
  const int axis = static_cast<int>(axis_attr->i < 0 ? axis_attr->i + full.ndim : axis_attr->i);
  box.begin[axis] = begin->i < 0 ? begin->i + full.shape[axis] : begin->i;
  return box;
}

// Writes `compact` into the box of `full`.
int Scatter(const DLTensor& compact, const DLTensor& full, const Box& box) {
  const bool ok = DispatchElementSize(full.dtype, [&](auto zero) {
    using U = decltype(zero);
    const U* src = Data<U>(compact);
    U* dst = Data<U>(full);
    ForEachInBox(box, full.shape, [&](int64_t b, int64_t f) { dst[f] = src[b]; });
  });
  return ok ? 0 : Fail("slice assignment: unsupported dtype");
}

// The gradients of slice_axis and slice_like: zeros with ograd in the box.
int ScatterIntoZeros(const DLTensor& compact, const DLTensor& full, const Box& box) {
  const size_t bytes = static_cast<size_t>(NumElements(full)) * ElementBytes(full);
  if (bytes) std::memset(full.data, 0, bytes);
  return Scatter(compact, full, box);
}

int SliceAxis(const MXKernelCall* call) {
  return Gather(call->inputs[0], call->outputs[0], SliceAxisBox(call, call->inputs[0], call->outputs[0]));
}

int SliceLike(const MXKernelCall* call) {
  return Gather(call->inputs[0], call->outputs[0], CornerBox(call->inputs[0], call->outputs[0]));
}

int SliceAxisBackward(const MXKernelCall* call) {
  const DLTensor &ograd = call->inputs[0], &grad = call->outputs[0];
  return ScatterIntoZeros(ograd, grad, SliceAxisBox(call, grad, ograd));
}

int SliceLikeBackward(const MXKernelCall* call) {
  const DLTensor &ograd = call->inputs[0], &grad = call->outputs[0];
  return ScatterIntoZeros(ograd, grad, CornerBox(grad, ograd));
}

int SliceAssign(const MXKernelCall* call) {
  const DLTensor& out = call->outputs[0];
  const DLTensor& rhs = call->inputs[1];
  Box box;
  if (!SliceBox(call, out, rhs, &box)) return Fail("_slice_assign: missing begin/step");
  CopyUnlessInplace(call, call->inputs[0], out);
  return Scatter(rhs, out, box);
}

int SliceAssignScalar(const MXKernelCall* call) {
  const DLTensor& out = call->outputs[0];
  const MXAttr* scalar = mx_attr_find(call->attrs, call->num_attrs, "scalar");
  if (!scalar) return Fail("_slice_assign_scalar: missing scalar");
  // The box's shape: slice's, recomputed here since no tensor carries it.
  const MXAttr* begin = mx_attr_find(call->attrs, call->num_attrs, "begin");
  const MXAttr* end = mx_attr_find(call->attrs, call->num_attrs, "end");
  if (!begin || !end) return Fail("_slice_assign_scalar: missing begin/end");
  Box box;
  DLTensor shape_holder = out;
  int64_t box_shape[MX_MAX_NDIM];
  shape_holder.shape = box_shape;
  for (int i = 0; i < out.ndim; ++i) box_shape[i] = out.shape[i];
  if (!SliceBox(call, out, shape_holder, &box)) return Fail("_slice_assign_scalar: missing begin/step");
  for (int i = 0; i < begin->len; ++i) {
    const int64_t len = out.shape[i], s = box.step[i];
    int64_t e = end->ints[i];
    if (e == MX_ATTR_NONE_INT) e = s > 0 ? len : -1;
    else e = SliceStart(e, s, len);
    const int64_t b = box.begin[i];
    box_shape[i] = s > 0 ? (e > b ? (e - b - 1) / s + 1 : 0) : (b > e ? (b - e - 1) / -s + 1 : 0);
  }
  CopyUnlessInplace(call, call->inputs[0], out);
  const bool ok = DispatchDType(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T v = FromDouble<T>(scalar->f);
    T* dst = Data<T>(out);
    ForEachInBox(box, out.shape, [&](int64_t, int64_t f) { dst[f] = v; });
  });
  return ok ? 0 : Fail("_slice_assign_scalar: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(slice) {
  if (int rc = RegisterKernel("slice", Slice, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("slice_axis", SliceAxis, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("slice_like", SliceLike, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("_backward_slice_axis", SliceAxisBackward, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("_backward_slice_like", SliceLikeBackward, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("_slice_assign", SliceAssign, nullptr, kAll)) return rc;
  return RegisterKernel("_slice_assign_scalar", SliceAssignScalar, nullptr, kAll);
}

}  // namespace mx_cpu
