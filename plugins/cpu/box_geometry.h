// Box geometry shared by the bounding-box kernels (ops/contrib): boxes
// read in either encoding as corners, areas and IoU as MXNet 1.9's
// bounding_box-inl.h computes them.
#ifndef MX_PLUGINS_CPU_BOX_GEOMETRY_H_
#define MX_PLUGINS_CPU_BOX_GEOMETRY_H_

#include <algorithm>
#include <cstring>

#include "kernel_util.h"

namespace mx_cpu {

template <typename C>
struct CornerBox {
  C x1, y1, x2, y2;
};

// Whether a format attribute ("corner" | "center") names corners.
inline bool IsCornerFormat(const MXKernelCall* call, const char* name) {
  return std::strcmp(mx_attr_find(call->attrs, call->num_attrs, name)->s, "corner") == 0;
}

// The 4 values at p ([xmin, ymin, xmax, ymax] or [x, y, width, height]) as corners.
template <typename C, typename T>
CornerBox<C> LoadCorners(const T* p, bool corner) {
  const C a = static_cast<C>(p[0]), b = static_cast<C>(p[1]), c = static_cast<C>(p[2]), d = static_cast<C>(p[3]);
  if (corner) return {a, b, c, d};
  return {a - c / 2, b - d / 2, a + c / 2, b + d / 2};
}

// 0 for a negative width or height.
template <typename C>
C BoxArea(const CornerBox<C>& b) {
  const C w = b.x2 - b.x1, h = b.y2 - b.y1;
  return w < 0 || h < 0 ? C(0) : w * h;
}

// The overlap of [l1, r1] and [l2, r2], 0 if none.
template <typename C>
C Overlap(C l1, C r1, C l2, C r2) {
  const C w = std::min(r1, r2) - std::max(l1, l2);
  return w > 0 ? w : C(0);
}

template <typename C>
C Intersection(const CornerBox<C>& a, const CornerBox<C>& b) {
  return Overlap(a.x1, a.x2, b.x1, b.x2) * Overlap(a.y1, a.y2, b.y1, b.y2);
}

// Intersection over union as box_iou gives it: 0 for boxes that do not
// intersect.  (box_nms divides regardless: 0 / 0 for two empty boxes.)
template <typename C>
C BoxIoU(const CornerBox<C>& a, const CornerBox<C>& b) {
  const C inter = Intersection(a, b);
  return inter > 0 ? inter / (BoxArea(a) + BoxArea(b) - inter) : C(0);
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_BOX_GEOMETRY_H_
