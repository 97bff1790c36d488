// The gradient engine of the replicating layout ops (tile, repeat, Pad): each
// output axis reads one source axis through an index map, so the gradient of
// the source sums the output gradient along each axis in turn.
#ifndef MX_PLUGINS_CPU_LAYOUT_ADJOINT_H_
#define MX_PLUGINS_CPU_LAYOUT_ADJOINT_H_

#include <cstdint>
#include <vector>

#include "kernel_util.h"

namespace mx_cpu {

// An index map per axis of the output gradient: sources[k][i] is the index
// along axis k of the source that output index i copied, or -1 when it copied
// nothing (a constant fill).
using AxisSources = std::vector<std::vector<int64_t>>;

// grad (compact) = the sum, for every output element, of ograd into the
// source element it copied.  source_dims are the source's sizes seen with
// ograd's axes (1 where the output added an axis); grad holds their product
// elements.  Accumulates in double.  Fails on an unsupported dtype.
int SumCopies(const DLTensor& ograd, const DLTensor& grad, const std::vector<int64_t>& source_dims,
              const AxisSources& sources);

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_LAYOUT_ADJOINT_H_
