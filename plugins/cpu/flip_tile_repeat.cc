// Kernels that reorder or replicate elements along axes: reverse, repeat,
// and the replicating family tile / broadcast_to / broadcast_like /
// broadcast_axis.  Each describes its output as per-axis source offsets for
// GatherCopy; the gradients of tile and repeat describe the same copies as
// per-axis index maps for SumCopies.
#include <algorithm>
#include <vector>

#include "layout_adjoint.h"
#include "layout_copy.h"

namespace mx_cpu {

namespace {

int Reverse(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const MXAttr& axes = Param(call, "axis");
  // An axis named twice is reversed twice, as in MXNet.
  std::vector<bool> flipped(in.ndim, false);
  for (int k = 0; k < axes.len; ++k) {
    const int axis = AxisIndex(axes.ints[k], in.ndim);
    flipped[axis] = !flipped[axis];
  }
  const std::vector<int64_t> strides = RowMajorStrides(in);
  AxisOffsets offsets(in.ndim);
  for (int k = 0; k < in.ndim; ++k) {
    offsets[k] = StridedOffsets(in.shape[k], strides[k]);
    if (flipped[k]) std::reverse(offsets[k].begin(), offsets[k].end());
  }
  GatherCopy(in.data, out.data, ElementSize(in), offsets);
  return 0;
}

// Output element i along an axis reads input element i / repeats.
std::vector<int64_t> RepeatOffsets(int64_t out_dim, int64_t repeats, int64_t stride) {
  std::vector<int64_t> offsets(out_dim);
  for (int64_t i = 0; i < out_dim; ++i) offsets[i] = (i / repeats) * stride;
  return offsets;
}

int Repeat(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  if (NumElements(out) == 0) return 0;
  const int64_t repeats = Param(call, "repeats").i;
  const MXAttr& axis = Param(call, "axis");
  AxisOffsets offsets;
  if (axis.is_none) {
    offsets.push_back(RepeatOffsets(out.shape[0], repeats, 1));  // the flattened input
  } else {
    const int a = AxisIndex(axis.i, in.ndim);
    const std::vector<int64_t> strides = RowMajorStrides(in);
    for (int k = 0; k < in.ndim; ++k)
      offsets.push_back(k == a ? RepeatOffsets(out.shape[k], repeats, strides[k])
                               : StridedOffsets(in.shape[k], strides[k]));
  }
  GatherCopy(in.data, out.data, ElementSize(in), offsets);
  return 0;
}

// tile and the broadcasts: input axes align with the output's last axes
// (missing leading ones act as size 1) and output index i reads input index
// i % size -- 0 for a broadcast size-1 axis, the wrapped index for a tile.
int Replicate(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  if (NumElements(out) == 0) return 0;
  const std::vector<int64_t> strides = RowMajorStrides(in);
  const int lead = out.ndim - in.ndim;
  AxisOffsets offsets(out.ndim);
  for (int k = 0; k < out.ndim; ++k) {
    const int64_t size = k >= lead ? in.shape[k - lead] : 1;
    const int64_t stride = k >= lead ? strides[k - lead] : 0;
    offsets[k].resize(out.shape[k]);
    for (int64_t i = 0; i < out.shape[k]; ++i) offsets[k][i] = (i % size) * stride;
  }
  GatherCopy(in.data, out.data, ElementSize(in), offsets);
  return 0;
}

// -- gradients: every data element sums the ograd elements that copied it --------

// The index map i -> i % size of one tiled axis.
std::vector<int64_t> WrappedSources(int64_t out_dim, int64_t size) {
  std::vector<int64_t> sources(out_dim);
  for (int64_t i = 0; i < out_dim; ++i) sources[i] = i % size;
  return sources;
}

// The index map i -> i / repeats of one repeated axis (or of the flattened data).
std::vector<int64_t> RepeatedSources(int64_t out_dim, int64_t repeats) {
  std::vector<int64_t> sources(out_dim);
  for (int64_t i = 0; i < out_dim; ++i) sources[i] = i / repeats;
  return sources;
}

// _backward_tile(ograd, data).
int TileBackward(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &ograd = call->inputs[0], &data = call->inputs[1];
  const int lead = ograd.ndim - data.ndim;
  std::vector<int64_t> dims(ograd.ndim);
  AxisSources sources(ograd.ndim);
  for (int k = 0; k < ograd.ndim; ++k) {
    dims[k] = k >= lead ? data.shape[k - lead] : 1;
    sources[k] = WrappedSources(ograd.shape[k], dims[k]);
  }
  return SumCopies(ograd, call->outputs[0], dims, sources);
}

// _backward_repeat(ograd, data).
int RepeatBackward(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &ograd = call->inputs[0], &data = call->inputs[1];
  const int64_t repeats = Param(call, "repeats").i;
  const MXAttr& axis = Param(call, "axis");
  if (axis.is_none || repeats == 0)  // ograd repeats the flattened data (repeats 0: as ops/ shapes it)
    return SumCopies(ograd, call->outputs[0], {NumElements(data)}, {RepeatedSources(ograd.shape[0], repeats)});
  const int a = AxisIndex(axis.i, data.ndim);
  std::vector<int64_t> dims(data.shape, data.shape + data.ndim);
  AxisSources sources(data.ndim);
  for (int k = 0; k < data.ndim; ++k)
    sources[k] = k == a ? RepeatedSources(ograd.shape[k], repeats) : WrappedSources(ograd.shape[k], dims[k]);
  return SumCopies(ograd, call->outputs[0], dims, sources);
}

}  // namespace

MX_CPU_KERNELS(flip_tile_repeat) {
  if (int rc = RegisterKernel("_backward_tile", TileBackward, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("_backward_repeat", RepeatBackward, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("reverse", Reverse, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("repeat", Repeat, nullptr, kAll)) return rc;
  for (const char* name : {"tile", "broadcast_to", "broadcast_like", "broadcast_axis"})
    if (int rc = RegisterKernel(name, Replicate, nullptr, kAll)) return rc;
  return 0;
}

}  // namespace mx_cpu
