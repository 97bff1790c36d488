// The window geometry of the spatial layer kernels (Convolution,
// Deconvolution, Pooling), read from a kernel call and widened to three
// spatial axes: a 1-D or 2-D problem is a 3-D one whose leading axes have
// size 1, kernel 1, stride 1 and no padding, so one set of loops serves all.
#ifndef MX_PLUGINS_CPU_SPATIAL_GEOMETRY_H_
#define MX_PLUGINS_CPU_SPATIAL_GEOMETRY_H_

#include <cstdint>
#include <cstring>

#include "kernel_util.h"

namespace mx_cpu {

struct SpatialGeometry {
  int64_t batch = 1, channels = 1;    // of the image (data for Convolution / Pooling)
  int64_t in[3] = {1, 1, 1};          // image spatial sizes (d, h, w)
  int64_t out[3] = {1, 1, 1};         // window positions per axis
  int64_t kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1};
  int64_t dilate[3] = {1, 1, 1};
  int64_t pad[3] = {0, 0, 0};

  int64_t InSize() const { return in[0] * in[1] * in[2]; }
  int64_t OutSize() const { return out[0] * out[1] * out[2]; }
  int64_t KernelSize() const { return kernel[0] * kernel[1] * kernel[2]; }
  // Every window is one pixel of the image: the image is its own column matrix.
  bool Pointwise() const {
    for (int i = 0; i < 3; ++i)
      if (kernel[i] != 1 || stride[i] != 1 || pad[i] != 0 || in[i] != out[i]) return false;
    return true;
  }
};

// Channel-first layouts only: true when `layout` is absent, None or N C ...
inline bool ChannelFirst(const MXKernelCall* call) {
  const MXAttr* a = mx_attr_find(call->attrs, call->num_attrs, "layout");
  return !a || a->is_none || !a->s || a->s[1] == 'C';
}

// The geometry of `image` (N, C, *spatial) against `windows` (N, C', *out
// spatial) for the call's kernel / stride / dilate / pad parameters (empty
// tuples: 1 / 1 / 0).  global: the kernel covers the image, no pad, stride 1.
inline SpatialGeometry ReadGeometry(const MXKernelCall* call, const DLTensor& image, const DLTensor& windows,
                                    bool global = false) {
  SpatialGeometry g;
  const int ndim = image.ndim - 2, lead = 3 - ndim;
  g.batch = image.shape[0];
  g.channels = image.shape[1];
  for (int i = 0; i < ndim; ++i) {
    g.in[lead + i] = image.shape[2 + i];
    g.out[lead + i] = windows.shape[2 + i];
  }
  if (global) {
    for (int i = 0; i < 3; ++i) g.kernel[i] = g.in[i];
    return g;
  }
  const auto read = [&](const char* name, int64_t* dst) {
    const MXAttr* a = mx_attr_find(call->attrs, call->num_attrs, name);
    if (a && a->len == ndim)
      for (int i = 0; i < ndim; ++i) dst[lead + i] = a->ints[i];
  };
  read("kernel", g.kernel);
  read("stride", g.stride);
  read("dilate", g.dilate);
  read("pad", g.pad);
  return g;
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_SPATIAL_GEOMETRY_H_
