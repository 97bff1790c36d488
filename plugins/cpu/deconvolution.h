// Deconvolution's forward kernel for callers that choose its geometry
// themselves: UpSampling's bilinear mode is a grouped Deconvolution whose
// kernel, stride and pad follow from the scale.
#ifndef MX_PLUGINS_CPU_DECONVOLUTION_H_
#define MX_PLUGINS_CPU_DECONVOLUTION_H_

#include <cstddef>
#include <cstdint>

#include "spatial_geometry.h"

namespace mx_cpu {

struct DeconvShape {
  SpatialGeometry g;  // image: the output; windows: the input positions
  int64_t groups = 1, channels = 1, filters = 1;
  int64_t group_channels = 1, group_rows = 1;  // C/G and F/G * K
};

// The shape of a deconvolution of `data` (N, C, *windows) into `out`
// (N, F, *image) in `groups` groups with g's kernel, stride, dilate and pad.
DeconvShape MakeDeconvShape(const SpatialGeometry& g, int64_t groups, const DLTensor& data, const DLTensor& out);

// Workspace bytes, and the kernel: call's inputs are data, weight and an
// optional bias, its output 0 the result.  `op` names the op in errors.
size_t DeconvolutionWorkspace(const MXKernelCall* call, const DeconvShape& s);
int RunDeconvolution(const MXKernelCall* call, const DeconvShape& s, const char* op);

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_DECONVOLUTION_H_
