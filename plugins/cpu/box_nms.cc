// _contrib_box_nms and _backward_contrib_box_nms kernels (semantics:
// ops/contrib/box_nms.cc): one batch item per task, greedy suppression in
// Acc<T> with float thresholds, as MXNet compares them.
#include <algorithm>
#include <cmath>
#include <vector>

#include "box_geometry.h"
#include "float_dispatch.h"

namespace mx_cpu {

namespace {

struct NMSParams {
  float overlap_thresh, valid_thresh;
  int64_t topk, coord_start, score_index, id_index, background_id;
  bool force_suppress, in_corner, out_corner;

  explicit NMSParams(const MXKernelCall* call) {
    auto attr = [call](const char* name) { return mx_attr_find(call->attrs, call->num_attrs, name); };
    overlap_thresh = static_cast<float>(attr("overlap_thresh")->f);
    valid_thresh = static_cast<float>(attr("valid_thresh")->f);
    topk = attr("topk")->i;
    coord_start = attr("coord_start")->i;
    score_index = attr("score_index")->i;
    id_index = attr("id_index")->i;
    background_id = attr("background_id")->i;
    force_suppress = attr("force_suppress")->i != 0;
    in_corner = IsCornerFormat(call, "in_format");
    out_corner = IsCornerFormat(call, "out_format");
  }
};

// Writes row `src` (width values) as an output row, its box in out_format.
template <typename T>
void CopyRow(const T* src, T* dst, int64_t width, const NMSParams& p) {
  using C = typename Acc<T>::type;
  std::copy_n(src, width, dst);
  if (p.in_corner == p.out_corner) return;
  const T* in = src + p.coord_start;
  T* out = dst + p.coord_start;
  if (p.out_corner) {
    const CornerBox<C> b = LoadCorners<C>(in, false);
    out[0] = static_cast<T>(b.x1), out[1] = static_cast<T>(b.y1), out[2] = static_cast<T>(b.x2),
    out[3] = static_cast<T>(b.y2);
    return;
  }
  const C w = static_cast<C>(in[2]) - static_cast<C>(in[0]), h = static_cast<C>(in[3]) - static_cast<C>(in[1]);
  out[0] = static_cast<T>(static_cast<C>(in[0]) + w / 2);
  out[1] = static_cast<T>(static_cast<C>(in[1]) + h / 2);
  out[2] = static_cast<T>(w);
  out[3] = static_cast<T>(h);
}

// One batch item: rows (boxes x width) in, out and record.
template <typename T>
void SuppressBatch(const T* rows, int64_t boxes, int64_t width, const NMSParams& p, T* out, int32_t* record) {
  using C = typename Acc<T>::type;
  auto score = [&](int64_t k) { return static_cast<C>(rows[k * width + p.score_index]); };
  auto id = [&](int64_t k) { return static_cast<C>(rows[k * width + p.id_index]); };
  // classes compare as integers (truncated), as in MXNet; background_id as a value
  auto same_class = [&](int64_t a, int64_t b) { return std::trunc(id(a)) == std::trunc(id(b)); };
  std::vector<int64_t> order;
  for (int64_t k = 0; k < boxes; ++k)
    if (score(k) > static_cast<C>(p.valid_thresh) &&
        !(p.id_index >= 0 && id(k) == static_cast<C>(p.background_id)))
      order.push_back(k);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return score(a) > score(b); });
  if (p.topk > 0 && static_cast<int64_t>(order.size()) > p.topk) order.resize(p.topk);
  std::vector<CornerBox<C>> corners(order.size());
  std::vector<C> areas(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    corners[i] = LoadCorners<C>(rows + order[i] * width + p.coord_start, p.in_corner);
    areas[i] = BoxArea(corners[i]);
  }
  const bool any_class = p.force_suppress || p.id_index < 0;
  std::vector<char> kept(order.size(), 1);
  int64_t count = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    if (!kept[i]) continue;
    for (size_t j = i + 1; j < order.size(); ++j) {
      if (!kept[j] || !(any_class || same_class(order[i], order[j]))) continue;
      const C inter = Intersection(corners[i], corners[j]);
      if (inter / (areas[i] + areas[j] - inter) > static_cast<C>(p.overlap_thresh)) kept[j] = 0;
    }
    CopyRow(rows + order[i] * width, out + count * width, width, p);
    record[count++] = static_cast<int32_t>(order[i]);
  }
  std::fill(out + count * width, out + boxes * width, T(-1));
  std::fill(record + count, record + boxes, -1);
}

int BoxNMSForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL && call->req[1] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD || call->req[1] == MX_REQ_ADD)
    return Fail("_contrib_box_nms does not support req=add");
  const NMSParams p(call);
  const DLTensor& data = call->inputs[0];
  const int64_t width = data.shape[data.ndim - 1], boxes = data.shape[data.ndim - 2];
  const int64_t batch = boxes * width != 0 ? NumElements(data) / (boxes * width) : 0;
  int32_t* record = Data<int32_t>(call->outputs[1]);
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* x = Data<T>(data);
    T* y = Data<T>(call->outputs[0]);
    if (p.topk == 0) {  // MXNet's shortcut: the input unchanged
      std::copy_n(x, NumElements(data), y);
      for (int64_t i = 0; i < batch * boxes; ++i) record[i] = static_cast<int32_t>(i % boxes);
      return;
    }
    ParallelFor(batch, 1, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b)
        SuppressBatch(x + b * boxes * width, boxes, width, p, y + b * boxes * width, record + b * boxes);
    });
  });
  return ok ? 0 : Fail("_contrib_box_nms: unsupported dtype");
}

// inputs: out_grad, record; output: data's gradient.
int BoxNMSBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_contrib_box_nms does not support req=add");
  const DLTensor& grad = call->inputs[0];
  const int64_t width = grad.shape[grad.ndim - 1], boxes = grad.shape[grad.ndim - 2];
  const int64_t rows = width != 0 ? NumElements(grad) / width : 0;
  const int32_t* record = Data<int32_t>(call->inputs[1]);
  const bool ok = DispatchFloat(MXDType(grad.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* g = Data<T>(grad);
    T* dx = Data<T>(call->outputs[0]);
    std::fill_n(dx, NumElements(grad), T(0));
    for (int64_t i = 0; i < rows; ++i) {
      const int32_t from = record[i];
      if (from < 0 || from >= boxes) continue;  // only the forward's records are meaningful
      T* row = dx + ((i / boxes) * boxes + from) * width;
      for (int64_t k = 0; k < width; ++k) row[k] = static_cast<T>(row[k] + g[i * width + k]);
    }
  });
  return ok ? 0 : Fail("_backward_contrib_box_nms: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(box_nms) {
  if (int rc = RegisterKernel("_contrib_box_nms", BoxNMSForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_contrib_box_nms", BoxNMSBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
