// Kernels of Concat, stack, SliceChannel, _split_v2 and Concat's gradient.  Seen from
// the join axis, every array is `outer` rows (the product of the dims before
// the axis) and each joined row is the parts' rows side by side: a join
// copies part rows into the whole, a split copies them out.
#include <cstring>
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

int64_t Outer(const DLTensor& whole, int axis) {
  int64_t outer = 1;
  for (int k = 0; k < axis; ++k) outer *= whole.shape[k];
  return outer;
}

// Copies between the whole array and its parts, row by row; `join` picks
// the direction.
void Interleave(const DLTensor& whole, const DLTensor* parts, int num_parts, int axis, bool join) {
  const int64_t outer = Outer(whole, axis);
  if (outer == 0 || NumElements(whole) == 0) return;
  const size_t elem = ElementSize(whole);
  std::vector<size_t> part_bytes(num_parts);
  size_t row_bytes = 0;
  for (int p = 0; p < num_parts; ++p) {
    part_bytes[p] = static_cast<size_t>(NumElements(parts[p]) / outer) * elem;
    row_bytes += part_bytes[p];
  }
  char* whole_data = static_cast<char*>(whole.data);
  ParallelFor(outer, std::max<int64_t>(1, 65536 / static_cast<int64_t>(row_bytes)), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      char* row = whole_data + r * row_bytes;
      for (int p = 0; p < num_parts; ++p) {
        char* part = static_cast<char*>(parts[p].data) + r * part_bytes[p];
        if (join) std::memcpy(row, part, part_bytes[p]);
        else std::memcpy(part, row, part_bytes[p]);
        row += part_bytes[p];
      }
    }
  });
}

constexpr char kDim[] = "dim";
constexpr char kAxis[] = "axis";

// Concat's "dim" and stack's "axis" both index the output.
template <const char* kAxisParam>
int Join(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor& out = call->outputs[0];
  Interleave(out, call->inputs, call->num_inputs, AxisIndex(Param(call, kAxisParam).i, out.ndim), true);
  return 0;
}

// SliceChannel's and _split_v2's "axis" and _backward_Concat's "dim"
// (Concat's gradient splits ograd) all index the input; the parts' sizes
// come from their shapes.
template <const char* kAxisParam>
int Split(const MXKernelCall* call) {
  for (int k = 0; k < call->num_outputs; ++k)
    if (call->req[k] == MX_REQ_ADD) return Fail("splitting operators do not support req=add");
  const DLTensor& in = call->inputs[0];
  Interleave(in, call->outputs, call->num_outputs, AxisIndex(Param(call, kAxisParam).i, in.ndim), false);
  return 0;
}

}  // namespace

MX_CPU_KERNELS(concat_split) {
  if (int rc = RegisterKernel("Concat", Join<kDim>, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("stack", Join<kAxis>, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("_backward_Concat", Split<kDim>, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("_split_v2", Split<kAxis>, nullptr, kAll)) return rc;
  return RegisterKernel("SliceChannel", Split<kAxis>, nullptr, kAll);
}

}  // namespace mx_cpu
