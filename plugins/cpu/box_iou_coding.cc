// _contrib_box_iou, _contrib_box_encode and _contrib_box_decode kernels
// (semantics: ops/contrib/box_iou.cc, box_coding.cc), in Acc<T> with float
// parameters, as MXNet computes them.
#include <cmath>
#include <cstdio>
#include <string>

#include "box_geometry.h"
#include "float_dispatch.h"

namespace mx_cpu {

namespace {

float FloatAttr(const MXKernelCall* call, const char* name) {
  return static_cast<float>(mx_attr_find(call->attrs, call->num_attrs, name)->f);
}

template <typename T>
void BoxIou(const DLTensor& lhs, const DLTensor& rhs, const DLTensor& out, bool corner) {
  using C = typename Acc<T>::type;
  const int64_t nl = NumElements(lhs) / 4, nr = NumElements(rhs) / 4;
  const T *l = Data<T>(lhs), *r = Data<T>(rhs);
  T* y = Data<T>(out);
  ParallelFor(nl, std::max<int64_t>(1, 16384 / std::max<int64_t>(nr, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const CornerBox<C> a = LoadCorners<C>(l + 4 * i, corner);
      for (int64_t j = 0; j < nr; ++j) y[i * nr + j] = static_cast<T>(BoxIoU(a, LoadCorners<C>(r + 4 * j, corner)));
    }
  });
}

int BoxIouForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_contrib_box_iou does not support req=add");
  const bool corner = IsCornerFormat(call, "format");
  const bool ok = DispatchFloat(MXDType(call->inputs[0].dtype), [&](auto zero) {
    BoxIou<decltype(zero)>(call->inputs[0], call->inputs[1], call->outputs[0], corner);
  });
  return ok ? 0 : Fail("_contrib_box_iou: unsupported dtype");
}

// The box at p as center x, y, width and height.
template <typename C, typename T>
void LoadCenter(const T* p, bool corner, C out[4]) {
  for (int k = 0; k < 4; ++k) out[k] = static_cast<C>(p[k]);
  if (!corner) return;
  out[2] -= out[0];
  out[3] -= out[1];
  out[0] += out[2] * C(0.5);
  out[1] += out[3] * C(0.5);
}

// An error message for a match outside refs, else "".
template <typename T>
std::string BoxEncode(const MXKernelCall* call) {
  using C = typename Acc<T>::type;
  const DLTensor &anchors = call->inputs[2], &refs = call->inputs[3];
  const int64_t batch = anchors.shape[0], boxes = anchors.shape[1], num_refs = refs.shape[1];
  const T *samples = Data<T>(call->inputs[0]), *matches = Data<T>(call->inputs[1]);
  const T *a = Data<T>(anchors), *r = Data<T>(refs);
  const T *means = Data<T>(call->inputs[4]), *stds = Data<T>(call->inputs[5]);
  T *targets = Data<T>(call->outputs[0]), *masks = Data<T>(call->outputs[1]);
  for (int64_t i = 0; i < batch * boxes; ++i) {
    std::fill_n(targets + 4 * i, 4, T(0));
    std::fill_n(masks + 4 * i, 4, T(0));
    if (!(static_cast<C>(samples[i]) > C(0.5))) continue;
    const C match = static_cast<C>(matches[i]);
    if (!(match >= 0 && match < static_cast<C>(num_refs))) {
      char text[160];
      std::snprintf(text, sizeof(text),
                    "_contrib_box_encode: positive sample %lld is matched to ref %g, outside [0, %lld)",
                    static_cast<long long>(i), static_cast<double>(match), static_cast<long long>(num_refs));
      return text;
    }
    C ref[4], anchor[4];
    LoadCenter(r + 4 * ((i / boxes) * num_refs + static_cast<int64_t>(match)), true, ref);
    LoadCenter(a + 4 * i, true, anchor);
    const C encoded[4] = {(ref[0] - anchor[0]) / anchor[2], (ref[1] - anchor[1]) / anchor[3],
                          std::log(ref[2] / anchor[2]), std::log(ref[3] / anchor[3])};
    for (int k = 0; k < 4; ++k) {
      targets[4 * i + k] = static_cast<T>((encoded[k] - static_cast<C>(means[k])) / static_cast<C>(stds[k]));
      masks[4 * i + k] = T(1);
    }
  }
  return "";
}

int BoxEncodeForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL && call->req[1] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD || call->req[1] == MX_REQ_ADD)
    return Fail("_contrib_box_encode does not support req=add");
  std::string error;
  const bool ok = DispatchFloat(MXDType(call->inputs[2].dtype), [&](auto zero) {
    error = BoxEncode<decltype(zero)>(call);
  });
  if (!ok) return Fail("_contrib_box_encode: unsupported dtype");
  return error.empty() ? 0 : Fail(error.c_str());
}

template <typename T>
void BoxDecode(const MXKernelCall* call, bool corner) {
  using C = typename Acc<T>::type;
  const DLTensor& data = call->inputs[0];
  const int64_t boxes = data.shape[1], n = data.shape[0] * boxes;
  const C stds[4] = {FloatAttr(call, "std0"), FloatAttr(call, "std1"), FloatAttr(call, "std2"),
                     FloatAttr(call, "std3")};
  const C clip = FloatAttr(call, "clip");
  const T *d = Data<T>(data), *a = Data<T>(call->inputs[1]);
  T* y = Data<T>(call->outputs[0]);
  ParallelFor(n, 8192, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      C anchor[4];
      LoadCenter(a + 4 * (i % boxes), corner, anchor);
      const T* v = d + 4 * i;
      const C x = static_cast<C>(v[0]) * stds[0] * anchor[2] + anchor[0];
      const C cy = static_cast<C>(v[1]) * stds[1] * anchor[3] + anchor[1];
      C dw = static_cast<C>(v[2]) * stds[2], dh = static_cast<C>(v[3]) * stds[3];
      if (clip > 0) {
        dw = dw < clip ? dw : clip;
        dh = dh < clip ? dh : clip;
      }
      const C half_w = std::exp(dw) * anchor[2] * C(0.5), half_h = std::exp(dh) * anchor[3] * C(0.5);
      y[4 * i] = static_cast<T>(x - half_w);
      y[4 * i + 1] = static_cast<T>(cy - half_h);
      y[4 * i + 2] = static_cast<T>(x + half_w);
      y[4 * i + 3] = static_cast<T>(cy + half_h);
    }
  });
}

int BoxDecodeForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_contrib_box_decode does not support req=add");
  const bool corner = IsCornerFormat(call, "format");
  const bool ok = DispatchFloat(MXDType(call->inputs[0].dtype), [&](auto zero) {
    BoxDecode<decltype(zero)>(call, corner);
  });
  return ok ? 0 : Fail("_contrib_box_decode: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(box_iou_coding) {
  if (int rc = RegisterKernel("_contrib_box_iou", BoxIouForward, nullptr, kFloats)) return rc;
  if (int rc = RegisterKernel("_contrib_box_encode", BoxEncodeForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_contrib_box_decode", BoxDecodeForward, nullptr, kFloats);
}

}  // namespace mx_cpu
